using System.Data;
using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using FluentMigrator.Runner;
using FluentMigrator.Runner.Initialization;
using Microsoft.Extensions.DependencyInjection;
using Sightline.Library.Metadata;
using Sightline.Library.Storage.Migrations;

namespace Sightline.Library.Storage;

/// <summary>
/// The store over any SQL engine that has upserts (INSERT ... ON CONFLICT ... RETURNING): the queries are written
/// once and run unchanged on SQLite and PostgreSQL; the engines differ only in how a connection and a transaction
/// open, how the migration runner is set up, their own integrity check and how their errors read.
/// </summary>
internal abstract partial class SqlLibraryStore : ILibraryStore
{
    private const string SettingsKey = "library";
    internal const int ParameterChunk = 500;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    static SqlLibraryStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    /// <summary>The newest schema this build knows: the highest migration number.</summary>
    public static long LatestSchemaVersion { get; } = typeof(M0001_Library).Assembly.GetTypes()
        .Select(t => t.GetCustomAttributes(typeof(FluentMigrator.MigrationAttribute), false).OfType<FluentMigrator.MigrationAttribute>().FirstOrDefault())
        .Where(a => a is not null).Max(a => a!.Version);

    public abstract StoreKind Kind { get; }

    public abstract string Location { get; }

    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    protected abstract Task<DbTransaction> BeginAsync(DbConnection connection, bool write, CancellationToken cancellationToken);

    /// <summary>The engine's error in plain words ("the disk holding it is full"), or null when it is not an engine failure.</summary>
    protected abstract string? DescribeFailure(Exception exception);

    protected abstract string MigrationConnectionString { get; }

    /// <summary>"column is one of the list parameter": Dapper expands a list into (@p1, @p2, ...) for SQLite and passes an array to PostgreSQL.</summary>
    protected abstract string AnyOf(string column, string parameter);

    protected abstract void AddMigrationProcessor(IMigrationRunnerBuilder runner);

    protected abstract Task<bool> VersionTableExistsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    protected abstract Task<IReadOnlyList<string>> EngineProblemsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>
    /// Held while migrating: a server and an ingestion process started together on an older library would otherwise both
    /// plan the same missing migrations and the second would fail on what the first just made.
    /// </summary>
    protected abstract Task<IAsyncDisposable> LockMigrationAsync(CancellationToken cancellationToken);

    /// <summary>Runs before the migration runner (SQLite switches the file to WAL here).</summary>
    protected virtual Task PrepareMigrationAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public abstract ValueTask DisposeAsync();

    /// <summary>One call, one transaction: committed when the body returns, rolled back when it throws; engine failures become LibraryStoreException naming the database.</summary>
    protected async Task<T> RunAsync<T>(bool write, Func<DbConnection, DbTransaction, Task<T>> body, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken);
            await using var transaction = await BeginAsync(connection, write, cancellationToken);
            var result = await body(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch (Exception e) when (e is not LibraryStoreException && DescribeFailure(e) is { } reason)
        {
            throw new LibraryStoreException($"library database {Location}: {reason}", e);
        }
    }

    protected Task RunAsync(bool write, Func<DbConnection, DbTransaction, Task> body, CancellationToken cancellationToken) =>
        RunAsync<bool>(write, async (c, t) => { await body(c, t); return true; }, cancellationToken);

    private static CommandDefinition Command(string sql, object? parameters, DbTransaction transaction, CancellationToken cancellationToken) =>
        new(sql, parameters, transaction, cancellationToken: cancellationToken);

    public Task<long> MigrateAsync(CancellationToken cancellationToken = default) => MigrateToAsync(null, cancellationToken);

    /// <summary>Migrates up to <paramref name="target"/> (all migrations when null); tests build older schemas with it.</summary>
    internal async Task<long> MigrateToAsync(long? target, CancellationToken cancellationToken)
    {
        await using var migrationLock = await LockMigrationAsync(cancellationToken);
        var before = await SchemaVersionAsync(cancellationToken);
        if (before > LatestSchemaVersion)
            throw new LibraryStoreException(
                $"library database {Location} was made by a newer version of Sightline (schema {before}, this version knows up to {LatestSchemaVersion})");
        try
        {
            await using (var connection = await OpenConnectionAsync(cancellationToken))
                await PrepareMigrationAsync(connection, cancellationToken);
            var services = new ServiceCollection()
                .AddFluentMigratorCore()
                .ConfigureRunner(runner =>
                {
                    AddMigrationProcessor(runner);
                    runner.WithGlobalConnectionString(MigrationConnectionString).ScanIn(typeof(M0001_Library).Assembly).For.Migrations();
                })
                // Only the library's migrations, whatever else the assembly holds.
                .Configure<TypeFilterOptions>(options => options.Namespace = typeof(M0001_Library).Namespace)
                .BuildServiceProvider(validateScopes: false);
            await using (services)
            {
                using var scope = services.CreateScope();
                var runner = scope.ServiceProvider.GetRequiredService<IMigrationRunner>();
                if (target is { } version)
                    runner.MigrateUp(version);
                else
                    runner.MigrateUp();
            }
            if (target is null)
                await BackfillSearchIndexAsync(cancellationToken);
        }
        catch (Exception e) when (e is not LibraryStoreException && e is not OperationCanceledException)
        {
            throw new LibraryStoreException($"library database {Location}: migration failed: {DescribeFailure(e) ?? Innermost(e).Message}", e);
        }
        return await SchemaVersionAsync(cancellationToken);
    }

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    /// <summary>The highest applied migration, 0 for an empty database.</summary>
    internal Task<long> SchemaVersionAsync(CancellationToken cancellationToken) =>
        RunAsync(false, async (c, t) =>
            await VersionTableExistsAsync(c, t, cancellationToken)
                ? await c.ExecuteScalarAsync<long?>(Command("SELECT max(\"Version\") FROM \"VersionInfo\"", null, t, cancellationToken)) ?? 0
                : 0, cancellationToken);

    /// <summary>Runs raw SQL in one transaction (tests use it to build states the interface cannot).</summary>
    internal Task ExecuteAsync(string sql, object? parameters = null, CancellationToken cancellationToken = default) =>
        RunAsync(true, (c, t) => c.ExecuteAsync(Command(sql, parameters, t, cancellationToken)), cancellationToken);

    internal Task<T?> ScalarAsync<T>(string sql, object? parameters = null, CancellationToken cancellationToken = default) =>
        RunAsync(false, (c, t) => c.ExecuteScalarAsync<T>(Command(sql, parameters, t, cancellationToken)), cancellationToken);

    public Task<LibrarySettings?> GetSettingsAsync(CancellationToken cancellationToken = default) =>
        RunAsync(false, async (c, t) =>
        {
            var json = await c.QuerySingleOrDefaultAsync<string>(Command("SELECT json FROM settings WHERE key = @key", new { key = SettingsKey }, t, cancellationToken));
            if (json is null)
                return null;
            var settings = JsonSerializer.Deserialize<LibrarySettings>(json, Json)
                ?? throw new LibraryStoreException($"library database {Location}: the stored settings are empty");
            // The dictionary read back has the default comparer; options are matched without regard to case.
            return settings with { Options = new Dictionary<string, string>(settings.Options, StringComparer.OrdinalIgnoreCase) };
        }, cancellationToken);

    public Task SaveSettingsAsync(LibrarySettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var json = JsonSerializer.Serialize(settings, Json);
        return RunAsync(true, (c, t) => c.ExecuteAsync(Command(
            "INSERT INTO settings (key, json) VALUES (@key, @json) ON CONFLICT (key) DO UPDATE SET json = excluded.json",
            new { key = SettingsKey, json }, t, cancellationToken)), cancellationToken);
    }

    public Task<SourceFolder> AddFolderAsync(string path, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(path) || !System.IO.Path.IsPathFullyQualified(path))
            throw new ArgumentException($"source folder \"{path}\" is not an absolute path", nameof(path));
        return RunAsync(true, async (c, t) =>
        {
            await c.ExecuteAsync(Command("INSERT INTO folders (path, added_at) VALUES (@path, @at) ON CONFLICT (path) DO NOTHING",
                new { path, at = StoreValues.ToMilliseconds(DateTimeOffset.UtcNow) }, t, cancellationToken));
            var row = await c.QuerySingleAsync<FolderRow>(Command("SELECT id, path, added_at, scanned_at FROM folders WHERE path = @path", new { path }, t, cancellationToken));
            return row.ToRecord();
        }, cancellationToken);
    }

    public Task<IReadOnlyList<SourceFolder>> GetFoldersAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<SourceFolder>>(false, async (c, t) =>
            (await c.QueryAsync<FolderRow>(Command("SELECT id, path, added_at, scanned_at FROM folders ORDER BY id", null, t, cancellationToken)))
            .Select(r => r.ToRecord()).ToList(), cancellationToken);

    public Task MarkScannedAsync(long folderId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        RunAsync(true, async (c, t) =>
        {
            var changed = await c.ExecuteAsync(Command("UPDATE folders SET scanned_at = @at WHERE id = @folderId",
                new { folderId, at = StoreValues.ToMilliseconds(at) }, t, cancellationToken));
            if (changed == 0)
                throw new ArgumentException($"folder id {folderId} is not a registered source folder", nameof(folderId));
        }, cancellationToken);

    private const string FileColumns = "path, folder_id, kind, size, modified_at, content_hash, reason, seen_at";

    public Task<IReadOnlyList<FileEntry>> GetFilesAsync(long folderId, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<FileEntry>>(false, async (c, t) =>
            (await c.QueryAsync<FileRow>(Command($"SELECT {FileColumns} FROM files WHERE folder_id = @folderId ORDER BY path", new { folderId }, t, cancellationToken)))
            .Select(r => r.ToRecord()).ToList(), cancellationToken);

    public Task<IReadOnlyList<FileEntry>> GetFailuresAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return RunAsync<IReadOnlyList<FileEntry>>(false, async (c, t) =>
            (await c.QueryAsync<FileRow>(Command($"SELECT {FileColumns} FROM files WHERE kind = @kind ORDER BY seen_at DESC, id DESC LIMIT @limit",
                new { kind = (int)FileKind.Failed, limit }, t, cancellationToken)))
            .Select(r => r.ToRecord()).ToList(), cancellationToken);
    }

    public Task SaveFilesAsync(IReadOnlyList<FileEntry> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
            return Task.CompletedTask;
        return RunAsync(true, async (c, t) =>
        {
            var folders = (await c.QueryAsync<long>(Command("SELECT id FROM folders", null, t, cancellationToken))).ToHashSet();
            var mediaIds = new Dictionary<string, long>(StringComparer.Ordinal);
            var rows = new List<object>(files.Count);
            foreach (var file in files)
            {
                long? mediaId = null;
                if (file.Kind is FileKind.Photo or FileKind.Video)
                {
                    if (file.ContentHash is null)
                        throw new ArgumentException($"file \"{file.Path}\" is a {file.Kind.ToString().ToLowerInvariant()} without a content hash", nameof(files));
                    if (!mediaIds.TryGetValue(file.ContentHash, out var id))
                    {
                        id = await c.QuerySingleOrDefaultAsync<long?>(Command("SELECT id FROM media WHERE content_hash = @hash", new { hash = file.ContentHash }, t, cancellationToken))
                            ?? throw new ArgumentException($"file \"{file.Path}\" names content hash {file.ContentHash}, which no stored item has (commit the item first)", nameof(files));
                        mediaIds[file.ContentHash] = id;
                    }
                    mediaId = id;
                }
                rows.Add(FileParameters(file, mediaId, folders));
            }
            // A path moved away from a photo takes its file name from that photo's words too.
            var touched = await MediaOfPathsAsync(c, t, files.Select(f => f.Path).ToList(), cancellationToken);
            await c.ExecuteAsync(Command(UpsertFileSql, rows, t, cancellationToken));
            await IndexForSearchAsync(c, t, [.. touched, .. mediaIds.Values], cancellationToken);
        }, cancellationToken);
    }

    private const string UpsertFileSql =
        "INSERT INTO files (path, folder_id, kind, size, modified_at, content_hash, media_id, reason, seen_at) " +
        "VALUES (@path, @folderId, @kind, @size, @modifiedAt, @contentHash, @mediaId, @reason, @seenAt) " +
        "ON CONFLICT (path) DO UPDATE SET folder_id = excluded.folder_id, kind = excluded.kind, size = excluded.size, " +
        "modified_at = excluded.modified_at, content_hash = excluded.content_hash, media_id = excluded.media_id, " +
        "reason = excluded.reason, seen_at = excluded.seen_at";

    private static object FileParameters(FileEntry file, long? mediaId, HashSet<long> folders)
    {
        if (string.IsNullOrEmpty(file.Path))
            throw new ArgumentException("a file entry has an empty path", "files");
        if (!folders.Contains(file.FolderId))
            throw new ArgumentException($"file \"{file.Path}\" names folder id {file.FolderId}, which is not a registered source folder", "files");
        return new
        {
            path = file.Path,
            folderId = file.FolderId,
            kind = (int)file.Kind,
            size = file.Size,
            modifiedAt = StoreValues.ToMilliseconds(file.ModifiedAt),
            contentHash = file.ContentHash,
            mediaId,
            reason = file.Reason,
            seenAt = StoreValues.ToMilliseconds(file.SeenAt),
        };
    }

    public Task RemoveFilesAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
            return Task.CompletedTask;
        return RunAsync(true, async (c, t) =>
        {
            var touched = await MediaOfPathsAsync(c, t, paths, cancellationToken);
            foreach (var chunk in paths.Chunk(ParameterChunk))
                await c.ExecuteAsync(Command($"DELETE FROM files WHERE {AnyOf("path", "chunk")}", new { chunk }, t, cancellationToken));
            await IndexForSearchAsync(c, t, touched, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>
    /// A floating-point column read as double on both engines: SQLite hands back a whole-number value of a column
    /// of numeric affinity as an integer.
    /// </summary>
    private static string Real(string column) => $"CAST({column} AS DOUBLE PRECISION)";

    private static readonly string FaceSelect =
        "SELECT face_index, origin, " + string.Join(", ", new[] { "x", "y", "width", "height", "score" }.Select(c => $"{Real(c)} AS {c}")) +
        ", name, landmarks, descriptor, descriptor_model, expression, " + Real("expression_score") + " AS expression_score, " + Real("age") +
         " AS age, gender, " + Real("gender_score") + " AS gender_score, " + Real("quality") + " AS quality, too_poor, " + Real("frame_time") + " AS frame_time FROM faces ";

    private static readonly string PhotoRowSelect =
        "SELECT m.id, m.content_hash, m.kind, m.format, m.size, m.width, m.height, m.taken_local, m.taken_offset_minutes, m.taken_sort, " +
        "m.added_at, m.camera_model, " + Real("m.latitude") + " AS latitude, " + Real("m.longitude") + " AS longitude, m.thumbnails, " +
        "(SELECT count(*) FROM faces fa WHERE fa.media_id = m.id) AS face_count, " +
        "(SELECT count(*) FROM files fi WHERE fi.media_id = m.id) AS path_count " +
        "FROM media m ";

    public Task<PhotoRow?> FindByHashAsync(string contentHash, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contentHash);
        return RunAsync(false, async (c, t) =>
            (await c.QuerySingleOrDefaultAsync<MediaRow>(Command(PhotoRowSelect + "WHERE m.content_hash = @contentHash", new { contentHash }, t, cancellationToken)))?.ToRecord(),
            cancellationToken);
    }

    private const string UpsertMediaSql =
        "INSERT INTO media (content_hash, kind, format, size, width, height, taken_local, taken_offset_minutes, taken_sort, camera_make, " +
        "camera_model, latitude, longitude, rating, metadata_json, added_at, updated_at, thumbnails) " +
        "VALUES (@contentHash, @kind, @format, @size, @width, @height, @takenLocal, @takenOffsetMinutes, @takenSort, @cameraMake, " +
        "@cameraModel, @latitude, @longitude, @rating, @metadataJson, @at, @at, @thumbnails) " +
        "ON CONFLICT (content_hash) DO UPDATE SET kind = excluded.kind, format = excluded.format, size = excluded.size, " +
        "width = excluded.width, height = excluded.height, taken_local = excluded.taken_local, " +
        "taken_offset_minutes = excluded.taken_offset_minutes, taken_sort = excluded.taken_sort, camera_make = excluded.camera_make, " +
        "camera_model = excluded.camera_model, latitude = excluded.latitude, longitude = excluded.longitude, rating = excluded.rating, " +
        "metadata_json = excluded.metadata_json, updated_at = excluded.updated_at, " +
        // Thumbnails once written stay written: a later commit that only adds an analysis does not forget them.
        "thumbnails = (media.thumbnails OR excluded.thumbnails) " +
        "RETURNING id";

    private const string UpsertAnalysisSql =
        "INSERT INTO analyses (media_id, task, version, json, at) VALUES (@mediaId, @task, @version, @json, @at) " +
        "ON CONFLICT (media_id, task) DO UPDATE SET version = excluded.version, json = excluded.json, at = excluded.at";

    private const string InsertFaceSql =
        "INSERT INTO faces (media_id, face_index, origin, x, y, width, height, score, name, landmarks, descriptor, descriptor_model, " +
        "expression, expression_score, age, gender, gender_score, quality, too_poor, frame_time) VALUES (@mediaId, @faceIndex, @origin, @x, @y, @width, @height, " +
        "@score, @name, @landmarks, @descriptor, @descriptorModel, @expression, @expressionScore, @age, @gender, @genderScore, @quality, @tooPoor, @frameTime)";

    private const string UpdateFaceSql =
        "UPDATE faces SET face_index = @faceIndex, x = @x, y = @y, width = @width, height = @height, score = @score, name = @name, " +
        "landmarks = @landmarks, descriptor = @descriptor, descriptor_model = @descriptorModel, expression = @expression, " +
        "expression_score = @expressionScore, age = @age, gender = @gender, gender_score = @genderScore, quality = @quality, too_poor = @tooPoor, " +
        "frame_time = @frameTime WHERE id = @id";

    private const string UpsertEmbeddingSql =
        "INSERT INTO embeddings (media_id, model, vector, at) VALUES (@mediaId, @model, @vector, @at) " +
        "ON CONFLICT (media_id) DO UPDATE SET model = excluded.model, vector = excluded.vector, at = excluded.at";

    public Task CommitAsync(IReadOnlyList<PhotoUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        foreach (var update in updates)
            Validate(update);
        if (updates.Count == 0)
            return Task.CompletedTask;
        return RunAsync(true, async (c, t) =>
        {
            var now = StoreValues.ToMilliseconds(DateTimeOffset.UtcNow);
            HashSet<long>? folders = null;
            // A path committed with another photo than before takes its file name from the previous photo's words.
            var committed = await MediaOfPathsAsync(c, t, updates.Where(u => u.File is not null).Select(u => u.File!.Path).ToList(), cancellationToken);
            foreach (var update in updates)
            {
                var metadata = update.Metadata;
                var mediaId = await c.ExecuteScalarAsync<long>(Command(UpsertMediaSql, new
                {
                    contentHash = update.ContentHash,
                    kind = (int)update.Kind,
                    format = update.Format,
                    size = update.Size,
                    width = update.Width,
                    height = update.Height,
                    takenLocal = metadata.TakenAt is { } local ? StoreValues.LocalToMilliseconds(local) : (long?)null,
                    takenOffsetMinutes = metadata.TakenOffset is { } offset ? (int)offset.TotalMinutes : (int?)null,
                    takenSort = StoreValues.TakenSortKey(metadata.TakenAt, metadata.TakenOffset),
                    cameraMake = metadata.CameraMake,
                    cameraModel = metadata.CameraModel,
                    latitude = metadata.Location?.Latitude,
                    longitude = metadata.Location?.Longitude,
                    rating = metadata.Rating,
                    metadataJson = JsonSerializer.Serialize(metadata, Json),
                    at = now,
                    thumbnails = update.ThumbnailsWritten,
                }, t, cancellationToken));
                committed.Add(mediaId);

                if (update.File is { } file)
                {
                    folders ??= (await c.QueryAsync<long>(Command("SELECT id FROM folders", null, t, cancellationToken))).ToHashSet();
                    var linked = file.ContentHash is null ? file with { ContentHash = update.ContentHash } : file;
                    await c.ExecuteAsync(Command(UpsertFileSql, FileParameters(linked, linked.Kind is FileKind.Photo or FileKind.Video ? mediaId : null, folders), t, cancellationToken));
                }

                if (update.Analyses.Count > 0)
                    await c.ExecuteAsync(Command(UpsertAnalysisSql, update.Analyses.Select(a => new
                    {
                        mediaId, task = a.Task, version = a.Version, json = a.Json, at = StoreValues.ToMilliseconds(a.At),
                    }).ToList(), t, cancellationToken));

                if (update.Faces is { } detected)
                    await ReplaceFacesAsync(c, t, mediaId, FaceOrigin.Detected, detected, cancellationToken);
                if (update.ImportedFaces is { } imported)
                    await ReplaceFacesAsync(c, t, mediaId, FaceOrigin.Imported, imported, cancellationToken);

                if (update.Embedding is { } embedding)
                    await c.ExecuteAsync(Command(UpsertEmbeddingSql, new
                    {
                        mediaId, model = update.EmbeddingModel, vector = StoreValues.ToBlob(embedding), at = now,
                    }, t, cancellationToken));
            }
            // The search index moves with the analyses, in the same transaction.
            await IndexForSearchAsync(c, t, committed, cancellationToken);
            if (updates.Any(u => u.Embedding is not null))
                await RaiseEmbeddingsStampAsync(c, t, cancellationToken);
        }, cancellationToken);
    }

    private static void Validate(PhotoUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (string.IsNullOrEmpty(update.ContentHash))
            throw new ArgumentException($"an update{(update.File is { } f ? $" of \"{f.Path}\"" : "")} has no content hash", "updates");
        if (update.File is { ContentHash: { } fileHash } file && fileHash != update.ContentHash)
            throw new ArgumentException($"file \"{file.Path}\" has content hash {fileHash}, not {update.ContentHash} of the item it is committed with", "updates");
        if (update.Embedding is not null && string.IsNullOrEmpty(update.EmbeddingModel))
            throw new ArgumentException($"item {update.ContentHash} has an embedding without the model that made it", "updates");
        if (update.Metadata is null)
            throw new ArgumentException($"item {update.ContentHash} has no metadata (PhotoMetadata.Empty when there is none)", "updates");
        foreach (var analysis in update.Analyses)
            if (string.IsNullOrEmpty(analysis.Task) || analysis.Version is null || analysis.Json is null)
                throw new ArgumentException($"item {update.ContentHash} has an analysis without a task, version or JSON", "updates");
        foreach (var faces in new[] { update.Faces, update.ImportedFaces })
            if (faces?.GroupBy(f => f.Index).FirstOrDefault(g => g.Count() > 1) is { } twice)
                throw new ArgumentException($"item {update.ContentHash} has two faces with index {twice.Key}", "updates");
    }

    /// <summary>
    /// Replaces a photo's faces of one origin, keeping the rows of faces found again: a new face takes the row of the
    /// previous face it overlaps most (box IoU of at least <see cref="FaceMatching.MinIou"/>), so that its id, its person
    /// and whether the user placed it there survive a re-analysis. A face whose descriptor, descriptor model or
    /// identifiability changed, and a face that is gone, send the faces of its component back to clustering
    /// (component null): the component's grouping may change without it.
    /// </summary>
    private async Task ReplaceFacesAsync(DbConnection c, DbTransaction t, long mediaId, FaceOrigin origin, IReadOnlyList<FaceRecord> faces, CancellationToken cancellationToken)
    {
        var previous = (await c.QueryAsync<StoredFaceBox>(Command(
            "SELECT id, face_index, " + Real("x") + " AS x, " + Real("y") + " AS y, " + Real("width") + " AS width, " + Real("height") +
            " AS height, descriptor, descriptor_model, too_poor, component FROM faces WHERE media_id = @mediaId AND origin = @origin",
            new { mediaId, origin = (int)origin }, t, cancellationToken))).ToList();
        var matches = FaceMatching.Match(
            previous.Select(p => new FaceMatching.Box(p.FaceIndex, (float)p.X, (float)p.Y, (float)p.Width, (float)p.Height)).ToList(),
            faces.Select(f => new FaceMatching.Box(f.Index, f.X, f.Y, f.Width, f.Height)).ToList());
        var byPrevious = previous.ToDictionary(p => p.FaceIndex);
        var kept = new Dictionary<int, StoredFaceBox>(); // new face index -> the row it takes
        foreach (var (previousIndex, newIndex) in matches)
            kept[newIndex] = byPrevious[previousIndex];
        var keptIds = kept.Values.Select(k => k.Id).ToHashSet();
        var gone = previous.Where(p => !keptIds.Contains(p.Id)).ToList();

        var resetComponents = gone.Where(g => g.Component is not null).Select(g => g.Component!.Value).ToHashSet();
        var resetFaces = new List<long>();
        foreach (var face in faces)
            if (kept.TryGetValue(face.Index, out var row) && ClusteringInputChanged(row, face))
            {
                resetFaces.Add(row.Id);
                if (row.Component is { } component)
                    resetComponents.Add(component);
            }

        foreach (var chunk in gone.Select(g => g.Id).Chunk(ParameterChunk))
            await c.ExecuteAsync(Command($"DELETE FROM faces WHERE {AnyOf("id", "chunk")}", new { chunk }, t, cancellationToken));
        // Indexes move between kept rows: park them out of the unique index's way first.
        if (kept.Count > 0)
            foreach (var chunk in keptIds.Chunk(ParameterChunk))
                await c.ExecuteAsync(Command($"UPDATE faces SET face_index = -1 - face_index WHERE {AnyOf("id", "chunk")}", new { chunk }, t, cancellationToken));
        if (kept.Count > 0)
            await c.ExecuteAsync(Command(UpdateFaceSql, faces.Where(f => kept.ContainsKey(f.Index)).Select(f => FaceParameters(mediaId, origin, f, kept[f.Index].Id)).ToList(),
                t, cancellationToken));
        var added = faces.Where(f => !kept.ContainsKey(f.Index)).ToList();
        if (added.Count > 0)
            await c.ExecuteAsync(Command(InsertFaceSql, added.Select(f => FaceParameters(mediaId, origin, f, 0)).ToList(), t, cancellationToken));

        foreach (var chunk in resetFaces.Chunk(ParameterChunk))
            await c.ExecuteAsync(Command($"UPDATE faces SET component = NULL WHERE {AnyOf("id", "chunk")}", new { chunk }, t, cancellationToken));
        foreach (var chunk in resetComponents.Chunk(ParameterChunk))
            await c.ExecuteAsync(Command($"UPDATE faces SET component = NULL WHERE {AnyOf("component", "chunk")}", new { chunk }, t, cancellationToken));
    }

    private static bool ClusteringInputChanged(StoredFaceBox row, FaceRecord face) =>
        row.DescriptorModel != face.DescriptorModel || row.TooPoor != face.TooPoor || !SameBytes(row.Descriptor, StoreValues.ToBlob(face.Descriptor));

    private static bool SameBytes(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);

    private static object FaceParameters(long mediaId, FaceOrigin origin, FaceRecord f, long id) => new
    {
        id,
        mediaId,
        faceIndex = f.Index,
        // The list decides the origin, so a detected face cannot land among the imported ones.
        origin = (int)origin,
        x = (double)f.X, y = (double)f.Y, width = (double)f.Width, height = (double)f.Height, score = (double)f.Score,
        name = f.Name,
        landmarks = StoreValues.ToBlob(f.Landmarks),
        descriptor = StoreValues.ToBlob(f.Descriptor),
        descriptorModel = f.DescriptorModel,
        expression = f.Expression,
        expressionScore = (double?)f.ExpressionScore,
        age = (double?)f.Age,
        gender = f.Gender,
        genderScore = (double?)f.GenderScore,
        quality = (double?)f.Quality,
        tooPoor = f.TooPoor,
        frameTime = f.FrameTime,
    };

    private sealed class StoredFaceBox
    {
        public long Id { get; set; }
        public int FaceIndex { get; set; }
        public double X { get; set; }
        public double Y { get; set; }
        public double Width { get; set; }
        public double Height { get; set; }
        public byte[]? Descriptor { get; set; }
        public string? DescriptorModel { get; set; }
        public string? TooPoor { get; set; }
        public long? Component { get; set; }
    }

    public Task<IReadOnlyList<PhotoWork>> GetOutdatedAsync(IReadOnlyDictionary<string, string> wanted, int limit, long afterId = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (wanted.Count == 0 || limit == 0)
            return Task.FromResult<IReadOnlyList<PhotoWork>>([]);
        var tasks = wanted.OrderBy(w => w.Key, StringComparer.Ordinal).ToList();
        var parameters = new DynamicParameters(new { afterId, limit });
        var missing = new List<string>();
        for (var i = 0; i < tasks.Count; i++)
        {
            parameters.Add($"t{i}", tasks[i].Key);
            parameters.Add($"v{i}", tasks[i].Value);
            missing.Add($"NOT EXISTS (SELECT 1 FROM analyses a WHERE a.media_id = m.id AND a.task = @t{i} AND a.version = @v{i})");
        }
        var sql =
            "SELECT m.id, m.content_hash, m.kind, (SELECT min(f.path) FROM files f WHERE f.media_id = m.id) AS path FROM media m " +
            "WHERE m.id > @afterId AND EXISTS (SELECT 1 FROM files f WHERE f.media_id = m.id) " +
            $"AND ({string.Join(" OR ", missing)}) ORDER BY m.id LIMIT @limit";
        return RunAsync<IReadOnlyList<PhotoWork>>(false, async (c, t) =>
        {
            var items = (await c.QueryAsync<WorkRow>(Command(sql, parameters, t, cancellationToken))).ToList();
            if (items.Count == 0)
                return [];
            var stored = new Dictionary<long, Dictionary<string, string>>();
            foreach (var chunk in items.Select(i => i.Id).Chunk(ParameterChunk))
                foreach (var a in await c.QueryAsync<StoredAnalysisRow>(Command($"SELECT media_id, task, version FROM analyses WHERE {AnyOf("media_id", "chunk")}", new { chunk }, t, cancellationToken)))
                {
                    if (!stored.TryGetValue(a.MediaId, out var byTask))
                        stored[a.MediaId] = byTask = new Dictionary<string, string>(StringComparer.Ordinal);
                    byTask[a.Task] = a.Version;
                }
            return items.Select(i =>
            {
                var have = stored.GetValueOrDefault(i.Id);
                var run = tasks.Where(w => have is null || !have.TryGetValue(w.Key, out var v) || v != w.Value).Select(w => w.Key).ToList();
                return new PhotoWork(i.Id, i.ContentHash, (MediaKind)i.Kind, i.Path, run);
            }).ToList();
        }, cancellationToken);
    }

    public Task<PhotoPage> GetPhotosAsync(PhotoQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit < 1)
            throw new ArgumentException($"page limit {query.Limit} is not a positive number", nameof(query));
        if (!Enum.IsDefined(query.Order))
            throw new ArgumentException($"page order {query.Order} is not known", nameof(query));
        var cursor = query.Cursor is null ? (PhotoCursor?)null : PhotoCursor.Parse(query.Cursor, query.Order);
        return RunAsync(false, async (c, t) =>
        {
            // One more row than asked tells whether a next page exists.
            var wanted = query.Limit + 1;
            var kindFilter = query.Kind is null ? "" : "AND m.kind = @kind ";
            var kind = (int?)query.Kind;
            var rows = new List<MediaRow>(wanted);
            if (query.Order == PhotoOrder.AddedDescending)
            {
                var after = cursor is not null ? "AND m.added_at <= @key AND (m.added_at < @key OR m.id < @id) " : "";
                rows.AddRange(await c.QueryAsync<MediaRow>(Command(PhotoRowSelect + "WHERE 1 = 1 " + after + kindFilter +
                    "ORDER BY m.added_at DESC, m.id DESC LIMIT @wanted", new { key = cursor?.Key, id = cursor?.Id, kind, wanted }, t, cancellationToken)));
            }
            else
            {
                var descending = query.Order == PhotoOrder.TakenDescending;
                var (direction, before, beyond) = descending ? ("DESC", "<=", "<") : ("ASC", ">=", ">");
                if (cursor is not { Undated: true })
                {
                    var after = cursor is not null ? $"AND m.taken_sort {before} @key AND (m.taken_sort {beyond} @key OR m.id {beyond} @id) " : "";
                    rows.AddRange(await c.QueryAsync<MediaRow>(Command(PhotoRowSelect + "WHERE m.taken_sort IS NOT NULL " + after + kindFilter +
                        $"ORDER BY m.taken_sort {direction}, m.id {direction} LIMIT @wanted", new { key = cursor?.Key, id = cursor?.Id, kind, wanted }, t, cancellationToken)));
                }
                if (rows.Count < wanted)
                {
                    // Undated photos come after the dated ones, in the order they were added.
                    var after = cursor is { Undated: true } ? $"AND m.id {beyond} @id " : "";
                    rows.AddRange(await c.QueryAsync<MediaRow>(Command(PhotoRowSelect + "WHERE m.taken_sort IS NULL " + after + kindFilter +
                        $"ORDER BY m.id {direction} LIMIT @wanted", new { id = cursor?.Id, kind, wanted = wanted - rows.Count }, t, cancellationToken)));
                }
            }
            var more = rows.Count > query.Limit;
            if (more)
                rows.RemoveAt(rows.Count - 1);
            string? next = null;
            if (more)
            {
                var last = rows[^1];
                next = (query.Order == PhotoOrder.AddedDescending
                    ? new PhotoCursor(query.Order, false, last.AddedAt, last.Id)
                    : new PhotoCursor(query.Order, last.TakenSort is null, last.TakenSort ?? 0, last.Id)).ToString();
            }
            return new PhotoPage(rows.Select(r => r.ToRecord()).ToList(), next);
        }, cancellationToken);
    }

    public Task<PhotoDetail?> GetPhotoAsync(long id, CancellationToken cancellationToken = default) =>
        RunAsync(false, async (c, t) =>
        {
            var row = await c.QuerySingleOrDefaultAsync<MediaRow>(Command(PhotoRowSelect + "WHERE m.id = @id", new { id }, t, cancellationToken));
            if (row is null)
                return null;
            var json = await c.QuerySingleAsync<string>(Command("SELECT metadata_json FROM media WHERE id = @id", new { id }, t, cancellationToken));
            var metadata = JsonSerializer.Deserialize<PhotoMetadata>(json, Json) ?? PhotoMetadata.Empty;
            var paths = (await c.QueryAsync<string>(Command("SELECT path FROM files WHERE media_id = @id ORDER BY path", new { id }, t, cancellationToken))).ToList();
            var analyses = (await c.QueryAsync<AnalysisRow>(Command("SELECT task, version, json, at FROM analyses WHERE media_id = @id ORDER BY task", new { id }, t, cancellationToken)))
                .Select(a => new AnalysisRecord(a.Task, a.Version, a.Json, StoreValues.FromMilliseconds(a.At))).ToList();
            var faces = (await c.QueryAsync<FaceRow>(Command(FaceSelect + "WHERE media_id = @id ORDER BY origin, face_index", new { id }, t, cancellationToken)))
                .Select(f => f.ToRecord()).ToList();
            return new PhotoDetail(row.ToRecord(), paths, metadata, analyses, faces);
        }, cancellationToken);

    public Task<IReadOnlyList<string>> GetPathsAsync(long id, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<string>>(false, async (c, t) =>
            (await c.QueryAsync<string>(Command("SELECT path FROM files WHERE media_id = @id ORDER BY path", new { id }, t, cancellationToken))).ToList(),
            cancellationToken);

    public Task<LibraryCounts> GetCountsAsync(CancellationToken cancellationToken = default) =>
        RunAsync(false, async (c, t) =>
        {
            var media = (await c.QueryAsync<KindCount>(Command("SELECT kind, count(*) AS count FROM media GROUP BY kind", null, t, cancellationToken)))
                .ToDictionary(k => (MediaKind)k.Kind, k => k.Count);
            var files = (await c.QueryAsync<KindCount>(Command("SELECT kind, count(*) AS count FROM files GROUP BY kind", null, t, cancellationToken)))
                .ToDictionary(k => (FileKind)k.Kind, k => k.Count);
            var duplicates = await c.ExecuteScalarAsync<long>(Command(
                "SELECT count(*) - count(DISTINCT media_id) FROM files WHERE media_id IS NOT NULL", null, t, cancellationToken));
            var faces = await c.ExecuteScalarAsync<long>(Command("SELECT count(*) FROM faces", null, t, cancellationToken));
            var offline = await c.ExecuteScalarAsync<long>(Command(
                "SELECT count(*) FROM media m WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.media_id = m.id)", null, t, cancellationToken));
            var analyses = (await c.QueryAsync<NameCount>(Command("SELECT task AS name, count(*) AS count FROM analyses GROUP BY task", null, t, cancellationToken)))
                .ToDictionary(n => n.Name, n => n.Count, StringComparer.Ordinal);
            var reasons = (await c.QueryAsync<ReasonCount>(Command(
                "SELECT kind, reason, count(*) AS count FROM files WHERE kind IN (@ignored, @failed) GROUP BY kind, reason",
                new { ignored = (int)FileKind.Ignored, failed = (int)FileKind.Failed }, t, cancellationToken))).ToList();
            Dictionary<string, long> ByReason(FileKind kind) => reasons.Where(r => r.Kind == (int)kind)
                .GroupBy(r => r.Reason ?? "no reason given", StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(r => r.Count), StringComparer.Ordinal);
            return new LibraryCounts(
                Photos: media.GetValueOrDefault(MediaKind.Photo),
                Videos: media.GetValueOrDefault(MediaKind.Video),
                PhotoPaths: files.GetValueOrDefault(FileKind.Photo),
                VideoPaths: files.GetValueOrDefault(FileKind.Video),
                DuplicatePaths: duplicates,
                Sidecars: files.GetValueOrDefault(FileKind.Sidecar),
                Ignored: files.GetValueOrDefault(FileKind.Ignored),
                Failed: files.GetValueOrDefault(FileKind.Failed),
                Faces: faces,
                Offline: offline,
                AnalysesByTask: analyses,
                IgnoredByReason: ByReason(FileKind.Ignored),
                FailedByReason: ByReason(FileKind.Failed));
        }, cancellationToken);

    public Task<IntegrityReport> CheckIntegrityAsync(CancellationToken cancellationToken = default) =>
        RunAsync(false, async (c, t) =>
        {
            var problems = new List<string>(await EngineProblemsAsync(c, t, cancellationToken));
            foreach (var hash in await c.QueryAsync<string>(Command("SELECT content_hash FROM media GROUP BY content_hash HAVING count(*) > 1", null, t, cancellationToken)))
                problems.Add($"content hash {hash} is stored as more than one item");
            foreach (var path in await c.QueryAsync<string>(Command(
                "SELECT f.path FROM files f LEFT JOIN media m ON m.id = f.media_id WHERE f.kind IN (@photo, @video) AND m.id IS NULL ORDER BY f.path",
                new { photo = (int)FileKind.Photo, video = (int)FileKind.Video }, t, cancellationToken)))
                problems.Add($"path \"{path}\" is a photo or video linked to no stored item");
            foreach (var path in await c.QueryAsync<string>(Command(
                "SELECT f.path FROM files f JOIN media m ON m.id = f.media_id WHERE f.content_hash IS NULL OR f.content_hash <> m.content_hash ORDER BY f.path",
                null, t, cancellationToken)))
                problems.Add($"path \"{path}\" is linked to an item of another content hash");
            return new IntegrityReport(problems.Count == 0, problems);
        }, cancellationToken);

    private sealed class FolderRow
    {
        public long Id { get; set; }
        public string Path { get; set; } = "";
        public long AddedAt { get; set; }
        public long? ScannedAt { get; set; }

        public SourceFolder ToRecord() => new(Id, Path, StoreValues.FromMilliseconds(AddedAt), ScannedAt is { } s ? StoreValues.FromMilliseconds(s) : null);
    }

    private sealed class FileRow
    {
        public string Path { get; set; } = "";
        public long FolderId { get; set; }
        public int Kind { get; set; }
        public long Size { get; set; }
        public long ModifiedAt { get; set; }
        public string? ContentHash { get; set; }
        public string? Reason { get; set; }
        public long SeenAt { get; set; }

        public FileEntry ToRecord() => new(Path, FolderId, (FileKind)Kind, Size, StoreValues.FromMilliseconds(ModifiedAt), ContentHash, Reason, StoreValues.FromMilliseconds(SeenAt));
    }

    private sealed class MediaRow
    {
        public long Id { get; set; }
        public string ContentHash { get; set; } = "";
        public int Kind { get; set; }
        public string Format { get; set; } = "";
        public long Size { get; set; }
        public int? Width { get; set; }
        public int? Height { get; set; }
        public long? TakenLocal { get; set; }
        public int? TakenOffsetMinutes { get; set; }
        public long? TakenSort { get; set; }
        public long AddedAt { get; set; }
        public string? CameraModel { get; set; }
        public double? Latitude { get; set; }
        public double? Longitude { get; set; }
        public bool Thumbnails { get; set; }
        public long FaceCount { get; set; }
        public long PathCount { get; set; }

        public PhotoRow ToRecord() => new(Id, ContentHash, (MediaKind)Kind, Format, Size, Width, Height,
            TakenLocal is { } local ? StoreValues.LocalFromMilliseconds(local) : null,
            TakenOffsetMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : null,
            StoreValues.FromMilliseconds(AddedAt), CameraModel,
            Latitude is { } lat && Longitude is { } lon ? new GeoPoint(lat, lon) : null,
            (int)FaceCount, (int)PathCount, Thumbnails);
    }

    private sealed class WorkRow
    {
        public long Id { get; set; }
        public string ContentHash { get; set; } = "";
        public int Kind { get; set; }
        public string Path { get; set; } = "";
    }

    private sealed class StoredAnalysisRow
    {
        public long MediaId { get; set; }
        public string Task { get; set; } = "";
        public string Version { get; set; } = "";
    }

    private sealed class AnalysisRow
    {
        public string Task { get; set; } = "";
        public string Version { get; set; } = "";
        public string Json { get; set; } = "";
        public long At { get; set; }
    }

    private sealed class FaceRow
    {
        public int FaceIndex { get; set; }
        public int Origin { get; set; }
        public double X { get; set; }
        public double Y { get; set; }
        public double Width { get; set; }
        public double Height { get; set; }
        public double Score { get; set; }
        public string? Name { get; set; }
        public byte[]? Landmarks { get; set; }
        public byte[]? Descriptor { get; set; }
        public string? DescriptorModel { get; set; }
        public string? Expression { get; set; }
        public double? ExpressionScore { get; set; }
        public double? Age { get; set; }
        public string? Gender { get; set; }
        public double? GenderScore { get; set; }
        public double? Quality { get; set; }
        public string? TooPoor { get; set; }
        public double? FrameTime { get; set; }

        public FaceRecord ToRecord() => new(FaceIndex, (FaceOrigin)Origin, (float)X, (float)Y, (float)Width, (float)Height, (float)Score, Name,
            StoreValues.FromBlob(Landmarks, "face landmarks"), StoreValues.FromBlob(Descriptor, "face descriptor"), DescriptorModel,
            Expression, (float?)ExpressionScore, (float?)Age, Gender, (float?)GenderScore, (float?)Quality, TooPoor, FrameTime);
    }

    private sealed class KindCount
    {
        public int Kind { get; set; }
        public long Count { get; set; }
    }

    private sealed class NameCount
    {
        public string Name { get; set; } = "";
        public long Count { get; set; }
    }

    private sealed class ReasonCount
    {
        public int Kind { get; set; }
        public string? Reason { get; set; }
        public long Count { get; set; }
    }
}
