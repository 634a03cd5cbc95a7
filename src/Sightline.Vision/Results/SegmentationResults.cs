using Sightline.Inference.Timing;
using Sightline.Vision.Detection;
using Sightline.Vision.Segmentation;
using Sightline.Vision.Segmentation.Masks;

namespace Sightline.Vision.Results;

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
public sealed record ClassFraction(int ClassId, string ClassName, int Pixels, double Fraction)
{
    public static IReadOnlyList<ClassFraction> Of(IReadOnlyList<ClassShare> shares) =>
        shares.Select(s => new ClassFraction(s.ClassId, s.ClassName, s.Pixels, s.Fraction)).ToList();
}

/// <summary>
/// Semantic segmentation as the CLI's --json and the API both give it: the source, the image, the mask model
/// (and the detector when person crops were used), the method used ("full" or "crops"), each class's share of
/// the pixels, the foreground class's mask (person, or salient) and timings.
/// </summary>
public sealed record SemanticSegmentResult(string Source, ImageSize Image, ModelRef Model, ModelRef? Detector, string Method, IReadOnlyList<ClassFraction> Classes,
    string MaskClass, RleMask Mask, StageTimings Timings)
{
    /// <param name="detector">The detector that found the person crops, when <paramref name="result"/> used them.</param>
    /// <param name="decodeMs">Decoding time, counted as pre-processing.</param>
    public static SemanticSegmentResult From(SemanticSegmentation result, ModelRef? detector, double decodeMs = 0)
    {
        var crops = result.Method == SegmentationMethod.PersonCrops;
        return new SemanticSegmentResult(result.Source, new ImageSize(result.Width, result.Height), new ModelRef(result.ModelId, result.ModelVersion),
            crops ? detector : null, crops ? "crops" : "full", ClassFraction.Of(result.Classes), result.Labels[^1], RleMask.From(result.Foreground()),
            result.Timings with { PreprocessMs = result.Timings.PreprocessMs + decodeMs });
    }
}

/// <summary>One object with its own mask (RLE and outer polygons, x, y pairs in pixel-corner coordinates); the mask came from "person", "salient" or "color".</summary>
public sealed record SegmentInstance(int ClassId, string ClassName, float Score, float MaskScore, BoundingBox Box, BoundingBox NormalizedBox, int Area, string MaskSource,
    RleMask Rle, IReadOnlyList<float[]> Polygons)
{
    public static SegmentInstance From(SegmentedInstance i) => new(i.ClassId, i.ClassName, i.Score, i.MaskScore, i.Box, i.NormalizedBox, i.Area,
        SourceName(i.MaskSource), RleMask.From(i.Mask), i.Polygons);

    public static string SourceName(MaskSource source) => source switch
    {
        Segmentation.MaskSource.PersonModel => "person",
        Segmentation.MaskSource.SalientModel => "salient",
        _ => "color",
    };
}

/// <summary>
/// Instance segmentation as the CLI's --json and the API both give it: the source, the image, the detector and
/// both mask models, the objects, each class's share of the pixels (the panoptic view: background and the
/// detector's classes), how many objects were left without a mask (over the per-image limit of salient
/// masks), and timings.
/// </summary>
public sealed record InstanceSegmentResult(string Source, ImageSize Image, ModelRef Detector, ModelRef PersonModel, ModelRef SalientModel,
    IReadOnlyList<SegmentInstance> Instances, IReadOnlyList<ClassFraction> Classes, int Unmasked, StageTimings Timings)
{
    /// <param name="detectorLabels">The detector's classes, for the panoptic shares.</param>
    /// <param name="version">The cached version of a model id.</param>
    /// <param name="decodeMs">Decoding time, counted as pre-processing.</param>
    public static InstanceSegmentResult From(InstanceSegmentation result, IReadOnlyList<string> detectorLabels, Func<string, string> version, double decodeMs = 0) =>
        new(result.Source, new ImageSize(result.Width, result.Height), new ModelRef(result.DetectorId, result.DetectorVersion),
            new ModelRef(result.PersonModelId, version(result.PersonModelId)), new ModelRef(result.SalientModelId, version(result.SalientModelId)),
            result.Instances.Select(SegmentInstance.From).ToList(), ClassFraction.Of(result.ToSemantic(detectorLabels).Classes), result.Unmasked,
            result.Timings with { PreprocessMs = result.Timings.PreprocessMs + decodeMs });
}
