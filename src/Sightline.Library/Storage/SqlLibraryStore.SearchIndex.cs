using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using Sightline.Library.Metadata;

namespace Sightline.Library.Storage;

/// <summary>
/// Keeps the search index (migration 5) in step: every commit, path saved and path removed rewrites the index rows of
/// the photos it touched, in the same transaction; a library last written before the index existed, or under other
/// indexing rules (<see cref="SearchIndexVersion"/>), is indexed in full when it is opened.
/// </summary>
internal abstract partial class SqlLibraryStore
{
    private const string SearchIndexKey = "search-index";

    /// <summary>The rules of what is indexed; raising it re-indexes every library when it is next opened.</summary>
    internal const int SearchIndexVersion = 1;

    private const long SearchIndexSchema = 5;

    /// <summary>Photos indexed per transaction of a backfill.</summary>
    private const int BackfillChunk = 500;

    /// <summary>Rows per INSERT statement: a few hundred parameters, well under either engine's limit.</summary>
    private const int InsertRows = 200;

    private volatile bool searchIndexExists;

    /// <summary>Whether the schema has the index (tests build older schemas and commit to them); once it has, it keeps it.</summary>
    private async Task<bool> SearchIndexExistsAsync(DbConnection c, DbTransaction t, CancellationToken cancellationToken)
    {
        if (searchIndexExists)
            return true;
        var exists = await VersionTableExistsAsync(c, t, cancellationToken)
            && (await c.ExecuteScalarAsync<long?>(Command("SELECT max(\"Version\") FROM \"VersionInfo\"", null, t, cancellationToken)) ?? 0) >= SearchIndexSchema;
        searchIndexExists = exists;
        return exists;
    }

    /// <summary>Rewrites the index rows of these photos from what is stored of them now.</summary>
    private async Task IndexForSearchAsync(DbConnection c, DbTransaction t, IReadOnlyCollection<long> mediaIds, CancellationToken cancellationToken)
    {
        if (mediaIds.Count == 0 || !await SearchIndexExistsAsync(c, t, cancellationToken))
            return;
        foreach (var chunk in mediaIds.Distinct().Order().Chunk(BackfillChunk))
        {
            var media = (await c.QueryAsync<IndexMediaRow>(Command(
                $"SELECT id, metadata_json, camera_make, camera_model FROM media WHERE {AnyOf("id", "chunk")}", new { chunk }, t, cancellationToken))).ToList();
            var analyses = new Dictionary<long, Dictionary<string, string>>();
            var tasks = SearchIndexing.IndexedTasks.ToArray();
            foreach (var a in await c.QueryAsync<IndexAnalysisRow>(Command(
                $"SELECT media_id, task, json FROM analyses WHERE {AnyOf("media_id", "chunk")} AND {AnyOf("task", "tasks")}", new { chunk, tasks }, t, cancellationToken)))
            {
                if (!analyses.TryGetValue(a.MediaId, out var byTask))
                    analyses[a.MediaId] = byTask = new Dictionary<string, string>(StringComparer.Ordinal);
                byTask[a.Task] = a.Json;
            }
            var paths = (await c.QueryAsync<IndexPathRow>(Command($"SELECT media_id, path FROM files WHERE {AnyOf("media_id", "chunk")}", new { chunk }, t, cancellationToken)))
                .ToLookup(p => p.MediaId, p => p.Path);
            var rows = media.Select(m => SearchIndexing.Row(m.Id, ReadMetadata(m.MetadataJson), m.CameraMake, m.CameraModel,
                analyses.GetValueOrDefault(m.Id) ?? new Dictionary<string, string>(), paths[m.Id])).ToList();

            await c.ExecuteAsync(Command($"DELETE FROM search_objects WHERE {AnyOf("media_id", "chunk")}", new { chunk }, t, cancellationToken));
            await c.ExecuteAsync(Command($"DELETE FROM search_words WHERE {AnyOf("media_id", "chunk")}", new { chunk }, t, cancellationToken));
            await InsertManyAsync(c, t, "search_objects (media_id, label, object_count)",
                rows.SelectMany(r => r.Objects.Select(o => new object[] { r.MediaId, o.Key, o.Value })).ToList(), cancellationToken);
            await InsertManyAsync(c, t, "search_words (media_id, word)",
                rows.SelectMany(r => r.Words.Select(w => new object[] { r.MediaId, w })).ToList(), cancellationToken);
            if (rows.Count > 0)
                await c.ExecuteAsync(Command("UPDATE media SET moderation = @moderation, camera_words = @cameraWords WHERE id = @id",
                    rows.Select(r => new { id = r.MediaId, moderation = r.Moderation, cameraWords = r.CameraWords }).ToList(), t, cancellationToken));
        }
    }

    private static PhotoMetadata ReadMetadata(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<PhotoMetadata>(json, Json) ?? PhotoMetadata.Empty;
        }
        catch (JsonException)
        {
            return PhotoMetadata.Empty;
        }
    }

    /// <summary>Many rows in few statements (one statement per row is a round trip each on PostgreSQL).</summary>
    private static async Task InsertManyAsync(DbConnection c, DbTransaction t, string table, List<object[]> rows, CancellationToken cancellationToken)
    {
        foreach (var batch in rows.Chunk(InsertRows))
        {
            var sql = new StringBuilder("INSERT INTO ").Append(table).Append(" VALUES ");
            var parameters = new DynamicParameters();
            for (var i = 0; i < batch.Length; i++)
            {
                sql.Append(i == 0 ? "(" : ", (");
                for (var j = 0; j < batch[i].Length; j++)
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"v{i}_{j}");
                    sql.Append(j == 0 ? "@" : ", @").Append(name);
                    parameters.Add(name, batch[i][j]);
                }
                sql.Append(')');
            }
            await c.ExecuteAsync(Command(sql.ToString(), parameters, t, cancellationToken));
        }
    }

    /// <summary>
    /// Indexes every photo of a library whose index is missing or of older rules, a chunk per transaction (a process
    /// stopped half-way starts again on the next open; committing meanwhile keeps the rows it writes current), then
    /// records the rules it indexed under.
    /// </summary>
    internal async Task BackfillSearchIndexAsync(CancellationToken cancellationToken)
    {
        var done = await RunAsync(false, async (c, t) =>
            await SearchIndexExistsAsync(c, t, cancellationToken) is false
            || await c.QuerySingleOrDefaultAsync<string>(Command("SELECT json FROM settings WHERE key = @key", new { key = SearchIndexKey }, t, cancellationToken))
                == SearchIndexVersion.ToString(CultureInfo.InvariantCulture), cancellationToken);
        if (done)
            return;
        long after = 0;
        while (true)
        {
            var last = await RunAsync(true, async (c, t) =>
            {
                var ids = (await c.QueryAsync<long>(Command("SELECT id FROM media WHERE id > @after ORDER BY id LIMIT @limit",
                    new { after, limit = BackfillChunk }, t, cancellationToken))).ToList();
                await IndexForSearchAsync(c, t, ids, cancellationToken);
                return ids.Count == 0 ? (long?)null : ids[^1];
            }, cancellationToken);
            if (last is not { } id)
                break;
            after = id;
        }
        await RunAsync(true, (c, t) => c.ExecuteAsync(Command(
            "INSERT INTO settings (key, json) VALUES (@key, @json) ON CONFLICT (key) DO UPDATE SET json = excluded.json",
            new { key = SearchIndexKey, json = SearchIndexVersion.ToString(CultureInfo.InvariantCulture) }, t, cancellationToken)), cancellationToken);
    }

    /// <summary>The photos whose paths are among these (before the paths change: a removed path's photo loses a file name).</summary>
    private async Task<List<long>> MediaOfPathsAsync(DbConnection c, DbTransaction t, IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        foreach (var chunk in paths.Chunk(ParameterChunk))
            ids.AddRange(await c.QueryAsync<long>(Command($"SELECT DISTINCT media_id FROM files WHERE media_id IS NOT NULL AND {AnyOf("path", "chunk")}",
                new { chunk }, t, cancellationToken)));
        return ids;
    }

    private sealed class IndexMediaRow
    {
        public long Id { get; set; }
        public string MetadataJson { get; set; } = "";
        public string? CameraMake { get; set; }
        public string? CameraModel { get; set; }
    }

    private sealed class IndexAnalysisRow
    {
        public long MediaId { get; set; }
        public string Task { get; set; } = "";
        public string Json { get; set; } = "";
    }

    private sealed class IndexPathRow
    {
        public long MediaId { get; set; }
        public string Path { get; set; } = "";
    }
}
