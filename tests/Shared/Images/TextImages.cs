using Sightline.Imaging;
using SkiaSharp;

namespace Sightline.Tests.Shared;

/// <summary>Pages of printed text made in code (the font ships inside Sightline.Imaging), for tests of text reading.</summary>
public static class TextImages
{
    /// <summary>Black lines of text on white, each <paramref name="size"/> pixels high, turned <paramref name="degrees"/> clockwise.</summary>
    public static SKBitmap Page(IReadOnlyList<string> lines, float size = 40, int degrees = 0)
    {
        using var font = new SKFont(Annotator.LabelTypeface, size);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        var width = (int)Math.Ceiling(lines.Max(l => font.MeasureText(l)) + 2 * size);
        var height = (int)Math.Ceiling(lines.Count * size * 1.6f + 2 * size);
        using var upright = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using (var canvas = new SKCanvas(upright))
        {
            canvas.Clear(SKColors.White);
            for (var i = 0; i < lines.Count; i++)
                canvas.DrawText(lines[i], size, Baseline(i, size), SKTextAlign.Left, font, paint);
        }
        var turned = degrees is 90 or 270;
        var result = new SKBitmap(turned ? height : width, turned ? width : height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using (var canvas = new SKCanvas(result))
        {
            canvas.Clear(SKColors.White);
            canvas.Translate(result.Width / 2f, result.Height / 2f);
            canvas.RotateDegrees(degrees);
            using var image = SKImage.FromBitmap(upright);
            canvas.DrawImage(image, -width / 2f, -height / 2f, new SKSamplingOptions(SKFilterMode.Nearest));
        }
        return result;
    }

    /// <summary>Where line <paramref name="index"/> of an upright page is inked: the box around its glyphs, in pixels.</summary>
    public static SKRect LineBounds(string line, int index, float size = 40)
    {
        using var font = new SKFont(Annotator.LabelTypeface, size);
        font.MeasureText(line, out var bounds);
        bounds.Offset(size, Baseline(index, size));
        return bounds;
    }

    private static float Baseline(int index, float size) => size + (index + 1) * size * 1.6f - 0.4f * size;

    /// <summary>The page encoded as a PNG file at <paramref name="path"/>.</summary>
    public static string Save(SKBitmap bitmap, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }
}
