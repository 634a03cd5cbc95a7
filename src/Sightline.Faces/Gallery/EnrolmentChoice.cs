using Sightline.Faces.Attributes;

namespace Sightline.Faces.Gallery;

/// <summary>The face of one photo to enrol, or why the photo gives none.</summary>
public readonly record struct EnrolmentPick(AnalyzedFace? Face, string? Problem);

/// <summary>
/// Which face of a photo to enrol: the largest, when it is clearly the photo's subject and good enough.
/// A second face nearly as large makes the choice a guess, and a wrong guess files a stranger under the
/// person's name, so such a photo gives no face. A face too poor to identify, or turned further than
/// <see cref="IdentifiabilityRule.MaxEnrollYaw"/>, gives none either.
/// </summary>
public static class EnrolmentChoice
{
    /// <summary>A second face with at least this share of the largest face's area makes the photo ambiguous.</summary>
    public const float AmbiguousAreaRatio = 0.5f;

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
