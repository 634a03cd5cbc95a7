using Sightline.Faces.Detection;
using Sightline.Imaging;
using SkiaSharp;

namespace Sightline.Faces.Alignment;

/// <summary>
/// The face chip face-api's descriptor network was trained on (dlib's ResNet face model: 150x150 chips,
/// a quarter of the face's size as margin): the similarity transform (rotation, uniform scale, shift)
/// that puts the face's landmarks where they sit on dlib's mean face, as dlib's own chip framing for
/// 68-point shapes (<c>get_face_chip_details</c>) does. Levelling a tilted head and framing every face
/// the same way is what lets one distance threshold fit them all. Pure functions.
/// </summary>
public static class FaceChip
{
    /// <summary>Margin around the canonical face, as a fraction of its size on each side, that the descriptor network was trained with.</summary>
    public const float TrainingPadding = 0.25f;

    /// <summary>
    /// The 68-point indices the fit uses, dlib's choice: nose, eyes and upper mouth (27-54 and the inner upper
    /// lip 60-64), without the jaw, the eyebrows and the lower lip, which move with expression and pose. Fitted
    /// to 33 points rather than five, one landmark's error moves the chip less.
    /// </summary>
    internal static ReadOnlySpan<int> ReferenceIndices =>
    [
        27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54,
        60, 61, 62, 63, 64,
    ];

    /// <summary>
    /// Where the 68 points from 17 on sit on the canonical face, 0-1 on each axis of the face's square: dlib's
    /// mean face (x then y of point 17 + i at 2i, 2i + 1), the frame its face-chip extraction and so its
    /// recognition model use.
    /// </summary>
    private static ReadOnlySpan<float> MeanFaceFrom17 =>
    [
        0.000213256f, 0.106454f, 0.0752622f, 0.038915f, 0.18113f, 0.0187482f, 0.29077f, 0.0344891f,
        0.393397f, 0.0773906f, 0.586856f, 0.0773906f, 0.689483f, 0.0344891f, 0.799124f, 0.0187482f,
        0.904991f, 0.038915f, 0.98004f, 0.106454f, 0.490127f, 0.203352f, 0.490127f, 0.307009f,
        0.490127f, 0.409805f, 0.490127f, 0.515625f, 0.36688f, 0.587326f, 0.426036f, 0.609345f,
        0.490127f, 0.628106f, 0.554217f, 0.609345f, 0.613373f, 0.587326f, 0.121737f, 0.216423f,
        0.187122f, 0.178758f, 0.265825f, 0.179852f, 0.334606f, 0.231733f, 0.260918f, 0.245099f,
        0.182743f, 0.244077f, 0.645647f, 0.231733f, 0.714428f, 0.179852f, 0.793132f, 0.178758f,
        0.858516f, 0.216423f, 0.79751f, 0.244077f, 0.719335f, 0.245099f, 0.254149f, 0.780233f,
        0.340985f, 0.745405f, 0.428858f, 0.727388f, 0.490127f, 0.742578f, 0.551395f, 0.727388f,
        0.639268f, 0.745405f, 0.726104f, 0.780233f, 0.642159f, 0.864805f, 0.556721f, 0.902192f,
        0.490127f, 0.909281f, 0.423532f, 0.902192f, 0.338094f, 0.864805f, 0.290379f, 0.784792f,
        0.428096f, 0.778746f, 0.490127f, 0.785343f, 0.552157f, 0.778746f, 0.689874f, 0.784792f,
        0.553364f, 0.824182f, 0.490127f, 0.831803f, 0.42689f, 0.824182f,
    ];

    /// <summary>Where reference point <paramref name="index"/> (a position in <see cref="ReferenceIndices"/>) lands on a chip of <paramref name="size"/> pixels with <paramref name="padding"/>.</summary>
    public static FacePoint TemplatePoint(int index, int size, float padding = TrainingPadding)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ReferenceIndices.Length);
        var t = MeanFaceFrom17;
        var point = ReferenceIndices[index] - 17;
        return new FacePoint((padding + t[2 * point]) / (2 * padding + 1) * size, (padding + t[2 * point + 1]) / (2 * padding + 1) * size);
    }

    /// <summary>
    /// Renders the chip that <paramref name="toChip"/> (image pixels to chip pixels) frames, <paramref name="size"/>
    /// x <paramref name="size"/>, black beyond the image, sampled bilinearly.
    /// </summary>
    public static SKBitmap Render(SKBitmap image, SKMatrix toChip, int size)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if (!toChip.TryInvert(out var toImage))
            throw new ArgumentException("the chip transform cannot be inverted", nameof(toChip));
        var corners = toImage.MapPoints([new SKPoint(0, 0), new SKPoint(size, 0), new SKPoint(0, size), new SKPoint(size, size)]);
        var bounds = new SKRect(corners.Min(c => c.X), corners.Min(c => c.Y), corners.Max(c => c.X), corners.Max(c => c.Y));
        // Image pixels per chip pixel; beyond two, bilinear sampling would skip pixels and alias, so the
        // region is first shrunk with averaging (RenderRegion) to about two source pixels per chip pixel.
        var shrink = 1 / MathF.Sqrt(toChip.ScaleX * toChip.ScaleX + toChip.SkewY * toChip.SkewY);
        var result = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(result);
        canvas.Clear(SKColors.Black);
        if (shrink > 2)
        {
            var width = Math.Max(1, (int)Math.Ceiling(bounds.Width / shrink * 2));
            var height = Math.Max(1, (int)Math.Ceiling(bounds.Height / shrink * 2));
            using var region = ImageResize.RenderRegion(image, bounds, width, height, SKColors.Black);
            var regionToImage = SKMatrix.CreateScaleTranslation(bounds.Width / width, bounds.Height / height, bounds.Left, bounds.Top);
            canvas.SetMatrix(toChip.PreConcat(regionToImage));
            using var regionImage = SKImage.FromBitmap(region);
            canvas.DrawImage(regionImage, 0, 0, Bilinear);
        }
        else
        {
            canvas.SetMatrix(toChip);
            using var pixels = image.PeekPixels();
            using var source = SKImage.FromPixels(pixels);
            canvas.DrawImage(source, 0, 0, Bilinear);
        }
        canvas.Flush();
        return result;
    }

    private static readonly SKSamplingOptions Bilinear = new(SKFilterMode.Linear, SKMipmapMode.None);

    /// <summary>The transform from image pixels to a chip of <paramref name="size"/> pixels for a face with these 68 landmarks.</summary>
    public static SKMatrix ToChip(IReadOnlyList<FacePoint> landmarks68, int size, float padding = TrainingPadding)
    {
        ArgumentNullException.ThrowIfNull(landmarks68);
        if (landmarks68.Count != Landmarks.FaceLandmarks.Count68)
            throw new ArgumentException($"expected {Landmarks.FaceLandmarks.Count68} landmarks, got {landmarks68.Count}", nameof(landmarks68));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if (!(padding >= 0 && float.IsFinite(padding)))
            throw new ArgumentOutOfRangeException(nameof(padding), padding, "the padding must be a finite number of at least 0");
        var indices = ReferenceIndices;
        var from = new FacePoint[indices.Length];
        var to = new FacePoint[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            from[i] = landmarks68[indices[i]];
            to[i] = TemplatePoint(i, size, padding);
        }
        return FitSimilarity(from, to);
    }

    /// <summary>
    /// The similarity transform (x, y) → (a·x − b·y + tx, b·x + a·y + ty) that maps <paramref name="from"/>
    /// onto <paramref name="to"/> with the least squared error (the closed form: centre both sets, then
    /// a and b from their dot and cross products).
    /// </summary>
    public static SKMatrix FitSimilarity(ReadOnlySpan<FacePoint> from, ReadOnlySpan<FacePoint> to)
    {
        if (from.Length != to.Length || from.Length < 2)
            throw new ArgumentException($"need two or more point pairs of equal count; got {from.Length} and {to.Length}", nameof(from));
        double fx = 0, fy = 0, tx = 0, ty = 0;
        for (var i = 0; i < from.Length; i++)
        {
            fx += from[i].X;
            fy += from[i].Y;
            tx += to[i].X;
            ty += to[i].Y;
        }
        fx /= from.Length;
        fy /= from.Length;
        tx /= from.Length;
        ty /= from.Length;
        double dot = 0, cross = 0, spread = 0;
        for (var i = 0; i < from.Length; i++)
        {
            double ux = from[i].X - fx, uy = from[i].Y - fy, vx = to[i].X - tx, vy = to[i].Y - ty;
            dot += ux * vx + uy * vy;
            cross += ux * vy - uy * vx;
            spread += ux * ux + uy * uy;
        }
        if (!(spread > 1e-9) || !double.IsFinite(spread))
            throw new ArgumentException("the source points must be finite and not all at one place", nameof(from));
        double a = dot / spread, b = cross / spread;
        return new SKMatrix((float)a, (float)-b, (float)(tx - (a * fx - b * fy)), (float)b, (float)a, (float)(ty - (b * fx + a * fy)), 0, 0, 1);
    }
}
