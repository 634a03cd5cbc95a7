using Sightline.Library.Search;

namespace Sightline.Library.Storage;

/// <summary>Search on the same database as the photos (see <see cref="ISearchStore"/>).</summary>
internal abstract partial class SqlLibraryStore : ISearchStore
{
    public ISearchStore Search => this;

    public Task<SearchPage> SearchAsync(StoreSearch search, SearchPageRequest page, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public Task<IReadOnlyList<StoredEmbedding>> GetEmbeddingsAsync(CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public Task<long> GetEmbeddingsStampAsync(CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public Task<SearchFacets> GetFacetsAsync(CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();
}
