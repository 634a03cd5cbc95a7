using Sightline.Library.Storage;

namespace Sightline.Library.Search;

/// <summary>Options of search: how far a similar-to search looks.</summary>
public sealed record SearchOptions
{
    public static SearchOptions Default { get; } = new();

    /// <summary>At most this many most-similar photos are candidates of a similar-to search (the other filters apply to them).</summary>
    public int SimilarCandidates { get; init; } = 1000;

    /// <summary>Candidates less similar than this (cosine of the image embeddings) are left out.</summary>
    public double MinSimilarity { get; init; } = 0.5;
}

/// <summary>
/// Runs searches of a library: resolves people by name or id (an unknown one is a <see cref="SearchQueryException"/>),
/// ranks similar-to candidates from an in-memory copy of the embeddings (reloaded when the store's stamp changes),
/// and leaves filtering, counting and paging to the store.
/// </summary>
public sealed class SearchService(ILibraryStore store, SearchOptions? options = null)
{
    public SearchOptions Options { get; } = options ?? SearchOptions.Default;

    internal ILibraryStore Source => store;

    public Task<SearchPage> SearchAsync(PhotoSearch search, SearchPageRequest page, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public Task<SearchFacets> GetFacetsAsync(CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();
}
