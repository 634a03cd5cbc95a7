using Sightline.Library.Storage;
using Sightline.Library.Tests.Storage;

namespace Sightline.Library.Tests.Search;

/// <summary>Fresh library databases for search tests, on SQLite or PostgreSQL; each call makes a new one.</summary>
public abstract class SearchStoreFixture : IAsyncLifetime
{
    private readonly List<ILibraryStore> opened = [];

    protected abstract Task<(string Spec, string Folder)> NewDatabaseAsync();

    protected abstract Task DeleteDatabasesAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in opened)
            await store.DisposeAsync();
        await DeleteDatabasesAsync();
    }

    internal async Task<SqlLibraryStore> OpenAsync(long? schema = null)
    {
        var (spec, folder) = await NewDatabaseAsync();
        return await OpenAsync(spec, folder, schema);
    }

    /// <summary>Another store on an existing database (as a process opening the library again would).</summary>
    internal async Task<SqlLibraryStore> OpenAsync(string spec, string folder, long? schema = null)
    {
        var store = (SqlLibraryStore)await LibraryStores.OpenAsync(spec, folder);
        opened.Add(store);
        if (schema is { } version)
            await store.MigrateToAsync(version, default);
        else
            await store.MigrateAsync();
        return store;
    }

    /// <summary>The last database made, to open it again.</summary>
    protected (string Spec, string Folder) Last { get; set; }

    internal (string Spec, string Folder) LastDatabase => Last;
}

public sealed class SqliteSearchTests : SearchTests
{
    private readonly List<string> folders = [];

    protected override Task<(string Spec, string Folder)> NewDatabaseAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "sightline-search-" + Guid.NewGuid().ToString("N"));
        folders.Add(folder);
        Last = ("sqlite:library.db", folder);
        return Task.FromResult(Last);
    }

    protected override Task DeleteDatabasesAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var folder in folders.Where(Directory.Exists))
            Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class PostgresSearchTests(PostgresServer server) : SearchTests, IClassFixture<PostgresServer>
{
    private readonly List<string> specs = [];

    protected override async Task<(string Spec, string Folder)> NewDatabaseAsync()
    {
        var spec = await server.CreateDatabaseAsync();
        specs.Add(spec);
        Last = (spec, Path.GetTempPath());
        return Last;
    }

    protected override async Task DeleteDatabasesAsync()
    {
        foreach (var spec in specs)
            await server.DropDatabaseAsync(spec);
    }
}
