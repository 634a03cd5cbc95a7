using SkiaSharp;

namespace Sightline.Imaging;

/// <summary>A decoded, upright image and where it came from. Disposing it frees the pixels.</summary>
public sealed class DecodedImage : IDisposable
{
    private readonly bool _ownsBitmap;

    internal DecodedImage(
        SKBitmap bitmap,
        int originalWidth,
        int originalHeight,
        ImageFormat format,
        int orientation,
        string source,
        SKSizeI codecSize,
        bool ownsBitmap = true)
    {
        _ownsBitmap = ownsBitmap;
        Bitmap = bitmap;
        OriginalWidth = originalWidth;
        OriginalHeight = originalHeight;
        Format = format;
        Orientation = orientation;
        Source = source;
        CodecSize = codecSize;
    }

    /// <summary>
    /// Upright pixels (EXIF orientation already applied) as <see cref="SKColorType.Rgba8888"/> with
    /// <see cref="SKAlphaType.Unpremul"/>: each pixel is the bytes R, G, B, A in that order, colour
    /// not multiplied by alpha, converted to sRGB. Tensor code relies on this layout.
    /// </summary>
    public SKBitmap Bitmap { get; }

    public int Width => Bitmap.Width;

    public int Height => Bitmap.Height;

    /// <summary>Upright full-resolution width from the header.</summary>
    public int OriginalWidth { get; }

    /// <summary>Upright full-resolution height from the header.</summary>
    public int OriginalHeight { get; }

    public ImageFormat Format { get; }

    /// <summary>EXIF orientation 1-8 that was applied; 1 when absent.</summary>
    public int Orientation { get; }

    public string Source { get; }

    /// <summary>Size the codec produced, in stored orientation, before rotation and final resize.</summary>
    internal SKSizeI CodecSize { get; }

    /// <summary>
    /// Pixels decoded elsewhere (a video frame), already upright, as this type: RGBA8888 unpremultiplied, which
    /// is checked. The caller keeps the bitmap; disposing the result leaves it alone.
    /// </summary>
    public static DecodedImage FromPixels(SKBitmap pixels, string source)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(source);
        if (pixels.ColorType != SKColorType.Rgba8888 || pixels.AlphaType == SKAlphaType.Premul)
            throw new ArgumentException($"frame '{source}' is {pixels.ColorType}/{pixels.AlphaType}; RGBA8888 unpremultiplied is needed", nameof(pixels));
        return new DecodedImage(pixels, pixels.Width, pixels.Height, ImageFormat.Pixels, 1, source, new SKSizeI(pixels.Width, pixels.Height), ownsBitmap: false);
    }

    public void Dispose()
    {
        if (_ownsBitmap)
            Bitmap.Dispose();
    }
}
