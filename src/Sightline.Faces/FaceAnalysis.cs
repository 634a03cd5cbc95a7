using Sightline.Faces.Attributes;
using Sightline.Faces.Descriptors;
using Sightline.Faces.Detection;
using Sightline.Faces.Landmarks;
using Sightline.Vision.Detection;
using Sightline.Vision.Pipeline;

namespace Sightline.Faces;

/// <summary>What to compute for each face beyond its box.</summary>
[Flags]
public enum FaceTasks
{
    None = 0,
    Landmarks = 1,
    Descriptor = 2,
    Emotion = 4,
    AgeGender = 8,
    Quality = 16,
    Liveness = 32,

    /// <summary>Everything but liveness, which is for access-control checks rather than photo collections.</summary>
    Default = Landmarks | Descriptor | Emotion | AgeGender | Quality,
    All = Default | Liveness,

    /// <summary>What comparing and enrolling faces needs: a descriptor, and the quality that tells a face too poor to use.</summary>
    Recognition = Landmarks | Descriptor | Quality,
}

/// <summary>Options of one analysis: which faces (<see cref="Detect"/>) and what to compute for them.</summary>
public sealed record FaceAnalysisOptions(FaceDetectOptions Detect, FaceTasks Tasks = FaceTasks.Default) : TaskOptions
{
    /// <summary>Options with every default; a parameterless constructor for the task registry.</summary>
    public FaceAnalysisOptions() : this(FaceDetectOptions.Default)
    {
    }

    public static FaceAnalysisOptions Default { get; } = new();

    public override void Validate() => Detect.Validate();
}

/// <summary>
/// One face: box (pixels of the upright original and normalised), detector score, and, each when asked for
/// (landmarks come with any per-face task), 5 and 68 landmarks, head pose, quality, descriptor, emotion,
/// age and gender, liveness; and, with landmarks, whether it is good enough to identify (when it is not,
/// its expression, age and gender carry the same reasons as unreliable).
/// </summary>
public sealed record AnalyzedFace(
    BoundingBox Box,
    BoundingBox NormalizedBox,
    float Score,
    IReadOnlyList<FacePoint> Landmarks5,
    IReadOnlyList<FacePoint>? Landmarks68,
    HeadPose? Pose,
    FaceQuality? Quality,
    FaceDescriptor? Descriptor,
    FaceEmotion? Emotion,
    AgeGender? AgeGender,
    Liveness? Liveness,
    Identifiability? Identifiability = null);

/// <summary>Milliseconds spent per stage on one image.</summary>
public readonly record struct FaceTimings(double DecodeMs, double DetectMs, double LandmarksMs, double DescriptorMs, double AttributesMs)
{
    public double TotalMs => DecodeMs + DetectMs + LandmarksMs + DescriptorMs + AttributesMs;
}

/// <summary>Every face of one image, with the image size, the models used and the time per stage.</summary>
public sealed record FaceAnalysis(string Source, int Width, int Height, IReadOnlyList<AnalyzedFace> Faces, IReadOnlyDictionary<string, string> Models, FaceTimings Timings)
{
    /// <summary>The face with the largest box: the one compared by verification and enrolled from a photo; null without faces.</summary>
    public AnalyzedFace? LargestFace() => Faces.Count == 0 ? null : Faces.MaxBy(f => f.Box.Area);
}
