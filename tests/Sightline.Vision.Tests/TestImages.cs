using SkiaSharp;

namespace Sightline.Vision.Tests;

/// <summary>Photos made in code: coloured scenes with a shape, so that similar ones embed close together.</summary>
internal static class TestImages
{
    public static string Write(string path, SKColor background, SKColor shape, int seed, int width = 320, int height = 240)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(background);
            var random = new Random(seed);
            using var paint = new SKPaint { Color = shape, IsAntialias = true };
            for (var i = 0; i < 6; i++)
                canvas.DrawCircle(random.Next(width), random.Next(height), 15 + random.Next(30), paint);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }
}
