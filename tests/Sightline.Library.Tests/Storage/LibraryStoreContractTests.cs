using Sightline.Library.Metadata;
using Sightline.Library.Storage;

namespace Sightline.Library.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="ILibraryStore"/> must have, run against each backend by a subclass that supplies a
/// fresh, empty database per test.
/// </summary>
public abstract class LibraryStoreContractTests : IAsyncLifetime
{
    private readonly List<ILibraryStore> opened = [];
    private (string Spec, string Folder) database;
    private static readonly DateTimeOffset Seen = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);

    /// <summary>A spec (and library folder) naming a new empty database for one test.</summary>
    protected abstract Task<(string Spec, string LibraryFolder)> NewDatabaseAsync();

    protected virtual Task DeleteDatabaseAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => database = await NewDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var store in opened)
            await store.DisposeAsync();
        await DeleteDatabaseAsync();
    }

    /// <summary>Opens another store on this test's database (as a second process would).</summary>
    internal async Task<SqlLibraryStore> OpenAsync(bool migrate = true)
    {
        var store = await LibraryStores.OpenAsync(database.Spec, database.Folder);
        opened.Add(store);
        if (migrate)
            await store.MigrateAsync();
        return (SqlLibraryStore)store;
    }

    internal static PhotoUpdate Item(string hash, FileEntry? file = null, DateTime? takenAt = null, TimeSpan? offset = null,
        IReadOnlyList<AnalysisRecord>? analyses = null, MediaKind kind = MediaKind.Photo, string? description = null,
        IReadOnlyList<FaceRecord>? faces = null, float[]? embedding = null) =>
        new(hash, kind, kind == MediaKind.Photo ? "jpeg" : "mp4", 1234, 4000, 3000,
            new PhotoMetadata { TakenAt = takenAt, TakenOffset = offset, CameraModel = "X100", Description = description, Keywords = ["beach", "summer"] },
            file, analyses ?? [], faces, Embedding: embedding, EmbeddingModel: embedding is null ? null : "clip-vit-b32");

    internal static FileEntry File(long folderId, string path, string? hash, FileKind kind = FileKind.Photo, string? reason = null, DateTimeOffset? seen = null) =>
        new(path, folderId, kind, 1234, Seen.AddDays(-3), hash, reason, seen ?? Seen);

    internal static AnalysisRecord Analysis(string task, string version) => new(task, version, $"{{\"task\":\"{task}\"}}", Seen);

    [Fact]
    public async Task Migrate_creates_the_newest_schema_and_running_it_again_changes_nothing()
    {
        var store = await OpenAsync(migrate: false);
        Assert.Equal(SqlLibraryStore.LatestSchemaVersion, await store.MigrateAsync());
        var folder = await store.AddFolderAsync("/photos");
        await store.CommitAsync([Item("h1", File(folder.Id, "/photos/a.jpg", "h1"))]);

        Assert.Equal(SqlLibraryStore.LatestSchemaVersion, await store.MigrateAsync());
        var again = await OpenAsync();
        Assert.Equal(1, (await again.GetCountsAsync()).Photos);
    }

    [Fact]
    public async Task Two_stores_migrating_one_older_database_at_once_both_end_at_the_newest_schema()
    {
        var older = await OpenAsync(migrate: false);
        await older.MigrateToAsync(1, default);
        var stores = new[] { await OpenAsync(migrate: false), await OpenAsync(migrate: false), await OpenAsync(migrate: false) };

        var versions = await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync())));

        Assert.All(versions, v => Assert.Equal(SqlLibraryStore.LatestSchemaVersion, v));
        Assert.True((await older.CheckIntegrityAsync()).Ok);
    }

    [Fact]
    public async Task A_database_of_a_newer_schema_is_refused_with_both_versions_named()
    {
        var store = await OpenAsync();
        await store.ExecuteAsync("INSERT INTO \"VersionInfo\" (\"Version\", \"AppliedOn\", \"Description\") VALUES (99, CURRENT_TIMESTAMP, 'from the future')");

        var refused = await Assert.ThrowsAsync<LibraryStoreException>(() => store.MigrateAsync());
        Assert.Equal($"library database {store.Location} was made by a newer version of Sightline (schema 99, this version knows up to {SqlLibraryStore.LatestSchemaVersion})",
            refused.Message);
    }

    [Fact]
    public async Task A_database_of_the_first_schema_upgrades_and_keeps_its_data()
    {
        var store = await OpenAsync(migrate: false);
        Assert.Equal(1, await store.MigrateToAsync(1, default));
        var folder = await store.AddFolderAsync("/photos");
        await store.SaveSettingsAsync(LibrarySettings.Default with { SmallThumbnail = 300 });
        await store.CommitAsync([Item("h1", File(folder.Id, "/photos/a.jpg", "h1"), analyses: [Analysis("detect", "v1")])]);

        Assert.Equal(SqlLibraryStore.LatestSchemaVersion, await store.MigrateAsync());

        var found = await store.FindByHashAsync("h1");
        Assert.NotNull(found);
        var detail = await store.GetPhotoAsync(found.Id);
        Assert.NotNull(detail);
        Assert.Equal(["/photos/a.jpg"], detail.Paths);
        Assert.Equal("detect", Assert.Single(detail.Analyses).Task);
        Assert.Equal(300, (await store.GetSettingsAsync())!.SmallThumbnail);
        // The tables of the second migration work on the upgraded database.
        await store.CommitAsync([Item("h1", faces: [new FaceRecord(0, FaceOrigin.Detected, 1, 2, 3, 4, 0.9f)])]);
        Assert.Equal(1, (await store.FindByHashAsync("h1"))!.FaceCount);
    }

    [Fact]
    public async Task Committing_the_same_item_twice_stores_it_once_with_the_later_values()
    {
        var store = await OpenAsync();
        var folder = await store.AddFolderAsync("/photos");
        var update = Item("h1", File(folder.Id, "/photos/a.jpg", "h1"), analyses: [Analysis("detect", "v1")]);
        await store.CommitAsync([update]);
        await store.CommitAsync([update with { Width = 10, Analyses = [Analysis("detect", "v2")] }]);
        await store.CommitAsync([update, update]);

        var counts = await store.GetCountsAsync();
        Assert.Equal(1, counts.Photos);
        Assert.Equal(1, counts.PhotoPaths);
        Assert.Equal(1, counts.AnalysesByTask["detect"]);
        var detail = (await store.GetPhotoAsync((await store.FindByHashAsync("h1"))!.Id))!;
        Assert.Equal(4000, detail.Photo.Width);
        Assert.Equal("v1", Assert.Single(detail.Analyses).Version);
        Assert.True((await store.CheckIntegrityAsync()).Ok);
    }

    [Fact]
    public async Task An_item_keeps_everything_it_was_committed_with()
    {
        var store = await OpenAsync();
        var folder = await store.AddFolderAsync("/photos");
        var descriptor = Enumerable.Range(0, 512).Select(i => i / 511f - 0.5f).ToArray();
        var detected = new FaceRecord(0, FaceOrigin.Detected, 10.5f, 20, 30, 40, 0.97f, Landmarks: [1, 2, 3, 4], Descriptor: descriptor,
            DescriptorModel: "face-api-face-recognition", Expression: "happy", ExpressionScore: 0.8f, Age: 31.5f, Gender: "female", GenderScore: 0.9f, Quality: 0.7f);
        var imported = new FaceRecord(0, FaceOrigin.Imported, 1, 2, 3, 4, 1, Name: "Ada");
        var taken = new DateTime(2024, 7, 14, 18, 30, 5, 250);
        var update = Item("h1", File(folder.Id, "/photos/a.jpg", "h1"), taken, TimeSpan.FromHours(2), [Analysis("faces", "v3")],
            faces: [detected], embedding: [0.25f, -1, 3.5f]) with { ImportedFaces = [imported], ThumbnailsWritten = true };
        await store.CommitAsync([update]);
        // A later commit without thumbnails (an analysis only) does not forget them.
        await store.CommitAsync([update with { ThumbnailsWritten = false, Faces = null, ImportedFaces = null }]);

        var row = (await store.FindByHashAsync("h1"))!;
        Assert.Equal((taken, TimeSpan.FromHours(2), "X100", 2, 1, true), (row.TakenAt, row.TakenOffset, row.CameraModel, row.FaceCount, row.PathCount, row.ThumbnailsWritten));
        var detail = (await store.GetPhotoAsync(row.Id))!;
        Assert.Equal(["beach", "summer"], detail.Metadata.Keywords);
        Assert.Equal(taken, detail.Metadata.TakenAt);
        var faces = detail.Faces.ToDictionary(f => f.Origin);
        Assert.Equal(descriptor, faces[FaceOrigin.Detected].Descriptor!);
        Assert.Equal([1f, 2, 3, 4], faces[FaceOrigin.Detected].Landmarks!);
        Assert.Equal((10.5f, 0.97f, "happy", 31.5f, "female", 0.7f), (faces[FaceOrigin.Detected].X, faces[FaceOrigin.Detected].Score,
            faces[FaceOrigin.Detected].Expression, faces[FaceOrigin.Detected].Age, faces[FaceOrigin.Detected].Gender, faces[FaceOrigin.Detected].Quality));
        Assert.Equal("Ada", faces[FaceOrigin.Imported].Name);
        Assert.Null(faces[FaceOrigin.Imported].Descriptor);
        var vector = await store.ScalarAsync<byte[]>("SELECT vector FROM embeddings WHERE model = 'clip-vit-b32'");
        Assert.Equal([0.25f, -1, 3.5f], StoreValues.FromBlob(vector, "vector")!);
    }

    [Fact]
    public async Task Two_paths_of_one_content_are_one_item_with_a_duplicate_path()
    {
        var store = await OpenAsync();
        var folder = await store.AddFolderAsync("/photos");
        await store.CommitAsync([Item("h1", File(folder.Id, "/photos/a.jpg", "h1"))]);
        await store.SaveFilesAsync([File(folder.Id, "/photos/copy of a.jpg", "h1")]);

        var row = (await store.FindByHashAsync("h1"))!;
        Assert.Equal(2, row.PathCount);
        Assert.Equal(["/photos/a.jpg", "/photos/copy of a.jpg"], await store.GetPathsAsync(row.Id));
        var counts = await store.GetCountsAsync();
        Assert.Equal((1L, 2L, 1L), (counts.Photos, counts.PhotoPaths, counts.DuplicatePaths));
    }

    [Fact]
    public async Task A_moved_file_keeps_its_analyses_and_is_offline_while_it_has_no_path()
    {
        var store = await OpenAsync();
        var folder = await store.AddFolderAsync("/photos");
        await store.CommitAsync([Item("h1", File(folder.Id, "/photos/a.jpg", "h1"), analyses: [Analysis("detect", "v1"), Analysis("faces", "v1")])]);

        await store.RemoveFilesAsync(["/photos/a.jpg"]);
        var offline = await store.GetCountsAsync();
        Assert.Equal((1L, 0L, 1L), (offline.Photos, offline.PhotoPaths, offline.Offline));

        await store.SaveFilesAsync([File(folder.Id, "/photos/2024/a.jpg", "h1")]);
        var row = (await store.FindByHashAsync("h1"))!;
        var detail = (await store.GetPhotoAsync(row.Id))!;
        Assert.Equal(["/photos/2024/a.jpg"], detail.Paths);
        Assert.Equal(["detect", "faces"], detail.Analyses.Select(a => a.Task));
        Assert.Equal(0, (await store.GetCountsAsync()).Offline);
    }

    [Fact]
    public async Task A_photo_path_naming_an_unknown_hash_is_refused_and_nothing_of_the_call_is_written()
    {
        var store = await OpenAsync();
        var folder = await store.AddFolderAsync("/photos");
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => store.SaveFilesAsync(
            [File(folder.Id, "/photos/notes.txt", null, FileKind.Ignored, "not a photo"), File(folder.Id, "/photos/b.jpg", "unknown")]));
        Assert.Contains("/photos/b.jpg", refused.Message);
        Assert.Contains("unknown", refused.Message);
        Assert.Empty(await store.GetFilesAsync(folder.Id));

        var unregistered = await Assert.ThrowsAsync<ArgumentException>(() => store.SaveFilesAsync([File(folder.Id + 7, "/elsewhere/x.txt", null, FileKind.Ignored)]));
        Assert.Contains($"folder id {folder.Id + 7}", unregistered.Message);
    }

    [Fact]
    public async Task Outdated_lists_items_with_a_path_that_lack_a_wanted_analysis_at_its_version()
    {
        var store = await OpenAsync();
        var folder = await store.AddFolderAsync("/photos");
        await store.CommitAsync([
            Item("current", File(folder.Id, "/photos/current.jpg", "current"), analyses: [Analysis("detect", "v2"), Analysis("faces", "v1")]),
            Item("old-detect", File(folder.Id, "/photos/old.jpg", "old-detect"), analyses: [Analysis("detect", "v1"), Analysis("faces", "v1")]),
            Item("none", File(folder.Id, "/photos/none.jpg", "none")),
            Item("offline"),
            Item("video", File(folder.Id, "/photos/clip.mp4", "video", FileKind.Video), kind: MediaKind.Video, analyses: [Analysis("faces", "v1")]),
        ]);
        var wanted = new Dictionary<string, string> { ["detect"] = "v2", ["faces"] = "v1" };

        var work = await store.GetOutdatedAsync(wanted, 10);
        Assert.Equal(["old-detect", "none", "video"], work.Select(w => w.ContentHash));
        Assert.Equal(["detect"], work[0].Tasks);
        Assert.Equal(["detect", "faces"], work[1].Tasks);
        Assert.Equal(("/photos/clip.mp4", MediaKind.Video), (work[2].Path, work[2].Kind));

        var first = Assert.Single(await store.GetOutdatedAsync(wanted, 1));
        Assert.Equal("old-detect", first.ContentHash);
        Assert.Equal(["none", "video"], (await store.GetOutdatedAsync(wanted, 10, first.PhotoId)).Select(w => w.ContentHash));
        Assert.Empty(await store.GetOutdatedAsync(new Dictionary<string, string> { ["faces"] = "v1" }, 10, work[1].PhotoId));
    }

    [Fact]
    public async Task Pages_by_date_walk_every_item_once_in_order_with_undated_ones_last()
    {
        var store = await OpenAsync();
        var folder = await store.AddFolderAsync("/photos");
        var updates = new List<PhotoUpdate>();
        for (var i = 0; i < 57; i++)
        {
            // Many share a date (ties broken by id); some carry an offset that moves them across others.
            var taken = new DateTime(2020, 1, 1).AddHours(i % 19 * 7);
            TimeSpan? offset = i % 5 == 0 ? TimeSpan.FromHours(-8) : i % 3 == 0 ? null : TimeSpan.FromHours(2);
            updates.Add(Item($"d{i}", File(folder.Id, $"/photos/d{i}.jpg", $"d{i}"), taken, offset, kind: i % 10 == 9 ? MediaKind.Video : MediaKind.Photo));
        }
        for (var i = 0; i < 8; i++)
            updates.Add(Item($"u{i}", File(folder.Id, $"/photos/u{i}.jpg", $"u{i}")));
        await store.CommitAsync(updates);

        var all = await ReadAllAsync(store, new PhotoQuery(Limit: 10));
        var expected = all.Where(p => p.TakenAt is not null)
            .OrderByDescending(p => new DateTimeOffset(p.TakenAt!.Value, p.TakenOffset ?? TimeSpan.Zero)).ThenByDescending(p => p.Id)
            .Concat(all.Where(p => p.TakenAt is null).OrderByDescending(p => p.Id)).Select(p => p.ContentHash).ToList();
        Assert.Equal(65, all.Count);
        Assert.Equal(expected, all.Select(p => p.ContentHash));

        var ascending = await ReadAllAsync(store, new PhotoQuery(Limit: 7, Order: PhotoOrder.TakenAscending));
        Assert.Equal(expected.Take(57).Reverse().Concat(expected.Skip(57).Reverse()), ascending.Select(p => p.ContentHash));

        var added = await ReadAllAsync(store, new PhotoQuery(Limit: 9, Order: PhotoOrder.AddedDescending));
        Assert.Equal(all.OrderByDescending(p => p.AddedAt).ThenByDescending(p => p.Id).Select(p => p.Id), added.Select(p => p.Id));

        var videos = await ReadAllAsync(store, new PhotoQuery(Limit: 2, Kind: MediaKind.Video));
        Assert.Equal(expected.Where(h => h.StartsWith('d') && int.Parse(h[1..]) % 10 == 9), videos.Select(p => p.ContentHash));

        var mismatch = (await store.GetPhotosAsync(new PhotoQuery(Limit: 10))).NextCursor;
        var wrongOrder = await Assert.ThrowsAsync<ArgumentException>(() => store.GetPhotosAsync(new PhotoQuery(Cursor: mismatch, Order: PhotoOrder.AddedDescending)));
        Assert.Contains(mismatch!, wrongOrder.Message);
    }

    private static async Task<List<PhotoRow>> ReadAllAsync(ILibraryStore store, PhotoQuery query)
    {
        var rows = new List<PhotoRow>();
        string? cursor = null;
        do
        {
            var page = await store.GetPhotosAsync(query with { Cursor = cursor });
            Assert.True(page.Photos.Count <= query.Limit);
            Assert.True(page.NextCursor is null || page.Photos.Count == query.Limit, "only the last page is short");
            rows.AddRange(page.Photos);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        Assert.Equal(rows.Count, rows.Select(r => r.Id).Distinct().Count());
        return rows;
    }

    [Fact]
    public async Task Counts_put_every_file_in_exactly_one_bucket()
    {
        var store = await OpenAsync();
        var folder = await store.AddFolderAsync("/photos");
        await store.CommitAsync([
            Item("p1", File(folder.Id, "/photos/a.jpg", "p1"), analyses: [Analysis("detect", "v1")]),
            Item("p2", File(folder.Id, "/photos/b.jpg", "p2"), analyses: [Analysis("detect", "v1"), Analysis("embed", "v1")]),
            Item("v1", File(folder.Id, "/photos/c.mp4", "v1", FileKind.Video), kind: MediaKind.Video),
            Item("p3"),
        ]);
        await store.SaveFilesAsync([
            File(folder.Id, "/photos/a copy.jpg", "p1"),
            File(folder.Id, "/photos/a.xmp", null, FileKind.Sidecar),
            File(folder.Id, "/photos/notes.txt", null, FileKind.Ignored, "not a photo"),
            File(folder.Id, "/photos/todo.txt", null, FileKind.Ignored, "not a photo"),
            File(folder.Id, "/photos/.DS_Store", null, FileKind.Ignored, "hidden file"),
            File(folder.Id, "/photos/broken.jpg", "x", FileKind.Failed, "JPEG data ends early"),
        ]);

        var counts = await store.GetCountsAsync();
        Assert.Equal((3L, 1L), (counts.Photos, counts.Videos));
        Assert.Equal((3L, 1L, 1L, 1L, 3L, 1L), (counts.PhotoPaths, counts.VideoPaths, counts.DuplicatePaths, counts.Sidecars, counts.Ignored, counts.Failed));
        Assert.Equal((await store.GetFilesAsync(folder.Id)).Count, counts.PhotoPaths + counts.VideoPaths + counts.Sidecars + counts.Ignored + counts.Failed);
        Assert.Equal(1, counts.Offline);
        Assert.Equal(new Dictionary<string, long> { ["detect"] = 2, ["embed"] = 1 }, counts.AnalysesByTask);
        Assert.Equal(new Dictionary<string, long> { ["not a photo"] = 2, ["hidden file"] = 1 }, counts.IgnoredByReason);
        Assert.Equal(new Dictionary<string, long> { ["JPEG data ends early"] = 1 }, counts.FailedByReason);
    }

    [Fact]
    public async Task Failures_come_newest_first_with_their_reasons()
    {
        var store = await OpenAsync();
        var folder = await store.AddFolderAsync("/photos");
        await store.SaveFilesAsync([
            File(folder.Id, "/photos/old.jpg", null, FileKind.Failed, "truncated", Seen.AddHours(-2)),
            File(folder.Id, "/photos/new.jpg", null, FileKind.Failed, "not a JPEG", Seen),
            File(folder.Id, "/photos/fine.txt", null, FileKind.Ignored, "not a photo", Seen.AddHours(1)),
        ]);

        var failures = await store.GetFailuresAsync(10);
        Assert.Equal([("/photos/new.jpg", "not a JPEG"), ("/photos/old.jpg", "truncated")], failures.Select(f => (f.Path, f.Reason!)));
        Assert.Equal(Seen, failures[0].SeenAt);
        Assert.Single(await store.GetFailuresAsync(1));
    }

    [Fact]
    public async Task Folders_register_once_and_remember_their_scan()
    {
        var store = await OpenAsync();
        var first = await store.AddFolderAsync("/photos");
        Assert.Equal(first.Id, (await store.AddFolderAsync("/photos")).Id);
        await store.MarkScannedAsync(first.Id, Seen);
        Assert.Equal(Seen, Assert.Single(await store.GetFoldersAsync()).ScannedAt);
        await Assert.ThrowsAsync<ArgumentException>(() => store.AddFolderAsync("relative/photos"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.MarkScannedAsync(first.Id + 1, Seen));
    }

    [Fact]
    public async Task Integrity_check_passes_a_sound_library_and_names_a_photo_path_without_an_item()
    {
        var store = await OpenAsync();
        var folder = await store.AddFolderAsync("/photos");
        await store.CommitAsync([Item("h1", File(folder.Id, "/photos/a.jpg", "h1"))]);
        var sound = await store.CheckIntegrityAsync();
        Assert.True(sound.Ok, string.Join("; ", sound.Problems));

        await store.ExecuteAsync("INSERT INTO files (path, folder_id, kind, size, modified_at, content_hash, media_id, seen_at) VALUES ('/photos/lost.jpg', @folder, 0, 1, 0, 'gone', NULL, 0)",
            new { folder = folder.Id });
        var broken = await store.CheckIntegrityAsync();
        Assert.False(broken.Ok);
        Assert.Contains(broken.Problems, p => p.Contains("/photos/lost.jpg"));
    }

    [Fact]
    public async Task A_reader_sees_whole_commits_while_another_store_writes()
    {
        var writer = await OpenAsync();
        var reader = await OpenAsync();
        var folder = await writer.AddFolderAsync("/photos");
        const int batches = 15, batchSize = 20;

        var writing = Task.Run(async () =>
        {
            for (var b = 0; b < batches; b++)
                await writer.CommitAsync(Enumerable.Range(0, batchSize).Select(i => Item($"h{b}-{i}", File(folder.Id, $"/photos/{b}/{i}.jpg", $"h{b}-{i}"),
                    new DateTime(2021, 1, 1).AddMinutes(b * batchSize + i))).ToList());
        });
        var reads = 0;
        do
        {
            var counts = await reader.GetCountsAsync();
            Assert.Equal(0, counts.Photos % batchSize);
            Assert.Equal(counts.Photos, counts.PhotoPaths);
            var page = await reader.GetPhotosAsync(new PhotoQuery(Limit: 50));
            Assert.All(page.Photos, p => Assert.Equal(1, p.PathCount));
            reads++;
        }
        while (!writing.IsCompleted);
        await writing;

        Assert.True(reads > 0);
        Assert.Equal(batches * batchSize, (await reader.GetCountsAsync()).Photos);
    }

    [Fact]
    public async Task Settings_are_absent_until_saved_and_read_back_as_saved()
    {
        var store = await OpenAsync();
        Assert.Null(await store.GetSettingsAsync());
        var settings = new LibrarySettings
        {
            Tasks = ["detect", "faces"],
            Options = new Dictionary<string, string> { ["detect.threshold"] = "0.4" },
            SmallThumbnail = 320,
            PreviewThumbnail = 2048,
        };
        await store.SaveSettingsAsync(settings);
        await store.SaveSettingsAsync(settings with { PreviewThumbnail = 1600 });

        var read = (await (await OpenAsync()).GetSettingsAsync())!;
        Assert.Equal(["detect", "faces"], read.Tasks);
        Assert.Equal("0.4", read.Options["DETECT.threshold"]);
        Assert.Equal((320, 1600), (read.SmallThumbnail, read.PreviewThumbnail));
    }
}
