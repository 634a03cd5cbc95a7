using Sightline.Inference.Timing;
using Sightline.Vision.Pipeline;

namespace Sightline.Vision.Detection;

/// <summary>One detected object: class, score in 0-1, box in pixels of the (upright) image and normalised to it.</summary>
public readonly record struct DetectedObject(int ClassId, string ClassName, float Score, BoundingBox Box, BoundingBox NormalizedBox);

/// <summary>Everything found in one image, with the image size, the model and the time each stage took.</summary>
public sealed record DetectionResult(string Source, int Width, int Height, string ModelId, string ModelVersion, IReadOnlyList<DetectedObject> Detections, StageTimings Timings);

/// <summary>
/// What to keep: detections scoring at least <see cref="MinScore"/>, of <see cref="Classes"/> when given,
/// after per-class NMS at <see cref="IouThreshold"/>, at most <see cref="MaxDetections"/>. Where boxes of
/// different classes coincide (IoU above <see cref="SameObjectIou"/>) they are one object and only the
/// strongest class stays; null keeps every class (per-class NMS only), which COCO evaluation scores higher
/// because a second guess of the class can still match. These defaults are the only ones: the CLI and the
/// API map their arguments onto this record and <see cref="Validate"/> holds both to the same ranges.
/// </summary>
public sealed record DetectOptions(float MinScore = DetectOptions.DefaultMinScore, float IouThreshold = DetectOptions.DefaultIou, int MaxDetections = DetectOptions.DefaultMaxDetections,
    IReadOnlySet<string>? Classes = null, float? SameObjectIou = DetectOptions.DefaultSameObjectIou) : TaskOptions
{
    /// <summary>
    /// The least score of a shown detection. COCO AP does not depend on it (evaluation keeps everything from
    /// <c>DetectionEvaluation.ApMinScore</c>, to have the whole precision-recall curve); what it sets is what
    /// a user sees. 0.3 shows the most right boxes for the wrong ones (F1 at IoU 0.5) on coco128 with
    /// CenterNet: 560 boxes, 389 right (precision 0.70, recall 0.42, F1 0.522), against 730 and 429 at 0.25
    /// (0.59, 0.46, 0.517) and 414 and 327 at 0.35 (0.79, 0.35, 0.487); NanoDet peaks there too (F1 0.351,
    /// against 0.346 at 0.25 and 0.321 at 0.35).
    /// </summary>
    public const float DefaultMinScore = 0.3f;

    /// <summary>Per-class NMS: a weaker box of the same class overlapping a kept one by more than this is dropped.</summary>
    public const float DefaultIou = 0.5f;

    public const int DefaultMaxDetections = 100;

    /// <summary>The most detections per image one request may ask for.</summary>
    public const int MaxDetectionsLimit = 1000;

    /// <summary>
    /// The IoU above which boxes of two classes are taken for one object. Detector heads regress one box per
    /// location whatever the class, so one object seen as two classes gives near-identical boxes (IoU above
    /// 0.9), while two real objects side by side or one inside another rarely reach 0.8.
    /// </summary>
    public const float DefaultSameObjectIou = 0.8f;

    /// <summary>Options with every default; a parameterless constructor for the task registry.</summary>
    public DetectOptions() : this(DefaultMinScore)
    {
    }

    public static DetectOptions Default { get; } = new();

    /// <summary>Every class of every box kept (per-class NMS only): what COCO evaluation expects.</summary>
    public static DetectOptions PerClass(float minScore, float iouThreshold = DefaultIou, int maxDetections = DefaultMaxDetections, IReadOnlySet<string>? classes = null) =>
        new(minScore, iouThreshold, maxDetections, classes, SameObjectIou: null);

    /// <summary>Names are the API's query parameters (the CLI's options are the same words: minScore is --min-score).</summary>
    public override void Validate()
    {
        InRange("minScore", MinScore, 0, 1);
        AboveAndAtMost("iou", IouThreshold, 0, 1);
        InRange("max", MaxDetections, 1, MaxDetectionsLimit);
        if (SameObjectIou is { } same)
            AboveAndAtMost("sameObjectIou", same, 0, 1);
    }

    /// <summary>
    /// A comma-separated class list (any case) as the detector's own label names, or null for all classes;
    /// throws <see cref="TaskOptionsException"/> (classes) naming the unknown classes and listing the known ones.
    /// </summary>
    public static IReadOnlySet<string>? ParseClasses(string? classes, IObjectDetector detector)
    {
        if (string.IsNullOrWhiteSpace(classes))
            return null;
        var names = classes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(n => !detector.Labels.Contains(n, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
            throw new TaskOptionsException("classes", $"unknown class {string.Join(", ", unknown)}; classes of {detector.ModelId}: {string.Join(", ", detector.Labels)}");
        return detector.Labels.Where(l => names.Contains(l, StringComparer.OrdinalIgnoreCase)).ToHashSet(StringComparer.Ordinal);
    }
}

/// <summary>How a model's input tensor is made from an image.</summary>
public sealed record DetectorInput(int Width, int Height, bool ChannelsFirst, float Scale, float Offset, bool KeepAspect);
