using System.Globalization;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Models.Catalog;
using Sightline.Models.Import;

namespace Sightline.Bench;

/// <summary>
/// Converted TensorFlow.js models: ONNX Runtime latency against TensorFlow.js (wasm backend, in Node) on
/// the same machine, the same input tensor and in the same run, at batch 1 and batch 8, on equal cores:
/// 1 v 1 is one ORT thread against one Node process, all pinned to one CPU; n v n is n callers of a one-thread
/// ORT session at once against n Node processes at once (ms per run under that load, so the ratio is one of
/// throughputs on n cores).
/// usage: import [--models id,id] [--runs 20] [--warmup 3] [--rounds 3] [--cores 1|all|both] [--backend wasm] [--json out.json]
/// Each round times ORT then TF.js (median of --runs); the best round of each counts, which keeps
/// other load on the machine from deciding the result.
/// </summary>
public static class ImportBenchmark
{
    private sealed record Row(string Model, int Batch, int Cores, double? OrtMs, double? TfjsMs, string Note)
    {
        public double? Speedup => TfjsMs is { } t && OrtMs is { } o ? t / o : null;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var ids = BenchHarness.Option(args, "--models")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? TfjsModels.All.Select(e => e.Id).ToArray();
        var runs = BenchHarness.IntOption(args, "--runs", 20);
        var warmup = BenchHarness.IntOption(args, "--warmup", 3, minimum: 0);
        var coreSettings = BenchHarness.CoreSettings(args);
        var backend = BenchHarness.Option(args, "--backend") ?? "wasm";
        var rounds = BenchHarness.IntOption(args, "--rounds", 3);

        var store = new ModelStore();
        // TensorFlow.js's wasm backend runs one thread per process here, so each ORT caller gets one thread too.
        using var engine = new InferenceEngine(new EngineOptions(1));
        var pins = new List<string>();
        var referenceOptions = TfjsReferenceRunner.Locate(Directory.GetCurrentDirectory()) with { Backend = backend };
        var reference = new TfjsReferenceRunner(referenceOptions);
        var faceApi = await store.EnsureAsync("face-api").ConfigureAwait(false);
        var photos = Enumerable.Range(1, 6).Select(i => faceApi.PathOf($"sample{i}.jpg")).ToList();

        var rows = new List<Row>();
        foreach (var id in ids)
        foreach (var cores in coreSettings)
        {
            using var pin = BenchHarness.Limit(cores);
            if (!pins.Contains(pin.Description))
                pins.Add(pin.Description);
            double? tfjsSingle = null;
            var model = await store.EnsureAsync(id).ConfigureAwait(false);
            var spec = TfjsModels.InputOf(model.Entry.Id) ?? throw new ArgumentException($"{id} is not a converted catalog model");
            var json = model.PathOf(TfjsModels.ModelJsonOf(model.Entry));
            var session = engine.Open(model.ModelPath);
            foreach (var batch in new[] { 1, 8 })
            {
                var input = TfjsInputTensor.FromImages(Enumerable.Range(0, batch).Select(i => photos[i % photos.Count]).ToList(), spec);
                if (batch > 1 && !session.SupportsBatch)
                {
                    rows.Add(new Row(model.Entry.Id, batch, cores.Count, null, null, "graph fixes batch 1"));
                    continue;
                }
                double ortMs = double.MaxValue;
                double? tfjsMs = null;
                var note = "";
                for (var round = 0; round < rounds; round++)
                {
                    ortMs = Math.Min(ortMs, BenchHarness.MedianMsTogether(() => session.Run(input, batch), cores.Count, runs, warmup));
                    if (note.Length > 0)
                        continue;
                    try
                    {
                        tfjsMs = Math.Min(tfjsMs ?? double.MaxValue, TfjsMedianMs(reference, json, input, spec.Shape(batch), runs, warmup, cores.Count));
                    }
                    catch (InvalidOperationException) when (batch > 1 && tfjsSingle is { } single)
                    {
                        // The original graph fixes batch 1: TF.js handles 8 images as 8 runs.
                        tfjsMs = single * batch;
                        note = "TF.js graph fixes batch 1: 8 x its batch-1 time";
                    }
                }
                if (batch == 1)
                    tfjsSingle = tfjsMs;
                rows.Add(new Row(model.Entry.Id, batch, cores.Count, ortMs, tfjsMs, note));
                Console.Error.WriteLine($"{model.Entry.Id} batch {batch}, {cores.Label}: ORT {ortMs:0.00} ms, TF.js {(tfjsMs is { } t ? t.ToString("0.00", CultureInfo.InvariantCulture) : "n/a")} ms");
            }
        }

        Console.WriteLine($"## Converted TensorFlow.js models: ONNX Runtime vs TensorFlow.js {backend}");
        Console.WriteLine();
        Console.WriteLine($"Latency per run (ms): best of {rounds} rounds, each the median of {runs} runs after {warmup} warm-up; ORT with one intra-op thread per caller; TF.js {backend} in Node (one thread per process); same input tensor (face-api demo photos); {BenchHarness.Machine()}.");
        Console.WriteLine($"n v n: n ORT callers at once against n Node processes started at once, each timing its own runs after its warm-up; ms per run under that load. Cores limited by: {string.Join("; ", pins)}.");
        Console.WriteLine();
        Console.WriteLine("| model | batch | cores | ORT ms | TF.js ms | speed-up | note |");
        Console.WriteLine("|---|---:|---|---:|---:|---:|---|");
        foreach (var r in rows)
            Console.WriteLine($"| {r.Model} | {r.Batch} | {r.Cores} v {r.Cores} | {Format(r.OrtMs)} | {Format(r.TfjsMs)} | {(r.Speedup is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) + "x" : "")} | {r.Note} |");
        Console.WriteLine();
        foreach (var cores in coreSettings)
        {
            var speedups = rows.Where(r => r.Cores == cores.Count && r.Speedup is not null).Select(r => r.Speedup!.Value).ToList();
            if (speedups.Count > 0)
                Console.WriteLine($"{cores.Label}: geometric mean speed-up {Math.Exp(speedups.Average(Math.Log)).ToString("0.0", CultureInfo.InvariantCulture)}x; slowest: {speedups.Min().ToString("0.0", CultureInfo.InvariantCulture)}x.");
        }
        Console.WriteLine();
        Console.WriteLine($"`{BenchHarness.CommandLine(args)}`");
        BenchHarness.WriteJson(BenchHarness.Option(args, "--json"), rows.Select(r => new { r.Model, r.Batch, r.Cores, r.OrtMs, r.TfjsMs, r.Speedup, r.Note, backend, runs, rounds, coresLimitedBy = pins }));
        return 0;
    }

    /// <summary>
    /// The median latency of TensorFlow.js runs with <paramref name="processes"/> Node processes started at once on the
    /// same input (each its own model load and warm-up, then its runs), over every run of every process.
    /// </summary>
    private static double TfjsMedianMs(TfjsReferenceRunner reference, string json, float[] input, IReadOnlyList<int> shape, int runs, int warmup, int processes)
    {
        if (processes == 1)
            return BenchHarness.Median(reference.Run(json, input, shape, runs, warmup).LatenciesMs.ToArray());
        var started = Enumerable.Range(0, processes)
            .Select(_ => Task.Factory.StartNew(() => reference.Run(json, input, shape, runs, warmup).LatenciesMs, TaskCreationOptions.LongRunning)).ToArray();
        try
        {
            Task.WaitAll(started);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // As one process would: the caller tells a graph that takes batch 1 only by its exception.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
        return BenchHarness.Median(started.SelectMany(t => t.Result).ToArray());
    }

    private static string Format(double? ms) => ms is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

}
