using SkiaSharp;

namespace Sightline.Analysis.Tests.Pipeline;

/// <summary>Image files made in code in a temporary folder.</summary>
internal sealed class TestFiles : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("sightline-analysis-").FullName;

    public string Png(string name, int width, int height, SKColor? color = null)
    {
        using var bitmap = Bitmap(width, height, color ?? new SKColor(40, 120, 200));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    public string Bytes(string name, byte[] content)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public static SKBitmap Bitmap(int width, int height, SKColor color)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(color);
        return bitmap;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
