using System.Numerics.Tensors;
using Sightline.Faces.Attributes;
using Sightline.Library.People;
using Sightline.Library.Storage;
using Sightline.Models.Catalog;

namespace Sightline.Library.Search;

/// <summary>Options of search: how far a similar-to search looks.</summary>
public sealed record SearchOptions
{
    public static SearchOptions Default { get; } = new();

    /// <summary>At most this many most-similar photos are candidates of a similar-to search (the other filters apply to them).</summary>
    public int SimilarCandidates { get; init; } = 1000;

    /// <summary>Candidates less similar than this (cosine of the image embeddings) are left out.</summary>
    public double MinSimilarity { get; init; } = 0.5;

    /// <summary>A name this many edits (or fewer) from an unknown one is suggested ("did you mean ...?").</summary>
    public int SuggestionDistance { get; init; } = 2;
}

/// <summary>
/// Runs searches of a library: resolves people by name or id (an unknown one is a <see cref="SearchQueryException"/>),
/// ranks similar-to candidates from an in-memory copy of the embeddings (reloaded when the store's stamp changes),
/// and leaves filtering, counting and paging to the store.
/// </summary>
public sealed class SearchService(ILibraryStore store, SearchOptions? options = null)
{
    private readonly SemaphoreSlim loading = new(1, 1);
    private EmbeddingScan? embeddings;

    public SearchOptions Options { get; } = options ?? SearchOptions.Default;

    internal ILibraryStore Source => store;

    /// <summary>The expression labels the faces analysis writes.</summary>
    public static IReadOnlyList<string> EmotionLabels => Emotions.Labels;

    /// <summary>The COCO classes the detect analysis names.</summary>
    public static IReadOnlyList<string> ObjectLabels => TfjsModels.CocoLabels;

    public async Task<SearchPage> SearchAsync(PhotoSearch search, SearchPageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(page);
        var resolved = await ResolveAsync(search, cancellationToken);
        var found = await store.Search.SearchAsync(resolved, page, cancellationToken);
        return await WithMomentsAsync(found, resolved, cancellationToken);
    }

    /// <summary>The videos of a page found by objects or people, each with when those are seen in it.</summary>
    private async Task<SearchPage> WithMomentsAsync(SearchPage found, StoreSearch search, CancellationToken cancellationToken)
    {
        var videos = found.Photos.Where(h => h.Photo.Kind == MediaKind.Video).Select(h => h.Photo.Id).ToList();
        if (videos.Count == 0 || (search.Search.Objects.Count == 0 && search.PersonIds.Count == 0))
            return found;
        var labels = search.Search.Objects.Select(o => o.Label.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var people = new Dictionary<long, string>();
        foreach (var id in search.PersonIds.Distinct())
            people[id] = await store.People.GetPersonAsync(id, cancellationToken) is { Name: { Length: > 0 } name } ? name : $"person #{id}";
        var rows = (await store.Search.GetVideoTracksAsync(videos, cancellationToken)).ToDictionary(r => r.MediaId);
        return found with
        {
            Photos = found.Photos.Select(h => rows.TryGetValue(h.Photo.Id, out var row) ? h with { Moments = VideoMoments.Of(row, labels, people) } : h).ToList(),
        };
    }

    /// <summary>
    /// Loads the copy of the embeddings that similar-to searches rank (seconds at 100,000 photos), so that the first
    /// similar-to search does not wait for it; the server starts this when it opens the library.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken = default) => await EmbeddingsAsync(cancellationToken);

    public Task<SearchFacets> GetFacetsAsync(CancellationToken cancellationToken = default) => store.Search.GetFacetsAsync(cancellationToken);

    /// <summary>The search as the store runs it: people as ids, names checked, labels in their canonical spelling, similar-to candidates ranked.</summary>
    internal async Task<StoreSearch> ResolveAsync(PhotoSearch search, CancellationToken cancellationToken)
    {
        var resolvedPeople = new Dictionary<PersonRef, long>();
        async Task<long> PersonAsync(PersonRef person)
        {
            if (!resolvedPeople.TryGetValue(person, out var id))
                resolvedPeople[person] = id = await ResolvePersonAsync(person, cancellationToken);
            return id;
        }

        var people = new List<long>();
        foreach (var person in search.People)
            people.Add(await PersonAsync(person));

        var emotions = new List<(long? PersonId, EmotionFilter Filter)>();
        foreach (var emotion in search.Emotions)
        {
            var label = Canonical(emotion.Emotion, EmotionLabels, "emotion", "expressions");
            if (float.IsNaN(emotion.MinScore) || emotion.MinScore < 0 || emotion.MinScore > 1)
                throw new SearchQueryException($"emotion {label}: minimum score {emotion.MinScore} is not between 0 and 1");
            emotions.Add((emotion.Person is { } person ? await PersonAsync(person) : null, emotion with { Emotion = label }));
        }

        var objects = search.Objects.Select(o =>
        {
            var label = Canonical(o.Label, ObjectLabels, "object class", "classes");
            if (o.MinCount < 1)
                throw new SearchQueryException($"object {label}: count {o.MinCount} is not a positive number");
            return o with { Label = label };
        }).ToList();

        var moderation = search.Moderation is null ? null : Canonical(search.Moderation, SearchIndexing.Verdicts, "moderation verdict", "verdicts");

        if (search.Place is { } place)
            CheckPlace(place);
        if (search.TakenFrom is { } from && search.TakenBefore is { } before && from >= before)
            throw new SearchQueryException($"the date range from {from:yyyy-MM-dd} to before {before:yyyy-MM-dd} holds no day");
        if (search.Order == SearchOrder.Similarity && search.SimilarTo is null)
            throw new SearchQueryException("the similarity order needs a photo to be similar to (similar:#id)");
        var candidates = search.SimilarTo is { } photoId ? await SimilarAsync(photoId, cancellationToken) : null;

        return new StoreSearch(search with { Emotions = emotions.Select(e => e.Filter).ToList(), Objects = objects, Moderation = moderation },
            people, emotions, candidates);
    }

    private static void CheckPlace(PlaceFilter place)
    {
        static void Within(string what, double value, double limit)
        {
            if (double.IsNaN(value) || Math.Abs(value) > limit)
                throw new SearchQueryException(FormattableString.Invariant($"place: {what} {value} is not between -{limit} and {limit}"));
        }
        Within("latitude", place.Latitude, 90);
        Within("longitude", place.Longitude, 180);
        if (place.IsBox)
        {
            Within("latitude", place.ToLatitude!.Value, 90);
            Within("longitude", place.ToLongitude!.Value, 180);
        }
        else if (place.RadiusKm is not { } radius || double.IsNaN(radius) || radius <= 0)
            throw new SearchQueryException(FormattableString.Invariant($"place {place.Latitude},{place.Longitude} needs a positive radius (near:lat,lon,5km) or a second corner (box:)"));
    }

    private async Task<long> ResolvePersonAsync(PersonRef person, CancellationToken cancellationToken)
    {
        if (person.Id is { } id)
            return await store.People.PersonExistsAsync(id, cancellationToken)
                ? id
                : throw new SearchQueryException($"no person #{id}", kind: SearchErrorKind.Unknown);
        if (string.IsNullOrWhiteSpace(person.Name))
            throw new SearchQueryException("a person of the search has neither a name nor an id");
        var name = person.Name.Trim();
        // The id alone: a person's summary counts their photos, tens of milliseconds for someone in 12,000.
        if (await store.People.FindPersonIdByNameAsync(name, cancellationToken) is { } found)
            return found;
        var named = (await store.People.ListPeopleAsync(new PeopleQuery(NamedOnly: true, Limit: int.MaxValue), cancellationToken))
            .Select(p => p.Name!).ToList();
        var suggestion = Nearest(name, named, Options.SuggestionDistance);
        throw new SearchQueryException(suggestion is null ? $"no person named '{name}'" : $"no person named '{name}'; did you mean '{suggestion}'?",
            kind: SearchErrorKind.Unknown);
    }

    /// <summary>The known spelling of a label, compared without regard to case; an unknown one lists the known ones.</summary>
    private static string Canonical(string value, IReadOnlyList<string> known, string what, string plural)
    {
        var trimmed = value.Trim();
        return known.FirstOrDefault(k => string.Equals(k, trimmed, StringComparison.OrdinalIgnoreCase))
            ?? throw new SearchQueryException($"unknown {what} '{trimmed}'; the {plural} are {string.Join(", ", known)}", kind: SearchErrorKind.Unknown);
    }

    /// <summary>The name fewest edits away (case-insensitive), when it is at most <paramref name="maxDistance"/> away; ties: the first listed.</summary>
    internal static string? Nearest(string name, IEnumerable<string> names, int maxDistance)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in names)
        {
            var distance = EditDistance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
                (best, bestDistance) = (candidate, distance);
        }
        return bestDistance <= maxDistance ? best : null;
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    internal static int EditDistance(string a, string b) => Sightline.Vision.Text.TextErrorRates.Distance(a.ToCharArray(), b.ToCharArray());

    /// <summary>The photos most like <paramref name="photoId"/> (cosine of image embeddings of the same model), itself left out.</summary>
    private async Task<IReadOnlyDictionary<long, double>> SimilarAsync(long photoId, CancellationToken cancellationToken)
    {
        var scan = await EmbeddingsAsync(cancellationToken);
        return scan.Similar(photoId, Options.SimilarCandidates, Options.MinSimilarity)
            ?? throw new SearchQueryException($"photo #{photoId} has no image embedding to compare with (is the embed analysis among the library's tasks?)",
                kind: SearchErrorKind.Unknown);
    }

    /// <summary>The in-memory copy of the embeddings, loaded again when the store's stamp moved.</summary>
    private async Task<EmbeddingScan> EmbeddingsAsync(CancellationToken cancellationToken)
    {
        var stamp = await store.Search.GetEmbeddingsStampAsync(cancellationToken);
        if (embeddings is { } current && current.Stamp == stamp)
            return current;
        await loading.WaitAsync(cancellationToken);
        try
        {
            if (embeddings is { } loaded && loaded.Stamp == stamp)
                return loaded;
            // The stamp is read before the rows: a change between the two makes the next search load again, never miss one.
            var scan = new EmbeddingScan(stamp, await store.Search.GetEmbeddingsAsync(cancellationToken));
            embeddings = scan;
            return scan;
        }
        finally
        {
            loading.Release();
        }
    }

    /// <summary>Unit vectors of each model in one array, for a scan of dot products.</summary>
    private sealed class EmbeddingScan
    {
        private readonly Dictionary<string, (long[] Ids, float[] Vectors, int Dimensions)> byModel = new(StringComparer.Ordinal);
        private readonly Dictionary<long, (string Model, int Row)> rowOf = [];

        public EmbeddingScan(long stamp, IReadOnlyList<StoredEmbedding> stored)
        {
            Stamp = stamp;
            foreach (var group in stored.Where(e => e.Vector.Length > 0).GroupBy(e => (e.Model, e.Vector.Length)))
            {
                var list = group.ToList();
                var dimensions = group.Key.Length;
                var vectors = new float[list.Count * dimensions];
                for (var i = 0; i < list.Count; i++)
                {
                    var target = vectors.AsSpan(i * dimensions, dimensions);
                    list[i].Vector.CopyTo(target);
                    var norm = TensorPrimitives.Norm(target);
                    if (norm > 0)
                        TensorPrimitives.Divide(target, norm, target);
                }
                // Vectors of one model have one length; a second length is kept apart under its own key.
                var key = byModel.ContainsKey(group.Key.Model) ? $"{group.Key.Model}#{dimensions}" : group.Key.Model;
                byModel[key] = (list.Select(e => e.PhotoId).ToArray(), vectors, dimensions);
                for (var i = 0; i < list.Count; i++)
                    rowOf[list[i].PhotoId] = (key, i);
            }
        }

        public long Stamp { get; }

        public IReadOnlyDictionary<long, double>? Similar(long photoId, int count, double minSimilarity)
        {
            if (!rowOf.TryGetValue(photoId, out var at))
                return null;
            var (ids, vectors, dimensions) = byModel[at.Model];
            var query = vectors.AsSpan(at.Row * dimensions, dimensions);
            // A min-heap of the best so far: the weakest is the one to drop.
            var best = new PriorityQueue<long, float>(count + 1);
            for (var i = 0; i < ids.Length; i++)
            {
                if (i == at.Row)
                    continue;
                var similarity = TensorPrimitives.Dot(query, vectors.AsSpan(i * dimensions, dimensions));
                if (similarity < minSimilarity || count <= 0)
                    continue;
                if (best.Count < count)
                    best.Enqueue(ids[i], similarity);
                else if (best.TryPeek(out _, out var weakest) && similarity > weakest)
                    best.EnqueueDequeue(ids[i], similarity);
            }
            var result = new Dictionary<long, double>(best.Count);
            while (best.TryDequeue(out var id, out var similarity))
                result[id] = Math.Round(similarity, 6);
            return result;
        }
    }
}
