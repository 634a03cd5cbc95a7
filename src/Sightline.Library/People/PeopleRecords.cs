using Sightline.Library.People.Clustering;

namespace Sightline.Library.People;

/// <summary>
/// How the library's faces become people. <see cref="Threshold"/>, when set, replaces the descriptor model's own cut
/// (<see cref="PeopleDefaults.ThresholdFor"/>); a group needs <see cref="MinFaces"/> faces to become a person.
/// </summary>
public sealed record PeopleOptions
{
    public static PeopleOptions Default { get; } = new();

    public float? Threshold { get; init; }

    public int MinFaces { get; init; } = 2;

    /// <summary>Merge suggestions: pairs of people whose faces lie on average nearer than this many times the cut.</summary>
    public float SuggestionFactor { get; init; } = 1.5f;

    /// <summary>
    /// Up to this many clusterable faces, every pass after new faces is exact: the components the new faces touch are
    /// clustered again, which gives the very partition a full pass gives. At face-api's cut about 0.2 % of the pairs of
    /// different people lie nearer than the cut, so in a large library the "nearer than the cut" graph joins most faces
    /// into one component and an exact pass costs nearly a full one; above this size new faces are placed locally (see
    /// <see cref="ExactShare"/>). A full pass over 10,000 faces takes about 1.3 s on two cores (README, People: the benchmark).
    /// </summary>
    public int ExactUpTo { get; init; } = 20_000;

    /// <summary>
    /// Above <see cref="ExactUpTo"/> faces, a pass is still full once the faces new since the last full pass reach this
    /// share of the library; until then new faces are placed locally: each with the people of its
    /// <see cref="LocalNeighbours"/> nearest faces (nearer than the cut), those people's faces held together as they
    /// are. Between full passes the work follows the new faces and the people they meet; at every full pass the
    /// result settles to the order-free partition.
    /// </summary>
    public double ExactShare { get; init; } = 0.1;

    /// <summary>How many nearest faces (nearer than the cut) of a new face a local pass looks at.</summary>
    public int LocalNeighbours { get; init; } = 10;

    public ClusteringOptions For(string descriptorModel)
    {
        var cut = Threshold ?? PeopleDefaults.ThresholdFor(descriptorModel);
        var (chain, chainMean) = PeopleDefaults.ChainFor(descriptorModel);
        // A cut set by hand below the chain distance turns the chain rule off rather than letting it reach past the cut.
        return chain <= cut ? new(cut, MinFaces, chain, chainMean) : new(cut, MinFaces);
    }
}

/// <summary>Why a face is not part of a person.</summary>
public enum FaceStatus
{
    /// <summary>In a person (by clustering, or by the user when <see cref="PersonFace.Confirmed"/>).</summary>
    Assigned,

    /// <summary>Clusterable but without support yet (seen once), or kept apart by a constraint.</summary>
    Unassigned,

    /// <summary>Too poor to identify (cut by the frame, profile, too small, blurred): kept out of clustering; <see cref="PersonFace.TooPoor"/> says why.</summary>
    TooPoor,

    /// <summary>No descriptor of the library's descriptor model yet (imported region, or not analysed yet).</summary>
    NoDescriptor,
}

/// <summary>A person of a library as listed: name (null until named), counts, cover face and whether the user has decided anything about them.</summary>
public sealed record PersonSummary(
    long Id,
    string? Name,
    bool Hidden,
    int FaceCount,
    int PhotoCount,
    long? CoverFaceId,
    long? CoverPhotoId,
    bool Confirmed,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A face of the library as people management shows it: box in the upright original's pixels, its person (null when none), whether the user placed it there, and why it is not in a person.</summary>
public sealed record PersonFace(
    long FaceId,
    long PhotoId,
    int Index,
    float X,
    float Y,
    float Width,
    float Height,
    float Score,
    long? PersonId,
    bool Confirmed,
    FaceStatus Status,
    string? TooPoor = null,
    string? Expression = null,
    float? Age = null,
    string? Gender = null,
    float? Quality = null);

/// <summary>A detected face of a photo and who it is: the face <see cref="Index"/> of the photo's faces, its person (null when none) and that person's name (null until named).</summary>
public sealed record PhotoFacePerson(long FaceId, int Index, long? PersonId, string? PersonName, FaceStatus Status);

public sealed record PersonDetail(PersonSummary Person, IReadOnlyList<PersonFace> Faces);

/// <summary>"These two may be the same person": the mean descriptor distance between their faces (smaller is likelier).</summary>
public sealed record MergeSuggestion(PersonSummary First, PersonSummary Second, float Distance);

/// <summary>Which people to list.</summary>
public sealed record PeopleQuery(bool IncludeHidden = false, bool NamedOnly = false, int Limit = 1000);

/// <summary>What one clustering pass did: faces new to clustering, faces re-grouped (those of the components the new faces touched), people and faces after it.</summary>
public sealed record ClusteringReport(
    bool Full,
    string? DescriptorModel,
    float Threshold,
    int NewFaces,
    int FacesReclustered,
    int ComponentsReclustered,
    int People,
    int Assigned,
    int Unassigned,
    int TooPoor,
    TimeSpan Elapsed);

/// <summary>What importing a face gallery's named people did: people made (or found by name), faces placed with them, and what was skipped with the reason.</summary>
public sealed record GalleryImportReport(int People, int Faces, IReadOnlyList<string> Skipped);

/// <summary>Every face with its person, for evaluation and export: the face, its photo's content hash and the person (null when none).</summary>
public sealed record FaceAssignment(long FaceId, long PhotoId, string ContentHash, int Index, float Width, float Height, long? PersonId, FaceStatus Status);

/// <summary>What went wrong with a people request.</summary>
public enum PeopleErrorKind
{
    /// <summary>No such person or face (HTTP 404).</summary>
    NotFound,

    /// <summary>A malformed request: empty name, no faces named, a face that is not the person's (HTTP 400).</summary>
    Invalid,

    /// <summary>A request that would break a rule: merging people who share a photo, a person into themselves (HTTP 409).</summary>
    Conflict,
}

/// <summary>A people request that cannot be done, with the kind and a message naming what and why.</summary>
public sealed class PeopleException(PeopleErrorKind kind, string message) : Exception(message)
{
    public PeopleErrorKind Kind { get; } = kind;
}

/// <summary>The clustering cut of each descriptor model, measured on faces-lfw and faces-bbt (README, People).</summary>
public static class PeopleDefaults
{
    /// <summary>The cut for a descriptor model id; an unknown model gets face-api's.</summary>
    /// <remarks>
    /// face-api (128-d, Euclidean), BCubed F1 over cuts 0.45 to 0.65: faces-lfw rises to 0.971 at 0.53, holds
    /// 0.977-0.990 up to 0.58 and falls from 0.59 (0.966, 0.948 at 0.60) as its precision drops (0.934 at 0.59);
    /// faces-bbt is flat at 0.958 from 0.52 to 0.58 (precision 1.000 throughout). 0.55 sits in the middle of that
    /// common plateau (0.53 to 0.58), where both sets keep a precision of at least 0.995 and 38 of lfw's 40 people seen
    /// once stay alone; 0.57 scores a little higher on lfw but joins two more of them, and the cliff at 0.59 is near.
    /// </remarks>
    public static float ThresholdFor(string descriptorModel) => descriptorModel switch
    {
        "face-api-face-recognition" => 0.55f,
        // Cuts that maximise the mean BCubed F1 of faces-lfw and faces-bbt (README, People: the descriptor table).
        // faceres's descriptors are stored as the network gives them (lengths near 12), so its cut is a raw distance;
        // faceres-deep's, MobileFace's and MobileFaceNet's are stored at unit length.
        "human-faceres" => 12.1f,
        "human-faceres-deep" => 0.79f,
        "human-mobileface" => 1.23f,
        "human-mobilefacenet" => 0.01f,
        _ => 0.55f,
    };

    /// <summary>
    /// The chain rule of a descriptor model (chain distance, chain mean; (0, 0) is off): face-api's groups also merge
    /// when a pair of their faces is nearer than 0.5 and their mean distance is under 0.6. Neither number is fitted: 0.5
    /// is the neighbour distance Immich and DBSCAN use with this descriptor, 0.6 face-api's own same-person distance.
    /// A person whose photos change gradually (pose, light, years) chains through near pairs while the mean of the
    /// groups stays that of one person; single linkage alone (DBSCAN) chains people together too, which the mean bounds.
    /// With it faces-lfw's BCubed F1 goes from 0.977 to 0.989 and faces-bbt's from 0.958 to 0.980 (README, People); it applies up to
    /// <see cref="PeopleOptions.ExactUpTo"/> faces, where chains through pairs of different people stay rare; the other descriptors have no measured rule.
    /// </summary>
    public static (float Distance, float Mean) ChainFor(string descriptorModel) => descriptorModel switch
    {
        "face-api-face-recognition" => (0.5f, 0.6f),
        _ => (0f, 0f),
    };
}
