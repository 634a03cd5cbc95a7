using Sightline.Inference.Timing;

namespace Sightline.Vision.Detection;

/// <summary>One detected object: class, score in 0-1, box in pixels of the (upright) image and normalised to it.</summary>
public readonly record struct DetectedObject(int ClassId, string ClassName, float Score, BoundingBox Box, BoundingBox NormalizedBox);

/// <summary>Everything found in one image, with the image size, the model and the time each stage took.</summary>
public sealed record DetectionResult(string Source, int Width, int Height, string ModelId, string ModelVersion, IReadOnlyList<DetectedObject> Detections, StageTimings Timings);

/// <summary>One file of a batch: its result, or why there is none.</summary>
public readonly record struct DetectionOutcome(string Source, DetectionResult? Result, string? Error);

/// <summary>
/// What to keep: detections scoring at least <see cref="MinScore"/>, of <see cref="Classes"/> when given,
/// after per-class NMS at <see cref="IouThreshold"/>, at most <see cref="MaxDetections"/>. Where boxes of
/// different classes coincide (IoU above <see cref="SameObjectIou"/>) they are one object and only the
/// strongest class stays; null keeps every class (per-class NMS only), which COCO evaluation scores higher
/// because a second guess of the class can still match.
/// </summary>
public sealed record DetectOptions(float MinScore = 0.3f, float IouThreshold = 0.5f, int MaxDetections = 100, IReadOnlySet<string>? Classes = null,
    float? SameObjectIou = DetectOptions.DefaultSameObjectIou)
{
    /// <summary>
    /// The IoU above which boxes of two classes are taken for one object. Detector heads regress one box per
    /// location whatever the class, so one object seen as two classes gives near-identical boxes (IoU above
    /// 0.9), while two real objects side by side or one inside another rarely reach 0.8.
    /// </summary>
    public const float DefaultSameObjectIou = 0.8f;

    public static DetectOptions Default { get; } = new();

    /// <summary>Every class of every box kept (per-class NMS only): what COCO evaluation expects.</summary>
    public static DetectOptions PerClass(float minScore, float iouThreshold = 0.5f, int maxDetections = 100, IReadOnlySet<string>? classes = null) =>
        new(minScore, iouThreshold, maxDetections, classes, SameObjectIou: null);

    /// <summary>
    /// A comma-separated class list (any case) as the detector's own label names, or null for all classes;
    /// throws <see cref="ArgumentException"/> naming the unknown classes and listing the known ones.
    /// </summary>
    public static IReadOnlySet<string>? ParseClasses(string? classes, IObjectDetector detector)
    {
        if (string.IsNullOrWhiteSpace(classes))
            return null;
        var names = classes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(n => !detector.Labels.Contains(n, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"unknown class {string.Join(", ", unknown)}; classes of {detector.ModelId}: {string.Join(", ", detector.Labels)}");
        return detector.Labels.Where(l => names.Contains(l, StringComparer.OrdinalIgnoreCase)).ToHashSet(StringComparer.Ordinal);
    }
}

/// <summary>How a model's input tensor is made from an image.</summary>
public sealed record DetectorInput(int Width, int Height, bool ChannelsFirst, float Scale, float Offset, bool KeepAspect);
