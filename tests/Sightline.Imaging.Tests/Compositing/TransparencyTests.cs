using Sightline.Imaging;
using SkiaSharp;

namespace Sightline.Imaging.Tests.Compositing;

public sealed class TransparencyTests
{
    private static SKBitmap Bitmap(params (byte R, byte G, byte B, byte A)[] pixels)
    {
        var bitmap = new SKBitmap(new SKImageInfo(pixels.Length, 1, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var span = bitmap.GetPixelSpan();
        for (var i = 0; i < pixels.Length; i++)
            (span[4 * i], span[4 * i + 1], span[4 * i + 2], span[4 * i + 3]) = pixels[i];
        return bitmap;
    }

    [Fact]
    public void Transparent_pixels_take_the_background_and_half_transparent_ones_blend()
    {
        // Black text on transparent black, as PNG pages often are: the transparent part turns white.
        using var page = Bitmap((0, 0, 0, 0), (0, 0, 0, 255), (200, 100, 0, 128));
        using var flat = Transparency.OverBackground(page, SKColors.White);
        Assert.NotNull(flat);
        var p = flat.GetPixelSpan().ToArray();
        Assert.Equal(new byte[] { 255, 255, 255, 255, 0, 0, 0, 255, 227, 177, 127, 255 }, p);
        Assert.False(Transparency.HasAny(flat));
    }

    [Fact]
    public void An_opaque_bitmap_needs_no_copy()
    {
        using var opaque = Bitmap((10, 20, 30, 255), (40, 50, 60, 255));
        Assert.False(Transparency.HasAny(opaque));
        Assert.Null(Transparency.OverBackground(opaque, SKColors.White));
    }
}
