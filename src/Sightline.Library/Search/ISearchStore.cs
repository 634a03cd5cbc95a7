namespace Sightline.Library.Search;

/// <summary>
/// A search as the store runs it: people resolved to ids, and for a similar-to search the candidate photos with
/// their similarity (already ranked by the library from the embeddings), to which the other filters apply.
/// </summary>
public sealed record StoreSearch(
    PhotoSearch Search,
    IReadOnlyList<long> PersonIds,
    IReadOnlyList<(long? PersonId, EmotionFilter Filter)> Emotions,
    IReadOnlyDictionary<long, double>? Candidates);

/// <summary>An image embedding as stored, for similar-to and near-duplicate search.</summary>
public sealed record StoredEmbedding(long PhotoId, string Model, float[] Vector);

/// <summary>
/// The searchable part of a library: indexed rows kept in step with the analyses by every commit (objects per class
/// with counts, words of the photo's text, the moderation verdict), and the one query that filters, counts and pages.
/// </summary>
public interface ISearchStore
{
    /// <summary>One page of the photos that match, and how many match in all.</summary>
    Task<SearchPage> SearchAsync(StoreSearch search, SearchPageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Every stored image embedding (for the library's in-memory similarity scan).</summary>
    Task<IReadOnlyList<StoredEmbedding>> GetEmbeddingsAsync(CancellationToken cancellationToken = default);

    /// <summary>A number that changes whenever an embedding is added, replaced or removed (to tell a cached scan it is stale).</summary>
    Task<long> GetEmbeddingsStampAsync(CancellationToken cancellationToken = default);

    /// <summary>The tracks analysis and the people of the faces of each of these videos (ids of other media are left out).</summary>
    Task<IReadOnlyList<VideoTrackRows>> GetVideoTracksAsync(IReadOnlyList<long> mediaIds, CancellationToken cancellationToken = default);

    /// <summary>The object classes, emotions and camera models present, with their photo counts (for the app's filter chips).</summary>
    Task<SearchFacets> GetFacetsAsync(CancellationToken cancellationToken = default);
}

/// <summary>What there is to filter by, with the number of photos each has.</summary>
public sealed record SearchFacets(
    IReadOnlyList<FacetCount> Objects,
    IReadOnlyList<FacetCount> Emotions,
    IReadOnlyList<FacetCount> Cameras,
    int? FirstYear,
    int? LastYear);

public sealed record FacetCount(string Value, long Photos);
