using Sightline.Vision.Detection;

namespace Sightline.Faces.Detection;

/// <summary>A point in pixels of the upright image.</summary>
public readonly record struct FacePoint(float X, float Y);

/// <summary>
/// A face as a detector reports it: box and score, and the detector's own keypoints in image pixels
/// (BlazeFace: right eye, left eye, nose tip, mouth, right ear, left ear, as seen from the subject; none for
/// detectors without keypoints).
/// </summary>
public readonly record struct FaceCandidate(BoundingBox Box, float Score, FacePoint[] Keypoints);

/// <summary>
/// Which faces to report: at least <see cref="MinScore"/>, at most <see cref="MaxFaces"/>, after suppressing
/// boxes that overlap a better one by more than <see cref="IouThreshold"/>. <see cref="MinFaceSize"/> is the
/// smallest face, in pixels across, the scan is planned to find (0: one pass over the whole image, no
/// tiles); smaller faces can still be reported when the detector sees them.
/// </summary>
public sealed record FaceDetectOptions(float MinScore = 0.7f, float MinFaceSize = 40, int MaxFaces = 100, float IouThreshold = 0.3f)
{
    public static FaceDetectOptions Default { get; } = new();
}

/// <summary>A face detector: one sealed class per model family.</summary>
public interface IFaceDetector
{
    string ModelId { get; }

    /// <summary>Faces in an upright RGBA image, best first.</summary>
    IReadOnlyList<FaceCandidate> Detect(SkiaSharp.SKBitmap image, FaceDetectOptions options);
}
