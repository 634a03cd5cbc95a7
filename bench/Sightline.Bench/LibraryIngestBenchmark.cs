using System.Diagnostics;
using System.Globalization;
using Sightline.Inference.Sessions;
using Sightline.Inference.Timing;
using Sightline.Library;
using Sightline.Models.Cache;
using Sightline.Vision.Pipeline;
using SkiaSharp;

namespace Sightline.Bench;

/// <summary>
/// <c>library-ingest</c>: a library scan as <c>sightline library scan</c> runs it (one engine made for concurrent
/// runs, the library's default analyses plus thumbnails, batched commits to SQLite), in a temporary folder:
/// coco128 photos, then the same photos upscaled to 12-megapixel camera JPEGs, each with photos/s, the per-stage
/// seconds and the wall time over the summed model runs (<see cref="InferenceClock"/>); then the second scan of an
/// unchanged library of 1,000 small photos (thumbnails only), and the database size per 1,000 photos.
/// </summary>
public static class LibraryIngestBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var limit = BenchHarness.IntOption(args, "--limit", 32);
        var cameraLimit = BenchHarness.IntOption(args, "--camera-limit", 8);
        var unchanged = BenchHarness.IntOption(args, "--unchanged", 1000);
        var cores = BenchHarness.IntOption(args, "--cores", Math.Min(2, Environment.ProcessorCount));
        var threads = BenchHarness.Option(args, "--threads") is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : (int?)null;
        var coco = BenchHarness.Option(args, "--images") ?? Path.Combine(BenchHarness.SharedData(), "coco128-train", "images");
        var sources = Directory.Exists(coco) ? Directory.GetFiles(coco, "*.jpg").Order(StringComparer.Ordinal).ToList() : [];
        if (sources.Count < 2)
        {
            Console.Error.WriteLine($"no coco128 photos in '{coco}'");
            return 3;
        }

        using var pin = BenchHarness.Limit(new CoreSetting(cores));
        var work = Directory.CreateTempSubdirectory("sightline-bench-library-").FullName;
        try
        {
            using var engine = new InferenceEngine(new EngineOptions(threads).ForConcurrentRuns());
            await using var context = TaskContext.Create(new ModelStore(), engine);
            Console.WriteLine($"library-ingest benchmark: default analyses {string.Join(",", LibrarySettings.DefaultTasks)} + thumbnails, SQLite; "
                + $"{pin.Description}; {engine.Options.EffectiveThreads} inference thread(s) per run (sleeping); {BenchHarness.Machine()}; load average before: {LoadAverage()}");
            Console.WriteLine($"command: {BenchHarness.CommandLine(args)}");

            // Warm-up: models, sessions and the thread pool, in a library of its own.
            await IngestAsync(Folder(work, "warm", sources.Take(2)), Path.Combine(work, "warm-lib"), LibrarySettings.Default, context);

            Console.WriteLine();
            Console.WriteLine("| photos | count | wall (s) | photos/s | inside model runs, summed (s) | with a model running (s) | wall / summed runs | wall / model running | database per 1,000 photos |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            var cocoRun = await MeasureAsync("coco128 (640 px)", Folder(work, "coco", sources.Take(limit)), Path.Combine(work, "coco-lib"), context);
            var cameraRun = await MeasureAsync("12 MP camera JPEGs (4000x3000, q90)", CameraFolder(work, sources.Take(cameraLimit)), Path.Combine(work, "camera-lib"), context);
            Console.WriteLine();
            Stages(cocoRun, cameraRun);

            // The library with the default analyses scanned again unchanged: no file read, no model opened (the version cache).
            await using (var opened = await PhotoLibrary.OpenAsync(Path.Combine(work, "coco-lib")))
            {
                var start = Stopwatch.GetTimestamp();
                var again = await opened.ScanAsync(context);
                Console.WriteLine();
                Console.WriteLine($"coco128 library (default analyses) scanned again unchanged: {Stopwatch.GetElapsedTime(start).TotalSeconds:0.00} s, {again.Unchanged} unchanged, {again.AnalysesRun} analyses");
            }

            var small = SmallPhotos(Path.Combine(work, "small"), unchanged);
            var thumbnailsOnly = LibrarySettings.Default with { Tasks = [] };
            var smallLibrary = Path.Combine(work, "small-lib");
            var firstScan = await IngestAsync(small, smallLibrary, thumbnailsOnly, context);
            await using (var opened = await PhotoLibrary.OpenAsync(smallLibrary))
            {
                var start = Stopwatch.GetTimestamp();
                var second = await opened.ScanAsync(context);
                var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                Console.WriteLine();
                Console.WriteLine($"unchanged library of {unchanged} photos (thumbnails only; first scan: {firstScan.Report.NewPhotos} new photos in {firstScan.Report.Elapsed.TotalSeconds:0.0} s, "
                    + $"database {firstScan.DatabaseBytes / (1024.0 * 1024):0.0} MiB): "
                    + $"second scan {seconds:0.00} s (goal < 2 s), {second.Unchanged} unchanged, {second.NewPhotos + second.Changed + second.Linked} read, {second.AnalysesRun} analyses");
            }
            Console.WriteLine($"load average after: {LoadAverage()}");
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private sealed record Ingested(IngestReport Report, long DatabaseBytes);

    private sealed record Measured(string Name, IngestReport Report, double SumSeconds, double BusySeconds);

    private static async Task<Measured> MeasureAsync(string name, string folder, string library, TaskContext context)
    {
        GC.Collect();
        InferenceClock.Start();
        var ingested = await IngestAsync(folder, library, LibrarySettings.Default, context);
        InferenceClock.Stop();
        var report = ingested.Report;
        var photos = report.NewPhotos;
        var wall = report.Elapsed.TotalSeconds;
        var sum = InferenceClock.Sum.TotalSeconds;
        var busy = InferenceClock.Busy.TotalSeconds;
        if (report.Failed > 0)
            throw new InvalidOperationException($"benchmark photos must all be readable: {string.Join("; ", report.NewFailures.Select(f => $"{f.Path}: {f.Reason}"))}");
        Console.WriteLine($"| {name} | {photos} | {wall:0.00} | {photos / wall:0.00} | {sum:0.00} | {busy:0.00} | {wall / sum:0.00}x (goal <= 1.25x) | {wall / busy:0.00}x | "
            + $"{ingested.DatabaseBytes * 1000.0 / Math.Max(1, photos) / (1024 * 1024):0.0} MiB |");
        return new Measured(name, report, sum, busy);
    }

    private static void Stages(params Measured[] runs)
    {
        var stages = runs.SelectMany(r => r.Report.StageSeconds.Keys).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        Console.WriteLine("per stage, seconds per photo summed over the photos in flight (stages of photos in flight overlap):");
        Console.WriteLine();
        Console.WriteLine("| stage | " + string.Join(" | ", runs.Select(r => r.Name)) + " |");
        Console.WriteLine("|---|" + string.Concat(runs.Select(_ => "---:|")));
        foreach (var stage in stages.OrderByDescending(s => runs[0].Report.StageSeconds.GetValueOrDefault(s)))
            Console.WriteLine($"| {stage} | " + string.Join(" | ", runs.Select(r => $"{r.Report.StageSeconds.GetValueOrDefault(stage) / Math.Max(1, r.Report.NewPhotos):0.000}")) + " |");
        Console.WriteLine("| wall per photo | " + string.Join(" | ", runs.Select(r => $"{r.Report.Elapsed.TotalSeconds / Math.Max(1, r.Report.NewPhotos):0.000}")) + " |");
        Console.WriteLine("| model runs per photo, summed | " + string.Join(" | ", runs.Select(r => $"{r.SumSeconds / Math.Max(1, r.Report.NewPhotos):0.000}")) + " |");
    }

    private static async Task<Ingested> IngestAsync(string folder, string library, LibrarySettings settings, TaskContext context)
    {
        IngestReport report;
        await using (var opened = await PhotoLibrary.InitAsync(library, settings: settings))
        {
            await opened.AddFoldersAsync([folder]);
            report = await opened.ScanAsync(context);
        }
        // Measured once the library is closed, when SQLite has folded its write-ahead log into the database file.
        var database = new[] { "library.db", "library.db-wal" }.Select(f => new FileInfo(Path.Combine(library, f))).Where(f => f.Exists).Sum(f => f.Length);
        return new Ingested(report, database);
    }

    private static string Folder(string work, string name, IEnumerable<string> files)
    {
        var folder = Directory.CreateDirectory(Path.Combine(work, name)).FullName;
        foreach (var file in files)
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        return folder;
    }

    /// <summary>Photos upscaled to 4000x3000 and saved as JPEG at quality 90, as a 12-megapixel camera writes them.</summary>
    private static string CameraFolder(string work, IEnumerable<string> files)
    {
        var folder = Directory.CreateDirectory(Path.Combine(work, "camera")).FullName;
        foreach (var file in files)
        {
            using var original = SKBitmap.Decode(file) ?? throw new InvalidOperationException($"cannot decode {file}");
            using var large = original.Resize(new SKImageInfo(4000, 3000), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None))
                ?? throw new InvalidOperationException($"cannot upscale {file}");
            using var image = SKImage.FromBitmap(large);
            using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
            File.WriteAllBytes(Path.Combine(folder, Path.GetFileNameWithoutExtension(file) + "-12mp.jpg"), data.ToArray());
        }
        return folder;
    }

    /// <summary><paramref name="count"/> small JPEGs, each of its own colours so that every one is a distinct photo.</summary>
    private static string SmallPhotos(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        using var bitmap = new SKBitmap(96, 64);
        for (var i = 0; i < count; i++)
        {
            bitmap.Erase(new SKColor((byte)(i % 256), (byte)(i / 256 * 40 % 256), (byte)(i * 7 % 256)));
            bitmap.SetPixel(i % 96, i / 96 % 64, SKColors.White);
            using var image = SKImage.FromBitmap(bitmap);
            using var data = image.Encode(SKEncodedImageFormat.Jpeg, 85);
            File.WriteAllBytes(Path.Combine(folder, $"small-{i:D4}.jpg"), data.ToArray());
        }
        return folder;
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
