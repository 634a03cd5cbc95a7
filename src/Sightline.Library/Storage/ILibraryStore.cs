namespace Sightline.Library.Storage;

/// <summary>Which database holds a library.</summary>
public enum StoreKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Everything a photo library keeps, behind one interface with two implementations (SQLite in the library folder,
/// PostgreSQL on a server). Each method is one transaction: a process killed at any moment leaves the library as it
/// was before the call or as it is after it, never between. Readers (the server) and one writer (ingestion) may use
/// the same library at once. Failures of the database itself (disk full, locked, unreachable, schema too new) are
/// <see cref="LibraryStoreException"/> with a message naming the database and the reason.
/// </summary>
public interface ILibraryStore : IAsyncDisposable
{
    StoreKind Kind { get; }

    /// <summary>Where the database is, for messages: the SQLite file's path, or the PostgreSQL host, port and database (never a password).</summary>
    string Location { get; }

    /// <summary>
    /// Creates the schema, or upgrades one made by an older version; refuses (LibraryStoreException) a database whose
    /// schema is newer than this version knows. Returns the schema version it is at afterwards.
    /// </summary>
    Task<long> MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>The stored settings, or null for a library that has none yet.</summary>
    Task<LibrarySettings?> GetSettingsAsync(CancellationToken cancellationToken = default);

    Task SaveSettingsAsync(LibrarySettings settings, CancellationToken cancellationToken = default);

    /// <summary>Registers a source folder (an absolute, normalised path); the existing one when it is already registered.</summary>
    Task<SourceFolder> AddFolderAsync(string path, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SourceFolder>> GetFoldersAsync(CancellationToken cancellationToken = default);

    Task MarkScannedAsync(long folderId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Every path the last scans saw under a folder, for the next scan to compare with the disk.</summary>
    Task<IReadOnlyList<FileEntry>> GetFilesAsync(long folderId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records paths as seen (insert or replace by path). A photo or video entry must name the content hash of an
    /// item already stored (see <see cref="CommitAsync"/>); that is how a moved, renamed or duplicated file gets its
    /// path linked without analysing it again.
    /// </summary>
    Task SaveFilesAsync(IReadOnlyList<FileEntry> files, CancellationToken cancellationToken = default);

    /// <summary>Forgets paths that are gone from disk. Their media items keep every analysis (an item with no path left is offline, not deleted).</summary>
    Task RemoveFilesAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken = default);

    /// <summary>The stored item with this content hash, or null.</summary>
    Task<PhotoRow?> FindByHashAsync(string contentHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes several items in one transaction (see <see cref="PhotoUpdate"/>): each is inserted when its hash is new,
    /// otherwise updated, so that committing the same item twice still leaves it stored once.
    /// </summary>
    Task CommitAsync(IReadOnlyList<PhotoUpdate> updates, CancellationToken cancellationToken = default);

    /// <summary>
    /// Items that have at least one path and lack one of the wanted analyses at its version (task name to version),
    /// with the tasks to run; at most <paramref name="limit"/>, ordered by id, after <paramref name="afterId"/>.
    /// </summary>
    Task<IReadOnlyList<PhotoWork>> GetOutdatedAsync(IReadOnlyDictionary<string, string> wanted, int limit, long afterId = 0,
        CancellationToken cancellationToken = default);

    Task<PhotoPage> GetPhotosAsync(PhotoQuery query, CancellationToken cancellationToken = default);

    Task<PhotoDetail?> GetPhotoAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Every stored path of an item (for serving its original: only a path the library holds is ever read).</summary>
    Task<IReadOnlyList<string>> GetPathsAsync(long id, CancellationToken cancellationToken = default);

    Task<LibraryCounts> GetCountsAsync(CancellationToken cancellationToken = default);

    /// <summary>Failed files with their reasons, newest first.</summary>
    Task<IReadOnlyList<FileEntry>> GetFailuresAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>The people of the library: clustering's input and output, and the user's decisions.</summary>
    IPeopleStore People { get; }

    /// <summary>The library's local accounts (the photo app's sign-in).</summary>
    Accounts.IAccountStore Accounts { get; }

    /// <summary>The searchable index of the library and its one search query.</summary>
    Search.ISearchStore Search { get; }

    /// <summary>The database engine's own check (SQLite integrity_check, PostgreSQL catalog and constraint checks) and the library's invariants.</summary>
    Task<IntegrityReport> CheckIntegrityAsync(CancellationToken cancellationToken = default);
}
