using Sightline.Vision.Text;

namespace Sightline.Vision.Tests.Text;

public sealed class LineRegionTests
{
    [Fact]
    public void A_line_image_is_read_with_a_margin_in_line_heights()
    {
        var q = OcrReader.LineRegion(400, 40, 0.25);
        Assert.Equal(new PointF(-10, -5), q.TopLeft);
        Assert.Equal(new PointF(410, 45), q.BottomRight);
        Assert.Equal(420, q.Width);
        Assert.Equal(50, q.Height);
    }

    [Fact]
    public void No_margin_is_the_image_itself_with_no_negative_zero()
    {
        var q = OcrReader.LineRegion(400, 40, 0);
        Assert.Equal("0", q.TopLeft.X.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new PointF(400, 40), q.BottomRight);
    }
}
