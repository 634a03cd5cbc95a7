using Sightline.Faces.Detection;
using Sightline.Faces.Landmarks;
using Sightline.Vision.Detection;

namespace Sightline.Faces.Attributes;

/// <summary>
/// Whether a face is good enough to be named: <see cref="Reasons"/> lists what makes it too poor ("cut by
/// the frame", "profile", "tilted up or down", "too small", "blurred"); empty when it is identifiable. The same reasons make
/// its expression, age and gender unreliable.
/// </summary>
public sealed record Identifiability(IReadOnlyList<string> Reasons)
{
    public const string CutByFrame = "cut by the frame";
    public const string Profile = "profile";
    public const string Tilted = "tilted up or down";
    public const string TooSmall = "too small";
    public const string Blurred = "blurred";

    public static Identifiability Good { get; } = new([]);

    public bool Identifiable => Reasons.Count == 0;

    /// <summary>The reasons as one phrase ("profile, blurred"), or null for an identifiable face.</summary>
    public string? Summary => Identifiable ? null : string.Join(", ", Reasons);
}

/// <summary>
/// The rule that says a face is too poor to identify. Each bound is where the descriptor stops telling
/// people apart, measured on faces-bbt, faces-lfw and photo-collection (README, Faces):
/// a face reaching out of the image lends the descriptor pixels that are not there; a turned head shows
/// the descriptor a view it was hardly trained on, and turned faces of different people then lie closer
/// to each other than to the same people seen from the front; a tiny or blurred face has lost the detail
/// that separates people.
/// </summary>
public static class IdentifiabilityRule
{
    /// <summary>
    /// Share of the face (the box of its 68 landmarks) that may lie outside the image. On faces-lfw photos
    /// cut at one side, faces with up to a tenth of that box outside were named as well as whole ones (5 %
    /// wrong names), those with 18 % outside twice as badly (11 %); tight faces-bbt crops reach 10 %.
    /// </summary>
    public const float MaxOutsideShare = 0.1f;

    /// <summary>
    /// Largest head yaw, in degrees as <see cref="FaceLandmarks.Pose"/> estimates it, at which a face is
    /// identified. The descriptor was trained on faces that frontal detectors find, as LFW's were; the
    /// most turned of the 216 faces-lfw photos reads 72°, and a face beyond 75° (the nose tip nearly at the
    /// jaw's outline) is a profile such training sets hardly hold.
    /// </summary>
    public const float MaxYaw = 75;

    /// <summary>
    /// Largest head pitch, in degrees as <see cref="FaceLandmarks.Pose"/> estimates it, at which a face is
    /// identified: the most tilted faces-lfw face reads 61°, faces-bbt ones 42°; ±90° (the nose tip level
    /// with the mouth) is a layout no face has, as landmarks placed on a false detection give.
    /// </summary>
    public const float MaxPitch = 75;

    /// <summary>
    /// Largest yaw of a face enrolled into a gallery. A turned reference attracts turned faces of other
    /// people: against queries turned 30° or more, references turned 40-50° matched a stranger (distance
    /// under 0.6) in 30 % of pairs and those under 20° in 3-6 % (faces-lfw and faces-bbt crops). Its error
    /// repeats on every query, so references must be nearer to frontal than queries.
    /// </summary>
    public const float MaxEnrollYaw = 40;

    /// <summary>
    /// Smallest face, in decoded pixels across its landmark-aligned box (the crop the descriptor resizes to
    /// its 150x150 input), that is identified: a quarter of that input. On faces-lfw photos shrunk to
    /// 20-40 %, faces under 34 px got a wrong name 14-21 % of the time against 5 % at full size, those of
    /// 34-48 px 5-8 %.
    /// </summary>
    public const float MinFaceWidth = 150 / 4f;

    /// <summary>
    /// Smallest <see cref="FaceQuality.Sharpness"/> at which a face is identified. On blurred faces-lfw
    /// photos (Gaussian sigma 2 and 3.5), faces under 0.1 got a wrong name 28 % of the time, those of 0.1
    /// and more 3-9 % (5 % unblurred); no unblurred faces-lfw, faces-bbt or photo-collection face is under 0.1.
    /// </summary>
    public const float MinSharpness = 0.1f;

    /// <summary>
    /// Judges one face. <paramref name="landmarks"/> are in pixels of an image <paramref name="width"/> x
    /// <paramref name="height"/> (the landmark net places points beyond the frame too); <paramref name="faceWidth"/>
    /// is the aligned box's width in the pixels the networks were fed; <paramref name="sharpness"/> is left
    /// out when quality was not computed.
    /// </summary>
    public static Identifiability Judge(IReadOnlyList<FacePoint> landmarks, int width, int height,
        HeadPose pose, float faceWidth, float? sharpness)
    {
                if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"the image size must be positive (got {width}x{height})");
        var reasons = new List<string>(4);
        if (OutsideShare(FaceLandmarks.AlignedBox(landmarks, padding: 0), width, height) > MaxOutsideShare)
            reasons.Add(Identifiability.CutByFrame);
        // A NaN pose comes from degenerate landmarks: nothing to identify either.
        if (!(MathF.Abs(pose.Yaw) <= MaxYaw))
            reasons.Add(Identifiability.Profile);
        if (!(MathF.Abs(pose.Pitch) <= MaxPitch))
            reasons.Add(Identifiability.Tilted);
        if (!(faceWidth >= MinFaceWidth))
            reasons.Add(Identifiability.TooSmall);
        if (sharpness is { } s && !(s >= MinSharpness))
            reasons.Add(Identifiability.Blurred);
        return reasons.Count == 0 ? Identifiability.Good : new Identifiability(reasons);
    }

    /// <summary>The share of <paramref name="box"/>'s area that lies outside a <paramref name="width"/> x <paramref name="height"/> image (1 for an empty box).</summary>
    public static float OutsideShare(BoundingBox box, int width, int height)
    {
        var area = box.Area;
        if (!(area > 0))
            return 1;
        var inside = BoundingBox.Intersection(box, new BoundingBox(0, 0, width, height));
        return Math.Clamp(1 - inside / area, 0, 1);
    }
}
