using System.Diagnostics;
using System.Globalization;
using Sightline.Analysis;
using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Inference.Timing;
using Sightline.Models.Cache;
using Sightline.Vision.Detection;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Pipeline;

namespace Sightline.Bench;

/// <summary>
/// <c>analyze --tasks detect,faces,embed</c> through the pipeline (one decode per photo, images in flight batched
/// per model) against the three separate paths one after the other, each decoding on its own as the detect,
/// faces and embed commands do (one single-task pipeline per command: its own decode at its task's size); same
/// process, same engine, same run.
/// Both are weighed against the time spent inside model runs (<see cref="InferenceClock"/>), on equal cores
/// (<c>--cores 1|all|both</c>, default both: every thread pinned to one core, then to all of them).
/// Options: --images DIR, --limit N (first N photos, default 32), --rounds N (best of), --in-flight N, --cores 1|all|both.
/// </summary>
public static class AnalyzeBenchmark
{
    private const string Tasks = "detect,faces,embed";

    public static async Task<int> RunAsync(string[] args)
    {
        var folder = BenchHarness.Option(args, "--images") ?? Path.Combine(BenchHarness.SharedData(), "coco128-train", "images");
        var limit = int.Parse(BenchHarness.Option(args, "--limit") ?? "32", CultureInfo.InvariantCulture);
        var rounds = int.Parse(BenchHarness.Option(args, "--rounds") ?? "1", CultureInfo.InvariantCulture);
        var inFlight = int.Parse(BenchHarness.Option(args, "--in-flight") ?? PipelineOptions.Default.MaxInFlight.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var coreSettings = BenchHarness.CoreSettings(args);
        var files = ImageFiles.Scan([folder]).Images.Take(limit).ToList();
        if (files.Count == 0)
        {
            Console.Error.WriteLine($"no images in '{folder}'");
            return 3;
        }

        var store = new ModelStore();
        Console.WriteLine($"analyze benchmark: {files.Count} photos from {folder}; tasks {Tasks}; {inFlight} images in flight; {BenchHarness.Machine()}");
        Console.WriteLine($"command: {BenchHarness.CommandLine(args)}");
        var results = new List<(CoreSetting Cores, string Pin, Measured Separate, Measured Together, string Runs)>();
        foreach (var cores in coreSettings)
        {
            // Both paths held to the same cores: every thread pinned to them, the commands' engine with that many
            // spinning threads per run, analyze's with one sleeping thread per run and images in flight to fill them.
            using var pin = BenchHarness.Limit(cores);
            using var engine = new InferenceEngine(new EngineOptions(cores.Count));
            using var pipelineEngine = new InferenceEngine(new EngineOptions().ForConcurrentRuns());
            await using var context = TaskContext.Create(store, pipelineEngine);
            var tasks = await TaskSelection.CreateAsync(TaskSelection.Choose(BuiltInTasks.Registry, Tasks), context);
            var pipeline = new AnalysisPipeline(tasks, options: new PipelineOptions(inFlight));
            var detector = Detectors.Create(await store.EnsureAsync(Detectors.DefaultModel), engine);
            var faces = await FaceAnalyzer.CreateAsync(store, engine);
            var embedder = Embedders.Create(await store.EnsureAsync(Embedders.DefaultModel), engine);
            Console.WriteLine($"{pin.Description}; commands: {engine.Options.EffectiveThreads} inference threads (spinning), analyze: {pipelineEngine.Options.EffectiveThreads} per run (sleeping)");

            // Warm-up: sessions, allocators, the thread pool and the batchers.
            var warm = files.Take(2).ToList();
            await pipeline.RunAllAsync(warm.Select(ImageSource.File));
            Separate(detector, faces, embedder, warm);

            Measured? separate = null, together = null;
            for (var r = 0; r < rounds; r++)
            {
                var s = Measure(() => Separate(detector, faces, embedder, files));
                var p = Measure(() => Pipeline(pipeline, files));
                separate = separate is null || s.WallMs < separate.WallMs ? s : separate;
                together = together is null || p.WallMs < together.WallMs ? p : together;
            }
            results.Add((cores, pin.Description, separate!, together!, $"detector runs {StatisticsOf(tasks, "detect")}, embedder runs {StatisticsOf(tasks, "embed")}"));
        }

        Console.WriteLine();
        Console.WriteLine("| cores | path | wall (s) | photos/s | inside model runs, summed (s) | with a model running (s) | wall / model running | objects | faces |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            Row(r.Cores, "three commands one after the other (detect, faces, embed)", r.Separate, files.Count);
            Row(r.Cores, $"analyze --tasks {Tasks} (pipeline)", r.Together, files.Count);
        }
        Console.WriteLine();
        foreach (var (cores, _, separate, together, runs) in results)
        {
            Console.WriteLine($"{cores.Label}: speed-up of the pipeline: {separate.WallMs / together.WallMs:0.00}x (goal >= 1.3x); "
                + $"pipeline wall time over model time: {together.WallMs / together.BusyMs:0.00}x with a model running, {together.WallMs / together.SumMs:0.00}x over the summed runs, "
                + $"{together.WallMs / separate.SumMs:0.00}x over the three commands' summed runs (goal <= 1.25x)");
            Console.WriteLine($"{cores.Label}: pipeline per photo: {together.Stages}; {runs}");
        }
        return 0;
    }

    private sealed record Measured(double WallMs, double SumMs, double BusyMs, long Runs, int Objects, int Faces, string Stages);

    private static Measured Measure(Func<(int Objects, int Faces, string Stages)> run)
    {
        GC.Collect();
        InferenceClock.Start();
        var start = Stopwatch.GetTimestamp();
        var (objects, found, stages) = run();
        var wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        InferenceClock.Stop();
        return new Measured(wall, InferenceClock.Sum.TotalMilliseconds, InferenceClock.Busy.TotalMilliseconds, InferenceClock.Runs, objects, found, stages);
    }

    /// <summary>The detect, faces and embed commands one after the other, each its own pipeline over the photos.</summary>
    private static (int, int, string) Separate(IObjectDetector detector, FaceAnalyzer faces, IImageEmbedder embedder, IReadOnlyList<string> files) =>
        SeparateAsync(detector, faces, embedder, files).GetAwaiter().GetResult();

    private static async Task<(int, int, string)> SeparateAsync(IObjectDetector detector, FaceAnalyzer faces, IImageEmbedder embedder, IReadOnlyList<string> files)
    {
        await using var detectWorker = new DetectorWorker(detector, BatchingOptions.Default);
        var detections = await CollectAsync(new DetectTask(detectWorker, DetectOptions.Default), files);
        var analyses = await CollectAsync(new FaceAnalysisTask(faces, FaceAnalysisOptions.Default), files);
        await using var embedWorker = new EmbeddingWorker(embedder, BatchingOptions.Default);
        await CollectAsync(new EmbedTask(embedWorker), files);
        return (detections.Sum(d => d.Detections.Count), analyses.Sum(a => a.Faces.Count), "");
    }

    private static async Task<IReadOnlyList<T>> CollectAsync<T>(IImageTask<T> task, IReadOnlyList<string> files) where T : class
    {
        var results = new List<T>(files.Count);
        await foreach (var outcome in AnalysisPipeline.RunAsync(task, files.Select(ImageSource.File)))
            results.Add(outcome.Result ?? throw new InvalidOperationException($"benchmark photo {outcome.Source} must be readable: {outcome.Error!.Message}"));
        return results;
    }

    private static (int, int, string) Pipeline(AnalysisPipeline pipeline, IReadOnlyList<string> files)
    {
        var outcomes = pipeline.RunAllAsync(files.Select(ImageSource.File)).GetAwaiter().GetResult();
        if (outcomes.Any(o => !o.Succeeded))
            throw new InvalidOperationException("benchmark photos must all be readable");
        var analyses = outcomes.Select(o => o.Result!).ToList();
        var stages = $"decode {analyses.Average(a => a.Timings.DecodeMs):0} ms, "
            + string.Join(", ", pipeline.Tasks.Select(t => $"{t.Name} {analyses.Average(a => a.Timings.TaskMs[t.Name]):0} ms"))
            + " (tasks of a photo overlap)";
        return (analyses.Sum(a => a.Get<DetectionResult>("detect").Detections.Count), analyses.Sum(a => a.Get<FacesResult>("faces").Faces.Count), stages);
    }

    private static string StatisticsOf(IReadOnlyList<IImageTask> tasks, string name)
    {
        var (runs, items) = tasks.Single(t => t.Name == name) switch
        {
            DetectTask d => d.Worker.Statistics,
            EmbedTask e => e.Worker.Statistics,
            _ => (0L, 0L),
        };
        return $"{runs} for {items} photos";
    }

    private static void Row(CoreSetting cores, string path, Measured m, int photos) =>
        Console.WriteLine($"| {cores.Count} | {path} | {m.WallMs / 1000:0.00} | {photos / (m.WallMs / 1000):0.00} | {m.SumMs / 1000:0.00} | {m.BusyMs / 1000:0.00} | {m.WallMs / m.BusyMs:0.00}x | {m.Objects} | {m.Faces} |");
}
