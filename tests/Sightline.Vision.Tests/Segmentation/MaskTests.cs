using Sightline.Vision.Detection;
using Sightline.Vision.Detection.Evaluation;
using Sightline.Vision.Segmentation.Evaluation;
using Sightline.Vision.Segmentation.Masks;

namespace Sightline.Vision.Tests.Segmentation;

public sealed class MaskTests
{
    private static BinaryMask FromRows(params string[] rows)
    {
        var mask = new BinaryMask(rows[0].Length, rows.Length);
        for (var y = 0; y < rows.Length; y++)
            for (var x = 0; x < rows[y].Length; x++)
                mask.Data[y * mask.Width + x] = rows[y][x] == '#' ? (byte)1 : (byte)0;
        return mask;
    }

    [Fact]
    public void Rle_is_column_major_starting_with_zeros_and_round_trips()
    {
        var mask = FromRows(
            "#..",
            "#.#",
            "..#");
        var rle = MaskRle.Encode(mask);
        Assert.Equal([3, 3], rle.Size);
        // Column 0: 1 1 0, column 1: 0 0 0, column 2: 0 1 1.
        Assert.Equal([0, 2, 5, 2], rle.Counts);
        Assert.Equal(mask.Data, MaskRle.Decode(rle).Data);
        Assert.Equal(rle.Counts, MaskRle.Decompress(rle.Compressed));
    }

    [Fact]
    public void Compressed_counts_match_pycocotools_string_form()
    {
        // pycocotools encodes [6, 3] as "63" and a run of 100 as "T3" (5-bit groups + 48, continuation bit 0x20).
        Assert.Equal("63", MaskRle.Compress([6, 3]));
        Assert.Equal("T3", MaskRle.Compress([100]));
        var counts = new[] { 5, 100, 7, 3000, 1, 40 };
        Assert.Equal(counts, MaskRle.Decompress(MaskRle.Compress(counts)));
    }

    [Fact]
    public void Polygon_fill_takes_pixels_whose_centres_are_inside()
    {
        var square = PolygonRaster.Fill([new float[] { 1, 1, 4, 1, 4, 4, 1, 4 }], 6, 6);
        Assert.Equal(9, square.Area);
        Assert.Equal(new BoundingBox(1, 1, 3, 3), square.Bounds());
        var triangle = PolygonRaster.Fill([new float[] { 0, 0, 10, 0, 0, 10 }], 10, 10);
        Assert.InRange(triangle.Area, 45, 55);
        Assert.True(PolygonRaster.Fill([new float[] { 0, 0, 1, 1 }], 4, 4).IsEmpty);
    }

    [Fact]
    public void Traced_outline_fills_back_to_the_region_and_separates_regions()
    {
        var mask = FromRows(
            "........",
            ".###....",
            ".#.##...",
            ".####...",
            "......##",
            "......##");
        var polygons = ContourTracer.Trace(mask, minArea: 1, tolerance: 0);
        Assert.Equal(2, polygons.Count);
        var refilled = PolygonRaster.Fill(polygons.Select(p => (IReadOnlyList<float>)p), mask.Width, mask.Height);
        // The hole at (2, 2) is filled by the outer outline; everything else comes back exactly.
        var expected = (byte[])mask.Data.Clone();
        expected[2 * 8 + 2] = 1;
        Assert.Equal(expected, refilled.Data);
    }

    [Fact]
    public void Diagonal_pixels_are_one_region()
    {
        var mask = FromRows(
            "#..",
            ".#.",
            "..#");
        var polygons = ContourTracer.Trace(mask, minArea: 1, tolerance: 0);
        Assert.Single(polygons);
        Assert.Equal(mask.Data, PolygonRaster.Fill([polygons[0]], 3, 3).Data);
    }

    [Fact]
    public void Box_masks_and_iou()
    {
        var a = BinaryMask.FromBox(new BoundingBox(0, 0, 4, 4), 8, 8);
        var b = BinaryMask.FromBox(new BoundingBox(2, 0, 4, 4), 8, 8);
        Assert.Equal(16, a.Area);
        Assert.Equal(8.0 / 24, BinaryMask.IoU(a, b), 6);
        Assert.Equal(8, MaskPatch.Intersection(MaskPatch.From(a), MaskPatch.From(b)));
        Assert.Equal(0, BinaryMask.IoU(new BinaryMask(2, 2), new BinaryMask(2, 2)));
        Assert.Null(new BinaryMask(3, 3).Bounds());
    }

    [Fact]
    public void Mask_ap_rewards_exact_masks_over_filled_boxes()
    {
        // A diagonal band: its filled box overlaps it by about a third.
        var diamond = PolygonRaster.Fill([new float[] { 0, 0, 8, 0, 40, 32, 40, 40, 32, 40, 0, 8 }], 40, 40);
        var box = new BoundingBox(0, 0, 40, 40);
        var dataset = new DetectionDataset([new DatasetImage(1, "a.jpg", 40, 40)], [new GroundTruthBox(1, 7, box, diamond.Area, false)], new Dictionary<int, string> { [7] = "kite" });
        var data = new CocoMaskDataset(dataset, [MaskPatch.From(diamond)]);
        var detection = new ScoredDetection(1, 7, box, 0.9f);
        var exact = MaskApEvaluation.Score(data, [0], [(detection, MaskPatch.From(diamond))]);
        var filled = MaskApEvaluation.Score(data, [0], [(detection, MaskPatch.From(BinaryMask.FromBox(box, 40, 40)))]);
        Assert.Equal(1, exact.AP, 6);
        Assert.Equal(0, filled.AP50, 6);
        // Box AP of the same detection is perfect: the overlap measure is what changed.
        Assert.Equal(1, CocoEvaluator.Evaluate(dataset.Boxes, [detection]).AP, 6);
    }
}
