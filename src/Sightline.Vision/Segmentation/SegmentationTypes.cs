using System.Text.Json.Serialization;
using Sightline.Inference.Timing;
using Sightline.Vision.Detection;
using Sightline.Vision.Pipeline;
using Sightline.Vision.Segmentation.Masks;

namespace Sightline.Vision.Segmentation;

/// <summary>How a semantic map is made.</summary>
public enum SegmentationMethod
{
    /// <summary>Person crops for person models when a detector is at hand, else the whole image.</summary>
    Auto,
    /// <summary>The whole image through the model at once.</summary>
    FullImage,
    /// <summary>
    /// Each person the detector finds, cropped with a margin, through the model (a person crop looks like
    /// the portraits these models learnt from); the crops' probabilities are merged, the rest is background.
    /// </summary>
    PersonCrops,
}

/// <summary>Where the person crops of <see cref="SegmentationMethod.PersonCrops"/> come from.</summary>
public enum PersonRegionSource
{
    /// <summary>The detector's person boxes, padded (the default: the most accurate on coco128).</summary>
    Detector,
    /// <summary>
    /// The person model on the whole image first: its confident pixels, grouped into connected regions and
    /// padded, are the crops; a crop whose own mask does not confirm the region is dropped. No detector runs:
    /// about 4x faster, but the person model confirms its own false positives (coco128: 16 % false-positive
    /// pixels on photos without people, against 0 % from the detector's boxes).
    /// </summary>
    Mask,
}

/// <summary>
/// Options of semantic segmentation: the method; for two-class models, the probability from which a pixel
/// is foreground; for person crops, the least detection score, the margin around each box (a fraction of
/// its size per side), how the crop fills the model input, and where the crops come from (the detector by
/// default, or the whole-image mask).
/// </summary>
public sealed record SegmentOptions(
    SegmentationMethod Method = SegmentationMethod.Auto,
    float Threshold = SegmentOptions.DefaultThreshold,
    float MinPersonScore = SegmentOptions.DefaultMinScore,
    float CropPadding = 0.1f,
    CropFit Fit = CropFit.Stretch,
    PersonRegionSource Regions = PersonRegionSource.Detector) : TaskOptions
{
    /// <summary>The probability from which a pixel is foreground: the models' own sigmoid midpoint.</summary>
    public const float DefaultThreshold = 0.5f;

    /// <summary>The least detection score of a person crop, and of an instance (<see cref="InstanceOptions"/>): the detector's own default.</summary>
    public const float DefaultMinScore = DetectOptions.DefaultMinScore;

    /// <summary>Options with every default; a parameterless constructor for the task registry.</summary>
    public SegmentOptions() : this(SegmentationMethod.Auto)
    {
    }

    public static SegmentOptions Default { get; } = new();

    /// <summary>auto, full (or whole) or crops, any case; null is auto; another throws <see cref="TaskOptionsException"/> (method).</summary>
    public static SegmentationMethod ParseMethod(string? method) => (method ?? "auto").Trim().ToLowerInvariant() switch
    {
        "auto" => SegmentationMethod.Auto,
        "full" or "fullimage" or "whole" => SegmentationMethod.FullImage,
        "crops" or "personcrops" => SegmentationMethod.PersonCrops,
        _ => throw new TaskOptionsException("method", $"method must be auto, full or crops, got '{method}'"),
    };

    /// <summary>detector or mask, any case; null is detector; another throws <see cref="TaskOptionsException"/> (regions).</summary>
    public static PersonRegionSource ParseRegions(string? regions) => (regions ?? "detector").Trim().ToLowerInvariant() switch
    {
        "mask" => PersonRegionSource.Mask,
        "detector" => PersonRegionSource.Detector,
        _ => throw new TaskOptionsException("regions", $"regions must be detector or mask, got '{regions}'"),
    };

    /// <summary>Names are the API's query parameters (the CLI's options are the same words: minScore is --min-score).</summary>
    public override void Validate()
    {
        StrictlyBetween("threshold", Threshold, 0, 1);
        InRange("minScore", MinPersonScore, 0, 1);
        InRange("padding", CropPadding, 0, 1);
        if (!Enum.IsDefined(Regions))
            throw new TaskOptionsException("regions", $"regions must be detector or mask, got {Regions}");
    }
}

/// <summary>One class's share of an image: its pixels and their fraction of all pixels.</summary>
public readonly record struct ClassShare(int ClassId, string ClassName, int Pixels, double Fraction);

/// <summary>
/// A class index for every pixel of the (upright) image, row-major, Width x Height; the classes present
/// with their shares; and the model, method and stage timings. An image with nothing found is all class 0:
/// a valid result, not an error.
/// </summary>
public sealed record SemanticSegmentation(
    string Source,
    int Width,
    int Height,
    string ModelId,
    string ModelVersion,
    SegmentationMethod Method,
    IReadOnlyList<string> Labels,
    IReadOnlyList<ClassShare> Classes,
    [property: JsonIgnore] byte[] ClassMap,
    StageTimings Timings)
{
    /// <summary>The pixels of one class.</summary>
    public BinaryMask MaskOf(int classId)
    {
        var mask = new BinaryMask(Width, Height);
        for (var i = 0; i < ClassMap.Length; i++)
            if (ClassMap[i] == classId)
                mask.Data[i] = 1;
        return mask;
    }

    /// <summary>Everything that is not class 0 (the foreground, for background removal).</summary>
    public BinaryMask Foreground()
    {
        var mask = new BinaryMask(Width, Height);
        for (var i = 0; i < ClassMap.Length; i++)
            if (ClassMap[i] != 0)
                mask.Data[i] = 1;
        return mask;
    }
}

/// <summary>What drew an instance's mask: the person model, the salient-object model, or the box colour model.</summary>
public enum MaskSource { PersonModel, SalientModel, ColorModel }

/// <summary>
/// One object: the detection (class, score, box in pixels and normalised) and its own pixel mask, with its
/// area in pixels and <see cref="MaskScore"/>, how well the mask spans the box (the IoU of the mask's
/// bounding rectangle with the box: low when the mask is of a part or of something else).
/// <see cref="Confidence"/> ranks masks: the detection score discounted by the mask score. In JSON the mask is <see cref="Rle"/> (COCO RLE, column-major; counts given both as
/// numbers and as pycocotools' compressed string) and <see cref="Polygons"/> (outer outlines, x, y pairs in
/// pixel-corner coordinates).
/// </summary>
public sealed record SegmentedInstance(
    int ClassId,
    string ClassName,
    float Score,
    BoundingBox Box,
    BoundingBox NormalizedBox,
    int Area,
    MaskSource MaskSource,
    float MaskScore,
    [property: JsonIgnore] BinaryMask Mask)
{
    public float Confidence => Score * MathF.Sqrt(MaskScore);

    public CocoRle Rle => MaskRle.Encode(Mask);

    public IReadOnlyList<float[]> Polygons => ContourTracer.Trace(Mask);
}

/// <summary>
/// Options of instance segmentation: which detections (least score, classes, per-class NMS IoU, how many);
/// the margin around each box that its mask may use (a fraction of the box size per side); the probability
/// from which a pixel belongs to an object; whether pixels claimed by several objects of one class go to the strongest only;
/// how crops fill the model input; and how many salient-model crops an image may take, strongest
/// detection first (objects beyond are left out and counted in <see cref="InstanceSegmentation.Unmasked"/>;
/// 0: no limit). People, and detections that share a crop, are not counted.
/// </summary>
public sealed record InstanceOptions(
    float MinScore = SegmentOptions.DefaultMinScore,
    IReadOnlySet<string>? Classes = null,
    float IouThreshold = DetectOptions.DefaultIou,
    int MaxInstances = DetectOptions.DefaultMaxDetections,
    float Padding = 0.1f,
    float Threshold = SegmentOptions.DefaultThreshold,
    bool ResolveOverlaps = true,
    CropFit Fit = CropFit.Stretch,
    int MaxSalientMasks = 20) : TaskOptions
{
    /// <summary>Options with every default; a parameterless constructor for the task registry.</summary>
    public InstanceOptions() : this(SegmentOptions.DefaultMinScore)
    {
    }

    public static InstanceOptions Default { get; } = new();

    /// <summary>Names are the API's query parameters (the CLI's options are the same words: minScore is --min-score).</summary>
    public override void Validate()
    {
        InRange("minScore", MinScore, 0, 1);
        StrictlyBetween("threshold", Threshold, 0, 1);
        AboveAndAtMost("iou", IouThreshold, 0, 1);
        InRange("max", MaxInstances, 1, DetectOptions.MaxDetectionsLimit);
        InRange("padding", Padding, 0, 1);
        InRange("maxSalientMasks", MaxSalientMasks, 0, DetectOptions.MaxDetectionsLimit);
    }
}

/// <summary>
/// The objects of one image, each with its own mask; <see cref="Instances"/> is empty when nothing was found.
/// Objects whose mask came out empty are left out; <see cref="Unmasked"/> counts the detections left out
/// because of <see cref="InstanceOptions.MaxSalientMasks"/>.
/// </summary>
public sealed record InstanceSegmentation(
    string Source,
    int Width,
    int Height,
    string DetectorId,
    string DetectorVersion,
    string PersonModelId,
    string SalientModelId,
    IReadOnlyList<SegmentedInstance> Instances,
    StageTimings Timings,
    int Unmasked = 0)
{
    /// <summary>
    /// The panoptic view: a semantic map over the detector's classes derived from the instances (class 0 is
    /// background, class k + 1 the detector's class k).
    /// </summary>
    public SemanticSegmentation ToSemantic(IReadOnlyList<string> detectorLabels)
    {
        var labels = new[] { "background" }.Concat(detectorLabels).ToArray();
        var map = new byte[Width * Height];
        // Weaker instances first, so that the strongest one's class wins where masks overlap.
        foreach (var instance in Instances.OrderBy(i => i.Score))
        {
            var data = instance.Mask.Data;
            var value = (byte)Math.Min(255, instance.ClassId + 1);
            for (var p = 0; p < data.Length; p++)
                if (data[p] != 0)
                    map[p] = value;
        }
        return new SemanticSegmentation(Source, Width, Height, DetectorId, DetectorVersion, SegmentationMethod.PersonCrops, labels,
            MaskComposition.Shares(map, labels), map, Timings);
    }
}

