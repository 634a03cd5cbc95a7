using SkiaSharp;

namespace Sightline.Imaging.Tests.Support;

/// <summary>Images built in code, so tests need no binary fixtures.</summary>
internal static class TestImages
{
    public static readonly SKColor TopLeft = new(230, 30, 30);
    public static readonly SKColor TopRight = new(30, 200, 30);
    public static readonly SKColor BottomLeft = new(30, 30, 230);
    public static readonly SKColor BottomRight = new(240, 240, 40);

    private static readonly Lazy<byte[]> LargeJpegBytes = new(() => Encode(Quadrants(4000, 3000), SKEncodedImageFormat.Jpeg, 80));

    /// <summary>4000x3000 quadrant JPEG, built once: encoding it is the slow part.</summary>
    public static byte[] LargeJpeg => LargeJpegBytes.Value;

    /// <summary>Four distinct solid quadrants: asymmetric under every flip and rotation.</summary>
    public static SKBitmap Quadrants(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using var canvas = new SKCanvas(bitmap);
        int halfW = width / 2;
        int halfH = height / 2;
        Fill(canvas, SKRectI.Create(0, 0, halfW, halfH), TopLeft);
        Fill(canvas, SKRectI.Create(halfW, 0, width - halfW, halfH), TopRight);
        Fill(canvas, SKRectI.Create(0, halfH, halfW, height - halfH), BottomLeft);
        Fill(canvas, SKRectI.Create(halfW, halfH, width - halfW, height - halfH), BottomRight);
        return bitmap;
    }

    /// <summary>A smooth gradient: realistic for codecs, fast to encode.</summary>
    public static SKBitmap Gradient(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        Span<byte> pixels = bitmap.GetPixelSpan();
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width + x) * 4;
                pixels[i] = (byte)(x * 255 / Math.Max(1, width - 1));
                pixels[i + 1] = (byte)(y * 255 / Math.Max(1, height - 1));
                pixels[i + 2] = (byte)((x + y) * 255 / Math.Max(1, width + height - 2));
                pixels[i + 3] = 255;
            }
        }

        return bitmap;
    }

    public static SKBitmap Solid(int width, int height, SKColor color)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(color);
        return bitmap;
    }

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 95)
    {
        using (bitmap)
        {
            return EncodeKeep(bitmap, format, quality);
        }
    }

    public static byte[] EncodeKeep(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 95)
    {
        using SKData data = bitmap.Encode(format, quality)
            ?? throw new InvalidOperationException($"SkiaSharp cannot encode {format}.");
        return data.ToArray();
    }

    public static byte[] QuadrantJpeg(int width = 80, int height = 60) => Encode(Quadrants(width, height), SKEncodedImageFormat.Jpeg);

    public static byte[] QuadrantPng(int width = 80, int height = 60) => Encode(Quadrants(width, height), SKEncodedImageFormat.Png);

    /// <summary>Colour at the centre of each quadrant, where JPEG block edges cannot reach.</summary>
    public static (SKColor TopLeft, SKColor TopRight, SKColor BottomLeft, SKColor BottomRight) SampleQuadrants(SKBitmap bitmap)
    {
        int qx = bitmap.Width / 4;
        int qy = bitmap.Height / 4;
        return (
            bitmap.GetPixel(qx, qy),
            bitmap.GetPixel(bitmap.Width - 1 - qx, qy),
            bitmap.GetPixel(qx, bitmap.Height - 1 - qy),
            bitmap.GetPixel(bitmap.Width - 1 - qx, bitmap.Height - 1 - qy));
    }

    public static void AssertQuadrants(SKBitmap bitmap, int tolerance = 40)
    {
        var (tl, tr, bl, br) = SampleQuadrants(bitmap);
        AssertColor(TopLeft, tl, tolerance, "top-left");
        AssertColor(TopRight, tr, tolerance, "top-right");
        AssertColor(BottomLeft, bl, tolerance, "bottom-left");
        AssertColor(BottomRight, br, tolerance, "bottom-right");
    }

    public static void AssertColor(SKColor expected, SKColor actual, int tolerance, string where = "")
    {
        bool close = Math.Abs(expected.Red - actual.Red) <= tolerance
            && Math.Abs(expected.Green - actual.Green) <= tolerance
            && Math.Abs(expected.Blue - actual.Blue) <= tolerance
            && Math.Abs(expected.Alpha - actual.Alpha) <= tolerance;
        Assert.True(close, $"{where}: expected {expected} but was {actual} (tolerance {tolerance})");
    }

    private static void Fill(SKCanvas canvas, SKRectI rect, SKColor color)
    {
        using var paint = new SKPaint { Color = color, IsAntialias = false };
        canvas.DrawRect(rect, paint);
    }
}
