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

/// <summary>POST /v1/segment: semantic masks (selfie, meet, salient) or, with instances=true, one mask per detected object.</summary>
public static class SegmentationEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("segmentation");
        v1.MapPost("/segment", async (HttpRequest request, SegmentationServices services, VisionServices vision, string? model, string? method, bool? instances,
                float? minScore, float? threshold, string? classes, string? regions, CancellationToken ct) =>
            {
                var score = minScore ?? SegmentOptions.DefaultMinScore;
                var cut = threshold ?? SegmentOptions.DefaultThreshold;
                if (instances == true && regions is not null)
                    throw ApiProblem.BadParameter("regions applies to semantic segmentation; instances use the detector's boxes");
                return instances == true
                    ? Results.Ok(await InstancesAsync(request, services, vision, model, method, score, cut, classes, ct).ConfigureAwait(false))
                    : Results.Ok(await SemanticAsync(request, services, vision, model, method, regions, score, cut, classes, ct).ConfigureAwait(false));
            })
            .WithName("Segment")
            .WithSummary("Which pixels are a person (or the salient object), or with instances=true each detected object's own mask (COCO RLE and polygons)")
            .WithDescription("Query: model (selfie|meet|salient, default selfie), method (auto|full|crops: whole image, or a crop around each person; "
                + "auto uses crops for person models), regions (detector|mask: person crops from CenterNet's person boxes, default; or from the whole-image mask, each confirmed by its crop, faster but with the mask's false positives), minScore (least detection score for crops and instances, default 0.3), threshold (probability from which "
                + "a pixel is foreground, default 0.5), instances=true (CenterNet objects, person masks by selfie and others by U²-Net-p), classes (instances: "
                + "comma-separated class names).")
            .Produces<SemanticSegmentResult>().Produces<InstanceSegmentResult>()
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

    private static async Task<SemanticSegmentResult> SemanticAsync(HttpRequest request, SegmentationServices services, VisionServices vision,
        string? model, string? method, string? regions, float minScore, float threshold, string? classes, CancellationToken ct)
    {
        var options = new SegmentOptions(SegmentOptions.ParseMethod(method), threshold, minScore, Regions: SegmentOptions.ParseRegions(regions));
        options.Validate();
        var id = ModelFrom(model);
        if (classes is not null)
            throw ApiProblem.BadParameter("classes applies to instances=true only");
        var scoreMap = await services.ModelAsync(id).ConfigureAwait(false);
        var personModel = scoreMap.Labels.Count == 2 && string.Equals(scoreMap.Labels[1], "person", StringComparison.OrdinalIgnoreCase);
        if (options.Method == SegmentationMethod.PersonCrops && !personModel)
            throw ApiProblem.BadParameter($"method=crops needs a person model (selfie or meet); '{model}' segments {string.Join(", ", scoreMap.Labels)}");
        var needsDetector = options.Regions == PersonRegionSource.Detector
            && (options.Method == SegmentationMethod.PersonCrops || (options.Method == SegmentationMethod.Auto && personModel));
        var detector = needsDetector ? await services.DetectorAsync().ConfigureAwait(false) : null;
        var segmenter = new SemanticSegmenter(scoreMap, detector);
        var start = Stopwatch.GetTimestamp();
        using var decoded = await ImageUpload.ReadAsync(request, null, vision.Options.ImageLimits, ct).ConfigureAwait(false);
        var decodeMs = StageTimings.Since(start);
        var result = await services.RunAsync(() => segmenter.Segment(decoded, options)).ConfigureAwait(false);
        return SemanticSegmentResult.From(result, detector is null ? null : Ref(vision, detector.ModelId), decodeMs);
    }

    private static async Task<InstanceSegmentResult> InstancesAsync(HttpRequest request, SegmentationServices services, VisionServices vision,
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
        // RLE and polygons on the worker, where the masks are.
        return await services.RunAsync(() => InstanceSegmentResult.From(segmenter.Segment(decoded, options), segmenter.Labels, id => vision.Store.Get(id).Version, decodeMs))
            .ConfigureAwait(false);
    }
}
