using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Sightline.Library;
using Sightline.Library.Search;

namespace Sightline.Bench;

/// <summary>
/// Search at library scale: a synthetic library (<see cref="SyntheticPhotoLibrary"/>, 100,000 photos by default) is
/// built through the store's commit path, or reused (<c>--keep</c>, then <c>--reuse</c>); then the typical queries run
/// through <c>PhotoLibrary.Search</c> from the query language, a page of 100 with the total, and the same queries as a
/// peer in plain SQL on the same database without the search index: semi-joins over the faces, LIKE over the analyses'
/// and the metadata's JSON, a full scan of the embeddings for similar-to. p50, p95 and the first query of each kind.
/// </summary>
public static class LibrarySearchBenchmark
{
    private const int PageSize = 100;

    /// <summary>One query of a kind: its text in the query language, and the same filter for the plain-SQL peer.</summary>
    internal sealed record BenchQuery(string Text, PeerQuery Peer);

    /// <summary>What the peer filters by (names are resolved in its SQL, as the search resolves them).</summary>
    internal sealed record PeerQuery(
        IReadOnlyList<string> People,
        string? Emotion = null,
        string? Object = null,
        DateTime? From = null,
        DateTime? Before = null,
        IReadOnlyList<string>? Words = null,
        long? SimilarTo = null);

    private sealed record Timing(double P50, double P95, double First, long Total);

    public sealed record KindResult(string Kind, string Example, double? SightlineP50, double? SightlineP95, double? SightlineFirst,
        double PeerP50, double PeerP95, double PeerFirst, string TotalsAgree, string? Note);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new SyntheticLibraryOptions
        {
            Photos = BenchHarness.IntOption(args, "--count", 100_000, minimum: 100),
            People = BenchHarness.IntOption(args, "--people", 2_000, minimum: 10),
        };
        var runs = BenchHarness.IntOption(args, "--runs", 20, minimum: 2);
        var folder = Path.GetFullPath(BenchHarness.Option(args, "--folder") ?? Path.Combine(Path.GetTempPath(), "sightline-library-search-" + options.Photos));
        var keep = args.Contains("--keep") || args.Contains("--reuse");
        Console.WriteLine($"library-search benchmark: SQLite library of {options.Photos:N0} synthetic photos, {options.People:N0} people, in {folder}; {BenchHarness.Machine()}");
        Console.WriteLine($"command: {BenchHarness.CommandLine(args)}");
        var existing = args.Contains("--reuse") ? SyntheticLibraryBuilder.Existing(folder, options) : null;
        double? buildSeconds = null;
        try
        {
            if (existing is null)
            {
                if (args.Contains("--reuse"))
                    Console.Error.WriteLine($"no synthetic library of these options in {folder}: building one");
                var watch = Stopwatch.StartNew();
                existing = await SyntheticLibraryBuilder.BuildAsync(folder, options, progress: done =>
                {
                    if (done % 10_000 == 0)
                        Console.Error.WriteLine($"{done:N0} of {options.Photos:N0} photos committed, {watch.Elapsed.TotalSeconds:0} s");
                });
                buildSeconds = watch.Elapsed.TotalSeconds;
            }
            else
                Console.Error.WriteLine($"reusing the synthetic library in {folder} (built in {existing.CommitSeconds + existing.PeopleSeconds:0} s)");

            var results = await MeasureAsync(folder, options, runs);
            Console.WriteLine();
            Console.WriteLine($"{existing.Photos:N0} photos, {existing.Videos:N0} videos, {existing.Faces:N0} faces, {existing.People:N0} people; "
                + (buildSeconds is { } b
                    ? $"built in {b:0} s ({existing.CommitSeconds:0} s committing, {(existing.Photos + existing.Videos) / existing.CommitSeconds:N0} photos/s; {existing.PeopleSeconds:0} s placing and naming people)"
                    : $"reused (it was built in {existing.CommitSeconds + existing.PeopleSeconds:0} s)")
                + $"; database {DatabaseBytes(folder) / 1e6:N0} MB");
            Console.WriteLine();
            Console.WriteLine($"| query (page of {PageSize} with the total) | example | Sightline p50 | p95 (goal < 100 ms) | first query | plain SQL p50 | p95 | first query | plain SQL p50 / Sightline p50 | same totals |");
            Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in results)
                Console.WriteLine($"| {r.Kind} | `{r.Example}` | {Ms(r.SightlineP50)} | {Ms(r.SightlineP95)} | {Ms(r.SightlineFirst)} | {Ms(r.PeerP50)} | {Ms(r.PeerP95)} | {Ms(r.PeerFirst)} | "
                    + $"{(r.SightlineP50 is { } s ? $"{r.PeerP50 / s:0.0}x" : "-")} | {r.TotalsAgree} |");
            foreach (var note in results.Where(r => r.Note is not null))
                Console.WriteLine($"{note.Kind}: {note.Note}");
            Console.WriteLine();
            Console.WriteLine($"Each kind cycles through its queries, {runs} timed runs after the first; the first query of a kind is the first of the process on a library just opened. "
                + "Plain SQL: the same filters as semi-joins over faces, LIKE over the analyses' and the metadata's JSON and a scan of every embedding, with the same count and page.");
            BenchHarness.WriteJson(BenchHarness.Option(args, "--json"), new { options, buildSeconds, library = existing, runs, results });
            return 0;
        }
        finally
        {
            if (!keep && Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    private static string Ms(double? ms) => ms is not { } v ? "-" : v < 10 ? $"{v:0.0} ms" : $"{v:N0} ms";

    private static long DatabaseBytes(string folder) => Directory.GetFiles(folder, "library.db*").Sum(f => new FileInfo(f).Length);

    private static async Task<IReadOnlyList<KindResult>> MeasureAsync(string folder, SyntheticLibraryOptions options, int runs)
    {
        await using var library = await PhotoLibrary.OpenAsync(folder);
        await using var sql = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "library.db"), Mode = SqliteOpenMode.ReadOnly }.ToString());
        await sql.OpenAsync();
        var kinds = await QueriesAsync(sql, options);
        var results = new List<KindResult>();
        foreach (var (kind, queries) in kinds)
        {
            Console.Error.WriteLine($"timing {kind}");
            string? note = null;
            Timing? sightline = null;
            try
            {
                sightline = await TimeAsync(queries, runs, q => SightlineAsync(library, q.Text));
            }
            catch (NotImplementedException)
            {
                note = "not timed: search is not implemented in this build";
            }
            var peer = await TimeAsync(queries, runs, q => PeerAsync(sql, q.Peer));
            var agree = 0;
            if (sightline is not null)
                foreach (var q in queries)
                    agree += await SightlineAsync(library, q.Text) == await PeerAsync(sql, q.Peer) ? 1 : 0;
            results.Add(new KindResult(kind, queries[0].Text, sightline?.P50, sightline?.P95, sightline?.First, peer.P50, peer.P95, peer.First,
                sightline is null ? "-" : $"{agree}/{queries.Count}", note));
        }
        return results;
    }

    private static async Task<Timing> TimeAsync(IReadOnlyList<BenchQuery> queries, int runs, Func<BenchQuery, Task<long>> run)
    {
        var watch = Stopwatch.StartNew();
        var total = await run(queries[0]);
        var first = watch.Elapsed.TotalMilliseconds;
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            watch.Restart();
            await run(queries[(i + 1) % queries.Count]);
            times[i] = watch.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return new Timing(BenchHarness.Median(times), Percentile(times, 0.95), first, total);
    }

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    internal static double Percentile(double[] sorted, double fraction) =>
        sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>The search as the CLI, the API and the app run it: parsed from the query language, a page of 100 and the total.</summary>
    private static async Task<long> SightlineAsync(PhotoLibrary library, string query)
    {
        var page = await library.Search.SearchAsync(SearchQueryLanguage.Parse(query), new SearchPageRequest(PageSize));
        return page.Total;
    }

    /// <summary>
    /// The queries of each kind, picked from the library itself: people of several ranks (the most photographed
    /// first), pairs of people who are photographed together, photos to find others like, words of its text.
    /// </summary>
    internal static async Task<IReadOnlyList<(string Kind, IReadOnlyList<BenchQuery> Queries)>> QueriesAsync(SqliteConnection sql, SyntheticLibraryOptions options)
    {
        string Name(int rank) => SyntheticPhotoLibrary.PersonName(rank, options.Household);
        static string Quoted(string name) => name.Contains(' ', StringComparison.Ordinal) ? $"\"{name}\"" : name;
        var ranks = new[] { 0, 2, 9, 40, 300 }.Where(r => r < options.People).ToList();
        var emotions = new[] { "happy", "neutral", "surprised", "sad", "happy" };
        var pairs = await PairsAsync(sql);
        var objects = new[] { "car", "chair", "cup", "dog", "bottle" };
        var ranges = new[] { (2016, 2024), (2012, 2020), (2019, 2026), (2014, 2022), (2020, 2025) };
        var similar = await ScalarsAsync(sql, "SELECT media_id FROM embeddings ORDER BY media_id");
        var words = new[] { new[] { "total" }, ["museum"], ["street", "cafe"], ["receipt"], ["station"] };
        return
        [
            ("one person", ranks.Select(r => new BenchQuery($"person:{Quoted(Name(r))}", new PeerQuery([Name(r)]))).ToList()),
            ("person AND emotion", ranks.Select((r, i) => new BenchQuery($"person:{Quoted(Name(r))} emotion:{emotions[i]}", new PeerQuery([Name(r)], emotions[i]))).ToList()),
            ("two people AND object AND date range", pairs.Select((p, i) => new BenchQuery(
                $"person:{Quoted(p.A)} person:{Quoted(p.B)} object:{objects[i % objects.Length]} after:{ranges[i % ranges.Length].Item1}-01 before:{ranges[i % ranges.Length].Item2}-01",
                new PeerQuery([p.A, p.B], Object: objects[i % objects.Length], From: new DateTime(ranges[i % ranges.Length].Item1, 1, 1), Before: new DateTime(ranges[i % ranges.Length].Item2, 1, 1)))).ToList()),
            ("similar-to over every embedding", Enumerable.Range(0, 5).Select(i => similar[(int)((long)similar.Count * (2 * i + 1) / 10)])
                .Select(id => new BenchQuery($"similar:#{id} sort:similarity", new PeerQuery([], SimilarTo: id))).ToList()),
            ("text", words.Select(w => new BenchQuery(string.Join(' ', w.Select(x => $"text:{x}")), new PeerQuery([], Words: w))).ToList()),
        ];
    }

    /// <summary>Pairs of named people photographed together, from the most frequent pair down (every fifth, five at most).</summary>
    private static async Task<IReadOnlyList<(string A, string B)>> PairsAsync(SqliteConnection sql)
    {
        await using var command = sql.CreateCommand();
        command.CommandText = "SELECT pa.name, pb.name, count(*) AS n FROM faces a JOIN faces b ON a.media_id = b.media_id AND a.person_id < b.person_id " +
            "JOIN people pa ON pa.id = a.person_id JOIN people pb ON pb.id = b.person_id GROUP BY a.person_id, b.person_id ORDER BY n DESC, a.person_id, b.person_id LIMIT 25";
        var pairs = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        for (var i = 0; await reader.ReadAsync(); i++)
            if (i % 5 == 0)
                pairs.Add((reader.GetString(0), reader.GetString(1)));
        return pairs.Count > 0 ? pairs : throw new InvalidOperationException("the library has no two people photographed together");
    }

    private static async Task<IReadOnlyList<long>> ScalarsAsync(SqliteConnection sql, string text)
    {
        await using var command = sql.CreateCommand();
        command.CommandText = text;
        var values = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            values.Add(reader.GetInt64(0));
        return values;
    }

    /// <summary>Every filter as plain SQL on the library's own tables; returns the total, having read the page as the search does.</summary>
    internal static async Task<long> PeerAsync(SqliteConnection sql, PeerQuery query)
    {
        if (query.SimilarTo is { } id)
            return await PeerSimilarAsync(sql, id);
        await using var count = sql.CreateCommand();
        await using var page = sql.CreateCommand();
        var where = new List<string>();
        for (var i = 0; i < query.People.Count; i++)
        {
            // A semi-join over the faces through their person index (M0004); written as EXISTS, SQLite walks that index once per photo (100,000 x a person's faces).
            where.Add($"m.id IN (SELECT f.media_id FROM faces f WHERE f.person_id = (SELECT p.id FROM people p WHERE lower(p.name) = lower(@person{i})))");
            Parameter(count, page, $"@person{i}", query.People[i]);
        }
        if (query.Emotion is { } emotion)
        {
            where.Add("m.id IN (SELECT f.media_id FROM faces f WHERE f.expression = @emotion)");
            Parameter(count, page, "@emotion", emotion);
        }
        if (query.Object is { } label)
        {
            where.Add("EXISTS (SELECT 1 FROM analyses a WHERE a.media_id = m.id AND a.task = 'detect' AND a.json LIKE @object)");
            Parameter(count, page, "@object", $"%\"className\":\"{label}\"%");
        }
        if (query.From is { } from)
        {
            where.Add("m.taken_local >= @from");
            Parameter(count, page, "@from", (long)(from - DateTime.UnixEpoch).TotalMilliseconds);
        }
        if (query.Before is { } before)
        {
            where.Add("m.taken_local < @before");
            Parameter(count, page, "@before", (long)(before - DateTime.UnixEpoch).TotalMilliseconds);
        }
        foreach (var (word, i) in (query.Words ?? []).Select((w, i) => (w, i)))
        {
            where.Add($"(m.metadata_json LIKE @word{i} OR EXISTS (SELECT 1 FROM files fl WHERE fl.media_id = m.id AND fl.path LIKE @word{i}))");
            Parameter(count, page, $"@word{i}", $"%{word}%");
        }
        var filter = where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where);
        count.CommandText = "SELECT count(*) FROM media m" + filter;
        page.CommandText = RowSelect + filter + " ORDER BY (m.taken_sort IS NULL), m.taken_sort DESC, m.id DESC LIMIT " + PageSize;
        var total = Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        await ReadRowsAsync(page);
        return total;
    }

    /// <summary>The columns of a grid row, with its face and path counts.</summary>
    private const string RowSelect =
        "SELECT m.id, m.content_hash, m.kind, m.format, m.size, m.width, m.height, m.taken_local, m.taken_offset_minutes, m.added_at, m.camera_model, " +
        "m.latitude, m.longitude, (SELECT count(*) FROM faces f WHERE f.media_id = m.id), (SELECT count(*) FROM files fl WHERE fl.media_id = m.id), m.thumbnails FROM media m";

    private static async Task<int> ReadRowsAsync(SqliteCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync();
        var rows = 0;
        var values = new object[reader.FieldCount];
        while (await reader.ReadAsync())
        {
            reader.GetValues(values);
            rows++;
        }
        return rows;
    }

    private static void Parameter(SqliteCommand count, SqliteCommand page, string name, object value)
    {
        count.Parameters.AddWithValue(name, value);
        page.Parameters.AddWithValue(name, value);
    }

    /// <summary>Similar-to without an index: every embedding read and compared (cosine), the same candidate rule as the search's (<see cref="SearchOptions"/>).</summary>
    private static async Task<long> PeerSimilarAsync(SqliteConnection sql, long id)
    {
        var rule = SearchOptions.Default;
        var vectors = new List<(long Id, float[] Vector)>();
        await using (var all = sql.CreateCommand())
        {
            all.CommandText = "SELECT media_id, vector FROM embeddings";
            await using var reader = await all.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                vectors.Add((reader.GetInt64(0), MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(1)).ToArray()));
        }
        var query = vectors.First(v => v.Id == id).Vector;
        var candidates = vectors.Where(v => v.Id != id)
            .Select(v => (v.Id, Similarity: (double)TensorPrimitives.CosineSimilarity(query, v.Vector)))
            .Where(c => c.Similarity >= rule.MinSimilarity)
            .OrderByDescending(c => c.Similarity).Take(rule.SimilarCandidates).ToList();
        if (candidates.Count > 0)
        {
            await using var page = sql.CreateCommand();
            page.CommandText = RowSelect + " WHERE m.id IN (" + string.Join(",", candidates.Take(PageSize).Select(c => c.Id.ToString(CultureInfo.InvariantCulture))) + ")";
            await ReadRowsAsync(page);
        }
        return candidates.Count;
    }
}
