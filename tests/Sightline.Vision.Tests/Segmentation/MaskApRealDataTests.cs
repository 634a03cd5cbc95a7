using Sightline.Imaging;
using Sightline.Tests.Shared;
using Sightline.Vision.Detection;
using Sightline.Vision.Detection.Evaluation;
using Sightline.Vision.Segmentation;
using Sightline.Vision.Segmentation.Evaluation;
using Sightline.Vision.Segmentation.Masks;
using SkiaSharp;
using Xunit.Abstractions;

namespace Sightline.Vision.Tests.Segmentation;

/// <summary>Mask AP on the real COCO annotations of ../shared/data/coco128-train: the scoring path end to end.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class MaskApRealDataTests(PretrainedModels models, ITestOutputHelper output)
{
    private static readonly Lazy<CocoMaskDataset> Coco = new(() =>
    {
        var folder = TestPaths.Data("coco128-train");
        return CocoMaskDataset.FromCoco(Path.Combine(folder, "instances.json"), Path.Combine(folder, "images"));
    });

    [Fact]
    public void Ground_truth_masks_given_back_as_detections_score_ap_one_for_every_class()
    {
        var data = Coco.Value;
        var boxes = data.Dataset.Boxes;
        // Every annotation, all 128 images: rasterising and scoring is cheap.
        var truth = Enumerable.Range(0, boxes.Count).ToList();
        var detections = truth.Where(i => !boxes[i].IsCrowd)
            .Select(i => (new ScoredDetection(boxes[i].ImageId, boxes[i].CategoryId, boxes[i].Box, 1f), data.Masks[i])).ToList();
        var metrics = MaskApEvaluation.Score(data, truth, detections);
        Assert.Equal(1, metrics.AP, 6);
        Assert.All(metrics.PerCategoryAP, p => Assert.True(Math.Abs(p.Value - 1) < 1e-6, $"category {p.Key}: AP {p.Value}"));
        // Every annotation has pixels.
        Assert.All(truth.Where(i => !boxes[i].IsCrowd), i => Assert.True(data.Masks[i].Area > 0, $"annotation {i} rasterises to nothing"));
    }

    [Fact]
    public void Rasterised_polygons_have_the_annotated_area_and_sit_in_their_boxes()
    {
        var data = Coco.Value;
        var boxes = data.Dataset.Boxes;
        for (var i = 0; i < boxes.Count; i++)
        {
            if (boxes[i].IsCrowd)
                continue;
            var mask = data.Masks[i];
            var g = boxes[i];
            // pycocotools' area is the polygon's area; the pixel count differs on the border only.
            var border = 2 * (g.Box.Width + g.Box.Height) + 4;
            Assert.True(Math.Abs(mask.Area - g.Area) <= border, $"annotation {i}: {mask.Area} px for area {g.Area:0}");
            Assert.InRange(mask.Bounds.Left, g.Box.X - 1, g.Box.Right + 1);
            Assert.InRange(mask.Bounds.Bottom, g.Box.Y - 1, g.Box.Bottom + 1);
        }
    }

    [Fact]
    public void Crowd_regions_decode_from_column_major_rle_inside_their_boxes()
    {
        var data = Coco.Value;
        var boxes = data.Dataset.Boxes;
        var crowd = Enumerable.Range(0, boxes.Count).Where(i => boxes[i].IsCrowd).ToList();
        Assert.NotEmpty(crowd);
        foreach (var i in crowd)
        {
            var m = data.Masks[i];
            var b = boxes[i].Box;
            // A row-major reading of COCO's column-major runs scatters the region outside its box.
            Assert.InRange(m.Bounds.Left, b.X - 1, b.X + 1);
            Assert.InRange(m.Bounds.Top, b.Y - 1, b.Y + 1);
            Assert.InRange(m.Bounds.Right, b.Right - 1, b.Right + 1);
            Assert.InRange(m.Bounds.Bottom, b.Bottom - 1, b.Bottom + 1);
            // COCO's "area" of a crowd region is not its RLE's pixel count (up to a third more here); the count is close below it.
            Assert.InRange(m.Area, 0.6 * boxes[i].Area, boxes[i].Area);
        }
    }

    [Fact]
    public void Masks_given_as_detections_are_scored_against_their_own_image_and_class_only()
    {
        // Each annotation's mask given to the next annotation of another image (same class): nothing may match.
        var data = Coco.Value;
        var boxes = data.Dataset.Boxes;
        var truth = Enumerable.Range(0, boxes.Count).ToList();
        var people = truth.Where(i => boxes[i].CategoryId == 1 && !boxes[i].IsCrowd).ToList();
        var shifted = people.Select((i, k) => (i, j: people[(k + 1) % people.Count])).Where(p => boxes[p.i].ImageId != boxes[p.j].ImageId)
            .Select(p => (new ScoredDetection(boxes[p.i].ImageId, 1, boxes[p.i].Box, 1f), data.Masks[p.j])).ToList();
        Assert.True(MaskApEvaluation.Score(data, truth, shifted).PerCategoryAP[1] < 0.05);
    }

    [Fact]
    public void Filled_ground_truth_boxes_score_well_below_one_but_far_above_zero()
    {
        var data = Coco.Value;
        var boxes = data.Dataset.Boxes;
        var images = data.Dataset.Images.ToDictionary(i => i.Id);
        var truth = Enumerable.Range(0, boxes.Count).ToList();
        var detections = truth.Where(i => !boxes[i].IsCrowd).Select(i =>
        {
            var image = images[boxes[i].ImageId];
            return (new ScoredDetection(boxes[i].ImageId, boxes[i].CategoryId, boxes[i].Box, 1f),
                MaskPatch.From(BinaryMask.FromBox(boxes[i].Box, image.Width, image.Height)));
        }).ToList();
        var metrics = MaskApEvaluation.Score(data, truth, detections);
        var person = metrics.PerCategoryAP[1];
        output.WriteLine($"GT boxes filled: {metrics}; person AP {person:0.000}");
        Assert.InRange(metrics.AP, 0.1, 0.6);
        Assert.InRange(metrics.AP50, 0.5, 0.99);
        Assert.InRange(person, 0.05, 0.6);
    }

    [Fact]
    public void Instance_masks_beat_filled_boxes_on_the_first_photos()
    {
        // The acceptance comparison on a slice of coco128 (the whole set takes minutes): the same detections,
        // scored once with their masks and once with their boxes filled.
        var data = Coco.Value;
        var slice = data with { Dataset = data.Dataset with { Images = data.Dataset.Images.Take(24).ToList() } };
        var detector = Detectors.Create(models.Get(Detectors.CenterNet), models.Engine);
        var segmenter = new InstanceSegmenter(detector, SegmentationModels.Open(models.Get(SegmentationModels.Selfie), models.Engine),
            SegmentationModels.Open(models.Get(SegmentationModels.Salient), models.Engine));
        var result = MaskApEvaluation.Evaluate(segmenter, detector, slice, new InstanceOptions(MinScore: 0.1f));
        var (masks, boxes) = (result.Masks.Metrics, result.BoxFill.Metrics);
        output.WriteLine($"{result.Images} images: masks AP {masks.AP:0.000} AP50 {masks.AP50:0.000} AP75 {masks.AP75:0.000}; " +
            $"filled boxes AP {boxes.AP:0.000} AP50 {boxes.AP50:0.000} AP75 {boxes.AP75:0.000}");
        Assert.Equal(24, result.Images);
        Assert.True(masks.AP > 1.3 * boxes.AP, $"mask AP {masks.AP:0.000} against {boxes.AP:0.000}");
        Assert.True(masks.AP50 > boxes.AP50, $"mask AP50 {masks.AP50:0.000} against {boxes.AP50:0.000}");
        Assert.True(masks.AP75 > 2 * boxes.AP75, $"mask AP75 {masks.AP75:0.000} against {boxes.AP75:0.000}");
    }

    [Fact]
    public void Predicted_person_masks_overlap_their_annotated_people()
    {
        var data = Coco.Value;
        var detector = Detectors.Create(models.Get(Detectors.CenterNet), models.Engine);
        var segmenter = new InstanceSegmenter(detector, SegmentationModels.Open(models.Get(SegmentationModels.Selfie), models.Engine),
            SegmentationModels.Open(models.Get(SegmentationModels.Salient), models.Engine));
        var boxes = data.Dataset.Boxes;
        var ious = new List<double>();
        // Two photos with large people: 000000000036 (a woman with an umbrella), 000000000061 (people and elephants).
        foreach (var id in new long[] { 36, 61 })
        {
            var image = data.Dataset.Images.Single(i => i.Id == id);
            using var decoded = ImageDecoder.Decode(image.Path);
            Assert.Equal((image.Width, image.Height), (decoded.Bitmap.Width, decoded.Bitmap.Height));
            var result = segmenter.Segment(decoded, new InstanceOptions(Classes: new HashSet<string> { "person" }));
            var people = Enumerable.Range(0, boxes.Count).Where(i => boxes[i].ImageId == id && boxes[i].CategoryId == 1 && !boxes[i].IsCrowd).ToList();
            foreach (var instance in result.Instances)
            {
                var patch = MaskPatch.From(instance.Mask);
                var best = people.Select(g => Overlap(patch, data.Masks[g])).DefaultIfEmpty(0).Max();
                output.WriteLine($"image {id}: person {instance.Score:0.00} box {instance.Box} mask IoU {best:0.000}");
                if (instance.Score >= 0.5)
                    ious.Add(best);
            }
            Save(decoded.Bitmap, result.Instances.Select(i => i.Mask).ToList(), people.Select(g => data.Masks[g]).ToList(),
                Path.Combine(Path.GetTempPath(), $"sightline-maskap-{id}.png"));
        }
        Assert.NotEmpty(ious);
        Assert.True(ious.Average() > 0.6, $"mean IoU {ious.Average():0.000}");
    }

    private static double Overlap(MaskPatch a, MaskPatch b)
    {
        double i = MaskPatch.Intersection(a, b);
        return i / (a.Area + b.Area - i);
    }

    /// <summary>Predicted masks in red, annotated ones in green, both in yellow, over the photo darkened.</summary>
    private static void Save(SKBitmap photo, IReadOnlyList<BinaryMask> predicted, IReadOnlyList<MaskPatch> truth, string path)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(photo.Width, photo.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < photo.Height; y++)
            for (var x = 0; x < photo.Width; x++)
            {
                var c = photo.GetPixel(x, y);
                var p = predicted.Any(m => m[x, y]);
                var t = truth.Any(m => m.Bounds.Contains(x, y) && m.Data[(y - m.Bounds.Top) * m.Bounds.Width + x - m.Bounds.Left] != 0);
                bitmap.SetPixel(x, y, (p, t) switch
                {
                    (true, true) => new SKColor(255, 255, (byte)(c.Blue / 3)),
                    (true, false) => new SKColor(255, (byte)(c.Green / 3), (byte)(c.Blue / 3)),
                    (false, true) => new SKColor((byte)(c.Red / 3), 255, (byte)(c.Blue / 3)),
                    _ => new SKColor((byte)(c.Red / 2), (byte)(c.Green / 2), (byte)(c.Blue / 2)),
                });
            }
        Annotator.Save(bitmap, path);
    }
}
