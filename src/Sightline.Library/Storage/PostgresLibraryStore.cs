using System.Data;
using System.Data.Common;
using System.Net.Sockets;
using Dapper;
using FluentMigrator.Runner;
using Npgsql;

namespace Sightline.Library.Storage;

/// <summary>The library in a PostgreSQL database (several machines share it); connections come from one Npgsql data source (its pool).</summary>
internal sealed class PostgresLibraryStore : SqlLibraryStore
{
    private static readonly string[] Tables = ["folders", "files", "media", "analyses", "settings", "faces", "embeddings"];

    private readonly NpgsqlDataSource dataSource;
    private readonly string connectionString;

    public PostgresLibraryStore(NpgsqlConnectionStringBuilder builder)
    {
        connectionString = builder.ConnectionString;
        Location = $"postgres://{(string.IsNullOrEmpty(builder.Username) ? "" : builder.Username + "@")}{builder.Host}:{builder.Port}/{builder.Database}";
        dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public override StoreKind Kind => StoreKind.Postgres;

    public override string Location { get; }

    protected override string MigrationConnectionString => connectionString;

    protected override string AnyOf(string column, string parameter) => $"{column} = ANY(@{parameter})";

    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    protected override async Task<DbTransaction> BeginAsync(DbConnection connection, bool write, CancellationToken cancellationToken) =>
        // A reader sees one snapshot across its several statements (counts that add up); writers rely on upserts and
        // unique indexes, which read committed serves without serialization failures.
        await ((NpgsqlConnection)connection).BeginTransactionAsync(write ? IsolationLevel.ReadCommitted : IsolationLevel.RepeatableRead, cancellationToken);

    /// <summary>A session advisory lock of this database, held on its own connection until the migration ends.</summary>
    protected override async Task<IAsyncDisposable> LockMigrationAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            try
            {
                await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = MigrationLockKey }, cancellationToken: cancellationToken));
                return new MigrationLock(connection);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }
        catch (Exception e) when (DescribeFailure(e) is { } reason)
        {
            throw new LibraryStoreException($"library database {Location}: {reason}", e);
        }
    }

    /// <summary>Any fixed number, the same in every Sightline process ("SIGHTLIN" in ASCII).</summary>
    private const long MigrationLockKey = 0x5349_4748_544C_494E;

    private sealed class MigrationLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = MigrationLockKey });
            }
            finally
            {
                // Closing the session releases the lock even when the unlock could not be sent.
                await connection.DisposeAsync();
            }
        }
    }

    protected override void AddMigrationProcessor(IMigrationRunnerBuilder runner) => runner.AddPostgres();

    protected override async Task<bool> VersionTableExistsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT to_regclass('\"VersionInfo\"') IS NOT NULL", transaction: transaction, cancellationToken: cancellationToken));

    protected override async Task<IReadOnlyList<string>> EngineProblemsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var table in Tables)
            if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT to_regclass(@table) IS NOT NULL", new { table }, transaction, cancellationToken: cancellationToken)))
                problems.Add($"table {table} is missing");
        var invalidIndexes = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE n.nspname = current_schema() AND NOT (i.indisvalid AND i.indisready)", transaction: transaction, cancellationToken: cancellationToken));
        problems.AddRange(invalidIndexes.Select(index => $"index {index} is invalid (rebuild it with REINDEX)"));
        var unchecked_ = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT conname FROM pg_constraint WHERE connamespace = current_schema()::regnamespace AND NOT convalidated",
            transaction: transaction, cancellationToken: cancellationToken));
        problems.AddRange(unchecked_.Select(constraint => $"constraint {constraint} is not validated"));
        return problems;
    }

    protected override string? DescribeFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    return postgres.SqlState switch
                    {
                        "53100" => $"the disk holding the PostgreSQL database at {Location} is full (nothing of this change was written)",
                        "53200" => "the PostgreSQL server is out of memory",
                        "53300" => "the PostgreSQL server has too many connections",
                        "28P01" or "28000" => $"PostgreSQL refused the login of {Location} (check the user and password)",
                        "3D000" => "the database does not exist on that PostgreSQL server (create it first)",
                        "25006" => "the PostgreSQL server is read-only (a standby?)",
                        "57P01" or "57P02" or "57P03" => "the PostgreSQL server is shutting down or starting up",
                        "40P01" => "a deadlock with another writer (nothing of this change was written; retry)",
                        _ => $"PostgreSQL error {postgres.SqlState}: {postgres.MessageText}",
                    };
                case SocketException socket:
                    return socket.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused => "the PostgreSQL server refused the connection (is it running, on that host and port?)",
                        SocketError.HostNotFound or SocketError.NoData => "the PostgreSQL server's host name is not known",
                        SocketError.TimedOut => "the PostgreSQL server did not answer in time",
                        _ => $"cannot reach the PostgreSQL server ({socket.SocketErrorCode})",
                    };
                case NpgsqlException npgsql when npgsql.InnerException is null:
                    return $"PostgreSQL connection failed: {npgsql.Message}";
            }
        }
        return null;
    }

    public override ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
