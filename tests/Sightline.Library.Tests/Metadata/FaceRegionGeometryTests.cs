using Sightline.Library.Metadata;

namespace Sightline.Library.Tests.Metadata;

public sealed class FaceRegionGeometryTests
{
    private static readonly NormalizedRect Stored = new(0.1, 0.2, 0.3, 0.1);

    [Theory]
    [InlineData(1, 0.1, 0.2, 0.3, 0.1)]
    [InlineData(2, 0.6, 0.2, 0.3, 0.1)]
    [InlineData(3, 0.6, 0.7, 0.3, 0.1)]
    [InlineData(4, 0.1, 0.7, 0.3, 0.1)]
    [InlineData(5, 0.2, 0.1, 0.1, 0.3)]
    [InlineData(6, 0.7, 0.1, 0.1, 0.3)]
    [InlineData(7, 0.7, 0.6, 0.1, 0.3)]
    [InlineData(8, 0.2, 0.6, 0.1, 0.3)]
    public void Stored_rectangle_seen_upright(int orientation, double x, double y, double w, double h)
    {
        var upright = FaceRegionGeometry.ToUpright(Stored, orientation);

        Assert.Equal(x, upright.X, 9);
        Assert.Equal(y, upright.Y, 9);
        Assert.Equal(w, upright.Width, 9);
        Assert.Equal(h, upright.Height, 9);
    }

    [Fact]
    public void Mwg_centre_becomes_top_left_corner()
    {
        var rect = FaceRegionGeometry.FromMwgArea(0.5, 0.5, 0.2, 0.4, 1, "XMP face region 1", [])!.Value;

        Assert.Equal(0.4, rect.X, 9);
        Assert.Equal(0.3, rect.Y, 9);
        Assert.Equal(0.2, rect.Width, 9);
        Assert.Equal(0.4, rect.Height, 9);
    }

    [Fact]
    public void Area_over_the_border_is_clipped_to_the_image()
    {
        var rect = FaceRegionGeometry.FromMwgArea(0.95, 0.5, 0.2, 0.2, 1, "XMP face region 1", [])!.Value;

        Assert.Equal(0.85, rect.X, 9);
        Assert.Equal(0.15, rect.Width, 9);
    }

    [Theory]
    [InlineData(1.5, 0.5, 0.1, 0.1)]
    [InlineData(0.5, 0.5, 0, 0.1)]
    [InlineData(0.5, double.NaN, 0.1, 0.1)]
    public void Area_outside_the_image_is_refused_with_a_warning(double x, double y, double w, double h)
    {
        var warnings = new List<string>();

        Assert.Null(FaceRegionGeometry.FromMwgArea(x, y, w, h, 1, "XMP face region 3", warnings));
        Assert.Contains("XMP face region 3", Assert.Single(warnings));
    }
}
