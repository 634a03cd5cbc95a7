using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Inference.Timing;
using Sightline.Server.Errors;
using Sightline.Server.Hosting;
using Sightline.Vision.Results;
using Sightline.Vision.Detection;
using Sightline.Vision.Segmentation;
using Sightline.Vision.Segmentation.Masks;

namespace Sightline.Server.Api;

/// <summary>A mask as COCO RLE: size [height, width], counts column-major from a run of zeros, and the same counts in pycocotools' compressed string.</summary>
public sealed record RleMask(IReadOnlyList<int> Size, IReadOnlyList<int> Counts, string Compressed)
{
    public static RleMask From(BinaryMask mask)
    {
        var rle = MaskRle.Encode(mask);
        return new RleMask(rle.Size, rle.Counts, rle.Compressed);
    }
}

/// <summary>One class's share of the image.</summary>
public sealed record ClassFraction(int ClassId, string ClassName, int Pixels, double Fraction);

/// <summary>
/// Semantic segmentation: the image, the mask model (and the detector when person crops were used), the
/// method used, each class's share of the pixels, the foreground class's mask (person, or salient) and timings.
/// </summary>
public sealed record SemanticSegmentResponse(ImageSize Image, ModelRef Model, ModelRef? Detector, string Method, IReadOnlyList<ClassFraction> Classes,
    string MaskClass, RleMask Mask, StageTimings Timings);

/// <summary>One object with its own mask (RLE and outer polygons, x, y pairs in pixel-corner coordinates).</summary>
public sealed record SegmentInstance(int ClassId, string ClassName, float Score, float MaskScore, BoundingBox Box, BoundingBox NormalizedBox, int Area, string MaskSource,
    RleMask Rle, IReadOnlyList<float[]> Polygons);

/// <summary>
/// Instance segmentation: the image, the detector and both mask models, the objects, each class's share of
/// the pixels (the panoptic view: background and the detector's classes), how many objects were left
/// without a mask (over the per-image limit of salient masks), and timings.
/// </summary>
public sealed record InstanceSegmentResponse(ImageSize Image, ModelRef Detector, ModelRef PersonModel, ModelRef SalientModel,
    IReadOnlyList<SegmentInstance> Instances, IReadOnlyList<ClassFraction> Classes, int Unmasked, StageTimings Timings);

/// <summary>POST /v1/segment: semantic masks (selfie, meet, salient) or, with instances=true, one mask per detected object.</summary>
public static class SegmentationEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("segmentation");
        v1.MapPost("/segment", async (HttpRequest request, SegmentationServices services, VisionServices vision, string? model, string? method, bool? instances,
                float? minScore, float? threshold, string? classes, CancellationToken ct) =>
            {
                var score = minScore ?? SegmentOptions.DefaultMinScore;
                var cut = threshold ?? SegmentOptions.DefaultThreshold;
                return instances == true
                    ? Results.Ok(await InstancesAsync(request, services, vision, model, method, score, cut, classes, ct).ConfigureAwait(false))
                    : Results.Ok(await SemanticAsync(request, services, vision, model, method, score, cut, classes, ct).ConfigureAwait(false));
            })
            .WithName("Segment")
            .WithSummary("Which pixels are a person (or the salient object), or with instances=true each detected object's own mask (COCO RLE and polygons)")
            .WithDescription("Query: model (selfie|meet|salient, default selfie), method (auto|full|crops: whole image, or each person the detector finds; "
                + "auto uses crops for person models), minScore (least detection score for crops and instances, default 0.3), threshold (probability from which "
                + "a pixel is foreground, default 0.5), instances=true (CenterNet objects, person masks by selfie and others by U²-Net-p), classes (instances: "
                + "comma-separated class names).")
            .Produces<SemanticSegmentResponse>().Produces<InstanceSegmentResponse>()
            .Accepts<IFormFile>("multipart/form-data", "image/*", "application/octet-stream").DisableAntiforgery();
    }

    /// <summary>A short name (selfie, meet, salient) or the catalog id it stands for.</summary>
    private static string ModelFrom(string? model)
    {
        var name = model ?? "selfie";
        if (SegmentationServices.Models.TryGetValue(name, out var id))
            return id;
        return SegmentationServices.Models.Values.FirstOrDefault(v => v.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw ApiProblem.BadParameter($"model must be selfie, meet or salient (got '{name}')");
    }

    private static ModelRef Ref(VisionServices vision, string id) => new(id, vision.Store.Get(id).Version);

    private static IReadOnlyList<ClassFraction> Fractions(IReadOnlyList<ClassShare> shares) =>
        shares.Select(s => new ClassFraction(s.ClassId, s.ClassName, s.Pixels, s.Fraction)).ToList();

    private static async Task<SemanticSegmentResponse> SemanticAsync(HttpRequest request, SegmentationServices services, VisionServices vision,
        string? model, string? method, float minScore, float threshold, string? classes, CancellationToken ct)
    {
        var options = new SegmentOptions(SegmentOptions.ParseMethod(method), threshold, minScore);
        options.Validate();
        var id = ModelFrom(model);
        if (classes is not null)
            throw ApiProblem.BadParameter("classes applies to instances=true only");
        var scoreMap = await services.ModelAsync(id).ConfigureAwait(false);
        var personModel = scoreMap.Labels.Count == 2 && string.Equals(scoreMap.Labels[1], "person", StringComparison.OrdinalIgnoreCase);
        if (options.Method == SegmentationMethod.PersonCrops && !personModel)
            throw ApiProblem.BadParameter($"method=crops needs a person model (selfie or meet); '{model}' segments {string.Join(", ", scoreMap.Labels)}");
        var needsDetector = options.Method == SegmentationMethod.PersonCrops || (options.Method == SegmentationMethod.Auto && personModel);
        var detector = needsDetector ? await services.DetectorAsync().ConfigureAwait(false) : null;
        var segmenter = new SemanticSegmenter(scoreMap, detector);
        var start = Stopwatch.GetTimestamp();
        using var decoded = await ImageUpload.ReadAsync(request, null, vision.Options.ImageLimits, ct).ConfigureAwait(false);
        var decodeMs = StageTimings.Since(start);
        var result = await services.RunAsync(() => segmenter.Segment(decoded, options)).ConfigureAwait(false);
        var used = segmenter.MethodFor(options);
        return new SemanticSegmentResponse(
            new ImageSize(result.Width, result.Height), new ModelRef(result.ModelId, result.ModelVersion),
            used == SegmentationMethod.PersonCrops && detector is not null ? Ref(vision, detector.ModelId) : null,
            used == SegmentationMethod.PersonCrops ? "crops" : "full",
            Fractions(result.Classes), result.Labels[^1], RleMask.From(result.Foreground()),
            result.Timings with { PreprocessMs = result.Timings.PreprocessMs + decodeMs });
    }

    private static async Task<InstanceSegmentResponse> InstancesAsync(HttpRequest request, SegmentationServices services, VisionServices vision,
        string? model, string? method, float minScore, float threshold, string? classes, CancellationToken ct)
    {
        if (model is not null || method is not null)
            throw ApiProblem.BadParameter("model and method apply to semantic segmentation; instances use selfie for people and salient for other objects");
        var options = new InstanceOptions(minScore, Threshold: threshold);
        options.Validate();
        var detector = await services.DetectorAsync().ConfigureAwait(false);
        options = options with { Classes = DetectOptions.ParseClasses(classes, detector) };
        var person = await services.ModelAsync(SegmentationModels.Selfie).ConfigureAwait(false);
        var salient = await services.ModelAsync(SegmentationModels.Salient).ConfigureAwait(false);
        var segmenter = new InstanceSegmenter(detector, person, salient);
        var start = Stopwatch.GetTimestamp();
        using var decoded = await ImageUpload.ReadAsync(request, null, vision.Options.ImageLimits, ct).ConfigureAwait(false);
        var decodeMs = StageTimings.Since(start);
        var (result, items) = await services.RunAsync(() =>
        {
            var r = segmenter.Segment(decoded, options);
            // RLE and polygons on the worker, where the masks are.
            return Tuple.Create(r, r.Instances.Select(i => new SegmentInstance(i.ClassId, i.ClassName, i.Score, i.MaskScore, i.Box, i.NormalizedBox, i.Area,
                SourceName(i.MaskSource), RleMask.From(i.Mask), i.Polygons)).ToList());
        }).ConfigureAwait(false);
        var panoptic = result.ToSemantic(segmenter.Labels);
        return new InstanceSegmentResponse(new ImageSize(result.Width, result.Height), new ModelRef(result.DetectorId, result.DetectorVersion),
            Ref(vision, result.PersonModelId), Ref(vision, result.SalientModelId), items, Fractions(panoptic.Classes), result.Unmasked,
            result.Timings with { PreprocessMs = result.Timings.PreprocessMs + decodeMs });
    }

    private static string SourceName(MaskSource source) => source switch
    {
        MaskSource.PersonModel => "person",
        MaskSource.SalientModel => "salient",
        _ => "color",
    };
}
