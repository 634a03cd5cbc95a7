using Sightline.Faces.Detection;
using Sightline.Imaging;
using SkiaSharp;

namespace Sightline.Faces.Alignment;

/// <summary>
/// The face chip face-api's descriptor network was trained on (dlib's ResNet face model: 150x150 chips,
/// a quarter of the face's size as margin): the similarity transform (rotation, uniform scale, shift)
/// that puts the eye corners and the base of the nose where they sit on the canonical face. Levelling
/// a tilted head and framing every face the same way is what lets one distance threshold fit them all.
/// Pure functions.
/// </summary>
public static class FaceChip
{
    /// <summary>Margin around the canonical face, as a fraction of its size on each side, that the descriptor network was trained with.</summary>
    public const float TrainingPadding = 0.25f;

    /// <summary>The 68-point indices of the five reference points: outer and inner corner of each eye, then the base of the nose.</summary>
    internal static ReadOnlySpan<int> ReferenceIndices => [45, 42, 36, 39, 33];

    /// <summary>
    /// Where the five reference points sit on the canonical face, 0-1 on each axis of the face's square:
    /// dlib's five-point mean face, the frame its face-chip extraction and so its recognition model use.
    /// </summary>
    internal static ReadOnlySpan<float> Template =>
    [
        0.8595675f, 0.2134982f,
        0.6460605f, 0.2289674f,
        0.1205751f, 0.2137275f,
        0.3340851f, 0.2290642f,
        0.4901123f, 0.6277975f,
    ];

    /// <summary>Where reference point <paramref name="index"/> lands on a chip of <paramref name="size"/> pixels with <paramref name="padding"/>.</summary>
    public static FacePoint TemplatePoint(int index, int size, float padding = TrainingPadding)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ReferenceIndices.Length);
        var t = Template;
        return new FacePoint((padding + t[2 * index]) / (2 * padding + 1) * size, (padding + t[2 * index + 1]) / (2 * padding + 1) * size);
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
