using Sightline.Imaging;
using SkiaSharp;

namespace Sightline.Library.Thumbnails;

/// <summary>
/// A square picture of one face, cut from its photo's preview thumbnail: the face box (in the upright original's
/// pixels) scaled to the preview, widened by a margin so that hair and chin show, kept inside the preview.
/// </summary>
public static class FaceThumbnail
{
    public const int DefaultSize = 160;
    public const int MinSize = 32;
    public const int MaxSize = 512;
    public const int Quality = 85;

    /// <summary>Of the face box's larger side, added on each side.</summary>
    public const float Margin = 0.4f;

    /// <summary>
    /// The square region of a <paramref name="previewWidth"/> x <paramref name="previewHeight"/> preview that shows the
    /// face whose box is given in the pixels of an <paramref name="originalWidth"/> x <paramref name="originalHeight"/>
    /// original: centred on the face, shifted (then shrunk) to stay inside the preview.
    /// </summary>
    public static SKRect Region(float x, float y, float width, float height, int originalWidth, int originalHeight, int previewWidth, int previewHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(originalWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(originalHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(previewWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(previewHeight);
        if (!(width > 0 && height > 0) || !float.IsFinite(x + y + width + height))
            throw new ArgumentOutOfRangeException(nameof(width), $"the face box {x}, {y}, {width}, {height} has no positive, finite size");
        float sx = (float)previewWidth / originalWidth, sy = (float)previewHeight / originalHeight;
        float centreX = (x + width / 2) * sx, centreY = (y + height / 2) * sy;
        float side = Math.Max(width * sx, height * sy) * (1 + 2 * Margin);
        side = Math.Min(side, Math.Min(previewWidth, previewHeight));
        float left = Math.Clamp(centreX - side / 2, 0, previewWidth - side);
        float top = Math.Clamp(centreY - side / 2, 0, previewHeight - side);
        return SKRect.Create(left, top, side, side);
    }

    /// <summary>
    /// The face's <paramref name="size"/> x <paramref name="size"/> JPEG, from the preview file. When the original's size
    /// is not known, the preview is taken to be the original (a photo smaller than the preview is never enlarged).
    /// </summary>
    public static byte[] Render(string previewPath, float x, float y, float width, float height, int? originalWidth, int? originalHeight, int size = DefaultSize)
    {
        if (size is < MinSize or > MaxSize)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"a face thumbnail is {MinSize} to {MaxSize} pixels");
        using var preview = ImageDecoder.Decode(previewPath);
        var bitmap = preview.Bitmap;
        var region = Region(x, y, width, height, originalWidth ?? bitmap.Width, originalHeight ?? bitmap.Height, bitmap.Width, bitmap.Height);
        using var face = ImageResize.RenderRegion(bitmap, region, size, size, SKColors.White);
        using var data = face.Encode(SKEncodedImageFormat.Jpeg, Quality) ?? throw new InvalidOperationException($"encoding the face thumbnail from '{previewPath}' failed");
        return data.ToArray();
    }
}
