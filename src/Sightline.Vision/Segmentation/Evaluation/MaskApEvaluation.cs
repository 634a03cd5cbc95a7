using System.Diagnostics;
using Sightline.Inference.Timing;
using System.Text.Json;
using Sightline.Imaging;
using Sightline.Vision.Detection;
using Sightline.Vision.Detection.Evaluation;
using Sightline.Vision.Segmentation.Masks;
using SkiaSharp;

namespace Sightline.Vision.Segmentation.Evaluation;

/// <summary>A mask kept as the pixels of its bounding rectangle only, so that hundreds fit in little memory.</summary>
public sealed record MaskPatch(SKRectI Bounds, byte[] Data, int Area)
{
    public static MaskPatch Empty { get; } = new(SKRectI.Empty, [], 0);

    public static MaskPatch From(BinaryMask mask)
    {
        if (mask.Bounds() is not { } b)
            return Empty;
        var bounds = SKRectI.Create((int)b.X, (int)b.Y, (int)b.Width, (int)b.Height);
        var data = new byte[bounds.Width * bounds.Height];
        var area = 0;
        for (var y = 0; y < bounds.Height; y++)
            for (var x = 0; x < bounds.Width; x++)
                if (mask.Data[(bounds.Top + y) * mask.Width + bounds.Left + x] != 0)
                {
                    data[y * bounds.Width + x] = 1;
                    area++;
                }
        return new MaskPatch(bounds, data, area);
    }

    public static int Intersection(MaskPatch a, MaskPatch b)
    {
        var r = SKRectI.Intersect(a.Bounds, b.Bounds);
        if (r.IsEmpty)
            return 0;
        var count = 0;
        for (var y = r.Top; y < r.Bottom; y++)
        {
            var ra = (y - a.Bounds.Top) * a.Bounds.Width - a.Bounds.Left;
            var rb = (y - b.Bounds.Top) * b.Bounds.Width - b.Bounds.Left;
            for (var x = r.Left; x < r.Right; x++)
                if (a.Data[ra + x] != 0 && b.Data[rb + x] != 0)
                    count++;
        }
        return count;
    }
}

/// <summary>
/// COCO instances with their masks: the boxes of <see cref="DetectionDataset.FromCoco"/> and, in the same
/// order, each annotation's mask (polygons rasterised; crowd regions from RLE, compressed or not).
/// </summary>
public sealed record CocoMaskDataset(DetectionDataset Dataset, IReadOnlyList<MaskPatch> Masks)
{
    public static CocoMaskDataset FromCoco(string instancesJson, string imagesFolder)
    {
        var dataset = DetectionDataset.FromCoco(instancesJson, imagesFolder);
        var sizes = dataset.Images.ToDictionary(i => i.Id, i => (i.Width, i.Height));
        using var stream = File.OpenRead(instancesJson);
        using var document = JsonDocument.Parse(stream);
        var masks = new List<MaskPatch>();
        foreach (var a in document.RootElement.GetProperty("annotations").EnumerateArray())
        {
            var (width, height) = sizes.TryGetValue(a.GetProperty("image_id").GetInt64(), out var s) ? s
                : throw new InvalidDataException($"annotation {a.GetProperty("id")} refers to an image that is not listed");
            masks.Add(a.TryGetProperty("segmentation", out var segmentation) ? MaskPatch.From(Decode(segmentation, width, height)) : MaskPatch.Empty);
        }
        return new CocoMaskDataset(dataset, masks);
    }

    /// <summary>A COCO "segmentation" value: a list of polygons, or an RLE object with counts as numbers or a string.</summary>
    public static BinaryMask Decode(JsonElement segmentation, int width, int height)
    {
        if (segmentation.ValueKind == JsonValueKind.Array)
            return PolygonRaster.Fill(segmentation.EnumerateArray().Select(p => (IReadOnlyList<float>)p.EnumerateArray().Select(v => v.GetSingle()).ToArray()), width, height);
        return MaskRle.Decode(segmentation);
    }
}

/// <summary>Mask AP of one way of making masks, and the per-class figures by name.</summary>
public sealed record MaskApScore(CocoMetrics Metrics, IReadOnlyDictionary<string, double> PerClassAP);

/// <summary>
/// Instance segmentation against COCO masks (segm AP@[.5:.95], AP50, per class) and, from the same
/// detections, the floor of filling each detected box as its mask, and the box AP of the detections
/// (against the annotated boxes: what the detector alone scores, for scale).
/// </summary>
public sealed record MaskApResult(MaskApScore Masks, MaskApScore BoxFill, MaskApScore Boxes, IReadOnlyDictionary<string, int> GroundTruthPerClass,
    int Images, IReadOnlyList<string> FailedImages, double Seconds);

public static class MaskApEvaluation
{
    private sealed class MaskOverlap(IReadOnlyList<MaskPatch> truth, IReadOnlyList<MaskPatch> detections) : IOverlapMeasure
    {
        public double IoU(int detection, int groundTruth, bool crowd)
        {
            var dt = detections[detection];
            var gt = truth[groundTruth];
            double intersection = MaskPatch.Intersection(dt, gt);
            double union = crowd ? dt.Area : dt.Area + gt.Area - intersection;
            return union <= 0 ? 0 : intersection / union;
        }

        public double DetectionArea(int detection) => detections[detection].Area;
    }

    /// <summary>COCO segm metrics of detections with masks (pycocotools' rules; IoU of masks instead of boxes).</summary>
    public static CocoMetrics Score(CocoMaskDataset data, IReadOnlyList<int> groundTruth, IReadOnlyList<(ScoredDetection Detection, MaskPatch Mask)> detections)
    {
        var truth = groundTruth.Select(i => data.Dataset.Boxes[i]).ToList();
        var truthMasks = groundTruth.Select(i => data.Masks[i]).ToList();
        return CocoEvaluator.Evaluate(truth, detections.Select(d => d.Detection).ToList(), new MaskOverlap(truthMasks, detections.Select(d => d.Mask).ToList()));
    }

    public static MaskApResult Evaluate(InstanceSegmenter segmenter, IObjectDetector detector, CocoMaskDataset data, InstanceOptions? options = null,
        ImageLimits? limits = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new InstanceOptions(MinScore: DetectionEvaluation.ApMinScore);
        var start = Stopwatch.GetTimestamp();
        var dataset = data.Dataset;
        var categoryOf = detector.Labels.Select(dataset.CategoryOf).ToArray();
        var masks = new List<(ScoredDetection, MaskPatch)>();
        var boxes = new List<(ScoredDetection, MaskPatch)>();
        var failed = new List<string>();
        var evaluated = new HashSet<long>();
        var done = 0;
        foreach (var image in dataset.Images)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                using var decoded = ImageDecoder.Decode(image.Path, null, limits);
                var detection = detector.Detect(decoded, DetectOptions.PerClass(options.MinScore, options.IouThreshold, options.MaxInstances, options.Classes));
                var result = segmenter.FromDetections(decoded, detection, options);
                foreach (var d in detection.Detections)
                    if (categoryOf[d.ClassId] is { } category)
                        boxes.Add((new ScoredDetection(image.Id, category, d.Box, d.Score), MaskPatch.From(BinaryMask.FromBox(d.Box, image.Width, image.Height))));
                foreach (var i in result.Instances)
                    if (categoryOf[i.ClassId] is { } category)
                        masks.Add((new ScoredDetection(image.Id, category, i.Box, i.Confidence), MaskPatch.From(i.Mask)));
                evaluated.Add(image.Id);
            }
            catch (ImageLoadException e)
            {
                failed.Add($"{image.Path}: {e.Message}");
            }
            progress?.Report(++done);
        }
        var truth = Enumerable.Range(0, dataset.Boxes.Count).Where(i => evaluated.Contains(dataset.Boxes[i].ImageId)).ToList();
        var names = dataset.Categories;
        MaskApScore Named(CocoMetrics m) => new(m, m.PerCategoryAP.ToDictionary(p => names.GetValueOrDefault(p.Key, p.Key.ToString()), p => p.Value));
        return new MaskApResult(Named(Score(data, truth, masks)), Named(Score(data, truth, boxes)),
            Named(CocoEvaluator.Evaluate(truth.Select(i => dataset.Boxes[i]).ToList(), boxes.Select(b => b.Item1).ToList())),
            truth.Select(i => dataset.Boxes[i]).Where(t => !t.IsCrowd).GroupBy(t => t.CategoryId).ToDictionary(g => names.GetValueOrDefault(g.Key, g.Key.ToString()), g => g.Count()),
            evaluated.Count, failed, StageTimings.Since(start) / 1000);
    }
}
