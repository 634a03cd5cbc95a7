using Npgsql;

namespace Sightline.Library.Storage;

/// <summary>Opens the store a database spec names: "sqlite:PATH" (relative to the library folder) or "postgres://user:password@host:port/database".</summary>
public static class LibraryStores
{
    /// <summary>The spec of a new library's default database: a SQLite file inside the library folder.</summary>
    public const string DefaultSqlite = "sqlite:library.db";

    /// <summary>Opens (does not migrate) the store; a spec that names no known backend is a LibraryStoreException naming it.</summary>
    public static Task<ILibraryStore> OpenAsync(string spec, string libraryFolder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(libraryFolder);
        cancellationToken.ThrowIfCancellationRequested();
        if (spec.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
            return Task.FromResult<ILibraryStore>(new SqliteLibraryStore(SqlitePath(spec, libraryFolder)));
        if (spec.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || spec.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return Task.FromResult<ILibraryStore>(new PostgresLibraryStore(PostgresConnection(spec)));
        throw new LibraryStoreException($"database \"{Redact(spec)}\" names no known backend (use sqlite:PATH or postgres://user:password@host:port/database)");
    }

    internal static string SqlitePath(string spec, string libraryFolder)
    {
        var path = spec["sqlite:".Length..];
        if (string.IsNullOrWhiteSpace(path))
            throw new LibraryStoreException($"database \"{spec}\" names no file (use sqlite:PATH)");
        var full = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(libraryFolder, path));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LibraryStoreException($"library database {full}: cannot create its folder: {e.Message}", e);
        }
        return full;
    }

    /// <summary>The Npgsql connection of a postgres:// URL; query parameters are Npgsql connection settings (sslmode=require, ...).</summary>
    internal static NpgsqlConnectionStringBuilder PostgresConnection(string spec)
    {
        if (!Uri.TryCreate(spec, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new LibraryStoreException($"database \"{Redact(spec)}\" is not a URL of the form postgres://user:password@host:port/database");
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/'))
            throw new LibraryStoreException($"database \"{Redact(spec)}\" names no database (postgres://user:password@host:port/database)");
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = database,
        };
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':');
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "true" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            try
            {
                builder[key] = value;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
            {
                throw new LibraryStoreException($"database \"{Redact(spec)}\": setting \"{key}\" is not a PostgreSQL connection setting Npgsql knows ({e.Message})", e);
            }
        }
        return builder;
    }

    /// <summary>The spec without its password, for messages.</summary>
    internal static string Redact(string spec)
    {
        var scheme = spec.IndexOf("://", StringComparison.Ordinal);
        var at = spec.LastIndexOf('@');
        if (scheme < 0 || at < scheme)
            return spec;
        var userInfo = spec[(scheme + 3)..at];
        var colon = userInfo.IndexOf(':');
        return colon < 0 ? spec : spec[..(scheme + 3)] + userInfo[..colon] + ":***" + spec[at..];
    }
}
