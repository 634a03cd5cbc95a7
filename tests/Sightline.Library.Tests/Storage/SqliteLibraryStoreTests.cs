using Microsoft.Data.Sqlite;
using Sightline.Library.Storage;

namespace Sightline.Library.Tests.Storage;

public sealed class SqliteLibraryStoreTests : LibraryStoreContractTests
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "sightline-store-" + Guid.NewGuid().ToString("N"));

    protected override Task<(string Spec, string LibraryFolder)> NewDatabaseAsync() => Task.FromResult(("sqlite:library.db", folder));

    protected override Task DeleteDatabaseAsync()
    {
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_file_is_in_write_ahead_logging_with_foreign_keys_enforced()
    {
        var store = await OpenAsync();
        Assert.Equal(Path.Combine(folder, "library.db"), store.Location);
        Assert.Equal("wal", await store.ScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(1, await store.ScalarAsync<long>("PRAGMA foreign_keys"));
        Assert.Equal(1, await store.ScalarAsync<long>("PRAGMA synchronous"));
        Assert.Equal(SqliteLibraryStore.PageSize, await store.ScalarAsync<long>("PRAGMA page_size"));
        Assert.Equal((long)SqliteLibraryStore.DefaultBusyTimeout.TotalMilliseconds, await store.ScalarAsync<long>("PRAGMA busy_timeout"));
    }

    [Fact]
    public async Task A_full_disk_is_reported_with_the_file_and_leaves_the_earlier_data_whole()
    {
        var store = (SqliteLibraryStore)await OpenAsync();
        var photos = await store.AddFolderAsync("/photos");
        await store.CommitAsync([Item("h1", File(photos.Id, "/photos/a.jpg", "h1"))]);
        // The file may not grow past the pages it has now: the next large commit finds the disk full, for real.
        var pages = await store.ScalarAsync<long>("PRAGMA page_count");
        store.ConnectionPragmas = $"PRAGMA max_page_count = {pages};";
        var large = Enumerable.Range(0, 20).Select(i => Item($"big{i}", File(photos.Id, $"/photos/big{i}.jpg", $"big{i}"), description: new string('x', 50_000))).ToList();

        var full = await Assert.ThrowsAsync<LibraryStoreException>(() => store.CommitAsync(large));
        Assert.Equal($"library database {store.Location}: the disk holding {store.Location} is full (nothing of this change was written)", full.Message);

        await store.DisposeAsync();
        var reopened = await OpenAsync();
        var counts = await reopened.GetCountsAsync();
        Assert.Equal((1L, 1L), (counts.Photos, counts.PhotoPaths));
        Assert.Null(await reopened.FindByHashAsync("big0"));
        Assert.True((await reopened.CheckIntegrityAsync()).Ok);
        await reopened.CommitAsync(large);
        Assert.Equal(21, (await reopened.GetCountsAsync()).Photos);
    }

    [Fact]
    public async Task A_write_lock_held_past_the_timeout_is_reported_as_locked()
    {
        var shared = await OpenAsync();
        var photos = await shared.AddFolderAsync("/photos");
        await using var store = new SqliteLibraryStore(shared.Location, TimeSpan.FromMilliseconds(200));
        await using var other = new SqliteConnection($"Data Source={store.Location}");
        await other.OpenAsync();
        await using var holding = other.BeginTransaction(deferred: false);

        var locked = await Assert.ThrowsAsync<LibraryStoreException>(() => store.CommitAsync([Item("h1", File(photos.Id, "/photos/a.jpg", "h1"))]));
        Assert.Contains($"{store.Location} is locked by another process", locked.Message);
        await holding.RollbackAsync();
    }

    [Fact]
    public async Task A_corrupt_file_is_named_when_it_is_no_database()
    {
        Directory.CreateDirectory(folder);
        await System.IO.File.WriteAllTextAsync(Path.Combine(folder, "library.db"), "these are holiday notes, not a database, and long enough to look like a header....");
        var store = await OpenAsync(migrate: false);

        var refused = await Assert.ThrowsAsync<LibraryStoreException>(() => store.MigrateAsync());
        Assert.Contains($"{store.Location} is not a SQLite database", refused.Message);
    }
}
