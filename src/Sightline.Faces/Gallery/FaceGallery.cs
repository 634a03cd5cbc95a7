using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Sightline.Faces.Descriptors;

namespace Sightline.Faces.Gallery;

/// <summary>
/// Enrolled people and their face descriptors in one SQLite file. A gallery is bound to the
/// descriptor model of its first enrolment, since descriptors of different models cannot be compared.
/// Each enrolment is one transaction: a failure part-way leaves the gallery as it was.
/// </summary>
/// <remarks>
/// Identification loads every descriptor into memory once and reloads only after a write, by this
/// instance or by another connection to the same file (SQLite's data_version tells which), so a
/// server and a CLI can share one gallery. Instances are safe to use from many threads.
/// </remarks>
public sealed class FaceGallery : IDisposable
{
    private const int FormatVersion = 1;
    private const string Kind = "sightline-face-gallery";
    private const int MaxNameLength = 200;

    private readonly SqliteConnection _connection;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private Snapshot? _snapshot;
    private long _snapshotVersion;
    private bool _disposed;

    private FaceGallery(string path, SqliteConnection connection, TimeProvider clock)
    {
        Path = path;
        _connection = connection;
        _clock = clock;
    }

    /// <summary>The full path of the gallery file.</summary>
    public string Path { get; }

    /// <summary>The model the gallery is bound to; null until the first enrolment.</summary>
    public GalleryModel? Model => Current().Model;

    /// <summary>Opens the gallery at <paramref name="path"/>, creating an empty one when the file is missing and <paramref name="createIfMissing"/> is set.</summary>
    /// <exception cref="GalleryException">The file is missing (and not to be created), is not a face gallery, or is of a newer format.</exception>
    public static FaceGallery Open(string path, bool createIfMissing = true, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new GalleryException($"face gallery '{path}' is a folder, not a file");
        var exists = File.Exists(full);
        if (!exists && !createIfMissing)
            throw new GalleryException($"face gallery '{path}' does not exist");
        if (!exists)
        {
            try
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new GalleryException($"cannot create face gallery '{path}': {e.Message}", e);
            }
        }
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = exists ? SqliteOpenMode.ReadWrite : SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            // Look before changing anything, so a database that is not a gallery is refused untouched.
            var empty = Tables(connection, null).Count == 0;
            if (!empty)
                CheckIsGallery(connection, path);
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
            if (empty)
            {
                CreateSchema(connection);
                CheckIsGallery(connection, path);
            }
            return new FaceGallery(full, connection, clock ?? TimeProvider.System);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new GalleryException($"'{path}' is not a readable face gallery: {e.Message}", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void CheckIsGallery(SqliteConnection connection, string path)
    {
        if (!Tables(connection, null).Contains("meta"))
            throw new GalleryException($"'{path}' is an SQLite database but not a face gallery (it has no meta table)");
        var meta = ReadMeta(connection, null);
        if (!meta.TryGetValue("kind", out var kind) || kind != Kind)
            throw new GalleryException($"'{path}' is an SQLite database but not a face gallery (its kind is '{kind ?? "missing"}')");
        if (!meta.TryGetValue("format", out var format) || format != FormatVersion.ToString())
            throw new GalleryException($"face gallery '{path}' has format {format ?? "unknown"}; this Sightline reads format {FormatVersion}");
    }

    private static void CreateSchema(SqliteConnection connection)
    {
        // Immediate transaction: two processes creating the same new file must not both write the schema.
        using var tx = connection.BeginTransaction(deferred: false);
        if (Tables(connection, tx).Count > 0)
            return;
        // AUTOINCREMENT so a removed face's id is never given to another face a client may then delete.
        Execute(connection, """
            CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE, created INTEGER NOT NULL, updated INTEGER NOT NULL);
            CREATE TABLE faces(id INTEGER PRIMARY KEY AUTOINCREMENT, person_id INTEGER NOT NULL REFERENCES people(id),
                source TEXT NOT NULL, quality REAL, descriptor BLOB NOT NULL, added INTEGER NOT NULL);
            CREATE INDEX faces_person ON faces(person_id);
            """, tx);
        Execute(connection, "INSERT INTO meta(key, value) VALUES ('kind', $kind), ('format', $format)", tx,
            ("$kind", Kind), ("$format", FormatVersion.ToString()));
        tx.Commit();
    }

    /// <summary>
    /// Adds <paramref name="faces"/> to the person called <paramref name="name"/>, creating the person
    /// if needed (names match case-insensitively; the first spelling is kept). All faces are stored or none.
    /// </summary>
    /// <exception cref="GalleryException">The name is not usable, there are no faces, or a descriptor is of another model than the gallery's or not finite.</exception>
    public EnrollmentResult Enroll(string name, IEnumerable<EnrolledFace> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        var clean = CleanName(name);
        var list = faces.ToList();
        if (list.Count == 0)
            throw new GalleryException($"enrolling '{clean}' needs at least one face", kind: GalleryErrorKind.Invalid);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = Now();
            var ids = new List<long>(list.Count);
            bool created;
            try
            {
                using var tx = _connection.BeginTransaction(deferred: false);
                var model = ReadModel(tx);
                var personId = PersonId(clean, tx);
                created = personId is null;
                personId ??= Scalar<long>("INSERT INTO people(name, name_key, created, updated) VALUES ($n, $k, $t, $t) RETURNING id", tx,
                    ("$n", clean), ("$k", NameKey(clean)), ("$t", now));
                // Each face is checked as it is written; a bad one part-way rolls back the person, the faces before it and a first binding.
                foreach (var face in list)
                {
                    ArgumentNullException.ThrowIfNull(face);
                    model = Bind(model, face, clean, tx);
                    ids.Add(Scalar<long>("INSERT INTO faces(person_id, source, quality, descriptor, added) VALUES ($p, $s, $q, $d, $t) RETURNING id", tx,
                        ("$p", personId.Value), ("$s", face.Source ?? ""), ("$q", face.Quality is { } q ? q : DBNull.Value),
                        ("$d", MemoryMarshal.AsBytes(face.Descriptor.Values.AsSpan()).ToArray()), ("$t", now)));
                }
                Execute(_connection, "UPDATE people SET updated = $t WHERE id = $p", tx, ("$t", now), ("$p", personId.Value));
                tx.Commit();
            }
            finally
            {
                _snapshot = null;
            }
            return new EnrollmentResult(PersonLocked(clean)!.Value, ids, created);
        }
    }

    /// <summary>Everyone enrolled, ordered by name.</summary>
    public IReadOnlyList<GalleryPerson> People() => QueryPeople(null);

    /// <summary>The person called <paramref name="name"/> (any case), or null.</summary>
    public GalleryPerson? Person(string name)
    {
        var clean = CleanName(name);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return PersonLocked(clean);
        }
    }

    /// <summary>The stored faces of <paramref name="name"/>, oldest first; empty when there is no such person.</summary>
    public IReadOnlyList<GalleryFace> Faces(string name)
    {
        var clean = CleanName(name);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = _connection.CreateCommand();
            command.CommandText = """
                SELECT f.id, p.name, f.source, f.quality, f.added FROM faces f JOIN people p ON p.id = f.person_id
                WHERE p.name_key = $k ORDER BY f.id
                """;
            command.Parameters.AddWithValue("$k", NameKey(clean));
            using var reader = command.ExecuteReader();
            var faces = new List<GalleryFace>();
            while (reader.Read())
                faces.Add(new GalleryFace(reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                    reader.IsDBNull(3) ? null : (float)reader.GetDouble(3), Time(reader.GetInt64(4))));
            return faces;
        }
    }

    /// <summary>Removes a person and all their faces; false when there is no such person.</summary>
    public bool Remove(string name)
    {
        var clean = CleanName(name);
        return Write(tx =>
        {
            if (PersonId(clean, tx) is not { } id)
                return false;
            Execute(_connection, "DELETE FROM faces WHERE person_id = $p", tx, ("$p", id));
            Execute(_connection, "DELETE FROM people WHERE id = $p", tx, ("$p", id));
            return true;
        });
    }

    /// <summary>Renames a person (a change of case alone is allowed); false when there is no person called <paramref name="oldName"/>.</summary>
    /// <exception cref="GalleryException">Another person is already called <paramref name="newName"/>.</exception>
    public bool Rename(string oldName, string newName)
    {
        var from = CleanName(oldName);
        var to = CleanName(newName);
        return Write(tx =>
        {
            if (PersonId(from, tx) is not { } id)
                return false;
            if (PersonId(to, tx) is { } other && other != id)
                throw new GalleryException($"cannot rename '{from}' to '{to}' in face gallery '{Path}': '{to}' is already enrolled", kind: GalleryErrorKind.Conflict);
            Execute(_connection, "UPDATE people SET name = $n, name_key = $k, updated = $t WHERE id = $p", tx,
                ("$n", to), ("$k", NameKey(to)), ("$t", Now()), ("$p", id));
            return true;
        });
    }

    /// <summary>Removes one face; a person left without faces is removed too. False when there is no such face.</summary>
    public bool RemoveFace(long faceId) => Write(tx =>
    {
        var personId = Scalar<long?>("SELECT person_id FROM faces WHERE id = $f", tx, ("$f", faceId));
        if (personId is null)
            return false;
        Execute(_connection, "DELETE FROM faces WHERE id = $f", tx, ("$f", faceId));
        if (Scalar<long>("SELECT COUNT(*) FROM faces WHERE person_id = $p", tx, ("$p", personId.Value)) == 0)
            Execute(_connection, "DELETE FROM people WHERE id = $p", tx, ("$p", personId.Value));
        else
            Execute(_connection, "UPDATE people SET updated = $t WHERE id = $p", tx, ("$t", Now()), ("$p", personId.Value));
        return true;
    });

    /// <summary>
    /// The enrolled person nearest to <paramref name="descriptor"/>, who is a match when nearer than
    /// <paramref name="threshold"/>, with the runner-up. A person's distance is the smallest over their faces.
    /// </summary>
    /// <remarks>
    /// Minimum rather than distance to the mean descriptor: enrolled photos cover different poses,
    /// lighting and ages, and the mean of such views can lie far from all of them, while one poor
    /// photo drags the mean for every query. The minimum lets the most similar view answer, which is
    /// also what the threshold measures (the distance between two single faces). Its weakness, a
    /// wrongly enrolled face attracting matches, is repaired by removing that face.
    /// </remarks>
    /// <exception cref="GalleryException">The descriptor is of another model than the gallery's, of another length, or not finite.</exception>
    public Identification Identify(FaceDescriptor descriptor, float threshold)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (!float.IsFinite(threshold) || threshold <= 0)
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "the threshold must be a positive number");
        var snapshot = Current();
        if (snapshot.Model is not { } model)
            return Identification.None(threshold);
        if (descriptor.ModelId != model.ModelId || descriptor.Metric != model.Metric)
            throw new GalleryException($"cannot identify a descriptor of '{descriptor.ModelId}' ({descriptor.Metric}) in face gallery '{Path}', which holds descriptors of '{model.ModelId}' ({model.Metric})", kind: GalleryErrorKind.Conflict);
        CheckValues(descriptor, model, $"the query descriptor for face gallery '{Path}'");
        return Nearest(snapshot, descriptor.Values, threshold);
    }

    /// <summary>
    /// Who <paramref name="face"/> is: too poor (with the reasons) when <see cref="Attributes.IdentifiabilityRule"/>
    /// judged it so, else the nearest person as <see cref="Identify(FaceDescriptor, float)"/> finds them.
    /// </summary>
    /// <exception cref="ArgumentException">The face was analysed without a descriptor.</exception>
    public Identification Identify(AnalyzedFace face, float threshold)
    {
        ArgumentNullException.ThrowIfNull(face);
        if (face.Identifiability is { Identifiable: false } poor)
            return Identification.Poor(poor.Reasons, threshold);
        return Identify(face.Descriptor ?? throw new ArgumentException("the face was analysed without a descriptor", nameof(face)), threshold);
    }

    internal static Identification Nearest(Snapshot snapshot, ReadOnlySpan<float> query, float threshold) =>
        Rank(snapshot, query, PersonDistances(snapshot, query), threshold, excluded: null);

    /// <summary>Each person's smallest distance to <paramref name="query"/> over their faces, and which face gave it.</summary>
    private static (float[] Best, int[] BestIndex) PersonDistances(Snapshot snapshot, ReadOnlySpan<float> query)
    {
        var model = snapshot.Model!.Value;
        var dimension = model.Dimension;
        var best = new float[snapshot.Names.Length];
        var bestIndex = new int[snapshot.Names.Length];
        Array.Fill(best, float.PositiveInfinity);
        for (var i = 0; i < snapshot.PersonOf.Length; i++)
        {
            var distance = FaceDescriptor.Distance(model.Metric, query, snapshot.Vectors.AsSpan(i * dimension, dimension));
            var person = snapshot.PersonOf[i];
            if (distance < best[person])
            {
                best[person] = distance;
                bestIndex[person] = i;
            }
        }
        return (best, bestIndex);
    }

    /// <summary>The nearest and second-nearest person, leaving out those <paramref name="excluded"/> marks.</summary>
    private static Identification Rank(Snapshot snapshot, ReadOnlySpan<float> query, (float[] Best, int[] BestIndex) distances, float threshold, bool[]? excluded)
    {
        var dimension = snapshot.Model!.Value.Dimension;
        var (best, bestIndex) = distances;
        int first = -1, second = -1;
        for (var p = 0; p < best.Length; p++)
        {
            if (float.IsPositiveInfinity(best[p]) || excluded?[p] == true)
                continue;
            if (first < 0 || best[p] < best[first])
            {
                second = first;
                first = p;
            }
            else if (second < 0 || best[p] < best[second])
                second = p;
        }
        var similarity = new float[2];
        for (var k = 0; k < 2; k++)
            if ((k == 0 ? first : second) is var p and >= 0)
                similarity[k] = GalleryMatch.SimilarityOf(query, snapshot.Vectors.AsSpan(bestIndex[p] * dimension, dimension));
        GalleryMatch? Match(int p, float s) => p < 0 ? null : new GalleryMatch(snapshot.Names[p], best[p], s, snapshot.FaceIds[bestIndex[p]]);
        return new Identification(Match(first, similarity[0]), Match(second, similarity[1]), threshold);
    }

    /// <summary>
    /// Names every face of one photo. Each face is answered as <see cref="Identify(AnalyzedFace, float)"/>
    /// does, except that one person names at most one face: a person appears once in a photo, so when two
    /// faces are nearest to the same person, the nearer pair is kept and the other face gets its nearest
    /// person among those not already named (or unknown). Pairs are settled nearest first.
    /// </summary>
    /// <exception cref="GalleryException">A descriptor is of another model than the gallery's, of another length, or not finite.</exception>
    public IReadOnlyList<Identification> IdentifyPhoto(IReadOnlyList<AnalyzedFace> faces, float threshold)
    {
        ArgumentNullException.ThrowIfNull(faces);
        var answers = faces.Select(f => Identify(f, threshold)).ToArray();
        var snapshot = Current();
        var candidates = Enumerable.Range(0, faces.Count).Where(i => !answers[i].IsTooPoor && answers[i].Nearest is not null).ToList();
        if (snapshot.Model is null || candidates.Count < 2)
            return answers;
        var distances = new Dictionary<int, (float[] Best, int[] BestIndex)>();
        foreach (var i in candidates)
            distances[i] = PersonDistances(snapshot, faces[i].Descriptor!.Values);
        var pairs = candidates.SelectMany(i => distances[i].Best.Select((d, p) => (Distance: d, Face: i, Person: p)))
            .Where(pair => pair.Distance < threshold).OrderBy(pair => pair.Distance).ToList();
        var personTakenBy = new int[snapshot.Names.Length];
        Array.Fill(personTakenBy, -1);
        var faceNamed = new bool[faces.Count];
        foreach (var (_, face, person) in pairs)
        {
            if (faceNamed[face] || personTakenBy[person] >= 0)
                continue;
            faceNamed[face] = true;
            personTakenBy[person] = face;
        }
        foreach (var i in candidates)
        {
            var excluded = personTakenBy.Select(owner => owner >= 0 && owner != i).ToArray();
            answers[i] = Rank(snapshot, faces[i].Descriptor!.Values, distances[i], threshold, excluded);
        }
        return answers;
    }

    /// <summary>Everything identification needs, in flat arrays: face i belongs to person PersonOf[i] and has Vectors[i*d..(i+1)*d].</summary>
    internal sealed record Snapshot(GalleryModel? Model, string[] Names, int[] PersonOf, long[] FaceIds, float[] Vectors);

    // The snapshot is immutable, so identification runs outside the lock; only (re)loading takes it.
    private Snapshot Current()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // data_version changes when another connection commits; this connection's own writes clear the snapshot.
            var version = Scalar<long>("PRAGMA data_version", null);
            if (_snapshot is null || version != _snapshotVersion)
            {
                _snapshot = Load();
                _snapshotVersion = version;
            }
            return _snapshot;
        }
    }

    private Snapshot Load()
    {
        // One read transaction so the model and the faces come from the same commit.
        using var tx = _connection.BeginTransaction(deferred: true);
        var model = ReadModel(tx);
        var names = new List<string>();
        var personIndex = new Dictionary<long, int>();
        var personOf = new List<int>();
        var faceIds = new List<long>();
        var vectors = new List<float>();
        using var command = _connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT f.id, f.person_id, p.name, f.descriptor FROM faces f JOIN people p ON p.id = f.person_id ORDER BY f.person_id, f.id";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var blob = (byte[])reader.GetValue(3);
            if (model is not { } m || blob.Length != m.Dimension * sizeof(float))
                throw new GalleryException($"face gallery '{Path}' face {reader.GetInt64(0)} has a {blob.Length}-byte descriptor where {(model?.Dimension ?? 0) * sizeof(float)} were expected: the file is damaged");
            var personId = reader.GetInt64(1);
            if (!personIndex.TryGetValue(personId, out var index))
            {
                index = names.Count;
                personIndex[personId] = index;
                names.Add(reader.GetString(2));
            }
            personOf.Add(index);
            faceIds.Add(reader.GetInt64(0));
            vectors.AddRange(MemoryMarshal.Cast<byte, float>(blob));
        }
        return new Snapshot(model, names.ToArray(), personOf.ToArray(), faceIds.ToArray(), vectors.ToArray());
    }

    private GalleryModel Bind(GalleryModel? model, EnrolledFace face, string name, SqliteTransaction tx)
    {
        var descriptor = face.Descriptor ?? throw new ArgumentNullException(nameof(face), "an enrolled face needs a descriptor");
        var what = $"face '{face.Source}' of '{name}'";
        if (model is { } bound)
        {
            if (descriptor.ModelId != bound.ModelId || descriptor.Metric != bound.Metric)
                throw new GalleryException($"cannot enrol {what}: its descriptor is of '{descriptor.ModelId}' ({descriptor.Metric}) but face gallery '{Path}' holds descriptors of '{bound.ModelId}' ({bound.Metric})", kind: GalleryErrorKind.Conflict);
            CheckValues(descriptor, bound, what);
            return bound;
        }
        if (string.IsNullOrWhiteSpace(descriptor.ModelId))
            throw new GalleryException($"cannot enrol {what}: its descriptor names no model", kind: GalleryErrorKind.Invalid);
        var first = new GalleryModel(descriptor.ModelId, descriptor.Metric, descriptor.Dimension);
        CheckValues(descriptor, first, what);
        Execute(_connection, "INSERT INTO meta(key, value) VALUES ('model_id', $m), ('metric', $k), ('dimension', $d)", tx,
            ("$m", first.ModelId), ("$k", first.Metric.ToString()), ("$d", first.Dimension.ToString()));
        return first;
    }

    private static void CheckValues(FaceDescriptor descriptor, GalleryModel model, string what)
    {
        if (descriptor.Values.Length == 0 || descriptor.Values.Length != model.Dimension)
            throw new GalleryException($"{what} has {descriptor.Values.Length} values; descriptors of '{model.ModelId}' have {model.Dimension}", kind: GalleryErrorKind.Invalid);
        foreach (var value in descriptor.Values)
            if (!float.IsFinite(value))
                throw new GalleryException($"{what} has a value that is not a finite number", kind: GalleryErrorKind.Invalid);
    }

    private GalleryModel? ReadModel(SqliteTransaction tx)
    {
        var meta = ReadMeta(_connection, tx);
        if (!meta.TryGetValue("model_id", out var modelId))
            return null;
        if (!meta.TryGetValue("metric", out var metricText) || !Enum.TryParse<DescriptorMetric>(metricText, out var metric)
            || !meta.TryGetValue("dimension", out var dimensionText) || !int.TryParse(dimensionText, out var dimension) || dimension <= 0)
            throw new GalleryException($"face gallery '{Path}' records model '{modelId}' without a valid metric and dimension: the file is damaged");
        return new GalleryModel(modelId, metric, dimension);
    }

    private IReadOnlyList<GalleryPerson> QueryPeople(string? key)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = _connection.CreateCommand();
            command.CommandText = $"""
                SELECT p.name, COUNT(f.id), p.created, p.updated FROM people p LEFT JOIN faces f ON f.person_id = p.id
                {(key is null ? "" : "WHERE p.name_key = $k")} GROUP BY p.id ORDER BY p.name_key, p.id
                """;
            if (key is not null)
                command.Parameters.AddWithValue("$k", key);
            using var reader = command.ExecuteReader();
            var people = new List<GalleryPerson>();
            while (reader.Read())
                people.Add(new GalleryPerson(reader.GetString(0), reader.GetInt32(1), Time(reader.GetInt64(2)), Time(reader.GetInt64(3))));
            return people;
        }
    }

    private GalleryPerson? PersonLocked(string name) => QueryPeople(NameKey(name)) is [var person] ? person : null;

    private long? PersonId(string name, SqliteTransaction tx) =>
        Scalar<long?>("SELECT id FROM people WHERE name_key = $k", tx, ("$k", NameKey(name)));

    private T Write<T>(Func<SqliteTransaction, T> work)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                using var tx = _connection.BeginTransaction(deferred: false);
                var result = work(tx);
                tx.Commit();
                return result;
            }
            catch (SqliteException e)
            {
                // Busy, read-only, full disk: the transaction rolled back; say which gallery and why.
                throw new GalleryException($"cannot write face gallery '{Path}': {e.Message}", e);
            }
            finally
            {
                _snapshot = null;
            }
        }
    }

    /// <summary>
    /// The name as stored: trimmed, non-empty, at most 200 characters and free of control characters.
    /// </summary>
    /// <exception cref="GalleryException">The name is empty or unusable.</exception>
    public static string CleanName(string name)
    {
        var clean = name?.Trim() ?? "";
        if (clean.Length == 0)
            throw new GalleryException("a person's name cannot be empty", kind: GalleryErrorKind.Invalid);
        if (clean.Length > MaxNameLength)
            throw new GalleryException($"the name '{clean[..40]}…' has {clean.Length} characters; at most {MaxNameLength} are allowed", kind: GalleryErrorKind.Invalid);
        if (clean.Any(char.IsControl))
            throw new GalleryException($"the name '{clean.Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t")}' contains control characters", kind: GalleryErrorKind.Invalid);
        return clean;
    }

    // Uniqueness is case-insensitive over all of Unicode, which SQLite's NOCASE (ASCII only) is not.
    private static string NameKey(string cleanName) => cleanName.ToUpperInvariant();

    private long Now() => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    private static HashSet<string> Tables(SqliteConnection connection, SqliteTransaction? tx)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        using var reader = command.ExecuteReader();
        var tables = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read())
            tables.Add(reader.GetString(0));
        return tables;
    }

    private static Dictionary<string, string> ReadMeta(SqliteConnection connection, SqliteTransaction? tx)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT key, value FROM meta";
        using var reader = command.ExecuteReader();
        while (reader.Read())
            meta[reader.GetString(0)] = reader.GetString(1);
        return meta;
    }

    private T Scalar<T>(string sql, SqliteTransaction? tx, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        var result = command.ExecuteScalar();
        if (result is null or DBNull)
            return default!;
        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return (T)Convert.ChangeType(result, target);
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

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            _connection.Dispose();
        }
    }
}
