using Sightline.Faces.Descriptors;
using Sightline.Imaging;

namespace Sightline.Faces.Gallery;

/// <summary>One face to enrol: its descriptor, where it came from (a file name) and an optional quality score.</summary>
public sealed record EnrolledFace(FaceDescriptor Descriptor, string Source, float? Quality = null);

/// <summary>The descriptor model a gallery is bound to; set by its first enrolment.</summary>
public readonly record struct GalleryModel(string ModelId, DescriptorMetric Metric, int Dimension)
{
    public override string ToString() => $"{ModelId} ({Dimension}-d, {Metric.ToString().ToLowerInvariant()})";
}

/// <summary>An enrolled person: name as first written, number of faces, and when it was created and last changed (UTC).</summary>
public readonly record struct GalleryPerson(string Name, int FaceCount, DateTimeOffset Created, DateTimeOffset Updated);

/// <summary>One stored face of a person.</summary>
public readonly record struct GalleryFace(long Id, string Person, string Source, float? Quality, DateTimeOffset Added);

/// <summary>What an enrolment did: the person afterwards, the ids of the faces it stored, and whether it created the person.</summary>
public readonly record struct EnrollmentResult(GalleryPerson Person, IReadOnlyList<long> FaceIds, bool CreatedPerson);

/// <summary>A person's distance to a query (the smallest over their faces) and the similarity it implies.</summary>
public readonly record struct GalleryMatch(string Name, float Distance, float Similarity, long FaceId)
{
    /// <summary>
    /// A 0-1 similarity of two descriptors: their cosine similarity, clipped at 0. It reads the same for
    /// every model (face-api's descriptors are not unit length, so a distance alone cannot give it); a
    /// calibrated probability of "same person" comes from <see cref="Evaluation.DistanceCalibration"/>.
    /// </summary>
    public static float SimilarityOf(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        Math.Clamp(System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b), 0f, 1f);
}

/// <summary>
/// The answer to "who is this": the nearest person (even beyond the threshold, so callers can say
/// how close the nearest was), the runner-up, and the threshold under which the nearest counts as a match;
/// or, for a face too poor to identify, the reasons (<see cref="TooPoor"/>) and no search at all.
/// </summary>
public readonly record struct Identification(GalleryMatch? Nearest, GalleryMatch? RunnerUp, float Threshold, IReadOnlyList<string>? TooPoor = null)
{
    public const string KnownStatus = "known";
    public const string UnknownStatus = "unknown";
    public const string TooPoorStatus = "too poor";

    public static Identification None(float threshold) => new(null, null, threshold);

    /// <summary>The answer for a face too poor to identify: never a match, whoever is nearest.</summary>
    public static Identification Poor(IReadOnlyList<string> reasons, float threshold) => new(null, null, threshold, reasons);

    /// <summary>True when the face was too poor to be held against the gallery.</summary>
    public bool IsTooPoor => TooPoor is not null;

    /// <summary>True when the nearest person is closer than the threshold.</summary>
    public bool IsKnown => !IsTooPoor && Nearest is { } nearest && nearest.Distance < Threshold;

    /// <summary>The matched person, or null for an unknown face.</summary>
    public GalleryMatch? Match => IsKnown ? Nearest : null;

    /// <summary>"known", "unknown" or "too poor".</summary>
    public string Status => IsTooPoor ? TooPoorStatus : IsKnown ? KnownStatus : UnknownStatus;

    /// <summary>What to call the face: the person's name, "unknown", or "too poor (profile)".</summary>
    public string Label => Match is { } m ? m.Name : IsTooPoor ? $"{TooPoorStatus} ({string.Join(", ", TooPoor!)})" : UnknownStatus;

    /// <summary>
    /// The calibrated probability that the answer is right: that the face is the nearest person when
    /// known, that it is not when unknown (null for an empty gallery). Unlike the cosine similarity, which
    /// reads 0.8 and more for strangers with some descriptor models, it means the same for every model.
    /// </summary>
    public float? Confidence(Evaluation.DistanceCalibration calibration) =>
        Nearest is { } nearest ? (IsKnown ? calibration.Probability(nearest.Distance) : 1 - calibration.Probability(nearest.Distance)) : null;

    /// <summary>How much farther the runner-up is than the nearest; null with fewer than two people.</summary>
    public float? Margin => Nearest is { } nearest && RunnerUp is { } runnerUp ? runnerUp.Distance - nearest.Distance : null;
}

/// <summary>A gallery file or request that cannot be used as asked.</summary>
public sealed class GalleryException(string message, Exception? inner = null, GalleryErrorKind kind = GalleryErrorKind.Unavailable) : SightlineException(message, inner)
{
    /// <summary>Whose fault it is: the file (unavailable, damaged), a conflict with what is stored, or a bad request.</summary>
    public GalleryErrorKind Kind { get; } = kind;
}

/// <summary>What kind of gallery error: lets a server answer 503, 409 or 422 rather than one code for all.</summary>
public enum GalleryErrorKind
{
    /// <summary>The file cannot be created, opened, read or written, or is damaged.</summary>
    Unavailable,

    /// <summary>The request conflicts with what the gallery holds: another descriptor model, a name already taken.</summary>
    Conflict,

    /// <summary>The request itself is unusable: an empty or overlong name, a malformed descriptor.</summary>
    Invalid,

    /// <summary>Faces would be described by another model than the one the gallery is bound to.</summary>
    ModelMismatch,
}
