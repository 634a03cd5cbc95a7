using SkiaSharp;

namespace Sightline.Video.Decoding;

/// <summary>
/// One frame: its number in the video (0-based), its time in seconds, and its upright pixels (RGBA8888,
/// unpremultiplied, as the pipeline takes them). Disposing it frees the pixels.
/// </summary>
public sealed class VideoFrame(long index, double time, SKBitmap pixels, IDisposable? owner = null) : IDisposable
{
    public long Index { get; } = index;
    public double Time { get; } = time;
    public SKBitmap Pixels { get; } = pixels;

    public void Dispose()
    {
        if (owner is not null)
            owner.Dispose();
        else
            Pixels.Dispose();
    }
}
