using SkiaSharp;

namespace Sightline.Library.Tests.Support;

/// <summary>A private temporary folder, deleted with its contents on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sightline-library-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, byte[] bytes)
    {
        string file = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, bytes);
        return file;
    }

    public string Folder(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temp folder must not fail a test.
        }
    }
}

/// <summary>Small encoded images made in code.</summary>
internal static class Images
{
    public static byte[] Png(int width = 4, int height = 3) => Encode(width, height, SKEncodedImageFormat.Png);

    public static byte[] Jpeg(int width = 8, int height = 6) => Encode(width, height, SKEncodedImageFormat.Jpeg);

    public static byte[] Encode(int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(new SKColor(200, 40, 40));
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    public static readonly byte[] Mp4Head = [0, 0, 0, 0x18, .. "ftypisom"u8, 0, 0, 2, 0, .. "isomiso2"u8, .. new byte[40]];

    public static readonly byte[] MovHead = [0, 0, 0, 0x14, .. "ftypqt  "u8, 0, 0, 2, 0, .. "qt  "u8, .. new byte[40]];

    public static readonly byte[] AviHead = [.. "RIFF"u8, 0, 1, 0, 0, .. "AVI LIST"u8, .. new byte[40]];

    public static readonly byte[] WebmHead = [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, .. "webm"u8, .. new byte[20]];

    public static readonly byte[] MkvHead = [0x1A, 0x45, 0xDF, 0xA3, 0xA3, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x88, .. "matroska"u8, .. new byte[20]];
}
