using Sightline.Imaging.Tests.Support;
using SkiaSharp;

namespace Sightline.Imaging.Tests;

public sealed class ImageResizeTests
{
    [Theory]
    [InlineData(400, 300, 224, 224, 50, 0, 300, 300)]
    [InlineData(300, 400, 224, 224, 0, 50, 300, 300)]
    [InlineData(400, 300, 200, 100, 0, 50, 400, 200)]
    [InlineData(100, 100, 100, 100, 0, 0, 100, 100)]
    [InlineData(1000, 10, 3, 3, 495, 0, 10, 10)]
    public void CenterCropRect_IsLargestCentredRectWithTargetAspect(
        int w, int h, int tw, int th, int left, int top, int cw, int ch)
    {
        Assert.Equal(SKRectI.Create(left, top, cw, ch), ImageResize.CenterCropRect(w, h, tw, th));
    }

    [Fact]
    public void CoverCrop_DropsTheSides_OfAWideImage()
    {
        // 400x300: red 50px on the left, green 50px on the right, blue in between.
        using var source = TestImages.Solid(400, 300, SKColors.Blue);
        using (var canvas = new SKCanvas(source))
        using (var red = new SKPaint { Color = SKColors.Red })
        using (var green = new SKPaint { Color = SKColors.Lime })
        {
            canvas.DrawRect(SKRect.Create(0, 0, 50, 300), red);
            canvas.DrawRect(SKRect.Create(350, 0, 50, 300), green);
        }

        using SKBitmap result = ImageResize.CoverCrop(source, 224, 224);

        Assert.Equal((224, 224), (result.Width, result.Height));
        foreach (var (x, y) in new[] { (0, 0), (223, 0), (0, 223), (223, 223), (112, 112) })
        {
            Assert.Equal(SKColors.Blue, result.GetPixel(x, y));
        }
    }

    [Fact]
    public void CoverCrop_KeepsQuadrantsInPlace()
    {
        using var source = TestImages.Quadrants(300, 400);
        using SKBitmap result = ImageResize.CoverCrop(source, 64, 64);
        TestImages.AssertQuadrants(result, tolerance: 1);
    }

    [Fact]
    public void Resize_Stretches()
    {
        using var source = TestImages.Quadrants(400, 100);
        using SKBitmap result = ImageResize.Resize(source, 50, 80);
        Assert.Equal((50, 80), (result.Width, result.Height));
        TestImages.AssertQuadrants(result, tolerance: 1);
    }

    [Theory]
    [InlineData(SKColorType.Rgba8888, SKAlphaType.Unpremul)]
    [InlineData(SKColorType.Bgra8888, SKAlphaType.Premul)]
    public void Results_KeepColourAndAlphaType(SKColorType colorType, SKAlphaType alphaType)
    {
        using var source = new SKBitmap(new SKImageInfo(64, 48, colorType, alphaType));
        source.Erase(new SKColor(10, 20, 30, 255));

        using SKBitmap cover = ImageResize.CoverCrop(source, 16, 16);
        using SKBitmap resized = ImageResize.Resize(source, 16, 16);

        foreach (SKBitmap b in new[] { cover, resized })
        {
            Assert.Equal(colorType, b.ColorType);
            Assert.Equal(alphaType, b.AlphaType);
            Assert.Equal(new SKColor(10, 20, 30, 255), b.GetPixel(8, 8));
        }
    }

    [Fact]
    public void LargeShrink_UsesMipmaps_SoThinLinesAreNotLost()
    {
        // Black 1px lines every 8 columns on white. Shrinking 8x with plain bilinear samples between
        // the lines and returns pure white; mipmaps average them into light grey.
        using var source = TestImages.Solid(256, 256, SKColors.White);
        for (int y = 0; y < 256; y++)
        {
            for (int x = 0; x < 256; x += 8)
            {
                source.SetPixel(x, y, SKColors.Black);
            }
        }

        using SKBitmap result = ImageResize.Resize(source, 32, 32);

        double mean = 0;
        for (int y = 0; y < 32; y++)
        {
            for (int x = 0; x < 32; x++)
            {
                mean += result.GetPixel(x, y).Red;
            }
        }

        mean /= 32 * 32;
        Assert.InRange(mean, 200, 240); // ideal box average: 255 * 7/8 = 223
    }

    [Fact]
    public void Sampling_SwitchesToMipmapsPastTwoTimes()
    {
        Assert.Equal(ResizeSampling.Bilinear, ResizeSampling.For(1000, 1000, 500, 500));
        Assert.Equal(ResizeSampling.Bilinear, ResizeSampling.For(100, 100, 300, 300));
        Assert.Equal(ResizeSampling.Trilinear, ResizeSampling.For(1000, 1000, 499, 800));
        Assert.Equal(SKMipmapMode.Linear, ResizeSampling.Trilinear.Mipmap);
        Assert.Equal(SKFilterMode.Linear, ResizeSampling.Bilinear.Filter);
    }

    [Fact]
    public void Arguments_AreValidated()
    {
        using var source = TestImages.Solid(4, 4, SKColors.Red);
        Assert.Throws<ArgumentNullException>(() => ImageResize.CoverCrop(null!, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageResize.Resize(source, 0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageResize.CoverCrop(source, 2, -1));
    }
}
