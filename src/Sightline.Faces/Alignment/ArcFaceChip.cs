using Sightline.Faces.Detection;
using SkiaSharp;

namespace Sightline.Faces.Alignment;

/// <summary>
/// The 112x112 face chip of the ArcFace family (insightface's alignment, which MobileFaceNet and MobileFace
/// were trained on): the similarity transform that puts the five points (eye centres, nose tip, mouth
/// corners, from the 68 landmarks) where insightface's reference template has them. Pure functions.
/// </summary>
public static class ArcFaceChip
{
    /// <summary>The template's own size: its points are in pixels of a 112x112 chip.</summary>
    public const int TemplateSize = 112;

    /// <summary>
    /// insightface's five reference points on a 112x112 chip, in the order of
    /// <see cref="Landmarks.FaceLandmarks.FivePoints"/> (the subject's right eye, on the image's left, first).
    /// </summary>
    private static ReadOnlySpan<float> Template =>
    [
        38.2946f, 51.6963f, 73.5318f, 51.5014f, 56.0252f, 71.7366f, 41.5493f, 92.3655f, 70.7299f, 92.2041f,
    ];

    /// <summary>Where five-point <paramref name="index"/> (0-4) lands on a chip of <paramref name="size"/> pixels.</summary>
    public static FacePoint TemplatePoint(int index, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, 4);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        var scale = (float)size / TemplateSize;
        return new FacePoint(Template[2 * index] * scale, Template[2 * index + 1] * scale);
    }

    /// <summary>The transform from image pixels to a chip of <paramref name="size"/> pixels for a face with these 68 landmarks.</summary>
    public static SKMatrix ToChip(IReadOnlyList<FacePoint> landmarks68, int size)
    {
        ArgumentNullException.ThrowIfNull(landmarks68);
        if (landmarks68.Count != Landmarks.FaceLandmarks.Count68)
            throw new ArgumentException($"expected {Landmarks.FaceLandmarks.Count68} landmarks, got {landmarks68.Count}", nameof(landmarks68));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        var from = Landmarks.FaceLandmarks.FivePoints(landmarks68);
        var to = new FacePoint[from.Length];
        for (var i = 0; i < to.Length; i++)
            to[i] = TemplatePoint(i, size);
        return FaceChip.FitSimilarity(from, to);
    }
}
