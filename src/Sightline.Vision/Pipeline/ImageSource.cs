using SkiaSharp;

namespace Sightline.Vision.Pipeline;

/// <summary>
/// One input of the pipeline: a file, encoded bytes, or an already decoded frame (video) with its index.
/// Folders are expanded to files by ImageFiles.Scan before they get here, so that what
/// is skipped is reported once, by the caller.
/// </summary>
public abstract record ImageSource(SourceRef Ref)
{
    public static ImageSource File(string path) => new FileSource(path);

    public static ImageSource Bytes(ReadOnlyMemory<byte> data, string name) => new BytesSource(data, name);

    /// <summary>A decoded frame: the pipeline uses its pixels as they are (no decode), already upright.</summary>
    public static ImageSource Frame(SKBitmap pixels, string name, long index) => new FrameSource(pixels, name, index);
}

public sealed record FileSource(string Path) : ImageSource(new SourceRef(Path));

public sealed record BytesSource(ReadOnlyMemory<byte> Data, string Name) : ImageSource(new SourceRef(Name));

/// <summary>Pixels must be RGBA8888 unpremultiplied; the caller keeps ownership of the bitmap.</summary>
public sealed record FrameSource(SKBitmap Pixels, string Name, long Index) : ImageSource(new SourceRef(Name, Index));
