using Sightline.Library.Storage;

namespace Sightline.Library.Duplicates;

/// <summary>A photo that may have duplicates: its image embedding and when it was taken (the store's sort key, milliseconds; null when undated).</summary>
public sealed record DuplicateCandidate(long PhotoId, string ContentHash, string Model, float[] Vector, long? TakenMilliseconds);

/// <summary>What duplicate finding and export read from a store, in one query each rather than one per photo.</summary>
internal interface IDuplicateSource
{
    /// <summary>Every photo with an image embedding and at least one path, ordered by id.</summary>
    Task<IReadOnlyList<DuplicateCandidate>> GetDuplicateCandidatesAsync(CancellationToken cancellationToken = default);

    /// <summary>Photos stored under more than one path (the same bytes twice), ordered by id.</summary>
    Task<IReadOnlyList<long>> GetMultiPathPhotosAsync(CancellationToken cancellationToken = default);

    /// <summary>The name of the person of each face of a photo that is in a named person, by face origin and index.</summary>
    Task<IReadOnlyDictionary<(FaceOrigin Origin, int Index), string>> GetFacePeopleAsync(long photoId, CancellationToken cancellationToken = default);
}

/// <summary>The same reads over any store's public interface (slower: a page walk), for stores that are not SQL.</summary>
internal sealed class PublicReadsDuplicateSource(ILibraryStore store) : IDuplicateSource
{
    public static IDuplicateSource For(ILibraryStore store) => store as IDuplicateSource ?? new PublicReadsDuplicateSource(store);

    public async Task<IReadOnlyList<DuplicateCandidate>> GetDuplicateCandidatesAsync(CancellationToken cancellationToken = default)
    {
        var photos = await AllPhotosAsync(cancellationToken).ConfigureAwait(false);
        var embeddings = await store.Search.GetEmbeddingsAsync(cancellationToken).ConfigureAwait(false);
        return embeddings.Where(e => photos.TryGetValue(e.PhotoId, out var p) && p.Kind == MediaKind.Photo && p.PathCount > 0)
            .Select(e => new DuplicateCandidate(e.PhotoId, photos[e.PhotoId].ContentHash, e.Model, e.Vector, StoreValues.TakenSortKey(photos[e.PhotoId].TakenAt, photos[e.PhotoId].TakenOffset)))
            .OrderBy(c => c.PhotoId).ToList();
    }

    public async Task<IReadOnlyList<long>> GetMultiPathPhotosAsync(CancellationToken cancellationToken = default) =>
        (await AllPhotosAsync(cancellationToken).ConfigureAwait(false)).Values.Where(p => p.PathCount > 1).Select(p => p.Id).Order().ToList();

    public async Task<IReadOnlyDictionary<(FaceOrigin Origin, int Index), string>> GetFacePeopleAsync(long photoId, CancellationToken cancellationToken = default)
    {
        var names = (await store.People.ListPeopleAsync(new Sightline.Library.People.PeopleQuery(IncludeHidden: true, NamedOnly: true, Limit: int.MaxValue), cancellationToken)
            .ConfigureAwait(false)).ToDictionary(p => p.Id, p => p.Name!);
        var result = new Dictionary<(FaceOrigin Origin, int Index), string>();
        foreach (var a in await store.People.GetAssignmentsAsync(null, cancellationToken).ConfigureAwait(false))
            if (a.PhotoId == photoId && a.PersonId is { } person && names.TryGetValue(person, out var name))
                result[(FaceOrigin.Detected, a.Index)] = name;
        return result;
    }

    private async Task<Dictionary<long, PhotoRow>> AllPhotosAsync(CancellationToken cancellationToken)
    {
        var photos = new Dictionary<long, PhotoRow>();
        for (string? cursor = null; ;)
        {
            var page = await store.GetPhotosAsync(new PhotoQuery(1000, cursor, PhotoOrder.AddedDescending), cancellationToken).ConfigureAwait(false);
            foreach (var p in page.Photos)
                photos[p.Id] = p;
            if ((cursor = page.NextCursor) is null)
                return photos;
        }
    }
}
