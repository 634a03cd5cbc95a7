using System.Data.Common;
using System.Text.Json;
using Dapper;
using Sightline.Library.People;

namespace Sightline.Library.Storage;

/// <summary>The people of a library on the same database as its photos (see <see cref="IPeopleStore"/>).</summary>
internal abstract partial class SqlLibraryStore : IPeopleStore
{
    private const string ClusteringStateKey = "people-clustering";
    private const int MaxNameLength = 200;

    public IPeopleStore People => this;

    /// <summary>A face clustering may use: detected, with a descriptor of the model, not too poor to identify.</summary>
    private const string Clusterable = "f.origin = @detected AND f.descriptor IS NOT NULL AND f.too_poor IS NULL AND f.descriptor_model = @model ";

    private const int Detected = (int)FaceOrigin.Detected;

    public Task<ClusteringState?> GetClusteringStateAsync(CancellationToken cancellationToken = default) =>
        RunAsync(false, async (c, t) =>
        {
            var json = await c.QuerySingleOrDefaultAsync<string>(Command("SELECT json FROM settings WHERE key = @key", new { key = ClusteringStateKey }, t, cancellationToken));
            return json is null ? null : JsonSerializer.Deserialize<ClusteringState>(json, Json);
        }, cancellationToken);

    public Task<IReadOnlyList<DescriptorModelCount>> GetDescriptorModelsAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<DescriptorModelCount>>(false, async (c, t) =>
            (await c.QueryAsync<ModelCountRow>(Command(
                "SELECT f.descriptor_model AS model, count(*) AS faces FROM faces f WHERE f.origin = @detected AND f.descriptor IS NOT NULL " +
                "AND f.too_poor IS NULL AND f.descriptor_model IS NOT NULL GROUP BY f.descriptor_model", new { detected = Detected }, t, cancellationToken)))
            // Ordered here: the engines' collations order text differently.
            .OrderByDescending(r => r.Faces).ThenBy(r => r.Model, StringComparer.Ordinal)
            .Select(r => new DescriptorModelCount(r.Model, r.Faces)).ToList(), cancellationToken);

    public Task<IReadOnlyList<FaceVector>> GetDescriptorsAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        return RunAsync<IReadOnlyList<FaceVector>>(false, async (c, t) =>
            (await c.QueryAsync<VectorRow>(Command(
                "SELECT f.id, f.component, CASE WHEN f.pinned THEN f.person_id END AS pinned_person, f.person_id, f.descriptor FROM faces f WHERE " + Clusterable + "ORDER BY f.id",
                new { detected = Detected, model }, t, cancellationToken)))
            .Select(r => new FaceVector(r.Id, r.Component, r.PinnedPerson, StoreValues.FromBlob(r.Descriptor, "face descriptor")!, r.PersonId)).ToList(), cancellationToken);
    }

    private const string ClusterFaceSelect =
        "SELECT f.id, m.content_hash, f.face_index, f.media_id, f.descriptor, f.component, f.person_id, f.pinned, p.confirmed AS person_confirmed " +
        "FROM faces f JOIN media m ON m.id = f.media_id LEFT JOIN people p ON p.id = f.person_id WHERE " + Clusterable;

    public Task<IReadOnlyList<StoredClusterFace>> GetClusterFacesAsync(string model, IReadOnlyCollection<long>? faceIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        return RunAsync(false, async (c, t) =>
        {
            var rows = new List<ClusterFaceRow>();
            if (faceIds is null)
                rows.AddRange(await c.QueryAsync<ClusterFaceRow>(Command(ClusterFaceSelect, new { detected = Detected, model }, t, cancellationToken)));
            else
                foreach (var chunk in faceIds.Distinct().Chunk(ParameterChunk))
                    rows.AddRange(await c.QueryAsync<ClusterFaceRow>(Command(ClusterFaceSelect + "AND " + AnyOf("f.id", "chunk"), new { detected = Detected, model, chunk }, t, cancellationToken)));
            return await ClusterFacesAsync(c, t, rows, cancellationToken);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<StoredClusterFace>> GetComponentFacesAsync(string model, IReadOnlyCollection<long> components, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentNullException.ThrowIfNull(components);
        return RunAsync(false, async (c, t) =>
        {
            var rows = new List<ClusterFaceRow>();
            foreach (var chunk in components.Distinct().Chunk(ParameterChunk))
                rows.AddRange(await c.QueryAsync<ClusterFaceRow>(Command(ClusterFaceSelect + "AND " + AnyOf("f.component", "chunk"), new { detected = Detected, model, chunk }, t, cancellationToken)));
            return await ClusterFacesAsync(c, t, rows, cancellationToken);
        }, cancellationToken);
    }

    private async Task<IReadOnlyList<StoredClusterFace>> ClusterFacesAsync(DbConnection c, DbTransaction t, List<ClusterFaceRow> rows, CancellationToken cancellationToken)
    {
        var rejections = new Dictionary<long, List<long>>();
        foreach (var chunk in rows.Select(r => r.Id).Chunk(ParameterChunk))
            foreach (var (faceId, personId) in await c.QueryAsync<(long, long)>(Command(
                $"SELECT face_id, person_id FROM face_rejections WHERE {AnyOf("face_id", "chunk")} ORDER BY face_id, person_id", new { chunk }, t, cancellationToken)))
            {
                if (!rejections.TryGetValue(faceId, out var list))
                    rejections[faceId] = list = [];
                list.Add(personId);
            }
        return rows.OrderBy(r => r.Id).Select(r => new StoredClusterFace(r.Id, r.ContentHash + ":" + r.FaceIndex, r.MediaId,
            StoreValues.FromBlob(r.Descriptor, "face descriptor")!, r.Component, r.PersonId, r.Pinned && r.PersonId is not null, r.PersonConfirmed ?? false,
            rejections.TryGetValue(r.Id, out var rejected) ? rejected : [])).ToList();
    }

    public Task WriteClusteringAsync(ClusteringWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        foreach (var face in write.Faces)
            if (face.NewPerson is { } n && (n < 0 || n >= write.NewPeople))
                throw new ArgumentException($"face {face.FaceId} names new person {n}, but the write creates {write.NewPeople}", nameof(write));
        return RunAsync(true, async (c, t) =>
        {
            var now = StoreValues.ToMilliseconds(DateTimeOffset.UtcNow);
            var created = new List<long>(write.NewPeople);
            for (var i = 0; i < write.NewPeople; i++)
                created.Add(await c.ExecuteScalarAsync<long>(Command(
                    "INSERT INTO people (name, hidden, confirmed, created_at, updated_at) VALUES (NULL, FALSE, FALSE, @now, @now) RETURNING id", new { now }, t, cancellationToken)));
            if (write.Faces.Count > 0)
                // A face the user pinned since the pass read it keeps its person: clustering never writes over a decision.
                await c.ExecuteAsync(Command("UPDATE faces SET component = @component, person_id = CASE WHEN pinned THEN person_id ELSE @personId END WHERE id = @faceId",
                    write.Faces.Select(f => new { faceId = f.FaceId, component = f.Component, personId = f.NewPerson is { } n ? created[n] : f.PersonId }).ToList(),
                    t, cancellationToken));
            // A face that left clustering (too poor now, or of another descriptor model) keeps only a person the user gave it.
            var parameters = new { detected = Detected, model = write.State.DescriptorModel };
            await c.ExecuteAsync(Command("UPDATE faces SET person_id = NULL WHERE person_id IS NOT NULL AND pinned = FALSE AND id NOT IN " +
                "(SELECT f.id FROM faces f WHERE " + Clusterable + ")", parameters, t, cancellationToken));
            if (write.Full)
            {
                await c.ExecuteAsync(Command("UPDATE faces SET component = NULL WHERE component IS NOT NULL AND id NOT IN (SELECT f.id FROM faces f WHERE " + Clusterable + ")",
                    parameters, t, cancellationToken));
                await c.ExecuteAsync(Command("INSERT INTO settings (key, json) VALUES (@key, @json) ON CONFLICT (key) DO UPDATE SET json = excluded.json",
                    new { key = ClusteringStateKey, json = JsonSerializer.Serialize(write.State, Json) }, t, cancellationToken));
            }
            await DeleteEmptyAutomaticPeopleAsync(c, t, cancellationToken);
        }, cancellationToken);
    }

    private static Task DeleteEmptyAutomaticPeopleAsync(DbConnection c, DbTransaction t, CancellationToken cancellationToken) =>
        c.ExecuteAsync(Command("DELETE FROM people WHERE confirmed = FALSE AND NOT EXISTS (SELECT 1 FROM faces f WHERE f.person_id = people.id)", null, t, cancellationToken));

    public Task ResetComponentsAsync(CancellationToken cancellationToken = default) =>
        RunAsync(true, (c, t) => c.ExecuteAsync(Command("UPDATE faces SET component = NULL WHERE component IS NOT NULL", null, t, cancellationToken)), cancellationToken);

    public Task<PeopleCounts> GetPeopleCountsAsync(string? model, CancellationToken cancellationToken = default) =>
        RunAsync(false, async (c, t) =>
        {
            var people = await c.ExecuteScalarAsync<long>(Command("SELECT count(*) FROM people", null, t, cancellationToken));
            var assigned = await c.ExecuteScalarAsync<long>(Command("SELECT count(*) FROM faces WHERE person_id IS NOT NULL", null, t, cancellationToken));
            var tooPoor = await c.ExecuteScalarAsync<long>(Command("SELECT count(*) FROM faces WHERE person_id IS NULL AND origin = @detected AND too_poor IS NOT NULL",
                new { detected = Detected }, t, cancellationToken));
            var unassigned = model is null ? 0 : await c.ExecuteScalarAsync<long>(Command("SELECT count(*) FROM faces f WHERE f.person_id IS NULL AND " + Clusterable,
                new { detected = Detected, model }, t, cancellationToken));
            return new PeopleCounts((int)people, (int)assigned, (int)unassigned, (int)tooPoor);
        }, cancellationToken);

    /// <summary>
    /// People with their counts and cover: {0} is how the counts are found (<see cref="CountsOfOne"/> for one person,
    /// <see cref="CountsOfAll"/> for a listing, one pass over the faces), {1} the filter.
    /// </summary>
    private const string PersonSelect =
        "SELECT x.*, (SELECT cf.media_id FROM faces cf WHERE cf.id = x.cover_face_id) AS cover_photo_id FROM (" +
        "SELECT p.id, p.name, p.hidden, p.confirmed, p.created_at, p.updated_at, {0}, " +
        // The chosen cover while it is still the person's, else their best face (quality x detector score).
        "COALESCE((SELECT f.id FROM faces f WHERE f.id = p.cover_face_id AND f.person_id = p.id), " +
        "(SELECT f.id FROM faces f WHERE f.person_id = p.id ORDER BY COALESCE(f.quality, 1) * f.score DESC, f.id LIMIT 1)) AS cover_face_id " +
        "FROM people p {1}) x ";

    private const string CountsOfOne =
        "(SELECT count(*) FROM faces f WHERE f.person_id = p.id) AS face_count, " +
        "(SELECT count(DISTINCT f.media_id) FROM faces f WHERE f.person_id = p.id) AS photo_count";

    private const string CountsOfAll = "COALESCE(s.face_count, 0) AS face_count, COALESCE(s.photo_count, 0) AS photo_count";

    private const string CountsOfAllJoin =
        "LEFT JOIN (SELECT person_id, count(*) AS face_count, count(DISTINCT media_id) AS photo_count FROM faces WHERE person_id IS NOT NULL GROUP BY person_id) s " +
        "ON s.person_id = p.id ";

    public Task<IReadOnlyList<PersonSummary>> ListPeopleAsync(PeopleQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit < 1)
            throw new ArgumentException($"people limit {query.Limit} is not a positive number", nameof(query));
        var filters = new List<string>();
        if (!query.IncludeHidden)
            filters.Add("p.hidden = FALSE");
        if (query.NamedOnly)
            filters.Add("p.name IS NOT NULL");
        var where = filters.Count == 0 ? "" : "WHERE " + string.Join(" AND ", filters);
        return RunAsync<IReadOnlyList<PersonSummary>>(false, async (c, t) =>
            (await c.QueryAsync<PersonRow>(Command(string.Format(PersonSelect, CountsOfAll, CountsOfAllJoin + where) + "ORDER BY x.face_count DESC, x.id LIMIT @limit", new { limit = query.Limit }, t, cancellationToken)))
            .Select(r => r.ToRecord()).ToList(), cancellationToken);
    }

    public Task<PersonSummary?> GetPersonAsync(long personId, CancellationToken cancellationToken = default) =>
        RunAsync(false, (c, t) => PersonAsync(c, t, personId, cancellationToken), cancellationToken);

    private static async Task<PersonSummary?> PersonAsync(DbConnection c, DbTransaction t, long personId, CancellationToken cancellationToken) =>
        (await c.QuerySingleOrDefaultAsync<PersonRow>(Command(string.Format(PersonSelect, CountsOfOne, "WHERE p.id = @personId"), new { personId }, t, cancellationToken)))?.ToRecord();

    public Task<PersonSummary?> FindPersonByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return RunAsync(false, async (c, t) =>
            await PersonNamedAsync(c, t, name.Trim(), cancellationToken) is { } id ? await PersonAsync(c, t, id, cancellationToken) : null, cancellationToken);
    }

    public Task<bool> PersonExistsAsync(long personId, CancellationToken cancellationToken = default) =>
        RunAsync(false, async (c, t) =>
            await c.ExecuteScalarAsync<long>(Command("SELECT count(*) FROM people WHERE id = @personId", new { personId }, t, cancellationToken)) > 0, cancellationToken);

    public Task<long?> FindPersonIdByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return RunAsync(false, (c, t) => PersonNamedAsync(c, t, name.Trim(), cancellationToken), cancellationToken);
    }

    /// <summary>The id of the person with this name, compared without regard to case (in .NET: SQLite's lower() knows only ASCII).</summary>
    private static async Task<long?> PersonNamedAsync(DbConnection c, DbTransaction t, string name, CancellationToken cancellationToken)
    {
        foreach (var (id, stored) in await c.QueryAsync<(long, string)>(Command("SELECT id, name FROM people WHERE name IS NOT NULL ORDER BY id", null, t, cancellationToken)))
            if (string.Equals(stored, name, StringComparison.OrdinalIgnoreCase))
                return id;
        return null;
    }

    private static readonly string PersonFaceSelect =
        "SELECT f.id, f.media_id, f.face_index, f.origin, " + string.Join(", ", new[] { "x", "y", "width", "height", "score", "age", "quality" }.Select(c => $"{Real("f." + c)} AS {c}")) +
        ", f.person_id, f.pinned, f.too_poor, f.expression, f.gender, f.descriptor_model, CASE WHEN f.descriptor IS NULL THEN 0 ELSE 1 END AS has_descriptor FROM faces f ";

    public Task<IReadOnlyList<PersonFace>> GetPersonFacesAsync(long personId, string? model, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<PersonFace>>(false, async (c, t) =>
            (await c.QueryAsync<PersonFaceRow>(Command(PersonFaceSelect + "WHERE f.person_id = @personId ORDER BY COALESCE(f.quality, 1) * f.score DESC, f.id",
                new { personId }, t, cancellationToken))).Select(r => r.ToRecord(model)).ToList(), cancellationToken);

    public Task<IReadOnlyList<PersonFace>> GetUnassignedFacesAsync(string? model, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return RunAsync<IReadOnlyList<PersonFace>>(false, async (c, t) =>
            (await c.QueryAsync<PersonFaceRow>(Command(PersonFaceSelect + "WHERE f.person_id IS NULL ORDER BY f.media_id DESC, f.origin, f.face_index LIMIT @limit",
                new { limit }, t, cancellationToken))).Select(r => r.ToRecord(model)).ToList(), cancellationToken);
    }

    public Task<IReadOnlyList<FaceAssignment>> GetAssignmentsAsync(string? model, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<FaceAssignment>>(false, async (c, t) =>
        {
            var hashes = new Dictionary<long, string>();
            foreach (var (id, hash) in await c.QueryAsync<(long, string)>(Command("SELECT id, content_hash FROM media WHERE id IN (SELECT media_id FROM faces WHERE origin = @detected)",
                new { detected = Detected }, t, cancellationToken)))
                hashes[id] = hash;
            return (await c.QueryAsync<PersonFaceRow>(Command(PersonFaceSelect + "WHERE f.origin = @detected ORDER BY f.media_id, f.face_index", new { detected = Detected }, t, cancellationToken)))
                .Select(r => r.ToRecord(model))
                .Select(f => new FaceAssignment(f.FaceId, f.PhotoId, hashes[f.PhotoId], f.Index, f.Width, f.Height, f.PersonId, f.Status)).ToList();
        }, cancellationToken);

    public Task<IReadOnlyList<PersonFace>> GetPhotoFacesAsync(long photoId, string? model, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<PersonFace>>(false, async (c, t) =>
            (await c.QueryAsync<PersonFaceRow>(Command(PersonFaceSelect + "WHERE f.media_id = @photoId AND f.origin = @detected ORDER BY f.face_index",
                new { photoId, detected = Detected }, t, cancellationToken))).Select(r => r.ToRecord(model)).ToList(), cancellationToken);

    public Task<PersonFace?> GetFaceAsync(long faceId, string? model, CancellationToken cancellationToken = default) =>
        RunAsync(false, async (c, t) =>
            (await c.QueryAsync<PersonFaceRow>(Command(PersonFaceSelect + "WHERE f.id = @faceId AND f.origin = @detected", new { faceId, detected = Detected }, t, cancellationToken)))
            .Select(r => r.ToRecord(model)).FirstOrDefault(), cancellationToken);

    public Task<IReadOnlyList<(long FaceId, long PersonId)>> GetRejectionsAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<(long, long)>>(false, async (c, t) =>
            (await c.QueryAsync<(long, long)>(Command("SELECT face_id, person_id FROM face_rejections ORDER BY face_id, person_id", null, t, cancellationToken))).ToList(),
            cancellationToken);

    // ---- Decisions ----

    public Task<DecisionOutcome> NamePersonAsync(long personId, string name, CancellationToken cancellationToken = default)
    {
        var clean = CleanName(name);
        return RunAsync(true, async (c, t) =>
        {
            await RequirePersonAsync(c, t, personId, cancellationToken);
            await RequireFreeNameAsync(c, t, clean, personId, cancellationToken);
            var components = await ComponentsOfPeopleAsync(c, t, [personId], cancellationToken);
            var now = StoreValues.ToMilliseconds(DateTimeOffset.UtcNow);
            await c.ExecuteAsync(Command("UPDATE people SET name = @clean WHERE id = @personId", new { clean, personId }, t, cancellationToken));
            await PinAsync(c, t, personId, now, cancellationToken);
            return new DecisionOutcome(personId, components);
        }, cancellationToken);
    }

    public Task<DecisionOutcome> MergePeopleAsync(long intoPersonId, IReadOnlyList<long> otherPersonIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(otherPersonIds);
        if (otherPersonIds.Count == 0)
            throw new PeopleException(PeopleErrorKind.Invalid, $"merging into person {intoPersonId} names no other person");
        if (otherPersonIds.Contains(intoPersonId))
            throw new PeopleException(PeopleErrorKind.Conflict, $"person {intoPersonId} cannot be merged into themselves");
        var others = otherPersonIds.Distinct().ToArray();
        return RunAsync(true, async (c, t) =>
        {
            var into = await RequirePersonAsync(c, t, intoPersonId, cancellationToken);
            var names = new List<string>();
            foreach (var other in others)
                if ((await RequirePersonAsync(c, t, other, cancellationToken)).Name is { } otherName)
                    names.Add(otherName);
            var all = others.Append(intoPersonId).ToArray();
            var shared = await c.QueryFirstOrDefaultAsync<long?>(Command(
                $"SELECT media_id FROM faces WHERE {AnyOf("person_id", "all")} GROUP BY media_id HAVING count(DISTINCT person_id) > 1 ORDER BY media_id LIMIT 1",
                new { all }, t, cancellationToken));
            if (shared is { } photo)
            {
                var owners = (await c.QueryAsync<long>(Command($"SELECT DISTINCT person_id FROM faces WHERE media_id = @photo AND {AnyOf("person_id", "all")} ORDER BY person_id",
                    new { photo, all }, t, cancellationToken))).ToList();
                throw new PeopleException(PeopleErrorKind.Conflict,
                    $"people {string.Join(" and ", owners)} both have a face in photo {photo}, so they cannot be one person");
            }
            var components = await ComponentsOfPeopleAsync(c, t, all, cancellationToken);
            var now = StoreValues.ToMilliseconds(DateTimeOffset.UtcNow);
            // What the merged people were told not to be, the survivor is not either; what they were, it now is.
            await c.ExecuteAsync(Command($"INSERT INTO face_rejections (face_id, person_id, at) SELECT face_id, @intoPersonId, at FROM face_rejections WHERE {AnyOf("person_id", "others")} " +
                "ON CONFLICT (face_id, person_id) DO NOTHING", new { intoPersonId, others }, t, cancellationToken));
            await c.ExecuteAsync(Command($"UPDATE faces SET person_id = @intoPersonId WHERE {AnyOf("person_id", "others")}", new { intoPersonId, others }, t, cancellationToken));
            await c.ExecuteAsync(Command("DELETE FROM face_rejections WHERE person_id = @intoPersonId AND face_id IN (SELECT id FROM faces WHERE person_id = @intoPersonId)",
                new { intoPersonId }, t, cancellationToken));
            await c.ExecuteAsync(Command($"DELETE FROM people WHERE {AnyOf("id", "others")}", new { others }, t, cancellationToken));
            if (into.Name is null && names.Count > 0)
                await c.ExecuteAsync(Command("UPDATE people SET name = @name WHERE id = @intoPersonId", new { name = names[0], intoPersonId }, t, cancellationToken));
            await PinAsync(c, t, intoPersonId, now, cancellationToken);
            return new DecisionOutcome(intoPersonId, components);
        }, cancellationToken);
    }

    public Task<DecisionOutcome> SplitPersonAsync(long fromPersonId, IReadOnlyList<long> faceIds, long? toPersonId, string? newName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(faceIds);
        if (faceIds.Count == 0)
            throw new PeopleException(PeopleErrorKind.Invalid, $"splitting person {fromPersonId} names no faces");
        if (toPersonId is not null && newName is not null)
            throw new PeopleException(PeopleErrorKind.Invalid, $"splitting person {fromPersonId}: name either the person the faces go to or the name of a new person, not both");
        if (toPersonId == fromPersonId)
            throw new PeopleException(PeopleErrorKind.Invalid, $"splitting person {fromPersonId}: the faces cannot go to the person they leave");
        var clean = newName is null ? null : CleanName(newName);
        var faces = faceIds.Distinct().ToArray();
        return RunAsync(true, async (c, t) =>
        {
            await RequirePersonAsync(c, t, fromPersonId, cancellationToken);
            var moved = await RequireFacesOfAsync(c, t, fromPersonId, faces, cancellationToken);
            if (toPersonId is { } to)
            {
                await RequirePersonAsync(c, t, to, cancellationToken);
                var photos = moved.Select(m => m.MediaId).Distinct().ToArray();
                var shared = await c.QueryFirstOrDefaultAsync<long?>(Command(
                    $"SELECT media_id FROM faces WHERE person_id = @to AND {AnyOf("media_id", "photos")} ORDER BY media_id LIMIT 1", new { to, photos }, t, cancellationToken));
                if (shared is { } photo)
                    throw new PeopleException(PeopleErrorKind.Conflict, $"person {to} already has a face in photo {photo}, where one of the faces split from person {fromPersonId} is");
            }
            else if (clean is not null)
                await RequireFreeNameAsync(c, t, clean, null, cancellationToken);
            var now = StoreValues.ToMilliseconds(DateTimeOffset.UtcNow);
            var target = toPersonId ?? await c.ExecuteScalarAsync<long>(Command(
                "INSERT INTO people (name, hidden, confirmed, created_at, updated_at) VALUES (@clean, FALSE, TRUE, @now, @now) RETURNING id", new { clean, now }, t, cancellationToken));
            var components = await ComponentsOfPeopleAsync(c, t, [fromPersonId, target], cancellationToken);
            await c.ExecuteAsync(Command($"UPDATE faces SET person_id = @target, pinned = TRUE WHERE {AnyOf("id", "faces")}", new { target, faces }, t, cancellationToken));
            await c.ExecuteAsync(Command($"DELETE FROM face_rejections WHERE person_id = @target AND {AnyOf("face_id", "faces")}", new { target, faces }, t, cancellationToken));
            await PinAsync(c, t, fromPersonId, now, cancellationToken);
            await PinAsync(c, t, target, now, cancellationToken);
            return new DecisionOutcome(target, components, moved.Count, toPersonId is null);
        }, cancellationToken);
    }

    public Task<DecisionOutcome> AssignFacesAsync(IReadOnlyList<long> faceIds, long? toPersonId, string? newName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(faceIds);
        if (faceIds.Count == 0)
            throw new PeopleException(PeopleErrorKind.Invalid, "assigning faces names no faces");
        if (toPersonId is null == newName is null)
            throw new PeopleException(PeopleErrorKind.Invalid, "assigning faces: name either the person they go to or the name of a new person (one of the two)");
        var clean = newName is null ? null : CleanName(newName);
        var faces = faceIds.Distinct().ToArray();
        return RunAsync(true, async (c, t) =>
        {
            var rows = await RequireFacesAsync(c, t, faces, cancellationToken);
            var twice = rows.GroupBy(r => r.MediaId).FirstOrDefault(g => g.Count() > 1);
            if (twice is not null)
                throw new PeopleException(PeopleErrorKind.Conflict, $"faces {string.Join(" and ", twice.Select(r => r.Id))} are in the same photo {twice.Key}; one person has at most one face in a photo");
            if (toPersonId is { } to)
            {
                await RequirePersonAsync(c, t, to, cancellationToken);
                var photos = rows.Select(r => r.MediaId).Distinct().ToArray();
                var shared = await c.QueryFirstOrDefaultAsync<long?>(Command(
                    $"SELECT media_id FROM faces WHERE person_id = @to AND {AnyOf("media_id", "photos")} AND NOT {AnyOf("id", "faces")} ORDER BY media_id LIMIT 1",
                    new { to, photos, faces }, t, cancellationToken));
                if (shared is { } photo)
                    throw new PeopleException(PeopleErrorKind.Conflict, $"person {to} already has a face in photo {photo}, where one of the assigned faces is");
            }
            else
                await RequireFreeNameAsync(c, t, clean!, null, cancellationToken);
            var now = StoreValues.ToMilliseconds(DateTimeOffset.UtcNow);
            var target = toPersonId ?? await c.ExecuteScalarAsync<long>(Command(
                "INSERT INTO people (name, hidden, confirmed, created_at, updated_at) VALUES (@clean, FALSE, TRUE, @now, @now) RETURNING id", new { clean, now }, t, cancellationToken));
            var sources = rows.Where(r => r.PersonId is { } p && p != target).Select(r => r.PersonId!.Value).Distinct().ToArray();
            var components = (await ComponentsOfPeopleAsync(c, t, [.. sources, target], cancellationToken))
                .Concat(rows.Where(r => r.Component is not null).Select(r => r.Component!.Value)).Distinct().Order().ToList();
            await c.ExecuteAsync(Command($"UPDATE faces SET person_id = @target, pinned = TRUE WHERE {AnyOf("id", "faces")}", new { target, faces }, t, cancellationToken));
            await c.ExecuteAsync(Command($"DELETE FROM face_rejections WHERE person_id = @target AND {AnyOf("face_id", "faces")}", new { target, faces }, t, cancellationToken));
            foreach (var source in sources)
                await PinAsync(c, t, source, now, cancellationToken);
            await PinAsync(c, t, target, now, cancellationToken);
            return new DecisionOutcome(target, components, rows.Count(r => r.PersonId != target), toPersonId is null);
        }, cancellationToken);
    }

    public Task<DecisionOutcome> RejectFacesAsync(long personId, IReadOnlyList<long> faceIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(faceIds);
        if (faceIds.Count == 0)
            throw new PeopleException(PeopleErrorKind.Invalid, $"rejecting faces from person {personId} names no faces");
        var faces = faceIds.Distinct().ToArray();
        return RunAsync(true, async (c, t) =>
        {
            await RequirePersonAsync(c, t, personId, cancellationToken);
            await RequireFacesOfAsync(c, t, personId, faces, cancellationToken);
            var components = await ComponentsOfPeopleAsync(c, t, [personId], cancellationToken);
            var now = StoreValues.ToMilliseconds(DateTimeOffset.UtcNow);
            await c.ExecuteAsync(Command("INSERT INTO face_rejections (face_id, person_id, at) VALUES (@face, @personId, @now) ON CONFLICT (face_id, person_id) DO NOTHING",
                faces.Select(face => new { face, personId, now }).ToList(), t, cancellationToken));
            await c.ExecuteAsync(Command($"UPDATE faces SET person_id = NULL, pinned = FALSE WHERE {AnyOf("id", "faces")}", new { faces }, t, cancellationToken));
            await PinAsync(c, t, personId, now, cancellationToken);
            return new DecisionOutcome(personId, components, faces.Length);
        }, cancellationToken);
    }

    public Task<DecisionOutcome> HidePersonAsync(long personId, bool hidden, CancellationToken cancellationToken = default) =>
        RunAsync(true, async (c, t) =>
        {
            await RequirePersonAsync(c, t, personId, cancellationToken);
            var components = await ComponentsOfPeopleAsync(c, t, [personId], cancellationToken);
            await c.ExecuteAsync(Command("UPDATE people SET hidden = @hidden WHERE id = @personId", new { hidden, personId }, t, cancellationToken));
            await PinAsync(c, t, personId, StoreValues.ToMilliseconds(DateTimeOffset.UtcNow), cancellationToken);
            return new DecisionOutcome(personId, components);
        }, cancellationToken);

    public Task<DecisionOutcome> SetCoverAsync(long personId, long faceId, CancellationToken cancellationToken = default) =>
        RunAsync(true, async (c, t) =>
        {
            await RequirePersonAsync(c, t, personId, cancellationToken);
            await RequireFacesOfAsync(c, t, personId, [faceId], cancellationToken);
            var components = await ComponentsOfPeopleAsync(c, t, [personId], cancellationToken);
            await c.ExecuteAsync(Command("UPDATE people SET cover_face_id = @faceId WHERE id = @personId", new { faceId, personId }, t, cancellationToken));
            await PinAsync(c, t, personId, StoreValues.ToMilliseconds(DateTimeOffset.UtcNow), cancellationToken);
            return new DecisionOutcome(personId, components);
        }, cancellationToken);

    public Task<DecisionOutcome> PlaceFacesAsync(string name, IReadOnlyList<long> faceIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(faceIds);
        var clean = CleanName(name);
        return RunAsync(true, async (c, t) =>
        {
            var now = StoreValues.ToMilliseconds(DateTimeOffset.UtcNow);
            var existing = await PersonNamedAsync(c, t, clean, cancellationToken);
            var personId = existing ?? await c.ExecuteScalarAsync<long>(Command(
                "INSERT INTO people (name, hidden, confirmed, created_at, updated_at) VALUES (@clean, FALSE, TRUE, @now, @now) RETURNING id", new { clean, now }, t, cancellationToken));
            var rejected = (await c.QueryAsync<long>(Command("SELECT face_id FROM face_rejections WHERE person_id = @personId", new { personId }, t, cancellationToken))).ToHashSet();
            var photos = (await c.QueryAsync<long>(Command("SELECT media_id FROM faces WHERE person_id = @personId", new { personId }, t, cancellationToken))).ToHashSet();
            var candidates = new List<FacePlaceRow>();
            foreach (var chunk in faceIds.Distinct().Chunk(ParameterChunk))
                candidates.AddRange(await c.QueryAsync<FacePlaceRow>(Command($"SELECT id, media_id, person_id, pinned, component FROM faces WHERE {AnyOf("id", "chunk")}",
                    new { chunk }, t, cancellationToken)));
            var placed = new List<long>();
            var components = new HashSet<long>(await ComponentsOfPeopleAsync(c, t, [personId], cancellationToken));
            foreach (var face in candidates.OrderBy(f => f.Id))
            {
                if (face.PersonId == personId || (face.Pinned && face.PersonId is not null) || rejected.Contains(face.Id) || !photos.Add(face.MediaId))
                    continue;
                placed.Add(face.Id);
                if (face.Component is { } component)
                    components.Add(component);
            }
            foreach (var chunk in placed.Chunk(ParameterChunk))
                await c.ExecuteAsync(Command($"UPDATE faces SET person_id = @personId, pinned = TRUE WHERE {AnyOf("id", "chunk")}", new { personId, chunk }, t, cancellationToken));
            await c.ExecuteAsync(Command("UPDATE people SET confirmed = TRUE, updated_at = @now WHERE id = @personId", new { personId, now }, t, cancellationToken));
            await DeleteEmptyAutomaticPeopleAsync(c, t, cancellationToken);
            return new DecisionOutcome(personId, components.Order().ToList(), placed.Count, existing is null);
        }, cancellationToken);
    }

    /// <summary>A person's name as stored: trimmed, not empty, at most <see cref="MaxNameLength"/> characters.</summary>
    internal static string CleanName(string? name)
    {
        var clean = name?.Trim() ?? "";
        if (clean.Length == 0)
            throw new PeopleException(PeopleErrorKind.Invalid, "a person's name cannot be empty");
        if (clean.Length > MaxNameLength)
            throw new PeopleException(PeopleErrorKind.Invalid, $"a person's name has at most {MaxNameLength} characters (\"{clean[..20]}...\" has {clean.Length})");
        return clean;
    }

    private static async Task RequireFreeNameAsync(DbConnection c, DbTransaction t, string name, long? personId, CancellationToken cancellationToken)
    {
        if (await PersonNamedAsync(c, t, name, cancellationToken) is { } other && other != personId)
            throw new PeopleException(PeopleErrorKind.Conflict, personId is { } id
                ? $"person {id} cannot be named \"{name}\": person {other} already has that name"
                : $"a new person cannot be named \"{name}\": person {other} already has that name");
    }

    private static async Task<PersonRow> RequirePersonAsync(DbConnection c, DbTransaction t, long personId, CancellationToken cancellationToken) =>
        await c.QuerySingleOrDefaultAsync<PersonRow>(Command("SELECT id, name, hidden, confirmed, created_at, updated_at FROM people WHERE id = @personId",
            new { personId }, t, cancellationToken))
        ?? throw new PeopleException(PeopleErrorKind.NotFound, $"person {personId} does not exist");

    /// <summary>The faces, each of which must exist (NotFound) and be the person's (Invalid).</summary>
    /// <summary>The detected faces named, each of whom must exist.</summary>
    private async Task<List<FacePlaceRow>> RequireFacesAsync(DbConnection c, DbTransaction t, IReadOnlyList<long> faceIds, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<long, FacePlaceRow>();
        foreach (var chunk in faceIds.Chunk(ParameterChunk))
            foreach (var row in await c.QueryAsync<FacePlaceRow>(Command($"SELECT id, media_id, person_id, pinned, component FROM faces WHERE {AnyOf("id", "chunk")}",
                new { chunk }, t, cancellationToken)))
                rows[row.Id] = row;
        foreach (var id in faceIds)
            if (!rows.ContainsKey(id))
                throw new PeopleException(PeopleErrorKind.NotFound, $"face {id} does not exist");
        return faceIds.Select(id => rows[id]).ToList();
    }

    private async Task<List<FacePlaceRow>> RequireFacesOfAsync(DbConnection c, DbTransaction t, long personId, IReadOnlyList<long> faceIds, CancellationToken cancellationToken)
    {
        var rows = await RequireFacesAsync(c, t, faceIds, cancellationToken);
        foreach (var row in rows)
            if (row.PersonId != personId)
                throw new PeopleException(PeopleErrorKind.Invalid, $"face {row.Id} is not person {personId}'s");
        return rows;
    }

    private async Task<IReadOnlyList<long>> ComponentsOfPeopleAsync(DbConnection c, DbTransaction t, long[] people, CancellationToken cancellationToken) =>
        (await c.QueryAsync<long>(Command($"SELECT DISTINCT component FROM faces WHERE component IS NOT NULL AND {AnyOf("person_id", "people")} ORDER BY component",
            new { people }, t, cancellationToken))).ToList();

    /// <summary>The user has looked at this person: their current faces are theirs from now on.</summary>
    private static async Task PinAsync(DbConnection c, DbTransaction t, long personId, long now, CancellationToken cancellationToken)
    {
        await c.ExecuteAsync(Command("UPDATE faces SET pinned = TRUE WHERE person_id = @personId", new { personId }, t, cancellationToken));
        await c.ExecuteAsync(Command("UPDATE people SET confirmed = TRUE, updated_at = @now WHERE id = @personId", new { personId, now }, t, cancellationToken));
    }

    private sealed class ModelCountRow
    {
        public string Model { get; set; } = "";
        public long Faces { get; set; }
    }

    private sealed class VectorRow
    {
        public long Id { get; set; }
        public long? Component { get; set; }
        public long? PinnedPerson { get; set; }
        public long? PersonId { get; set; }
        public byte[]? Descriptor { get; set; }
    }

    private sealed class ClusterFaceRow
    {
        public long Id { get; set; }
        public string ContentHash { get; set; } = "";
        public int FaceIndex { get; set; }
        public long MediaId { get; set; }
        public byte[]? Descriptor { get; set; }
        public long? Component { get; set; }
        public long? PersonId { get; set; }
        public bool Pinned { get; set; }
        public bool? PersonConfirmed { get; set; }
    }

    private sealed class FacePlaceRow
    {
        public long Id { get; set; }
        public long MediaId { get; set; }
        public long? PersonId { get; set; }
        public bool Pinned { get; set; }
        public long? Component { get; set; }
    }

    private sealed class PersonRow
    {
        public long Id { get; set; }
        public string? Name { get; set; }
        public bool Hidden { get; set; }
        public bool Confirmed { get; set; }
        public long CreatedAt { get; set; }
        public long UpdatedAt { get; set; }
        public long FaceCount { get; set; }
        public long PhotoCount { get; set; }
        public long? CoverFaceId { get; set; }
        public long? CoverPhotoId { get; set; }

        public PersonSummary ToRecord() => new(Id, Name, Hidden, (int)FaceCount, (int)PhotoCount, CoverFaceId, CoverPhotoId, Confirmed,
            StoreValues.FromMilliseconds(CreatedAt), StoreValues.FromMilliseconds(UpdatedAt));
    }

    private sealed class PersonFaceRow
    {
        public long Id { get; set; }
        public long MediaId { get; set; }
        public int FaceIndex { get; set; }
        public int Origin { get; set; }
        public double X { get; set; }
        public double Y { get; set; }
        public double Width { get; set; }
        public double Height { get; set; }
        public double Score { get; set; }
        public double? Age { get; set; }
        public double? Quality { get; set; }
        public long? PersonId { get; set; }
        public bool Pinned { get; set; }
        public string? TooPoor { get; set; }
        public string? Expression { get; set; }
        public string? Gender { get; set; }
        public string? DescriptorModel { get; set; }
        public long HasDescriptor { get; set; }

        public PersonFace ToRecord(string? model) => new(Id, MediaId, FaceIndex, (float)X, (float)Y, (float)Width, (float)Height, (float)Score,
            PersonId, Pinned && PersonId is not null, StatusFor(model), TooPoor, Expression, (float?)Age, Gender, (float?)Quality);

        private FaceStatus StatusFor(string? model) =>
            PersonId is not null ? FaceStatus.Assigned
            : TooPoor is not null ? FaceStatus.TooPoor
            : Origin != Detected || HasDescriptor == 0 || DescriptorModel != model ? FaceStatus.NoDescriptor
            : FaceStatus.Unassigned;
    }
}
