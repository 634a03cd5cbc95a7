using Sightline.Faces.Attributes;
using Sightline.Vision.Pipeline;

namespace Sightline.Faces.Gallery;

/// <summary>The face of one photo to enrol, or why the photo gives none.</summary>
public readonly record struct EnrolmentPick(AnalyzedFace? Face, string? Problem);

/// <summary>How strict enrolment is: faces of lower quality than <see cref="MinQuality"/> (0-1) are not enrolled.</summary>
public sealed record EnrolmentOptions(float MinQuality = FaceQualityScorer.MinEnrollQuality) : TaskOptions
{
    /// <summary>Options with every default; a parameterless constructor for the task registry.</summary>
    public EnrolmentOptions() : this(FaceQualityScorer.MinEnrollQuality)
    {
    }

    public static EnrolmentOptions Default { get; } = new();

    public override void Validate() => InRange("minQuality", MinQuality, 0, 1);
}

/// <summary>One photo offered for enrolment: its name, and its analysis or why it could not be read.</summary>
public sealed record EnrolmentPhoto(string Source, FaceAnalysis? Analysis, string? Error = null);

/// <summary>A photo that gives a face to enrol, and that face.</summary>
public sealed record ChosenFace(EnrolmentPhoto Photo, AnalyzedFace Face);

/// <summary>A photo an enrolment does not use, and why.</summary>
public sealed record SkippedPhoto(string Source, string Reason);

/// <summary>
/// What an enrolment of several photos does: the face each usable photo gives, and every other photo with its
/// reason. Nothing is written when <see cref="Chosen"/> is empty (<see cref="NothingUsable"/> says why).
/// </summary>
public sealed record EnrolmentPlan(IReadOnlyList<ChosenFace> Chosen, IReadOnlyList<SkippedPhoto> Skipped)
{
    /// <summary>Why nothing is enrolled: the one photo's problem, or every photo's.</summary>
    public string NothingUsable() => Skipped.Count == 1
        ? $"'{Skipped[0].Source}': {Skipped[0].Reason}; nothing was enrolled"
        : $"none of the {Skipped.Count} photos has a usable face ({string.Join("; ", Skipped.Select(s => $"'{s.Source}': {s.Reason}"))}); nothing was enrolled";

    /// <summary>The faces to store, each with the name its photo is stored under.</summary>
    public IEnumerable<EnrolledFace> Faces(Func<string, string>? storedName = null) =>
        Chosen.Select(c => new EnrolledFace(c.Face.Descriptor!, storedName?.Invoke(c.Photo.Source) ?? c.Photo.Source, c.Face.Quality?.Score));
}

/// <summary>
/// Which face of a photo to enrol: the largest, when it is clearly the photo's subject and good enough.
/// A second face nearly as large makes the choice a guess, and a wrong guess files a stranger under the
/// person's name, so such a photo gives no face. A face too poor to identify, or turned further than
/// <see cref="IdentifiabilityRule.MaxEnrollYaw"/>, gives none either. The CLI and the API enrol through
/// <see cref="Plan"/>, so both take and refuse the same photos.
/// </summary>
public static class EnrolmentChoice
{
    /// <summary>A second face with at least this share of the largest face's area makes the photo ambiguous.</summary>
    public const float AmbiguousAreaRatio = 0.5f;

    /// <summary>The face each photo gives, or why it gives none; <paramref name="options"/> are validated first.</summary>
    public static EnrolmentPlan Plan(IEnumerable<EnrolmentPhoto> photos, EnrolmentOptions? options = null)
    {
        options ??= EnrolmentOptions.Default;
        options.Validate();
        var chosen = new List<ChosenFace>();
        var skipped = new List<SkippedPhoto>();
        foreach (var photo in photos)
        {
            var pick = photo.Analysis is null ? new EnrolmentPick(null, photo.Error ?? "unreadable") : Pick(photo.Analysis, options.MinQuality);
            if (pick.Face is { } face)
                chosen.Add(new ChosenFace(photo, face));
            else
                skipped.Add(new SkippedPhoto(photo.Source, pick.Problem!));
        }
        return new EnrolmentPlan(chosen, skipped);
    }

    public static EnrolmentPick Pick(FaceAnalysis analysis, float minQuality)
    {
        var faces = analysis.Faces.OrderByDescending(f => f.Box.Area).ToList();
        if (faces.Count == 0 || faces[0].Descriptor is null)
            return new(null, "no face found");
        var face = faces[0];
        if (faces.Count > 1 && faces[1].Box.Area >= AmbiguousAreaRatio * face.Box.Area)
            return new(null, $"{faces.Count} faces and the two largest are of similar size, so which one is the person is a guess; crop the photo to the person");
        if (face.Quality is { } q && q.Score < minQuality)
            return new(null, $"face quality {q.Score:0.00} is under {minQuality:0.00} (size {q.Size:0.00}, sharpness {q.Sharpness:0.00}, frontal {q.Frontal:0.00})");
        if (face.Identifiability is { Identifiable: false } poor)
            return new(null, $"the face is too poor to identify ({poor.Summary})");
        if (face.Pose is { } pose && !(MathF.Abs(pose.Yaw) <= IdentifiabilityRule.MaxEnrollYaw))
            return new(null, $"the head is turned {MathF.Abs(pose.Yaw):0}° (over {IdentifiabilityRule.MaxEnrollYaw:0}° for an enrolled face, which would attract other people's turned faces); use a photo nearer to frontal");
        return new(face, null);
    }
}
