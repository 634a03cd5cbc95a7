using Sightline.Imaging.Tests.Support;
using SkiaSharp;

namespace Sightline.Imaging.Tests;

/// <summary>End-to-end scaled decodes of a 4000x3000 JPEG.</summary>
public sealed class ScaledDecodeTests
{
    [Fact]
    public void Within1024_IsExact_AndUsedTheHalfScaleDecode()
    {
        using DecodedImage image = ImageDecoder.Decode(TestImages.LargeJpeg, "large.jpg", DecodeSize.Within(1024, 1024));

        Assert.Equal(1024, image.Width);
        Assert.Equal(768, image.Height);
        Assert.Equal(new SKSizeI(2000, 1500), image.CodecSize);
        Assert.Equal(4000, image.OriginalWidth);
        Assert.Equal(3000, image.OriginalHeight);
        TestImages.AssertQuadrants(image.Bitmap);
        Assert.Equal(SKColorType.Rgba8888, image.Bitmap.ColorType);
        Assert.Equal(SKAlphaType.Unpremul, image.Bitmap.AlphaType);
    }

    [Fact]
    public void Cover224_DecodesAtOneEighth_WithoutResize()
    {
        using DecodedImage image = ImageDecoder.Decode(TestImages.LargeJpeg, "large.jpg", DecodeSize.Cover(224, 224));

        Assert.Equal(500, image.Width);
        Assert.Equal(375, image.Height);
        Assert.Equal(new SKSizeI(500, 375), image.CodecSize);
        TestImages.AssertQuadrants(image.Bitmap);
    }

    [Fact]
    public void OrientedLargeJpeg_ScalesInStoredSpace_AndComesOutUpright()
    {
        // Stored 4000x3000 tagged orientation 6: upright it is 3000x4000.
        byte[] jpeg = HandMade.WithExifOrientation(TestImages.LargeJpeg, 6);

        using DecodedImage within = ImageDecoder.Decode(jpeg, "rotated.jpg", DecodeSize.Within(1024, 1024));
        Assert.Equal(768, within.Width);
        Assert.Equal(1024, within.Height);
        Assert.Equal(new SKSizeI(2000, 1500), within.CodecSize);
        Assert.Equal(3000, within.OriginalWidth);
        Assert.Equal(4000, within.OriginalHeight);

        using DecodedImage cover = ImageDecoder.Decode(jpeg, "rotated.jpg", DecodeSize.Cover(350, 480));
        Assert.Equal(375, cover.Width);
        Assert.Equal(500, cover.Height);

        // Stored top-left (red) ends up top-right after a clockwise quarter turn.
        SKColor topRight = cover.Bitmap.GetPixel(cover.Width - 10, 10);
        TestImages.AssertColor(TestImages.TopLeft, topRight, 40, "rotated top-right");
    }

    [Fact]
    public void Png_Within_ResizesAfterFullDecode()
    {
        using DecodedImage image = ImageDecoder.Decode(TestImages.QuadrantPng(400, 300), "q.png", DecodeSize.Within(100, 100));
        Assert.Equal(100, image.Width);
        Assert.Equal(75, image.Height);
        Assert.Equal(new SKSizeI(400, 300), image.CodecSize);
        TestImages.AssertQuadrants(image.Bitmap, tolerance: 2);
    }

    [Fact]
    public void SmallImage_IsNeverUpscaled()
    {
        byte[] jpeg = TestImages.QuadrantJpeg();
        using DecodedImage within = ImageDecoder.Decode(jpeg, "small.jpg", DecodeSize.Within(1000, 1000));
        using DecodedImage cover = ImageDecoder.Decode(jpeg, "small.jpg", DecodeSize.Cover(1000, 1000));
        Assert.Equal((80, 60), (within.Width, within.Height));
        Assert.Equal((80, 60), (cover.Width, cover.Height));
    }

    [Fact]
    public void WebP_AlsoDecodesScaled()
    {
        byte[] webp = TestImages.Encode(TestImages.Quadrants(800, 600), SKEncodedImageFormat.Webp, 90);
        using DecodedImage image = ImageDecoder.Decode(webp, "q.webp", DecodeSize.Cover(100, 75));
        Assert.Equal(new SKSizeI(100, 75), image.CodecSize);
        TestImages.AssertQuadrants(image.Bitmap);
    }
}
