using SkiaSharp;

namespace Sightline.Imaging;

/// <summary>
/// Resizes for model input. Results keep the source's colour type, alpha type and colour space, so a
/// decoded Rgba8888/Unpremul bitmap stays Rgba8888/Unpremul. The caller owns the returned bitmap.
/// </summary>
public static class ImageResize
{
    /// <summary>
    /// Scales so the result covers <paramref name="width"/> x <paramref name="height"/> with the aspect
    /// ratio kept, then takes the centre: the usual classification preprocessing.
    /// </summary>
    public static SKBitmap CoverCrop(SKBitmap source, int width, int height)
    {
        Check(source, width, height);

        SKRectI crop = CenterCropRect(source.Width, source.Height, width, height);
        if (crop.Width == source.Width && crop.Height == source.Height)
        {
            return Scale(source, width, height);
        }

        // ExtractSubset shares the pixels, so the crop costs nothing; sampling clamps at the crop
        // edges, so nothing outside the crop bleeds in.
        using var subset = new SKBitmap();
        if (!source.ExtractSubset(subset, crop))
        {
            throw new InvalidOperationException($"Cannot crop a {source.Width}x{source.Height} bitmap to {crop}.");
        }

        return Scale(subset, width, height);
    }

    /// <summary>Stretches to exactly <paramref name="width"/> x <paramref name="height"/>; the aspect ratio is not kept.</summary>
    public static SKBitmap Resize(SKBitmap source, int width, int height)
    {
        Check(source, width, height);
        return Scale(source, width, height);
    }

    /// <summary>
    /// Scales the whole source into <paramref name="content"/> (aspect kept by the caller's choice of
    /// rectangle) on a <paramref name="width"/> x <paramref name="height"/> canvas filled with
    /// <paramref name="padding"/>: the letterbox input of detectors trained that way.
    /// </summary>
    public static unsafe SKBitmap Letterbox(SKBitmap source, int width, int height, SKRectI content, SKColor padding)
    {
        Check(source, width, height);
        if (content.Left < 0 || content.Top < 0 || content.Right > width || content.Bottom > height || content.Width < 1 || content.Height < 1)
            throw new ArgumentOutOfRangeException(nameof(content), content, $"content must lie inside {width}x{height}");
        using var scaled = Scale(source, content.Width, content.Height);
        var result = new SKBitmap(source.Info.WithSize(width, height));
        result.Erase(padding);
        var bytesPerPixel = result.BytesPerPixel;
        var from = (byte*)scaled.GetPixels();
        var to = (byte*)result.GetPixels();
        for (var row = 0; row < content.Height; row++)
            Buffer.MemoryCopy(from + row * scaled.RowBytes, to + (content.Top + row) * result.RowBytes + content.Left * bytesPerPixel,
                (long)result.RowBytes * height, (long)content.Width * bytesPerPixel);
        return result;
    }

    /// <summary>
    /// The largest centred source rectangle with the target's aspect ratio (rounded to whole pixels).
    /// </summary>
    internal static SKRectI CenterCropRect(int sourceWidth, int sourceHeight, int width, int height)
    {
        int cropWidth = sourceWidth;
        int cropHeight = sourceHeight;

        // Compare aspect ratios exactly: wider source than target means cropping the sides.
        if ((long)sourceWidth * height > (long)width * sourceHeight)
        {
            cropWidth = RoundClamp((double)sourceHeight * width / height, sourceWidth);
        }
        else
        {
            cropHeight = RoundClamp((double)sourceWidth * height / width, sourceHeight);
        }

        int left = (sourceWidth - cropWidth) / 2;
        int top = (sourceHeight - cropHeight) / 2;
        return SKRectI.Create(left, top, cropWidth, cropHeight);
    }

    private static int RoundClamp(double value, int max) =>
        Math.Clamp((int)Math.Round(value, MidpointRounding.AwayFromZero), 1, max);

    private static SKBitmap Scale(SKBitmap source, int width, int height)
    {
        SKImageInfo info = source.Info.WithSize(width, height);
        var result = new SKBitmap(info);
        SKSamplingOptions sampling = ResizeSampling.For(source.Width, source.Height, width, height);
        if (!source.ScalePixels(result, sampling))
        {
            result.Dispose();
            throw new InvalidOperationException(
                $"Cannot resize a {source.Width}x{source.Height} {source.ColorType} bitmap to {width}x{height}.");
        }

        return result;
    }

    private static void Check(SKBitmap source, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (source.Width <= 0 || source.Height <= 0 || source.GetPixels() == IntPtr.Zero)
        {
            throw new ArgumentException("The source bitmap has no pixels.", nameof(source));
        }
    }
}
