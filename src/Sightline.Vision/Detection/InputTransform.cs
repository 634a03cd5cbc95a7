using Sightline.Imaging;

namespace Sightline.Vision.Detection;

/// <summary>
/// The one map from a model's input pixels to pixels of the upright original image: first the fit of the
/// decoded bitmap into the input (letterbox or stretch, <see cref="Fit"/>), then the scaled decode (the
/// bitmap may be smaller than the original; <see cref="DecodedToOriginalX"/>, <see cref="DecodedToOriginalY"/>).
/// EXIF orientation is already in the decoded bitmap, so the original is the upright one.
/// </summary>
public readonly record struct InputTransform(Letterbox Fit, float DecodedToOriginalX, float DecodedToOriginalY, int OriginalWidth, int OriginalHeight)
{
    /// <summary>A model input made from <paramref name="image"/>'s bitmap as <paramref name="fit"/> says.</summary>
    public static InputTransform For(DecodedImage image, Letterbox fit) =>
        new(fit, (float)image.OriginalWidth / fit.SourceWidth, (float)image.OriginalHeight / fit.SourceHeight, image.OriginalWidth, image.OriginalHeight);

    /// <summary>The bitmap fitted into a <paramref name="inputWidth"/> x <paramref name="inputHeight"/> input, aspect kept (padded) or stretched.</summary>
    public static InputTransform For(DecodedImage image, int inputWidth, int inputHeight, bool keepAspect) => For(image, keepAspect
        ? Letterbox.Fit(image.Bitmap.Width, image.Bitmap.Height, inputWidth, inputHeight)
        : Letterbox.Stretch(image.Bitmap.Width, image.Bitmap.Height, inputWidth, inputHeight));

    /// <summary>Coordinates of the decoded bitmap itself (models that work on regions of it, as face detectors do).</summary>
    public static InputTransform Decoded(DecodedImage image) =>
        For(image, Letterbox.Stretch(image.Bitmap.Width, image.Bitmap.Height, image.Bitmap.Width, image.Bitmap.Height));

    /// <summary>A box in model-input pixels as a box of the original image, clipped to it.</summary>
    public BoundingBox ToOriginal(in BoundingBox inputBox)
    {
        var onBitmap = Fit.ToSource(inputBox);
        return new BoundingBox(onBitmap.X * DecodedToOriginalX, onBitmap.Y * DecodedToOriginalY, onBitmap.Width * DecodedToOriginalX, onBitmap.Height * DecodedToOriginalY);
    }

    /// <summary>A point in model-input pixels as a point of the original image (not clipped: landmarks may lie outside).</summary>
    public (float X, float Y) ToOriginal(float x, float y) =>
        ((x - Fit.PadX) / Fit.ScaleX * DecodedToOriginalX, (y - Fit.PadY) / Fit.ScaleY * DecodedToOriginalY);

    /// <summary>A length along x in original pixels as model-input pixels (a minimum face size, say).</summary>
    public float ToInputLength(float originalLength) => originalLength / DecodedToOriginalX * Fit.ScaleX;
}
