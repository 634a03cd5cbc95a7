using Sightline.Library.People;
using Sightline.Library.Storage;
using Sightline.Library.Tests.Storage;

namespace Sightline.Library.Tests.People;

/// <summary>Fresh, migrated library databases for people tests, on SQLite or PostgreSQL; each call makes a new one.</summary>
public abstract class PeopleStoreFixture : IAsyncLifetime
{
    private readonly List<ILibraryStore> opened = [];

    /// <summary>A spec and library folder naming a new empty database.</summary>
    protected abstract Task<(string Spec, string Folder)> NewDatabaseAsync();

    protected abstract Task DeleteDatabasesAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in opened)
            await store.DisposeAsync();
        await DeleteDatabasesAsync();
    }

    internal async Task<SqlLibraryStore> OpenAsync(bool migrate = true)
    {
        var (spec, folder) = await NewDatabaseAsync();
        var store = await LibraryStores.OpenAsync(spec, folder);
        opened.Add(store);
        if (migrate)
            await store.MigrateAsync();
        return (SqlLibraryStore)store;
    }

    internal static PeopleService Service(ILibraryStore store, PeopleOptions? options = null) => new(store, options ?? PeopleOptions.Default);
}

public sealed class SqlitePeopleTests : PeopleTests
{
    private readonly List<string> folders = [];

    protected override Task<(string Spec, string Folder)> NewDatabaseAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "sightline-people-" + Guid.NewGuid().ToString("N"));
        folders.Add(folder);
        return Task.FromResult(("sqlite:library.db", folder));
    }

    protected override Task DeleteDatabasesAsync()
    {
        foreach (var folder in folders.Where(Directory.Exists))
            Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class PostgresPeopleTests(PostgresServer server) : PeopleTests, IClassFixture<PostgresServer>
{
    private readonly List<string> specs = [];

    protected override async Task<(string Spec, string Folder)> NewDatabaseAsync()
    {
        var spec = await server.CreateDatabaseAsync();
        specs.Add(spec);
        return (spec, Path.GetTempPath());
    }

    protected override async Task DeleteDatabasesAsync()
    {
        foreach (var spec in specs)
            await server.DropDatabaseAsync(spec);
    }
}
