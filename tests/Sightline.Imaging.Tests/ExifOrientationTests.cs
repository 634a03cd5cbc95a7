using Sightline.Imaging.Tests.Support;
using SkiaSharp;

namespace Sightline.Imaging.Tests;

public sealed class ExifOrientationTests
{
    public static TheoryData<int> AllOrientations => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(AllOrientations))]
    public void Apply_UndoesTheStoredTransform_PixelExact(int orientation)
    {
        using SKBitmap upright = TestImages.Gradient(7, 5);
        using SKBitmap stored = BitmapOps.StoredFor(upright, orientation);

        using SKBitmap applied = ExifOrientation.Apply(stored, orientation);

        BitmapOps.AssertPixelsEqual(upright, applied);
        Assert.Equal(stored.ColorType, applied.ColorType);
        Assert.Equal(stored.AlphaType, applied.AlphaType);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(4, false)]
    [InlineData(5, true)]
    [InlineData(8, true)]
    public void SwapsDimensions_OnlyForQuarterTurns(int orientation, bool swaps)
    {
        Assert.Equal(swaps, ExifOrientation.SwapsDimensions(orientation));
        SKSizeI upright = ExifOrientation.UprightSize(new SKSizeI(40, 30), orientation);
        Assert.Equal(swaps ? new SKSizeI(30, 40) : new SKSizeI(40, 30), upright);
    }

    [Fact]
    public void UprightToStored_MapsCornersAsDefined()
    {
        // Stored 4x3; where does the upright top-left pixel come from?
        Assert.Equal((0, 0), ExifOrientation.UprightToStored(1, 0, 0, 4, 3));
        Assert.Equal((3, 0), ExifOrientation.UprightToStored(2, 0, 0, 4, 3));
        Assert.Equal((3, 2), ExifOrientation.UprightToStored(3, 0, 0, 4, 3));
        Assert.Equal((0, 2), ExifOrientation.UprightToStored(4, 0, 0, 4, 3));
        Assert.Equal((0, 0), ExifOrientation.UprightToStored(5, 0, 0, 4, 3));
        Assert.Equal((0, 2), ExifOrientation.UprightToStored(6, 0, 0, 4, 3)); // 90 CW: bottom-left goes to top-left
        Assert.Equal((3, 2), ExifOrientation.UprightToStored(7, 0, 0, 4, 3));
        Assert.Equal((3, 0), ExifOrientation.UprightToStored(8, 0, 0, 4, 3)); // 90 CCW: top-right goes to top-left
    }

    [Fact]
    public void FromEncodedOrigin_SharesExifNumbering()
    {
        Assert.Equal(1, ExifOrientation.FromEncodedOrigin(SKEncodedOrigin.TopLeft));
        Assert.Equal(6, ExifOrientation.FromEncodedOrigin(SKEncodedOrigin.RightTop));
        Assert.Equal(8, ExifOrientation.FromEncodedOrigin(SKEncodedOrigin.LeftBottom));
        Assert.Equal(1, ExifOrientation.FromEncodedOrigin((SKEncodedOrigin)42));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void InvalidOrientation_Throws(int orientation)
    {
        using SKBitmap bitmap = TestImages.Gradient(2, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => ExifOrientation.Apply(bitmap, orientation));
        Assert.Throws<ArgumentOutOfRangeException>(() => ExifOrientation.UprightToStored(orientation, 0, 0, 2, 2));
    }

    [Fact]
    public void Apply_WorksForOtherPixelSizes()
    {
        using var gray = new SKBitmap(new SKImageInfo(3, 2, SKColorType.Gray8, SKAlphaType.Opaque));
        Span<byte> pixels = gray.GetPixelSpan();
        for (int i = 0; i < 6; i++)
        {
            pixels[i] = (byte)(i * 10); // rows: [0 10 20] [30 40 50]
        }

        using SKBitmap rotated = ExifOrientation.Apply(gray, 6);

        Assert.Equal(2, rotated.Width);
        Assert.Equal(3, rotated.Height);
        Assert.Equal(new byte[] { 30, 0, 40, 10, 50, 20 }, rotated.GetPixelSpan().ToArray());
    }
}
