using Sightline.Vision.Detection;
using Sightline.Vision.Pipeline;

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
/// tiles); smaller faces can still be reported when the detector sees them. These defaults are the only
/// ones: the CLI and the API map their arguments onto this record and <see cref="Validate"/> holds both to
/// the same ranges.
/// </summary>
public sealed record FaceDetectOptions(float MinScore = FaceDetectOptions.DefaultMinScore, float MinFaceSize = 40, int MaxFaces = 100, float IouThreshold = 0.3f) : TaskOptions
{
    /// <summary>The least detector score of a reported face.</summary>
    public const float DefaultMinScore = 0.7f;

    /// <summary>The largest <see cref="MinFaceSize"/> accepted: a face wider than this fills a 10-megapixel photo.</summary>
    public const float MaxMinFaceSize = 10_000;

    /// <summary>The most faces per image one request may ask for.</summary>
    public const int MaxFacesLimit = 1000;

    /// <summary>Options with every default; a parameterless constructor for the task registry.</summary>
    public FaceDetectOptions() : this(DefaultMinScore)
    {
    }

    public static FaceDetectOptions Default { get; } = new();

    /// <summary>Names are the API's query parameters (the CLI's options are the same words: minSize is --min-size).</summary>
    public override void Validate()
    {
        InRange("minScore", MinScore, 0, 1);
        InRange("minSize", MinFaceSize, 0, MaxMinFaceSize);
        InRange("max", MaxFaces, 1, MaxFacesLimit);
        AboveAndAtMost("iou", IouThreshold, 0, 1);
    }
}

/// <summary>A face detector: one sealed class per model family.</summary>
public interface IFaceDetector
{
    string ModelId { get; }

    /// <summary>Faces in an upright RGBA image, best first.</summary>
    IReadOnlyList<FaceCandidate> Detect(SkiaSharp.SKBitmap image, FaceDetectOptions options);
}
