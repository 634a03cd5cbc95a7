using Sightline.Imaging;
using Sightline.Tests.Shared;
using SkiaSharp;

namespace Sightline.Faces.Tests.Pipeline;

/// <summary>Photos made in code from the faces-bbt crops: many faces, small faces, big canvases.</summary>
internal static class FaceScenes
{
    public static string Data => TestPaths.Data("faces-bbt");

    public static IReadOnlyList<string> Crops() =>
        Directory.GetFiles(Path.Combine(Data, "images"), "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// A canvas with the crops pasted at the given places and sizes (square), on a textured grey
    /// background so that the detector sees something other than flat colour.
    /// </summary>
    public static SKBitmap Compose(int width, int height, IReadOnlyList<(string Crop, SKRect Place)> faces, int seed = 7)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        var random = new Random(seed);
        canvas.Clear(new SKColor(120, 118, 110));
        using var paint = new SKPaint();
        for (var i = 0; i < 400; i++)
        {
            paint.Color = new SKColor((byte)random.Next(60, 200), (byte)random.Next(60, 200), (byte)random.Next(60, 200));
            canvas.DrawRect(SKRect.Create(random.Next(width), random.Next(height), random.Next(10, 120), random.Next(10, 120)), paint);
        }
        foreach (var (crop, place) in faces)
        {
            using var face = ImageDecoder.Decode(crop);
            using var image = SKImage.FromBitmap(face.Bitmap);
            canvas.DrawImage(image, place, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }
        canvas.Flush();
        return bitmap;
    }

    public static string SaveJpeg(SKBitmap bitmap, string path, int quality = 92)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }
}
