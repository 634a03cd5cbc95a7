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
        SegmentationMethod.Auto => IsPersonModel && _detector is not null ? SegmentationMethod.PersonCrops : SegmentationMethod.FullImage,
        SegmentationMethod.PersonCrops when _detector is null => throw new InvalidOperationException("the person-crop method needs a detector"),
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
        else
        {
            var detection = _detector!.Detect(image, new DetectOptions(options.MinPersonScore, Classes: new HashSet<string>([_detector.Labels.First(l => l == "person")])));
            var regions = PersonRegions(detection, bitmap, image, options.CropPadding);
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

    /// <summary>Detected people's boxes, padded, on the decoded bitmap (which may be smaller than the original).</summary>
    private static List<SKRectI> PersonRegions(DetectionResult detection, SKBitmap bitmap, DecodedImage image, float padding)
    {
        var sx = (float)bitmap.Width / image.OriginalWidth;
        var sy = (float)bitmap.Height / image.OriginalHeight;
        return detection.Detections
            .Select(d => MaskComposition.Pad(new BoundingBox(d.Box.X * sx, d.Box.Y * sy, d.Box.Width * sx, d.Box.Height * sy), padding, bitmap.Width, bitmap.Height))
            .ToList();
    }
}
