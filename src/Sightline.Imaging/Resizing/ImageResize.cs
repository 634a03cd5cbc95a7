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
    /// Renders <paramref name="region"/> of the source (in source pixels, fractional, possibly reaching past
    /// the image) onto a <paramref name="width"/> x <paramref name="height"/> canvas; whatever lies outside
    /// the image is <paramref name="padding"/>. One primitive for tiles, padded face crops and letterboxes
    /// that keeps sub-pixel placement, which matters when a face is only a few dozen pixels across.
    /// The result is opaque Rgba8888.
    /// </summary>
    public static SKBitmap RenderRegion(SKBitmap source, SKRect region, int width, int height, SKColor padding)
    {
        Check(source, width, height);
        if (region.Width <= 0 || region.Height <= 0 || !float.IsFinite(region.Left + region.Top + region.Right + region.Bottom))
            throw new ArgumentOutOfRangeException(nameof(region), region, "the region must have a positive, finite size");
        var result = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(result);
        canvas.Clear(padding.WithAlpha(255));
        var visible = SKRect.Intersect(region, SKRect.Create(source.Width, source.Height));
        if (visible.Width > 0 && visible.Height > 0)
        {
            float sx = width / region.Width, sy = height / region.Height;
            var target = new SKRect((visible.Left - region.Left) * sx, (visible.Top - region.Top) * sy,
                (visible.Right - region.Left) * sx, (visible.Bottom - region.Top) * sy);
            using var pixels = source.PeekPixels();
            using var image = SKImage.FromPixels(pixels);
            if (visible.Width > 2 * target.Width || visible.Height > 2 * target.Height)
            {
                // Shrinking this much needs averaging; drawing with mipmaps would build them for the whole
                // source on every call, so scale just the visible part once, then place it.
                var subset = SKRectI.Round(visible);
                subset.Intersect(SKRectI.Create(source.Width, source.Height));
                using var part = new SKBitmap();
                if (subset.Width > 0 && subset.Height > 0 && source.ExtractSubset(part, subset))
                {
                    using var scaled = Scale(part, Math.Max(1, (int)Math.Ceiling(target.Width)), Math.Max(1, (int)Math.Ceiling(target.Height)));
                    var placed = new SKRect((subset.Left - region.Left) * sx, (subset.Top - region.Top) * sy,
                        (subset.Right - region.Left) * sx, (subset.Bottom - region.Top) * sy);
                    using var scaledImage = SKImage.FromBitmap(scaled);
                    canvas.DrawImage(scaledImage, placed, ResizeSampling.Bilinear);
                    canvas.Flush();
                    return result;
                }
            }
            canvas.DrawImage(image, visible, target, ResizeSampling.Bilinear);
        }
        canvas.Flush();
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
