using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Server.Errors;
using Sightline.Server.Hosting;
using Sightline.Vision.Results;
using Sightline.Vision.Detection;
using Sightline.Vision.Segmentation;
using Sightline.Imaging;

namespace Sightline.Server.Api;

/// <summary>POST /v1/segment: semantic masks (selfie, meet, salient) or, with instances=true, one mask per detected object.</summary>
public static class SegmentationEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("segmentation");
        v1.MapPost("/segment", async (HttpRequest request, AnalysisServices analysis, string? model, string? method, bool? instances,
                float? minScore, float? threshold, string? classes, string? regions, CancellationToken ct) =>
            {
                var score = minScore ?? SegmentOptions.DefaultMinScore;
                var cut = threshold ?? SegmentOptions.DefaultThreshold;
                if (instances == true && regions is not null)
                    throw ApiProblem.BadParameter("regions applies to semantic segmentation; instances use the detector's boxes");
                return instances == true
                    ? Results.Ok(await InstancesAsync(request, analysis, model, method, score, cut, classes, ct).ConfigureAwait(false))
                    : Results.Ok(await SemanticAsync(request, analysis, model, method, regions, score, cut, classes, ct).ConfigureAwait(false));
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

    /// <summary>The models /v1/segment takes, by the short names it accepts.</summary>
    private static readonly IReadOnlyDictionary<string, string> Models = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["selfie"] = SegmentationModels.Selfie,
        ["meet"] = SegmentationModels.Meet,
        ["salient"] = SegmentationModels.Salient,
    };

    /// <summary>A short name (selfie, meet, salient) or the catalog id it stands for.</summary>
    private static string ModelFrom(string? model)
    {
        var name = model ?? "selfie";
        if (Models.TryGetValue(name, out var id))
            return id;
        return Models.Values.FirstOrDefault(v => v.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw ApiProblem.BadParameter($"model must be selfie, meet or salient (got '{name}')");
    }

    private static ModelRef Ref(AnalysisServices analysis, string id) => new(id, analysis.Store.Get(id).Version);

    /// <summary>The segment task on the request's image, decoded at its own size as <c>sightline segment</c> does, so that both give the same masks.</summary>
    private static async Task<SemanticSegmentResult> SemanticAsync(HttpRequest request, AnalysisServices analysis,
        string? model, string? method, string? regions, float minScore, float threshold, string? classes, CancellationToken ct)
    {
        // Checked as the API's parameters (minScore, not the task's minPersonScore), before any model is loaded.
        var checkedOptions = new SegmentOptions(SegmentOptions.ParseMethod(method), threshold, minScore, Regions: SegmentOptions.ParseRegions(regions));
        checkedOptions.Validate();
        var options = new SegmentTaskOptions
        {
            Model = ModelFrom(model), Method = checkedOptions.Method, Threshold = threshold, MinPersonScore = minScore, Regions = checkedOptions.Regions,
        };
        if (classes is not null)
            throw ApiProblem.BadParameter("classes applies to instances=true only");
        var run = await analysis.RunAsync<SegmentResult>(request, SegmentTask.TaskName, options, ct, DecodeSize.Original).ConfigureAwait(false);
        var detector = checkedOptions.Regions == PersonRegionSource.Detector ? Ref(analysis, Detectors.DefaultModel) : null;
        return SemanticSegmentResult.From(run.Result.Segmentation, detector, run.DecodeMs);
    }

    private static async Task<InstanceSegmentResult> InstancesAsync(HttpRequest request, AnalysisServices analysis,
        string? model, string? method, float minScore, float threshold, string? classes, CancellationToken ct)
    {
        if (model is not null || method is not null)
            throw ApiProblem.BadParameter("model and method apply to semantic segmentation; instances use selfie for people and salient for other objects");
        var options = new InstanceOptions(minScore, Threshold: threshold);
        options.Validate();
        var (segmenter, detector) = await analysis.InstanceSegmenterAsync().ConfigureAwait(false);
        options = options with { Classes = DetectOptions.ParseClasses(classes, detector) };
        var run = await analysis.RunAsync(request, new InstanceSegmentTask(segmenter, options), ct).ConfigureAwait(false);
        return InstanceSegmentResult.From(run.Result, segmenter.Labels, id => analysis.Store.Get(id).Version, run.DecodeMs);
    }
}
