using Sightline.Vision.Text;

namespace Sightline.Vision.Tests.Text;

public sealed class PerspectiveCropTests
{
    [Fact]
    public void The_homography_takes_the_rectangle_corners_to_the_quadrilateral()
    {
        var quad = new Quadrilateral(new(10, 20), new(110, 30), new(105, 70), new(12, 55));
        var h = PerspectiveCrop.Homography(quad, 200, 48);
        foreach (var (x, y, expected) in new[] { (0.0, 0.0, quad.TopLeft), (200.0, 0.0, quad.TopRight), (200.0, 48.0, quad.BottomRight), (0.0, 48.0, quad.BottomLeft) })
        {
            var p = PerspectiveCrop.Apply(h, x, y);
            Assert.Equal(expected.X, p.X, 3);
            Assert.Equal(expected.Y, p.Y, 3);
        }
    }

    [Fact]
    public void Three_corners_on_one_line_are_refused()
    {
        var quad = new Quadrilateral(new(0, 0), new(10, 0), new(20, 0), new(0, 0));
        Assert.Throws<ArgumentException>(() => PerspectiveCrop.Homography(quad, 10, 10));
    }

    [Fact]
    public void An_upside_down_region_samples_the_image_turned_half_round()
    {
        // A 4 x 2 image: left half black, right half white. Read upside down, the crop's left is white.
        const int w = 4, h = 2;
        var rgba = new byte[w * h * 4];
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
            for (var c = 0; c < 3; c++)
                rgba[(y * w + x) * 4 + c] = x < 2 ? (byte)0 : (byte)255;
        var upright = new Quadrilateral(new(0, 0), new(4, 0), new(4, 2), new(0, 2));
        var plain = new float[3 * 2 * 4];
        var turned = new float[3 * 2 * 4];
        PerspectiveCrop.SampleInto(rgba, w, h, upright, 4, 2, plain, 4);
        PerspectiveCrop.SampleInto(rgba, w, h, upright.TurnedHalf(), 4, 2, turned, 4);
        Assert.Equal(-1f, plain[0], 3);
        Assert.Equal(1f, plain[3], 3);
        Assert.Equal(1f, turned[0], 3);
        Assert.Equal(-1f, turned[3], 3);
    }

    [Fact]
    public void Corners_in_any_order_come_back_top_left_first_clockwise()
    {
        var quad = Quadrilateral.FromCorners([new(50, 40), new(0, 0), new(0, 40), new(50, 2)]);
        Assert.Equal(new PointF(0, 0), quad.TopLeft);
        Assert.Equal(new PointF(50, 2), quad.TopRight);
        Assert.Equal(new PointF(50, 40), quad.BottomRight);
        Assert.Equal(new PointF(0, 40), quad.BottomLeft);
    }
}
