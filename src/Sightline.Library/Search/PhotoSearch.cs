namespace Sightline.Library.Search;

/// <summary>How the people of a search combine.</summary>
public enum PeopleMatch
{
    /// <summary>Every person named is in the photo (others may be too).</summary>
    AllOf,

    /// <summary>At least one of them is.</summary>
    AnyOf,

    /// <summary>Every one of them is, and no face of the photo that is identifiable belongs to anyone else.</summary>
    Only,
}

/// <summary>A person of a search: by name (case-insensitive, as the people commands name them) or by id (<c>#12</c> in the query language).</summary>
public sealed record PersonRef(string? Name = null, long? Id = null)
{
    public override string ToString() => Id is { } id ? $"#{id}" : Name ?? "";
}

/// <summary>
/// A face with this expression as its strongest one, at <see cref="MinScore"/> or more; of <see cref="Person"/>'s face
/// when given, of anyone's in the photo otherwise.
/// </summary>
public sealed record EmotionFilter(string Emotion, PersonRef? Person = null, float MinScore = 0f);

/// <summary>At least <see cref="MinCount"/> objects of a COCO class (as the detect analysis names them).</summary>
public sealed record ObjectFilter(string Label, int MinCount = 1);

/// <summary>A place: a circle (centre and radius in km) or a box (south-west and north-east corners).</summary>
public sealed record PlaceFilter(double Latitude, double Longitude, double? RadiusKm = null, double? ToLatitude = null, double? ToLongitude = null)
{
    public bool IsBox => ToLatitude is not null && ToLongitude is not null;
}

/// <summary>The face condition of a search.</summary>
public enum FacePresence
{
    Any,

    /// <summary>No face found or imported.</summary>
    None,

    /// <summary>At least one face.</summary>
    Some,
}

/// <summary>The order of search results.</summary>
public enum SearchOrder
{
    /// <summary>Newest first by date taken (the default; undated after dated).</summary>
    TakenDescending,
    TakenAscending,
    AddedDescending,

    /// <summary>Best match first: words matched for a text search, similarity for a similar-to search; date otherwise.</summary>
    Relevance,

    /// <summary>Most similar to <see cref="PhotoSearch.SimilarTo"/> first.</summary>
    Similarity,
}

/// <summary>
/// One search of a library: the same model for the CLI (<c>sightline library search</c>), the API (<c>?q=</c>) and
/// the web app. Every filter given must hold (they combine with AND); an empty search lists every photo.
/// <see cref="Text"/> words each must occur in the photo's text: words read in it (the text analysis, when it runs),
/// its title, description, keywords and file names. Dates are the camera's date taken (never the file time), as local
/// dates: <see cref="TakenFrom"/> inclusive, <see cref="TakenBefore"/> exclusive.
/// </summary>
public sealed record PhotoSearch
{
    public static PhotoSearch All { get; } = new();

    public IReadOnlyList<PersonRef> People { get; init; } = [];
    public PeopleMatch PeopleMatch { get; init; } = PeopleMatch.AllOf;
    public IReadOnlyList<EmotionFilter> Emotions { get; init; } = [];
    public IReadOnlyList<ObjectFilter> Objects { get; init; } = [];
    public IReadOnlyList<string> Text { get; init; } = [];
    public DateTime? TakenFrom { get; init; }
    public DateTime? TakenBefore { get; init; }

    /// <summary>Words of the camera's make or model, each contained (case-insensitive).</summary>
    public string? Camera { get; init; }

    public PlaceFilter? Place { get; init; }
    public MediaKind? Kind { get; init; }

    /// <summary>A photo id: results are the photos most like it (by image embedding), itself left out.</summary>
    public long? SimilarTo { get; init; }

    public FacePresence Faces { get; init; } = FacePresence.Any;

    /// <summary>Photos with a face that needs a look: identifiable but in no person, or too poor to identify.</summary>
    public bool NeedsReview { get; init; }

    /// <summary>"safe" or "sensitive" (the moderate analysis' verdict).</summary>
    public string? Moderation { get; init; }

    public SearchOrder Order { get; init; } = SearchOrder.TakenDescending;
}

/// <summary>A page request of a search: at most <see cref="Limit"/> after <see cref="Cursor"/> (the previous page's opaque cursor).</summary>
public sealed record SearchPageRequest(int Limit = 100, string? Cursor = null);

/// <summary>
/// One photo found, with its score for relevance and similarity orders (null otherwise); a video found by the objects
/// or people it shows also says when they are seen (see <see cref="VideoMoments"/>).
/// </summary>
public sealed record SearchHit(PhotoRow Photo, double? Score, IReadOnlyList<VideoMoment>? Moments = null);

/// <summary>A page of results, how many photos match in all, and the cursor of the next page (null at the end).</summary>
public sealed record SearchPage(IReadOnlyList<SearchHit> Photos, long Total, string? NextCursor);

/// <summary>Why a search cannot run: its text is malformed, or it names something the library does not hold (an unknown person).</summary>
public enum SearchErrorKind { Malformed, Unknown }

/// <summary>A search the library cannot run: a malformed query (with the position of the fault) or a filter naming nothing that exists.</summary>
public sealed class SearchQueryException(string message, int? position = null, SearchErrorKind kind = SearchErrorKind.Malformed) : Exception(message)
{
    /// <summary>Where in the query text the fault starts (0-based), when the search came from text.</summary>
    public int? Position { get; } = position;

    public SearchErrorKind Kind { get; } = kind;
}
