using System.Data.Common;
using Dapper;
using FluentMigrator.Runner;
using Microsoft.Data.Sqlite;

namespace Sightline.Library.Storage;

/// <summary>
/// The library in one SQLite file. WAL lets readers (the server) read while one writer (ingestion) commits; the busy
/// timeout makes a second writer wait for the first instead of failing; synchronous=NORMAL is durable in WAL mode
/// against a killed process (a power cut may lose the last commits, never corrupt the file).
/// </summary>
internal sealed class SqliteLibraryStore : SqlLibraryStore
{
    /// <summary>How long a call waits by default for another process's write to finish before it reports the database as locked.</summary>
    internal static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(30);

    private readonly string connectionString;

    public SqliteLibraryStore(string path, TimeSpan? busyTimeout = null)
    {
        Location = path;
        BusyTimeout = busyTimeout ?? DefaultBusyTimeout;
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Microsoft.Data.Sqlite retries a busy statement for this long on top of SQLite's own busy handler.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(BusyTimeout.TotalSeconds)),
            ForeignKeys = true,
        }.ToString();
    }

    public override StoreKind Kind => StoreKind.Sqlite;

    public override string Location { get; }

    internal TimeSpan BusyTimeout { get; }

    /// <summary>Statements run on every connection after the store's own pragmas (tests limit the file's size with max_page_count).</summary>
    internal string? ConnectionPragmas { get; set; }

    protected override string MigrationConnectionString => connectionString;

    protected override string AnyOf(string column, string parameter) => $"{column} IN @{parameter}";

    // Without statistics SQLite finds a photo by id in the table itself, a page read per photo of the wide media rows.
    protected override string SearchKeysFrom => "media m INDEXED BY ix_media_search_keys";

    // Without statistics SQLite probes one photo's rows through an index that does not start with the photo: every happy
    // face of the library per photo (25 s for a person and "happy" at 100,000 photos), every car per photo (700 ms).
    // The photo's own rows are a few entries of these, its primary keys for objects and words.
    protected override SearchProbeTables ProbeTables { get; } = new("faces f INDEXED BY ix_faces_media_person",
        "search_objects o INDEXED BY sqlite_autoindex_search_objects_1", "search_words w INDEXED BY sqlite_autoindex_search_words_1");

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                $"PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL; {ConnectionPragmas}",
                cancellationToken: cancellationToken));
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override Task<DbTransaction> BeginAsync(DbConnection connection, bool write, CancellationToken cancellationToken) =>
        // A writer takes the write lock at BEGIN (IMMEDIATE): two writers then queue on the busy timeout instead of
        // one failing when it upgrades a read lock. A reader's deferred transaction is one snapshot of the WAL.
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: !write));

    /// <summary>
    /// Pages of a new file. A face row (a 2 KB descriptor, landmarks) or an embedding row (2 KB) is over half of SQLite's
    /// default 4 KB page, so each took a page of its own: 8 KB pages make a library 28 % smaller (16 KB: 31 %, for four
    /// times the bytes a small write rewrites), measured on a 5,000-item bench library-scale file.
    /// </summary>
    internal const int PageSize = 8192;

    /// <summary>
    /// An exclusive lock on a file beside the database (flock through FileShare.None), never on the database file itself:
    /// closing another handle of that file would drop SQLite's own POSIX locks in this process. The file stays, empty,
    /// so that every process locks the same one.
    /// </summary>
    protected override async Task<IAsyncDisposable> LockMigrationAsync(CancellationToken cancellationToken)
    {
        var path = Location + "-migration.lock";
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < BusyTimeout && File.Exists(path))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new LibraryStoreException($"library database {Location}: cannot take the migration lock {path}: {e.Message}", e);
            }
        }
    }

    protected override async Task PrepareMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // Takes effect only while the file is empty, before the first table; an existing library keeps its page size.
        await connection.ExecuteAsync(new CommandDefinition($"PRAGMA page_size = {PageSize}", cancellationToken: cancellationToken));
        var mode = await connection.ExecuteScalarAsync<string>(new CommandDefinition("PRAGMA journal_mode = WAL", cancellationToken: cancellationToken));
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new LibraryStoreException($"library database {Location}: cannot switch to write-ahead logging (journal mode stays {mode})");
    }

    protected override void AddMigrationProcessor(IMigrationRunnerBuilder runner) => runner.AddSQLite();

    protected override async Task<bool> VersionTableExistsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'VersionInfo'", transaction: transaction, cancellationToken: cancellationToken)) > 0;

    protected override async Task<IReadOnlyList<string>> EngineProblemsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var integrity = await connection.QueryAsync<string>(new CommandDefinition("PRAGMA integrity_check", transaction: transaction, cancellationToken: cancellationToken));
        problems.AddRange(integrity.Where(line => line != "ok").Select(line => $"SQLite integrity check: {line}"));
        using var reader = await connection.ExecuteReaderAsync(new CommandDefinition("PRAGMA foreign_key_check", transaction: transaction, cancellationToken: cancellationToken));
        while (await reader.ReadAsync(cancellationToken))
            problems.Add($"row {reader.GetValue(1)} of table {reader.GetString(0)} refers to a missing row of {reader.GetString(2)}");
        return problems;
    }

    protected override string? DescribeFailure(Exception exception) =>
        FindSqliteError(exception) is { } error ? Describe(error.SqliteErrorCode, Location, BusyTimeout) : null;

    private static SqliteException? FindSqliteError(Exception? exception) =>
        exception switch
        {
            null => null,
            SqliteException sqlite => sqlite,
            AggregateException aggregate => aggregate.InnerExceptions.Select(FindSqliteError).FirstOrDefault(e => e is not null),
            _ => FindSqliteError(exception.InnerException),
        };

    /// <summary>A SQLite result code in plain words; the primary code is the low byte of an extended one.</summary>
    internal static string Describe(int code, string path, TimeSpan busyTimeout) => (code & 0xFF) switch
    {
        13 => $"the disk holding {path} is full (nothing of this change was written)",
        8 => $"{path} is read-only (check the file's and its folder's permissions)",
        5 or 6 => $"{path} is locked by another process for longer than {busyTimeout.TotalSeconds:0.#} s (nothing of this change was written)",
        14 => $"cannot open {path} (does its folder exist and may it be written?)",
        11 => $"{path} is corrupt (run the integrity check; restore a backup)",
        26 => $"{path} is not a SQLite database",
        10 => $"reading or writing {path} failed (disk error)",
        19 => "a constraint of the library's schema refused the change",
        _ => $"SQLite error {code}",
    };

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; the library's folder may be moved or deleted once the store is closed.
        using (var connection = new SqliteConnection(connectionString))
            SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }
}
