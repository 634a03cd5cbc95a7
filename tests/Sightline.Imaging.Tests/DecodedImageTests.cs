using Sightline.Imaging.Tests.Support;
using SkiaSharp;

namespace Sightline.Imaging.Tests;

public sealed class DecodedImageTests
{
    [Fact]
    public void Bitmap_IsRgbaUnpremul_WithBytesInRgbaOrder()
    {
        byte[] png = TestImages.Encode(TestImages.Solid(4, 4, new SKColor(255, 0, 0)), SKEncodedImageFormat.Png);

        using DecodedImage image = ImageDecoder.Decode(png, "red.png");

        Assert.Equal(SKColorType.Rgba8888, image.Bitmap.ColorType);
        Assert.Equal(SKAlphaType.Unpremul, image.Bitmap.AlphaType);
        Assert.Equal(new byte[] { 255, 0, 0, 255 }, image.Bitmap.GetPixelSpan()[..4].ToArray());
    }

    [Fact]
    public void Properties_DescribeTheSource()
    {
        using DecodedImage image = ImageDecoder.Decode(new MemoryStream(TestImages.QuadrantJpeg()), "upload.jpg", DecodeSize.Within(40, 40));

        Assert.Equal("upload.jpg", image.Source);
        Assert.Equal(ImageFormat.Jpeg, image.Format);
        Assert.Equal(1, image.Orientation);
        Assert.Equal((80, 60), (image.OriginalWidth, image.OriginalHeight));
        Assert.Equal((40, 30), (image.Width, image.Height));
        Assert.Equal(image.Bitmap.Width, image.Width);
    }

    [Fact]
    public void Dispose_DisposesTheBitmap()
    {
        DecodedImage image = ImageDecoder.Decode(TestImages.QuadrantPng(), "q.png");
        SKBitmap bitmap = image.Bitmap;
        Assert.NotEqual(IntPtr.Zero, bitmap.Handle);

        image.Dispose();

        Assert.Equal(IntPtr.Zero, bitmap.Handle);
        image.Dispose(); // idempotent
    }
}
