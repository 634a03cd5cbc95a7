using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Sightline.Imaging;
using Sightline.Vision.Embeddings;

namespace Sightline.Vision.Similarity;

/// <summary>One nearest image: its path and cosine similarity to the query (1 = same direction).</summary>
public readonly record struct SimilarMatch(string Path, float Score);

/// <summary>What an update did: files embedded, unchanged, removed, and those that could not be read.</summary>
public sealed record IndexUpdateReport(int Added, int Updated, int Unchanged, int Removed, IReadOnlyList<IndexFailure> Failed, TimeSpan Elapsed)
{
    public int Total => Added + Updated + Unchanged;

    /// <summary>Files of the folder that are not images (videos, sidecars, hidden folders), each with its reason.</summary>
    public IReadOnlyList<SkippedFile> NotImages { get; init; } = [];
}

public readonly record struct IndexFailure(string Path, string Reason);

/// <summary>
/// Image embeddings stored in one SQLite file with each image's path, size and modification time, so
/// re-indexing embeds only new or changed files. Every batch is committed in its own transaction: an
/// interrupted run keeps what it finished and never leaves a half-written row.
/// </summary>
public sealed class SimilarityIndex : IDisposable
{
    private const int FormatVersion = 1;
    private readonly SqliteConnection _connection;
    private (string[] Paths, float[] Vectors)? _loaded;
    private readonly Lock _loadGate = new();

    private SimilarityIndex(string path, SqliteConnection connection, string modelId, string modelVersion, int dimension)
    {
        Path = path;
        _connection = connection;
        ModelId = modelId;
        ModelVersion = modelVersion;
        Dimension = dimension;
    }

    public string Path { get; }
    public string ModelId { get; }
    public string ModelVersion { get; }
    public int Dimension { get; }

    public int Count
    {
        get
        {
            lock (_loadGate)
            {
                using var command = _connection.CreateCommand();
                command.CommandText = "SELECT COUNT(*) FROM images";
                return Convert.ToInt32(command.ExecuteScalar());
            }
        }
    }

    /// <summary>Opens an existing index, or creates one for <paramref name="embedder"/>'s model.</summary>
    public static SimilarityIndex OpenOrCreate(string path, IImageEmbedder embedder)
    {
        var existed = File.Exists(path);
        var index = Open(path, create: true, embedder.ModelId, embedder.ModelVersion, embedder.Dimension);
        if (existed && (index.ModelId != embedder.ModelId || index.Dimension != embedder.Dimension))
        {
            index.Dispose();
            throw new IndexException($"index '{path}' holds {index.ModelId} embeddings ({index.Dimension}-d); it cannot take {embedder.ModelId} ({embedder.Dimension}-d). Use another --out file.");
        }
        return index;
    }

    /// <summary>Opens an existing index for searching.</summary>
    public static SimilarityIndex Open(string path)
    {
        if (!File.Exists(path))
            throw new IndexException($"index '{path}' does not exist; build it with 'sightline index <folder> --out {path}'");
        return Open(path, create: false, "", "", 0);
    }

    private static SimilarityIndex Open(string path, bool create, string modelId, string modelVersion, int dimension)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (create)
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
            Execute(connection, """
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS images(path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime INTEGER NOT NULL, vector BLOB NOT NULL);
                """);
            var meta = ReadMeta(connection);
            if (meta.Count == 0)
            {
                if (!create)
                    throw new IndexException($"'{path}' is not a Sightline index (no metadata)");
                using var tx = connection.BeginTransaction();
                foreach (var (key, value) in new Dictionary<string, string>
                {
                    ["format"] = FormatVersion.ToString(), ["model_id"] = modelId, ["model_version"] = modelVersion, ["dimension"] = dimension.ToString(),
                })
                    Execute(connection, "INSERT INTO meta(key, value) VALUES ($k, $v)", tx, ("$k", key), ("$v", value));
                tx.Commit();
                meta = ReadMeta(connection);
            }
            if (!meta.TryGetValue("format", out var format) || format != FormatVersion.ToString())
                throw new IndexException($"index '{path}' has format {format ?? "unknown"}; this Sightline reads format {FormatVersion}. Rebuild it.");
            return new SimilarityIndex(full, connection, meta["model_id"], meta["model_version"], int.Parse(meta["dimension"]));
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new IndexException($"'{path}' is not a readable Sightline index: {e.Message}", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Brings the index in line with <paramref name="folder"/>: embeds new and changed images, drops rows
    /// of files that are gone, and reports unreadable files without storing them.
    /// </summary>
    public IndexUpdateReport Update(string folder, IImageEmbedder embedder, IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        if (embedder.ModelId != ModelId || embedder.Dimension != Dimension)
            throw new IndexException($"index '{Path}' holds {ModelId} embeddings; cannot update it with {embedder.ModelId}");
        if (!Directory.Exists(folder))
            throw new IndexException($"folder '{folder}' does not exist");
        var started = DateTime.UtcNow;
        var root = System.IO.Path.GetFullPath(folder);
        var scan = Imaging.ImageFiles.ScanFolder(root);
        var files = scan.Images;
        var existing = new Dictionary<string, (long Size, long Mtime)>(StringComparer.Ordinal);
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT path, size, mtime FROM images";
            using var reader = command.ExecuteReader();
            while (reader.Read())
                existing[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }

        var work = new List<(string Path, long Size, long Mtime, bool Known)>();
        var unchanged = 0;
        foreach (var file in files)
        {
            var info = new FileInfo(file);
            var stamp = (info.Length, info.LastWriteTimeUtc.Ticks);
            if (existing.TryGetValue(file, out var row) && row == stamp)
                unchanged++;
            else
                work.Add((file, stamp.Length, stamp.Ticks, existing.ContainsKey(file)));
        }

        // Rows under this folder whose file is gone.
        var present = files.ToHashSet(StringComparer.Ordinal);
        var prefix = root.EndsWith(System.IO.Path.DirectorySeparatorChar) ? root : root + System.IO.Path.DirectorySeparatorChar;
        var gone = existing.Keys.Where(p => p.StartsWith(prefix, StringComparison.Ordinal) && !present.Contains(p)).ToList();
        int added = 0, updated = 0;
        var failed = new List<IndexFailure>();
        var batch = Math.Max(1, embedder.Options.BatchSize) * 4;
        progress?.Report((0, work.Count));
        for (var offset = 0; offset < work.Count; offset += batch)
        {
            var slice = work.Skip(offset).Take(batch).ToList();
            var outcomes = embedder.EmbedFiles(slice.Select(w => w.Path).ToList(), cancellationToken: cancellationToken);
            using var tx = _connection.BeginTransaction();
            for (var i = 0; i < slice.Count; i++)
            {
                if (outcomes[i].Result is { } embedding)
                {
                    Execute(_connection, "INSERT OR REPLACE INTO images(path, size, mtime, vector) VALUES ($p, $s, $m, $v)", tx,
                        ("$p", slice[i].Path), ("$s", slice[i].Size), ("$m", slice[i].Mtime), ("$v", MemoryMarshal.AsBytes(embedding.Vector.AsSpan()).ToArray()));
                    if (slice[i].Known) updated++; else added++;
                }
                else
                {
                    failed.Add(new IndexFailure(slice[i].Path, outcomes[i].Error!.Message));
                    Execute(_connection, "DELETE FROM images WHERE path = $p", tx, ("$p", slice[i].Path));
                }
            }
            tx.Commit();
            progress?.Report((Math.Min(offset + batch, work.Count), work.Count));
        }
        if (gone.Count > 0)
        {
            using var tx = _connection.BeginTransaction();
            foreach (var path in gone)
                Execute(_connection, "DELETE FROM images WHERE path = $p", tx, ("$p", path));
            tx.Commit();
        }
        lock (_loadGate)
            _loaded = null;
        return new IndexUpdateReport(added, updated, unchanged, gone.Count, failed, DateTime.UtcNow - started) { NotImages = scan.Skipped };
    }

    /// <summary>The <paramref name="top"/> stored images most similar to <paramref name="query"/>.</summary>
    public IReadOnlyList<SimilarMatch> Search(ReadOnlySpan<float> query, int top = 10)
    {
        if (query.Length != Dimension)
            throw new IndexException($"query has {query.Length} dimensions, index '{Path}' holds {Dimension}");
        if (top < 1)
            throw new ArgumentOutOfRangeException(nameof(top), top, "top must be at least 1");
        var (paths, vectors) = Loaded();
        var scores = new float[paths.Length];
        var unit = VectorMath.Normalized(query);
        for (var i = 0; i < paths.Length; i++)
            scores[i] = System.Numerics.Tensors.TensorPrimitives.Dot(unit, vectors.AsSpan(i * Dimension, Dimension));
        return VectorMath.TopK(scores, top).Select(i => new SimilarMatch(paths[i], scores[i])).ToList();
    }

    /// <summary>True when <paramref name="path"/> is one of the indexed images.</summary>
    public bool Contains(string path)
    {
        lock (_loadGate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT 1 FROM images WHERE path = $p";
            command.Parameters.AddWithValue("$p", path);
            return command.ExecuteScalar() is not null;
        }
    }

    /// <summary>Every stored path with its vector, in path order.</summary>
    public IReadOnlyList<(string Path, float[] Vector)> Entries()
    {
        var (paths, vectors) = Loaded();
        return paths.Select((p, i) => (p, vectors.AsSpan(i * Dimension, Dimension).ToArray())).ToList();
    }

    // Searches may come from many threads (a server); the connection is used by one at a time.
    private (string[] Paths, float[] Vectors) Loaded()
    {
        lock (_loadGate)
            return _loaded ??= LoadAll();
    }

    private (string[] Paths, float[] Vectors) LoadAll()
    {
        var paths = new List<string>();
        var vectors = new List<float>();
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT path, vector FROM images ORDER BY path";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var blob = (byte[])reader.GetValue(1);
            if (blob.Length != Dimension * sizeof(float))
                throw new IndexException($"index '{Path}' row '{reader.GetString(0)}' has {blob.Length} bytes, expected {Dimension * sizeof(float)}: the file is damaged");
            paths.Add(reader.GetString(0));
            vectors.AddRange(MemoryMarshal.Cast<byte, float>(blob));
        }
        return (paths.ToArray(), vectors.ToArray());
    }

    /// <summary>Image files under <paramref name="folder"/>, recursively, in a stable order.</summary>
    public static IReadOnlyList<string> ImageFiles(string folder) => Imaging.ImageFiles.InFolder(folder);

    private static Dictionary<string, string> ReadMeta(SqliteConnection connection)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, value FROM meta";
        using var reader = command.ExecuteReader();
        while (reader.Read())
            meta[reader.GetString(0)] = reader.GetString(1);
        return meta;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();
}

/// <summary>An index file that cannot be used as asked.</summary>
public sealed class IndexException(string message, Exception? inner = null) : SightlineException(message, inner);
