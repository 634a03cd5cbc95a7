namespace Sightline.Library.Storage;

/// <summary>Opens the store a database spec names: "sqlite:PATH" (relative to the library folder) or "postgres://user:password@host:port/database".</summary>
public static class LibraryStores
{
    /// <summary>The spec of a new library's default database: a SQLite file inside the library folder.</summary>
    public const string DefaultSqlite = "sqlite:library.db";

    /// <summary>Opens (does not migrate) the store; a spec that names no known backend is a LibraryStoreException naming it.</summary>
    public static Task<ILibraryStore> OpenAsync(string spec, string libraryFolder, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("storage backends come with the storage work");
}
