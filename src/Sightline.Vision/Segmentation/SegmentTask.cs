using System.Text.Json.Serialization;
using Sightline.Imaging;
using Sightline.Inference.Timing;
using Sightline.Vision.Detection;
using Sightline.Vision.Pipeline;
using Sightline.Vision.Segmentation.Masks;

namespace Sightline.Vision.Segmentation;

/// <summary>
/// Options of the <c>segment</c> task: the mask model (selfie, meet, salient or a catalog id) and
/// <see cref="SegmentOptions"/>'s rules, each defaulting to <see cref="SegmentOptions.Default"/>'s.
/// </summary>
public sealed record SegmentTaskOptions : TaskOptions
{
    public string Model { get; init; } = SegmentationModels.DefaultModel;
    public SegmentationMethod Method { get; init; } = SegmentOptions.Default.Method;
    public float Threshold { get; init; } = SegmentOptions.Default.Threshold;
    public float MinPersonScore { get; init; } = SegmentOptions.Default.MinPersonScore;
    public float CropPadding { get; init; } = SegmentOptions.Default.CropPadding;
    public PersonRegionSource Regions { get; init; } = SegmentOptions.Default.Regions;

    public override void Validate()
    {
        if (string.IsNullOrWhiteSpace(Model))
            throw new TaskOptionsException("model", "model must name a segmentation model");
        if (!Enum.IsDefined(Method))
            throw new TaskOptionsException("method", $"method must be auto, fullImage or personCrops, got {Method}");
        if (Threshold is <= 0 or >= 1 || float.IsNaN(Threshold))
            throw new TaskOptionsException("threshold", $"threshold must be between 0 and 1, exclusive, got {Threshold}");
        InRange("minPersonScore", MinPersonScore, 0, 1);
        InRange("cropPadding", CropPadding, 0, 2);
        if (!Enum.IsDefined(Regions))
            throw new TaskOptionsException("regions", $"regions must be detector or mask, got {Regions}");
    }

    public SegmentOptions ToSegmentOptions() => SegmentOptions.Default with
    {
        Method = Method, Threshold = Threshold, MinPersonScore = MinPersonScore, CropPadding = CropPadding, Regions = Regions,
    };
}

/// <summary>
/// The <c>segment</c> task's result: the mask model, the method used, each class's share, and the foreground
/// class's mask as COCO RLE over the decoded image (<see cref="Width"/> x <see cref="Height"/>, which is the
/// original's size unless it was larger than <see cref="SegmentTask.MaxDecodeSide"/>).
/// <see cref="Segmentation"/> keeps the class map for drawing.
/// </summary>
public sealed record SegmentResult(
    string ModelId,
    string ModelVersion,
    SegmentationMethod Method,
    int Width,
    int Height,
    IReadOnlyList<ClassShare> Classes,
    string MaskClass,
    CocoRle Mask,
    StageTimings Timings,
    [property: JsonIgnore] SemanticSegmentation Segmentation)
{
    public static SegmentResult From(SemanticSegmentation s) => new(s.ModelId, s.ModelVersion, s.Method, s.Width, s.Height, s.Classes,
        s.Labels[^1], MaskRle.Encode(s.Foreground()), s.Timings, s);
}

/// <summary>
/// The <c>segment</c> task: which pixels are a person (or the salient object); person models segment each
/// person's crop, found by the context's shared detector (or, with <see cref="PersonRegionSource.Mask"/>, from
/// the whole-image mask). <paramref name="decodeSize"/> is at most
/// <see cref="MaxDecodeSide"/> a side unless the caller wants masks at another size (<c>sightline segment</c> makes
/// them at the image's own, <see cref="DecodeSize.Original"/>).
/// </summary>
public sealed class SegmentTask(SemanticSegmenter segmenter, SegmentOptions options, DecodeSize? decodeSize = null) : ImageTask<SegmentResult>
{
    public const string TaskName = "segment";

    /// <summary>Masks are made on the image decoded to at most this a side (the face task's size, so both share a decode).</summary>
    public const int MaxDecodeSide = 2560;

    public static TaskEntry Entry { get; } = TaskEntry.For<SegmentTaskOptions, SegmentResult>(TaskName,
        "which pixels are a person (or the salient object)", CreateAsync);

    public static async Task<IImageTask<SegmentResult>> CreateAsync(TaskContext context, SegmentTaskOptions options, CancellationToken cancellationToken)
    {
        var model = await context.Store.EnsureAsync(SegmentationModels.ResolveId(options.Model), cancellationToken: cancellationToken).ConfigureAwait(false);
        ScoreMapModel scoreMap;
        try
        {
            scoreMap = SegmentationModels.Open(model, context.Engine);
        }
        catch (ArgumentException e)
        {
            throw new TaskOptionsException("model", e.Message);
        }
        var segmentOptions = options.ToSegmentOptions();
        var probe = new SemanticSegmenter(scoreMap);
        var wantsCrops = options.Method == SegmentationMethod.PersonCrops || (options.Method == SegmentationMethod.Auto && probe.IsPersonModel);
        if (options.Method == SegmentationMethod.PersonCrops && !probe.IsPersonModel)
            throw new TaskOptionsException("method", $"person crops need a person model (selfie or meet); '{model.Entry.Id}' segments {string.Join(", ", scoreMap.Labels)}");
        var detector = wantsCrops && options.Regions == PersonRegionSource.Detector ? (await DetectorWorker.GetAsync(context, Detectors.DefaultModel, cancellationToken).ConfigureAwait(false)).Detector : null;
        return new SegmentTask(new SemanticSegmenter(scoreMap, detector), segmentOptions);
    }

    public override string Name => TaskName;
    public override DecodeSize DecodeSize { get; } = decodeSize ?? DecodeSize.Within(MaxDecodeSide, MaxDecodeSide);
    public override IReadOnlyList<string> ModelIds => segmenter.MethodFor(options) == SegmentationMethod.PersonCrops && options.Regions == PersonRegionSource.Detector
        ? [segmenter.ModelId, Detectors.DefaultModel]
        : [segmenter.ModelId];

    public override Task<SegmentResult> RunAsync(DecodedImage image, CancellationToken cancellationToken) =>
        Task.Run(() => SegmentResult.From(segmenter.Segment(image, options)), cancellationToken);
}
