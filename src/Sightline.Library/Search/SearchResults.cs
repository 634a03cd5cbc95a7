using System.Text.Json.Serialization;

namespace Sightline.Library.Search;

/// <summary>How many photos a page of search results holds: the default and the most one request may ask for.</summary>
public sealed record SearchPageLimits
{
    public static SearchPageLimits Default { get; } = new();

    public int DefaultLimit { get; init; } = 100;

    public int MaxLimit { get; init; } = 500;
}

/// <summary>
/// One photo of the results: the photo as the photo list gives it, and its score (null unless the order ranks by one);
/// a video found by objects or people also has its moments, when they are seen (seconds from its start).
/// </summary>
public sealed record SearchResultPhoto(
    PhotoRow Photo,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Score,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<VideoMoment>? Moments = null);

/// <summary>
/// A page of a text query's results, exactly what <c>sightline library search --json</c> prints and
/// <c>GET /v1/library/search</c> answers: the query in its canonical form (see <see cref="SearchQueryLanguage.Format"/>),
/// how many photos match in all, the cursor of the next page (null after the last) and the photos of this page.
/// </summary>
public sealed record SearchResults(
    string Query,
    long Total,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor,
    IReadOnlyList<SearchResultPhoto> Photos)
{
    /// <summary>
    /// Parses <paramref name="query"/> and runs it on <paramref name="library"/>. A malformed query is a
    /// <see cref="SearchQueryException"/> of kind <see cref="SearchErrorKind.Malformed"/> with its position; one naming
    /// a person the library does not have is of kind <see cref="SearchErrorKind.Unknown"/>.
    /// </summary>
    public static async Task<SearchResults> QueryAsync(PhotoLibrary library, string query, SearchPageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(library);
        var search = SearchQueryLanguage.Parse(query);
        var found = await library.Search.SearchAsync(search, page, cancellationToken).ConfigureAwait(false);
        return new SearchResults(SearchQueryLanguage.Format(search), found.Total, found.NextCursor,
            found.Photos.Select(hit => new SearchResultPhoto(hit.Photo, hit.Score, hit.Moments)).ToList());
    }
}
