using Sightline.Vision.Text;

namespace Sightline.Vision.Tests.Text;

public sealed class TextRegionDecodingTests
{
    private static float[] Map(int width, int height, Func<int, int, float> value)
    {
        var map = new float[width * height];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
            map[y * width + x] = value(x, y);
        return map;
    }

    [Fact]
    public void An_upright_kernel_grows_back_by_the_unclip_distance()
    {
        // A 40 x 10 text kernel at (20, 30): DB grows it by area * 1.5 / perimeter = 400 * 1.5 / 100 = 6 on each side.
        var map = Map(100, 80, (x, y) => x >= 20 && x < 60 && y >= 30 && y < 40 ? 0.9f : 0.05f);
        var region = Assert.Single(TextRegionDecoding.Decode(map, 100, 80));
        Assert.Equal(0.9f, region.Score, 4);
        var box = region.Corners.Bounds();
        Assert.Equal(14, box.X, 1);
        Assert.Equal(24, box.Y, 1);
        Assert.Equal(52, box.Width, 1);
        Assert.Equal(22, box.Height, 1);
        Assert.True(region.Corners.TopLeft.X < region.Corners.TopRight.X && region.Corners.TopLeft.Y < region.Corners.BottomLeft.Y);
    }

    [Fact]
    public void Faint_regions_tiny_specks_and_background_are_dropped()
    {
        var map = Map(100, 80, (x, y) =>
            x >= 10 && x < 50 && y >= 10 && y < 20 ? 0.45f      // above the pixel threshold, below the region threshold
            : x >= 70 && x < 72 && y >= 60 && y < 62 ? 0.95f    // 2 x 2: narrower than the least side
            : 0.1f);
        Assert.Empty(TextRegionDecoding.Decode(map, 100, 80));
    }

    [Fact]
    public void Separate_kernels_are_separate_regions_largest_first()
    {
        var map = Map(120, 60, (x, y) => (x >= 5 && x < 25 && y >= 5 && y < 15) || (x >= 40 && x < 110 && y >= 30 && y < 45) ? 0.8f : 0f);
        var regions = TextRegionDecoding.Decode(map, 120, 60);
        Assert.Equal(2, regions.Count);
        Assert.True(regions[0].Corners.Bounds().X > 30);
    }

    [Fact]
    public void A_slanted_line_keeps_its_angle_in_the_minimum_area_rectangle()
    {
        // Points of a 60 x 8 bar turned 30 degrees: the fitted rectangle has its sides, not the bar's bounding box's.
        var angle = MathF.PI / 6;
        var points = new List<PointF>();
        for (var u = 0f; u <= 60; u += 0.5f)
        for (var v = 0f; v <= 8; v += 0.5f)
            points.Add(new PointF(50 + u * MathF.Cos(angle) - v * MathF.Sin(angle), 20 + u * MathF.Sin(angle) + v * MathF.Cos(angle)));
        var rect = TextRegionDecoding.MinAreaRectangle(points);
        var (longSide, shortSide) = (Math.Max(rect.Width, rect.Height), Math.Min(rect.Width, rect.Height));
        Assert.Equal(60, longSide, 1);
        Assert.Equal(8, shortSide, 1);
    }

    [Fact]
    public void The_convex_hull_of_a_square_with_inner_points_is_its_corners()
    {
        PointF[] points = [new(0, 0), new(4, 0), new(4, 4), new(0, 4), new(2, 2), new(1, 3), new(2, 0)];
        var hull = TextRegionDecoding.ConvexHull(points);
        Assert.Equal(4, hull.Count);
        Assert.Equal(new HashSet<PointF>([new(0, 0), new(4, 0), new(4, 4), new(0, 4)]), hull.ToHashSet());
    }

    [Fact]
    public void Unclip_adds_twice_the_distance_to_both_sides()
    {
        var grown = TextRegionDecoding.Unclip(new TextRegionDecoding.RotatedRect(new PointF(0, 0), 30, 10, 0.3f), 2f);
        var distance = 30 * 10 * 2f / 80;
        Assert.Equal(30 + 2 * distance, grown.Width, 4);
        Assert.Equal(10 + 2 * distance, grown.Height, 4);
        Assert.Equal(0.3f, grown.Angle);
    }
}
