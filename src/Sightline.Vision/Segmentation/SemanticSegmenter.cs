using System.Diagnostics;
using Sightline.Imaging;
using Sightline.Inference.Timing;
using Sightline.Vision.Detection;
using SkiaSharp;

namespace Sightline.Vision.Segmentation;

/// <summary>
/// Semantic segmentation with any score-map model: the whole image at once, or (for person models with a
/// detector) each detected person's crop, merged.
/// </summary>
public sealed class SemanticSegmenter : ISemanticSegmenter
{
    private readonly ScoreMapModel _model;
    private readonly IObjectDetector? _detector;

    public SemanticSegmenter(ScoreMapModel model, IObjectDetector? personDetector = null)
    {
        _model = model;
        _detector = personDetector;
    }

    public string ModelId => _model.ModelId;
    public string ModelVersion => _model.ModelVersion;
    public IReadOnlyList<string> Labels => _model.Labels;

    /// <summary>True for a two-class model whose foreground is "person": the person-crop method applies.</summary>
    public bool IsPersonModel => Labels.Count == 2 && string.Equals(Labels[1], "person", StringComparison.OrdinalIgnoreCase);

    public SegmentationMethod MethodFor(SegmentOptions options) => options.Method switch
    {
        SegmentationMethod.Auto => IsPersonModel && (options.Regions == PersonRegionSource.Mask || _detector is not null) ? SegmentationMethod.PersonCrops : SegmentationMethod.FullImage,
        SegmentationMethod.PersonCrops when _detector is null && options.Regions == PersonRegionSource.Detector => throw new InvalidOperationException("person crops from a detector need a detector"),
        SegmentationMethod.PersonCrops when !IsPersonModel => throw new InvalidOperationException($"the person-crop method needs a person model; '{ModelId}' segments {string.Join(", ", Labels)}"),
        var m => m,
    };

    public SemanticSegmentation Segment(DecodedImage image, SegmentOptions? options = null)
    {
        options ??= SegmentOptions.Default;
        var method = MethodFor(options);
        var bitmap = image.Bitmap;
        byte[] classes;
        StageTimings timings;
        if (method == SegmentationMethod.FullImage)
        {
            var batch = _model.Predict(bitmap, CropFit.Stretch);
            var start = Stopwatch.GetTimestamp();
            var (map, placement) = batch.Items[0];
            classes = map.Channels == 2 && options.Threshold != 0.5f
                ? MaskComposition.Threshold(map, 1, placement, options.Threshold)
                : MaskComposition.ArgMax(map, placement);
            timings = batch.Timings + new StageTimings(0, 0, StageTimings.Since(start));
        }
        else if (options.Regions == PersonRegionSource.Mask)
            (classes, timings) = SegmentFromMaskRegions(bitmap, options);
        else
        {
            var detection = _detector!.Detect(image, new DetectOptions(options.MinPersonScore, Classes: new HashSet<string>([_detector.Labels.First(l => l == "person")])));
            var regions = DetectedPersonRegions(detection, bitmap, image, options.CropPadding);
            var batch = _model.Predict(bitmap, regions, options.Fit);
            var start = Stopwatch.GetTimestamp();
            var person = new float[bitmap.Width * bitmap.Height];
            foreach (var (map, placement) in batch.Items)
                MaskComposition.MaxInto(MaskComposition.Sample(map, 1, placement), person, bitmap.Width);
            classes = MaskComposition.Threshold(person, options.Threshold);
            timings = detection.Timings + batch.Timings + new StageTimings(0, 0, StageTimings.Since(start));
        }
        return new SemanticSegmentation(image.Source, bitmap.Width, bitmap.Height, ModelId, ModelVersion, method, Labels,
            MaskComposition.Shares(classes, Labels), classes, timings);
    }

    /// <summary>The probability from which a whole-image pixel seeds a person region: the models' own midpoint.</summary>
    public const float SeedThreshold = 0.5f;

    /// <summary>
    /// The least seed pixels of a region on the whole-image map (4x4 of a 256x256 map): smaller specks are
    /// noise, and a person that small would be a few pixels in the crop model's input as well.
    /// </summary>
    public const int MinSeedPixels = 16;

    /// <summary>
    /// The least mean probability the crop model gives a region's seed pixels for the region to be kept: the
    /// crop model, on the closer view, must call most of what the whole-image model saw a person.
    /// </summary>
    public const float MinAgreement = 0.5f;

    /// <summary>
    /// Person crops without a detector: the whole image through the model, its confident regions as crops,
    /// each crop through the model, and the crops the closer view confirms (<see cref="MinAgreement"/>) merged.
    /// </summary>
    private (byte[] Classes, StageTimings Timings) SegmentFromMaskRegions(SKBitmap bitmap, SegmentOptions options)
    {
        var whole = _model.Predict(bitmap, CropFit.Stretch);
        var start = Stopwatch.GetTimestamp();
        var (map, placement) = whole.Items[0];
        var components = PersonRegions.Components(map.Plane(1), map.Width, map.Height, SeedThreshold, MinSeedPixels);
        var regions = PersonRegions.Crops(components, map.Width, map.Height, placement.Fit, bitmap.Width, bitmap.Height, options.CropPadding);
        var findMs = StageTimings.Since(start);
        var person = new float[bitmap.Width * bitmap.Height];
        if (regions.Count == 0)
            return (MaskComposition.Threshold(person, options.Threshold), whole.Timings + new StageTimings(0, 0, findMs));
        var crops = _model.Predict(bitmap, regions.Select(r => r.Region).ToList(), options.Fit);
        start = Stopwatch.GetTimestamp();
        for (var i = 0; i < regions.Count; i++)
        {
            var (cropMap, cropPlacement) = crops.Items[i];
            var patch = MaskComposition.Sample(cropMap, 1, cropPlacement);
            if (PersonRegions.Agreement(patch, regions[i], map.Width, map.Height, placement.Fit) >= MinAgreement)
                MaskComposition.MaxInto(patch, person, bitmap.Width);
        }
        var classes = MaskComposition.Threshold(person, options.Threshold);
        return (classes, whole.Timings + crops.Timings + new StageTimings(0, 0, findMs + StageTimings.Since(start)));
    }

    /// <summary>Detected people's boxes, padded, on the decoded bitmap (which may be smaller than the original).</summary>
    private static List<SKRectI> DetectedPersonRegions(DetectionResult detection, SKBitmap bitmap, DecodedImage image, float padding)
    {
        var sx = (float)bitmap.Width / image.OriginalWidth;
        var sy = (float)bitmap.Height / image.OriginalHeight;
        return detection.Detections
            .Select(d => MaskComposition.Pad(new BoundingBox(d.Box.X * sx, d.Box.Y * sy, d.Box.Width * sx, d.Box.Height * sy), padding, bitmap.Width, bitmap.Height))
            .ToList();
    }
}
