using System.Diagnostics;
using Sightline.Library;
using Sightline.Library.Metadata;
using Sightline.Library.Storage;

namespace Sightline.Bench;

/// <summary>
/// The photo library's SQLite store at scale: builds a library of synthetic items shaped like real ones (metadata JSON,
/// 1-3 paths, about 1.5 faces with 512-float descriptors, a 512-float image embedding, four analyses), committed in
/// batches of 1,000 through the real store; then times opening and migrating it, date pages at its start, middle and
/// end, the counts, the outdated-analysis scan and the database's size per 1,000 photos.
/// </summary>
public static class LibraryScaleBenchmark
{
    private const int Batch = 1000;
    private const int PageSize = 100;
    private static readonly string[] Tasks = ["detect", "faces", "embed", "moderate"];

    public static async Task<int> RunAsync(string[] args)
    {
        var count = BenchHarness.IntOption(args, "--count", 100_000);
        var runs = BenchHarness.IntOption(args, "--runs", 9);
        var folder = BenchHarness.Option(args, "--folder") ?? Path.Combine(Path.GetTempPath(), "sightline-library-scale-" + Guid.NewGuid().ToString("N"));
        // --reuse opens a library an earlier --keep run left, so that the first open is a cold one in a fresh process.
        var reuse = args.Contains("--reuse") && File.Exists(Path.Combine(folder, "library.db"));
        var keep = args.Contains("--keep") || reuse;
        Console.WriteLine($"library-scale benchmark: SQLite library of {count:N0} synthetic items in {folder}; {BenchHarness.Machine()}");
        Console.WriteLine($"command: {BenchHarness.CommandLine(args)}");
        var rows = new List<(string Step, string Value, string Goal)>();
        try
        {
            if (!reuse)
            {
                var build = Stopwatch.StartNew();
                var totals = await BuildAsync(folder, count);
                build.Stop();
                rows.Add(($"build: commit {count:N0} items in batches of {Batch:N0}", $"{build.Elapsed.TotalSeconds:0.0} s ({count / build.Elapsed.TotalSeconds:N0} items/s)", ""));
                rows.Add(("synthetic content", $"{totals.Paths:N0} paths, {totals.Faces:N0} faces, {totals.Analyses:N0} analyses", ""));
            }

            var open = new double[runs];
            for (var i = 0; i < runs; i++)
            {
                var watch = Stopwatch.StartNew();
                await using var reopened = await LibraryStores.OpenAsync(LibraryStores.DefaultSqlite, folder);
                await reopened.MigrateAsync();
                open[i] = watch.Elapsed.TotalMilliseconds;
            }
            rows.Add(($"open + migrate the existing library (first in this process{(reuse ? ", cold" : ", after the build")})", $"{open[0]:0} ms", "< 1,000 ms"));
            rows.Add(($"open + migrate, median of the next {runs - 1}", $"{BenchHarness.Median(open[1..]):0} ms", "< 1,000 ms"));

            await using var store = await LibraryStores.OpenAsync(LibraryStores.DefaultSqlite, folder);
            await store.MigrateAsync();
            // Walk every page once: it finds the cursors of the middle and the last page and checks nothing repeats.
            var cursors = new List<string?> { null };
            var seen = 0;
            var walk = Stopwatch.StartNew();
            for (var cursor = (string?)null; ;)
            {
                var page = await store.GetPhotosAsync(new PhotoQuery(PageSize, cursor));
                seen += page.Photos.Count;
                if (page.NextCursor is null)
                    break;
                cursors.Add(cursor = page.NextCursor);
            }
            walk.Stop();
            if (seen != count)
                throw new InvalidOperationException($"paging returned {seen} items of {count}");
            rows.Add(($"walk all {cursors.Count:N0} date pages of {PageSize}", $"{walk.Elapsed.TotalSeconds:0.00} s", ""));
            foreach (var (label, cursor) in new[] { ("start", cursors[0]), ("middle", cursors[cursors.Count / 2]), ("end", cursors[^1]) })
            {
                var ms = await MedianMsAsync(() => store.GetPhotosAsync(new PhotoQuery(PageSize, cursor)), runs);
                rows.Add(($"date page of {PageSize} at the {label}", $"{ms:0.0} ms", "< 50 ms"));
            }
            var added = await MedianMsAsync(() => store.GetPhotosAsync(new PhotoQuery(PageSize, Order: PhotoOrder.AddedDescending)), runs);
            rows.Add(($"newest-added page of {PageSize}", $"{added:0.0} ms", "< 50 ms"));

            rows.Add(("GetCountsAsync", $"{await MedianMsAsync(() => store.GetCountsAsync(), runs):0} ms", ""));
            var wanted = Tasks.ToDictionary(t => t, _ => "v1");
            rows.Add(("GetOutdatedAsync, nothing outdated (scans every item)", $"{await MedianMsAsync(() => store.GetOutdatedAsync(wanted, 100), Math.Min(runs, 3)):0} ms", ""));
            var newer = new Dictionary<string, string>(wanted) { ["faces"] = "v2" };
            rows.Add(("GetOutdatedAsync, every item outdated, first 100", $"{await MedianMsAsync(() => store.GetOutdatedAsync(newer, 100), runs):0.0} ms", ""));
            var middleId = (await store.GetPhotosAsync(new PhotoQuery(1, cursors[cursors.Count / 2]))).Photos[0].Id;
            rows.Add(("GetPhotoAsync (all of one item)", $"{await MedianMsAsync(() => store.GetPhotoAsync(middleId), runs):0.00} ms", ""));
            rows.Add(("FindByHashAsync", $"{await MedianMsAsync(() => store.FindByHashAsync(Hash(count / 2)), runs):0.00} ms", ""));

            var bytes = DatabaseBytes(folder);
            rows.Add(("database size", $"{bytes / 1e6:N0} MB", ""));
            rows.Add(("database size per 1,000 photos", $"{bytes / 1e6 / (count / 1000.0):0.0} MB", ""));
        }
        finally
        {
            if (!keep && Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine("| step | measured | goal |");
        Console.WriteLine("|---|---:|---|");
        foreach (var (step, value, goal) in rows)
            Console.WriteLine($"| {step} | {value} | {goal} |");
        BenchHarness.WriteJson(BenchHarness.Option(args, "--json"), new { count, rows = rows.Select(r => new { r.Step, r.Value, r.Goal }) });
        return 0;
    }

    private static async Task<double> MedianMsAsync<T>(Func<Task<T>> call, int runs)
    {
        await call();
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await call();
            times[i] = watch.Elapsed.TotalMilliseconds;
        }
        return BenchHarness.Median(times);
    }

    /// <summary>The main file and its write-ahead log after a checkpoint: what the library costs on disk.</summary>
    private static long DatabaseBytes(string folder) =>
        Directory.GetFiles(folder, "library.db*").Sum(f => new FileInfo(f).Length);

    private static string Hash(int i) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)));

    private sealed record Totals(long Paths, long Faces, long Analyses);

    private static async Task<Totals> BuildAsync(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        await using var store = await LibraryStores.OpenAsync(LibraryStores.DefaultSqlite, folder);
        await store.MigrateAsync();
        var source = await store.AddFolderAsync(Path.Combine(folder, "photos"));
        var random = new Random(20261202);
        long paths = 0, faces = 0, analyses = 0;
        var start = new DateTime(2010, 1, 1);
        var cameras = new[] { ("Apple", "iPhone 13"), ("Canon", "EOS R6"), ("FUJIFILM", "X100V"), ("SONY", "ILCE-7M3"), ("Google", "Pixel 8") };
        var now = DateTimeOffset.UtcNow;
        for (var first = 0; first < count; first += Batch)
        {
            var updates = new List<PhotoUpdate>(Batch);
            var extraPaths = new List<FileEntry>();
            for (var i = first; i < Math.Min(count, first + Batch); i++)
            {
                var hash = Hash(i);
                var camera = cameras[random.Next(cameras.Length)];
                // One in twenty has no date; seven in ten know their offset.
                DateTime? taken = random.Next(20) == 0 ? null : start.AddSeconds(random.NextDouble() * 15 * 365.25 * 86400);
                TimeSpan? offset = taken is not null && random.Next(10) < 7 ? TimeSpan.FromHours(random.Next(-8, 10)) : null;
                var metadata = new PhotoMetadata
                {
                    TakenAt = taken,
                    TakenOffset = offset,
                    TakenAtSource = taken is null ? null : MetadataSource.Exif,
                    CameraMake = camera.Item1,
                    CameraModel = camera.Item2,
                    LensModel = "24-70mm f/2.8",
                    Location = random.Next(10) < 6 ? new GeoPoint(random.NextDouble() * 140 - 70, random.NextDouble() * 360 - 180, random.Next(0, 2000)) : null,
                    LocationSource = MetadataSource.Exif,
                    Orientation = random.Next(10) == 0 ? 6 : 1,
                    Rating = random.Next(4) == 0 ? random.Next(0, 6) : null,
                    Keywords = random.Next(3) == 0 ? ["holiday", "family", "beach"] : [],
                    Title = random.Next(5) == 0 ? "Summer evening at the lake" : null,
                };
                var faceCount = FaceCount(random);
                var detected = Enumerable.Range(0, faceCount).Select(f => new FaceRecord(f, FaceOrigin.Detected,
                    random.Next(0, 3000), random.Next(0, 2000), 180, 220, 0.6f + 0.4f * random.NextSingle(),
                    Landmarks: Vector(random, 136), Descriptor: Vector(random, 512), DescriptorModel: "face-api-face-recognition",
                    Expression: "neutral", ExpressionScore: 0.8f, Age: random.Next(3, 80), Gender: random.Next(2) == 0 ? "male" : "female",
                    GenderScore: 0.9f, Quality: random.NextSingle())).ToList();
                faces += faceCount;
                var name = $"{Path.Combine(folder, "photos", (taken ?? start).Year.ToString(System.Globalization.CultureInfo.InvariantCulture))}/IMG_{i:D7}.jpg";
                var size = random.Next(1_500_000, 9_000_000);
                var file = new FileEntry(name, source.Id, FileKind.Photo, size, now.AddDays(-random.Next(1000)), hash, null, now);
                var taskResults = Tasks.Select(t => new AnalysisRecord(t, "v1", AnalysisJson(t, random, faceCount), now)).ToList();
                analyses += taskResults.Count;
                updates.Add(new PhotoUpdate(hash, MediaKind.Photo, "jpeg", size, 4032, 3024, metadata, file, taskResults, detected,
                    Embedding: Vector(random, 512), EmbeddingModel: "clip-vit-b32", ThumbnailsWritten: true));
                paths++;
                // Seven in ten have one path, two in ten two, one in ten three (copies, exports, backups).
                var copies = random.Next(10) switch { < 7 => 0, < 9 => 1, _ => 2 };
                for (var c = 0; c < copies; c++)
                    extraPaths.Add(file with { Path = $"{Path.Combine(folder, "photos", "copies", c.ToString(System.Globalization.CultureInfo.InvariantCulture))}/IMG_{i:D7}.jpg" });
                paths += copies;
            }
            await store.CommitAsync(updates);
            await store.SaveFilesAsync(extraPaths);
        }
        return new Totals(paths, faces, analyses);
    }

    /// <summary>0 to 5 faces, 1.5 on average: most photos have none or one, group photos a few.</summary>
    private static int FaceCount(Random random) => random.Next(20) switch { < 6 => 0, < 11 => 1, < 15 => 2, < 18 => 3, < 19 => 4, _ => 5 };

    private static float[] Vector(Random random, int length)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++)
            values[i] = random.NextSingle() * 2 - 1;
        return values;
    }

    /// <summary>Result JSON of about the size each task writes (boxes and labels, face boxes, the embedding's model, moderation scores).</summary>
    private static string AnalysisJson(string task, Random random, int faceCount) => task switch
    {
        "detect" => "{\"task\":\"detect\",\"model\":\"yolox-s\",\"objects\":[" + string.Join(",", Enumerable.Range(0, random.Next(1, 6)).Select(o =>
            $"{{\"label\":\"person\",\"score\":0.{random.Next(100, 999)},\"box\":{{\"x\":{random.Next(3000)},\"y\":{random.Next(2000)},\"width\":{random.Next(50, 900)},\"height\":{random.Next(50, 900)}}}}}")) + "]}",
        "faces" => $"{{\"task\":\"faces\",\"model\":\"face-api\",\"count\":{faceCount}}}",
        "embed" => "{\"task\":\"embed\",\"model\":\"clip-vit-b32\",\"dimensions\":512}",
        _ => $"{{\"task\":\"moderate\",\"model\":\"nsfwjs-mobilenet-v2\",\"scores\":{{\"drawing\":0.0{random.Next(100)},\"hentai\":0.00{random.Next(100)},\"neutral\":0.9{random.Next(100)},\"porn\":0.00{random.Next(100)},\"sexy\":0.0{random.Next(100)}}}}}",
    };
}
