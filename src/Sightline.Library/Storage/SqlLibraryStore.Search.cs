using Sightline.Library.Ingestion;
using System.Data.Common;
using System.Globalization;
using Dapper;
using Sightline.Library.Search;

namespace Sightline.Library.Storage;

/// <summary>Search on the same database as the photos (see <see cref="ISearchStore"/>).</summary>
internal abstract partial class SqlLibraryStore : ISearchStore
{
    private const string EmbeddingsStampKey = "embeddings-stamp";

    /// <summary>km per degree of latitude (and of longitude at the equator) on a sphere of the Earth's mean radius.</summary>
    private const double KmPerDegree = SearchIndexing.EarthRadiusKm * Math.PI / 180;

    public ISearchStore Search => this;

    public Task<IReadOnlyList<StoredEmbedding>> GetEmbeddingsAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<StoredEmbedding>>(false, async (c, t) =>
            (await c.QueryAsync<EmbeddingRow>(Command("SELECT media_id, model, vector FROM embeddings ORDER BY media_id", null, t, cancellationToken)))
            .Select(r => new StoredEmbedding(r.MediaId, r.Model, StoreValues.FromBlob(r.Vector, "image embedding")!)).ToList(), cancellationToken);

    /// <summary>A counter in the settings table that every commit writing an embedding raises (0 before the first).</summary>
    public Task<long> GetEmbeddingsStampAsync(CancellationToken cancellationToken = default) =>
        RunAsync(false, async (c, t) =>
        {
            var json = await c.QuerySingleOrDefaultAsync<string>(Command("SELECT json FROM settings WHERE key = @key", new { key = EmbeddingsStampKey }, t, cancellationToken));
            return json is not null && long.TryParse(json, NumberStyles.None, CultureInfo.InvariantCulture, out var stamp) ? stamp : 0;
        }, cancellationToken);

    private static Task RaiseEmbeddingsStampAsync(DbConnection c, DbTransaction t, CancellationToken cancellationToken) =>
        c.ExecuteAsync(Command(
            "INSERT INTO settings (key, json) VALUES (@key, '1') ON CONFLICT (key) DO UPDATE SET json = CAST(CAST(settings.json AS BIGINT) + 1 AS TEXT)",
            new { key = EmbeddingsStampKey }, t, cancellationToken));

    public Task<SearchPage> SearchAsync(StoreSearch search, SearchPageRequest page, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(page);
        if (page.Limit < 1)
            throw new ArgumentException($"page limit {page.Limit} is not a positive number", nameof(page));
        var order = EffectiveOrder(search);
        var cursor = page.Cursor is null ? (SearchCursor?)null : SearchCursor.Parse(page.Cursor, order);
        var filter = Filter(search);
        return RunAsync(false, async (c, t) =>
        {
            await ChooseDriverAsync(c, t, filter, cancellationToken);
            var total = await c.ExecuteScalarAsync<long>(Command($"SELECT count(*) FROM {SearchFrom(filter)} WHERE {filter.Where}", filter.Parameters(), t, cancellationToken));
            return order switch
            {
                SearchOrder.Similarity => await SimilarityPageAsync(c, t, filter, search.Candidates!, page.Limit, cursor, total, cancellationToken),
                SearchOrder.Relevance => await RelevancePageAsync(c, t, filter, page.Limit, cursor, total, cancellationToken),
                _ => await KeysetPageAsync(c, t, filter, order, page.Limit, cursor, total, cancellationToken),
            };
        }, cancellationToken);
    }

    /// <summary>Rows counted of each id set at most, to find the smallest (a bound keeps a broad set's count cheap).</summary>
    internal const int DriverCountCap = 5000;

    /// <summary>
    /// With several id sets (people, emotions, objects, words), the smallest is walked and the others are probed per
    /// photo: walking a broad set whole (a third of all faces are happy) costs more than probing the photos of a
    /// person. The sizes are counted at query time, each up to <see cref="DriverCountCap"/> rows of its index.
    /// </summary>
    private static async Task ChooseDriverAsync(DbConnection c, DbTransaction t, SearchFilterBuilder filter, CancellationToken cancellationToken)
    {
        if (filter.IdSets.Count < 2 || filter.HasIdList)
            return;
        var smallest = long.MaxValue;
        for (var i = 0; i < filter.IdSets.Count; i++)
        {
            var size = await c.ExecuteScalarAsync<long>(Command(
                $"SELECT count(*) FROM ({filter.IdSets[i].Members} LIMIT {DriverCountCap}) AS bounded", filter.Parameters(), t, cancellationToken));
            if (size < smallest)
                (smallest, filter.Driver) = (size, i);
        }
    }

    /// <summary>
    /// Relevance is similarity for a similar-to search, words matched for a text search, and the date otherwise; the
    /// similarity order needs the candidates a similar-to search brings.
    /// </summary>
    internal static SearchOrder EffectiveOrder(StoreSearch search)
    {
        var order = search.Search.Order;
        if (!Enum.IsDefined(order))
            throw new ArgumentException($"search order {order} is not known", nameof(search));
        if (order == SearchOrder.Relevance)
            return search.Candidates is not null ? SearchOrder.Similarity
                : SearchFilterBuilder.TextWords(search.Search).Count > 0 ? SearchOrder.Relevance
                : SearchOrder.TakenDescending;
        if (order == SearchOrder.Similarity && search.Candidates is null)
            throw new ArgumentException("the similarity order needs a similar-to search", nameof(search));
        return order;
    }

    /// <summary>
    /// The media of a search's id and key queries. A filter that matches photos by id (people, emotions, objects,
    /// words, similar-to) and reads no other column of the row is answered from the media's search keys: finding each
    /// matched photo in its wide row instead costs a page read per photo (see M0006).
    /// </summary>
    private string SearchFrom(SearchFilterBuilder filter) => filter.MatchesIds && !filter.ReadsRow ? SearchKeysFrom : "media m";

    /// <summary>The media as <c>m</c> read through the search keys index (the engine's way to ask for it, where it needs asking).</summary>
    protected virtual string SearchKeysFrom => "media m";

    /// <summary>
    /// The tables one photo's rows are probed in (faces as <c>f</c>, objects as <c>o</c>, words as <c>w</c>), each through
    /// its index that starts with the photo's id, where the engine needs asking for it.
    /// </summary>
    protected virtual SearchProbeTables ProbeTables => SearchProbeTables.Plain;

    private async Task<SearchPage> KeysetPageAsync(DbConnection c, DbTransaction t, SearchFilterBuilder filter, SearchOrder order, int limit,
        SearchCursor? cursor, long total, CancellationToken cancellationToken)
    {
        // One more row than asked tells whether a next page exists. The keys of the page come first, from the
        // narrow search keys where the filter allows; the page's rows are then read by id.
        var wanted = limit + 1;
        var keys = new List<KeyRow>(wanted);
        var from = SearchFrom(filter);
        var where = "WHERE (" + filter.Where + ") ";
        const string KeySelect = "SELECT m.id, m.taken_sort, m.added_at FROM ";
        if (order == SearchOrder.AddedDescending)
        {
            var after = cursor is not null ? "AND m.added_at <= @key AND (m.added_at < @key OR m.id < @id) " : "";
            keys.AddRange(await c.QueryAsync<KeyRow>(Command(KeySelect + from + " " + where + after + "ORDER BY m.added_at DESC, m.id DESC LIMIT @wanted",
                filter.Parameters(new { key = cursor?.Key, id = cursor?.Id, wanted }), t, cancellationToken)));
        }
        else
        {
            var descending = order == SearchOrder.TakenDescending;
            var (direction, before, beyond) = descending ? ("DESC", "<=", "<") : ("ASC", ">=", ">");
            if (cursor is not { Phase: SearchCursor.Undated })
            {
                var after = cursor is not null ? $"AND m.taken_sort {before} @key AND (m.taken_sort {beyond} @key OR m.id {beyond} @id) " : "";
                keys.AddRange(await c.QueryAsync<KeyRow>(Command(KeySelect + from + " " + where + "AND m.taken_sort IS NOT NULL " + after +
                    $"ORDER BY m.taken_sort {direction}, m.id {direction} LIMIT @wanted", filter.Parameters(new { key = cursor?.Key, id = cursor?.Id, wanted }), t, cancellationToken)));
            }
            if (keys.Count < wanted)
            {
                // Undated photos come after the dated ones, in the order they were added.
                var after = cursor is { Phase: SearchCursor.Undated } ? $"AND m.id {beyond} @id " : "";
                keys.AddRange(await c.QueryAsync<KeyRow>(Command(KeySelect + from + " " + where + "AND m.taken_sort IS NULL " + after +
                    $"ORDER BY m.id {direction} LIMIT @wanted", filter.Parameters(new { id = cursor?.Id, wanted = wanted - keys.Count }), t, cancellationToken)));
            }
        }
        var more = keys.Count > limit;
        if (more)
            keys.RemoveAt(keys.Count - 1);
        string? next = null;
        if (more)
        {
            var last = keys[^1];
            next = (order == SearchOrder.AddedDescending
                ? new SearchCursor(order, SearchCursor.Dated, last.AddedAt, last.Id)
                : new SearchCursor(order, last.TakenSort is null ? SearchCursor.Undated : SearchCursor.Dated, last.TakenSort ?? 0, last.Id)).ToString();
        }
        var rows = await RowsByIdAsync(c, t, keys.Select(k => k.Id).ToList(), cancellationToken);
        return new SearchPage(keys.Where(k => rows.ContainsKey(k.Id)).Select(k => new SearchHit(rows[k.Id].ToRecord(), null)).ToList(), total, next);
    }

    /// <summary>The photo rows of <paramref name="ids"/>, by id.</summary>
    private async Task<Dictionary<long, MediaRow>> RowsByIdAsync(DbConnection c, DbTransaction t, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<long, MediaRow>(ids.Count);
        foreach (var chunk in ids.Chunk(ParameterChunk))
            foreach (var row in await c.QueryAsync<MediaRow>(Command(PhotoRowSelect + "WHERE " + AnyOf("m.id", "chunk"), new { chunk }, t, cancellationToken)))
                rows[row.Id] = row;
        return rows;
    }

    /// <summary>Words matched: an exact word counts 1, a word the term only starts counts ½; ties newest first.</summary>
    private async Task<SearchPage> RelevancePageAsync(DbConnection c, DbTransaction t, SearchFilterBuilder filter, int limit, SearchCursor? cursor, long total,
        CancellationToken cancellationToken)
    {
        var offset = cursor?.Key ?? 0;
        var scored = (await c.QueryAsync<ScoreRow>(Command(
            $"SELECT m.id, {filter.TextScore} AS score FROM {SearchFrom(filter)} WHERE {filter.Where} " +
            "ORDER BY score DESC, CASE WHEN m.taken_sort IS NULL THEN 1 ELSE 0 END, m.taken_sort DESC, m.id DESC LIMIT @wanted OFFSET @offset",
            filter.Parameters(new { wanted = limit + 1, offset }), t, cancellationToken))).ToList();
        return await OffsetPageAsync(c, t, scored.Select(s => (s.Id, s.Score)).ToList(), SearchOrder.Relevance, limit, offset, total, cancellationToken);
    }

    /// <summary>The candidates that pass the other filters, most similar first (ties by id); at most the service's candidate count.</summary>
    private async Task<SearchPage> SimilarityPageAsync(DbConnection c, DbTransaction t, SearchFilterBuilder filter, IReadOnlyDictionary<long, double> candidates,
        int limit, SearchCursor? cursor, long total, CancellationToken cancellationToken)
    {
        var offset = cursor?.Key ?? 0;
        var ids = await c.QueryAsync<long>(Command($"SELECT m.id FROM {SearchFrom(filter)} WHERE {filter.Where}", filter.Parameters(), t, cancellationToken));
        var ranked = ids.Select(id => (Id: id, Score: candidates[id])).OrderByDescending(h => h.Score).ThenBy(h => h.Id)
            .Skip((int)Math.Min(offset, int.MaxValue)).Take(limit + 1).ToList();
        return await OffsetPageAsync(c, t, ranked, SearchOrder.Similarity, limit, offset, total, cancellationToken);
    }

    private async Task<SearchPage> OffsetPageAsync(DbConnection c, DbTransaction t, List<(long Id, double Score)> ranked, SearchOrder order, int limit, long offset,
        long total, CancellationToken cancellationToken)
    {
        var more = ranked.Count > limit;
        if (more)
            ranked.RemoveAt(ranked.Count - 1);
        var rows = await RowsByIdAsync(c, t, ranked.Select(r => r.Id).ToList(), cancellationToken);
        var hits = ranked.Where(r => rows.ContainsKey(r.Id)).Select(r => new SearchHit(rows[r.Id].ToRecord(), r.Score)).ToList();
        var next = more ? new SearchCursor(order, SearchCursor.Offset, offset + limit, 0).ToString() : null;
        return new SearchPage(hits, total, next);
    }

    /// <summary>The conditions of a search on the media row <c>m</c>, with their parameters.</summary>
    private SearchFilterBuilder Filter(StoreSearch search)
    {
        var s = search.Search;
        var f = new SearchFilterBuilder(AnyOf, ProbeTables);
        if (s.Kind is { } kind)
            f.Add($"m.kind = {f.Value((int)kind)}");
        if (s.TakenFrom is { } from)
            f.Add($"m.taken_local >= {f.Value(StoreValues.LocalToMilliseconds(from))}");
        if (s.TakenBefore is { } before)
            f.Add($"m.taken_local < {f.Value(StoreValues.LocalToMilliseconds(before))}");

        var people = search.PersonIds.Distinct().ToArray();
        if (people.Length > 0)
        {
            if (s.PeopleMatch == PeopleMatch.AnyOf)
                f.AddFaces(f.AnyOf("f.person_id", people));
            else
                foreach (var person in people)
                    f.AddFaces($"f.person_id = {f.Value(person)}");
            if (s.PeopleMatch == PeopleMatch.Only)
                // Someone else's face, or an identifiable face in no person: a stranger the photo is not "only" them with.
                f.Add($"NOT EXISTS (SELECT 1 FROM faces f WHERE f.media_id = m.id AND ((f.person_id IS NOT NULL AND NOT ({f.AnyOf("f.person_id", people)})) " +
                      $"OR (f.person_id IS NULL AND f.origin = {Detected} AND f.descriptor IS NOT NULL AND f.too_poor IS NULL)))");
        }

        foreach (var (personId, emotion) in search.Emotions)
        {
            var condition = $"f.expression = {f.Value(emotion.Emotion.ToLowerInvariant())}";
            if (emotion.MinScore > 0)
                condition += $" AND f.expression_score >= {f.Value((double)emotion.MinScore)}";
            if (personId is { } id)
                condition += $" AND f.person_id = {f.Value(id)}";
            f.AddFaces(condition);
        }

        foreach (var item in s.Objects)
        {
            var condition = $"o.label = {f.Value(item.Label.ToLowerInvariant())} AND o.object_count >= {f.Value(Math.Max(1, item.MinCount))}";
            f.AddIdSet($"SELECT o.media_id FROM search_objects o WHERE {condition}", $"EXISTS (SELECT 1 FROM {ProbeTables.Objects} WHERE o.media_id = m.id AND {condition})");
        }

        f.AddText(SearchFilterBuilder.TextWords(s));

        foreach (var word in SearchWords.Of(s.Camera))
            f.AddOnRow($"m.camera_words LIKE {f.Value("%" + word + "%")}");

        if (s.Place is { } place)
            AddPlace(f, place);

        if (s.Faces == FacePresence.None)
            f.Add("NOT EXISTS (SELECT 1 FROM faces f WHERE f.media_id = m.id)");
        else if (s.Faces == FacePresence.Some)
            f.Add("EXISTS (SELECT 1 FROM faces f WHERE f.media_id = m.id)");

        if (s.NeedsReview)
            f.Add($"EXISTS (SELECT 1 FROM faces f WHERE f.media_id = m.id AND f.person_id IS NULL AND f.origin = {Detected} " +
                  "AND (f.too_poor IS NOT NULL OR f.descriptor IS NOT NULL))");

        if (s.Moderation is { } moderation)
        {
            var verdict = moderation.Trim().ToLowerInvariant();
            if (!SearchIndexing.Verdicts.Contains(verdict))
                throw new ArgumentException($"moderation \"{moderation}\" is not a verdict ({string.Join(" or ", SearchIndexing.Verdicts)})", nameof(search));
            f.AddOnRow($"m.moderation = {f.Value(verdict)}");
        }

        if (search.Candidates is { } candidates)
            f.AddIdList(candidates.Count == 0 ? "1 = 0" : f.AnyOf("m.id", candidates.Keys.ToArray()));
        return f;
    }

    /// <summary>A box, or a circle: a latitude and longitude box around it (the indexable part), then the haversine distance.</summary>
    private static void AddPlace(SearchFilterBuilder f, PlaceFilter place)
    {
        f.ReadsRow = true;
        static void Check(string what, double value, double limit)
        {
            if (double.IsNaN(value) || Math.Abs(value) > limit)
                throw new ArgumentException($"place {what} {value.ToString(CultureInfo.InvariantCulture)} is not between -{limit} and {limit}", "search");
        }
        Check("latitude", place.Latitude, 90);
        Check("longitude", place.Longitude, 180);
        if (place.IsBox)
        {
            Check("latitude", place.ToLatitude!.Value, 90);
            Check("longitude", place.ToLongitude!.Value, 180);
            var (south, north) = (Math.Min(place.Latitude, place.ToLatitude.Value), Math.Max(place.Latitude, place.ToLatitude.Value));
            f.Add($"m.latitude >= {f.Value(south)} AND m.latitude <= {f.Value(north)}");
            var (west, east) = (place.Longitude, place.ToLongitude.Value);
            // A west edge east of the east edge is a box across the antimeridian.
            f.Add(west <= east
                ? $"m.longitude >= {f.Value(west)} AND m.longitude <= {f.Value(east)}"
                : $"(m.longitude >= {f.Value(west)} OR m.longitude <= {f.Value(east)})");
            return;
        }
        if (place.RadiusKm is not { } radius || double.IsNaN(radius) || radius <= 0)
            throw new ArgumentException($"place {place.Latitude.ToString(CultureInfo.InvariantCulture)},{place.Longitude.ToString(CultureInfo.InvariantCulture)} " +
                "has neither a positive radius nor a second corner", "search");
        var latitudeSpan = radius / KmPerDegree;
        f.Add($"m.latitude >= {f.Value(place.Latitude - latitudeSpan)} AND m.latitude <= {f.Value(place.Latitude + latitudeSpan)}");
        var farthest = Math.Min(90, Math.Abs(place.Latitude) + latitudeSpan);
        if (farthest < 89)
        {
            var longitudeSpan = latitudeSpan / Math.Cos(farthest * Math.PI / 180);
            // Near a pole or across the antimeridian the latitude band is the whole prefilter.
            if (place.Longitude - longitudeSpan >= -180 && place.Longitude + longitudeSpan <= 180)
                f.Add($"m.longitude >= {f.Value(place.Longitude - longitudeSpan)} AND m.longitude <= {f.Value(place.Longitude + longitudeSpan)}");
        }
        // Haversine: hav(d / R) = hav(dlat) + cos(lat1) cos(lat2) hav(dlon); compared without the arcsine.
        var half = f.Value(Math.PI / 360);
        var toRadians = f.Value(Math.PI / 180);
        var latitude = f.Value(place.Latitude);
        var longitude = f.Value(place.Longitude);
        var limit = Math.Sin(Math.Min(Math.PI, radius / SearchIndexing.EarthRadiusKm) / 2);
        f.Add($"sin((m.latitude - {latitude}) * {half}) * sin((m.latitude - {latitude}) * {half}) + " +
              $"{f.Value(Math.Cos(place.Latitude * Math.PI / 180))} * cos(m.latitude * {toRadians}) * " +
              $"sin((m.longitude - {longitude}) * {half}) * sin((m.longitude - {longitude}) * {half}) <= {f.Value(limit * limit)}");
    }

    public Task<IReadOnlyList<VideoTrackRows>> GetVideoTracksAsync(IReadOnlyList<long> mediaIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mediaIds);
        return RunAsync(false, async (c, t) =>
        {
            var rows = new List<VideoTrackRows>();
            foreach (var chunk in mediaIds.Distinct().Chunk(ParameterChunk))
            {
                var tracks = (await c.QueryAsync<(long MediaId, string? Json)>(Command(
                    $"SELECT m.id, a.json FROM media m LEFT JOIN analyses a ON a.media_id = m.id AND a.task = @task WHERE m.kind = @video AND {AnyOf("m.id", "chunk")}",
                    new { chunk, task = VideoTracksResult.TaskName, video = (int)MediaKind.Video }, t, cancellationToken))).ToList();
                if (tracks.Count == 0)
                    continue;
                var ids = tracks.Select(r => r.MediaId).ToArray();
                var people = (await c.QueryAsync<(long MediaId, int FaceIndex, long PersonId)>(Command(
                    $"SELECT media_id, face_index, person_id FROM faces WHERE origin = @detected AND person_id IS NOT NULL AND {AnyOf("media_id", "ids")}",
                    new { ids, detected = (int)FaceOrigin.Detected }, t, cancellationToken))).ToLookup(f => f.MediaId);
                rows.AddRange(tracks.Select(r => new VideoTrackRows(r.MediaId, r.Json, people[r.MediaId].Select(f => (f.FaceIndex, f.PersonId)).ToList())));
            }
            return (IReadOnlyList<VideoTrackRows>)rows;
        }, cancellationToken);
    }

    public Task<SearchFacets> GetFacetsAsync(CancellationToken cancellationToken = default) =>
        RunAsync(false, async (c, t) =>
        {
            static IReadOnlyList<FacetCount> Sorted(IEnumerable<FacetCount> counts) =>
                counts.OrderByDescending(f => f.Photos).ThenBy(f => f.Value, StringComparer.Ordinal).ToList();
            var objects = (await c.QueryAsync<FacetRow>(Command(
                "SELECT label AS value, count(*) AS photos FROM search_objects GROUP BY label", null, t, cancellationToken)))
                .Select(r => new FacetCount(r.Value, r.Photos));
            var emotions = (await c.QueryAsync<FacetRow>(Command(
                "SELECT expression AS value, count(DISTINCT media_id) AS photos FROM faces WHERE expression IS NOT NULL GROUP BY expression", null, t, cancellationToken)))
                .Select(r => new FacetCount(r.Value, r.Photos));
            var cameras = (await c.QueryAsync<CameraRow>(Command(
                "SELECT camera_make, camera_model, count(*) AS photos FROM media WHERE camera_make IS NOT NULL OR camera_model IS NOT NULL " +
                "GROUP BY camera_make, camera_model", null, t, cancellationToken)))
                .GroupBy(r => SearchIndexing.CameraName(r.CameraMake, r.CameraModel), StringComparer.Ordinal)
                .Select(g => new FacetCount(g.Key, g.Sum(r => r.Photos)));
            var range = await c.QuerySingleAsync<YearRow>(Command("SELECT min(taken_local) AS first, max(taken_local) AS last FROM media", null, t, cancellationToken));
            int? Year(long? local) => local is { } ms ? StoreValues.LocalFromMilliseconds(ms).Year : null;
            return new SearchFacets(Sorted(objects), Sorted(emotions), Sorted(cameras), Year(range.First), Year(range.Last));
        }, cancellationToken);

    private sealed class EmbeddingRow
    {
        public long MediaId { get; set; }
        public string Model { get; set; } = "";
        public byte[] Vector { get; set; } = [];
    }

    private sealed class KeyRow
    {
        public long Id { get; set; }
        public long? TakenSort { get; set; }
        public long AddedAt { get; set; }
    }

    private sealed class ScoreRow
    {
        public long Id { get; set; }
        public double Score { get; set; }
    }

    private sealed class FacetRow
    {
        public string Value { get; set; } = "";
        public long Photos { get; set; }
    }

    private sealed class CameraRow
    {
        public string? CameraMake { get; set; }
        public string? CameraModel { get; set; }
        public long Photos { get; set; }
    }

    private sealed class YearRow
    {
        public long? First { get; set; }
        public long? Last { get; set; }
    }
}

/// <summary>The FROM items of the per-photo probes of a search (see SqlLibraryStore.ProbeTables).</summary>
internal sealed record SearchProbeTables(string Faces, string Objects, string Words)
{
    public static SearchProbeTables Plain { get; } = new("faces f", "search_objects o", "search_words w");
}

/// <summary>The conditions of one search and their numbered parameters, written once for both engines.</summary>
internal sealed class SearchFilterBuilder(Func<string, string, string> anyOf, SearchProbeTables? probeTables = null)
{
    private readonly SearchProbeTables probes = probeTables ?? SearchProbeTables.Plain;

    private readonly List<string> conditions = [];
    private readonly List<IdSet> idSets = [];
    private readonly Dictionary<string, object?> values = new(StringComparer.Ordinal);

    /// <summary>
    /// The conditions: the driving id set as <c>m.id IN (its members)</c>, the other sets as probes of the photo;
    /// every set a probe where an id list (similar-to's candidates) drives.
    /// </summary>
    public string Where
    {
        get
        {
            var all = conditions.Concat(idSets.Select((set, i) => i == Driver && !HasIdList ? $"m.id IN ({set.Members})" : set.Probe)).ToList();
            return all.Count == 0 ? "1 = 1" : string.Join(" AND ", all.Select(c => "(" + c + ")"));
        }
    }

    /// <summary>Photos matched through another table: the members' query (photo ids) and the probe of one photo <c>m</c>.</summary>
    public sealed record IdSet(string Members, string Probe);

    public IReadOnlyList<IdSet> IdSets => idSets;

    /// <summary>Which id set is walked (see SqlLibraryStore.ChooseDriverAsync); the first unless chosen.</summary>
    public int Driver { get; set; }

    /// <summary>Whether an explicit list of ids (similar-to's candidates) bounds the search.</summary>
    public bool HasIdList { get; private set; }

    /// <summary>Photos with a face meeting <paramref name="condition"/> (on faces as <c>f</c>).</summary>
    public void AddFaces(string condition) =>
        AddIdSet($"SELECT f.media_id FROM faces f WHERE {condition}", $"EXISTS (SELECT 1 FROM {probes.Faces} WHERE f.media_id = m.id AND {condition})");

    public void AddIdSet(string members, string probe)
    {
        MatchesIds = true;
        idSets.Add(new IdSet(members, probe));
    }

    /// <summary>Photos among explicit ids (a condition on <c>m.id</c>).</summary>
    public void AddIdList(string condition)
    {
        HasIdList = true;
        AddIdMatch(condition);
    }

    /// <summary>The relevance of the text words (0 without words); see the relevance page.</summary>
    public string TextScore { get; private set; } = "0";

    /// <summary>Some condition matches photos by id through another table's index (a person's faces, a class's objects, a word).</summary>
    public bool MatchesIds { get; private set; }

    /// <summary>Some condition reads a column of the media row beyond its search keys (id, dates, kind; see M0006).</summary>
    public bool ReadsRow { get; set; }

    /// <summary>A condition on the media's search keys or on other tables by <c>m.id</c>.</summary>
    public void Add(string condition) => conditions.Add(condition);

    /// <summary>A condition that selects photos by id (<c>m.id IN ...</c>).</summary>
    public void AddIdMatch(string condition)
    {
        MatchesIds = true;
        conditions.Add(condition);
    }

    /// <summary>A condition reading a column of the media row that the search keys lack.</summary>
    public void AddOnRow(string condition)
    {
        ReadsRow = true;
        conditions.Add(condition);
    }

    /// <summary>A new parameter holding <paramref name="value"/>, as "@name".</summary>
    public string Value(object? value)
    {
        var name = "f" + values.Count.ToString(CultureInfo.InvariantCulture);
        values[name] = value;
        return "@" + name;
    }

    /// <summary>"column is one of the values" with a parameter of its own (SQLite expands a list; PostgreSQL takes an array).</summary>
    public string AnyOf(string column, long[] ids)
    {
        var name = Value(ids)[1..];
        return anyOf(column, name);
    }

    /// <summary>Each word must start a word of the photo's text.</summary>
    public void AddText(IReadOnlyList<string> words)
    {
        var scores = new List<string>();
        foreach (var word in words)
        {
            var (low, high) = (Value(word), Value(SearchWords.PrefixBound(word)));
            AddIdSet($"SELECT w.media_id FROM search_words w WHERE w.word >= {low} AND w.word < {high}",
                $"EXISTS (SELECT 1 FROM {probes.Words} WHERE w.media_id = m.id AND w.word >= {low} AND w.word < {high})");
            scores.Add($"COALESCE((SELECT max(CASE WHEN w.word = {low} THEN 1.0 ELSE 0.5 END) FROM search_words w " +
                       $"WHERE w.media_id = m.id AND w.word >= {low} AND w.word < {high}), 0)");
        }
        if (scores.Count > 0)
            TextScore = "CAST(" + string.Join(" + ", scores) + " AS DOUBLE PRECISION)";
    }

    /// <summary>The words of a search's text terms, as the index keeps them.</summary>
    public static IReadOnlyList<string> TextWords(PhotoSearch search) =>
        search.Text.SelectMany(SearchWords.Of).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The filter's parameters, with <paramref name="extra"/> ones of the statement.</summary>
    public DynamicParameters Parameters(object? extra = null)
    {
        var parameters = new DynamicParameters();
        foreach (var (name, value) in values)
            parameters.Add(name, value);
        if (extra is not null)
            parameters.AddDynamicParams(extra);
        return parameters;
    }
}
