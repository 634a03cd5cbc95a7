using System.Globalization;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Models.Catalog;
using Sightline.Models.Import;

namespace Sightline.Bench;

/// <summary>
/// Converted TensorFlow.js models: ONNX Runtime latency against TensorFlow.js (wasm backend, in Node) on
/// the same machine, the same input tensor and in the same run, at batch 1 and batch 8.
/// usage: import [--models id,id] [--runs 20] [--warmup 3] [--rounds 3] [--threads 1] [--backend wasm] [--json out.json]
/// Each round times ORT then TF.js (median of --runs); the best round of each counts, which keeps
/// other load on the machine from deciding the result.
/// </summary>
public static class ImportBenchmark
{
    private sealed record Row(string Model, int Batch, double? OrtMs, double? TfjsMs, string Note)
    {
        public double? Speedup => TfjsMs is { } t && OrtMs is { } o ? t / o : null;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var ids = BenchHarness.Option(args, "--models")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? TfjsModels.All.Select(e => e.Id).ToArray();
        var runs = int.Parse(BenchHarness.Option(args, "--runs") ?? "20", CultureInfo.InvariantCulture);
        var warmup = int.Parse(BenchHarness.Option(args, "--warmup") ?? "3", CultureInfo.InvariantCulture);
        // TensorFlow.js's wasm backend runs on one core here (no threads), so one ORT thread is the fair default.
        var threads = int.Parse(BenchHarness.Option(args, "--threads") ?? "1", CultureInfo.InvariantCulture);
        var backend = BenchHarness.Option(args, "--backend") ?? "wasm";
        var rounds = int.Parse(BenchHarness.Option(args, "--rounds") ?? "3", CultureInfo.InvariantCulture);

        var store = new ModelStore();
        using var engine = new InferenceEngine(new EngineOptions(threads));
        var referenceOptions = TfjsReferenceRunner.Locate(Directory.GetCurrentDirectory()) with { Backend = backend };
        var reference = new TfjsReferenceRunner(referenceOptions);
        var faceApi = await store.EnsureAsync("face-api").ConfigureAwait(false);
        var photos = Enumerable.Range(1, 6).Select(i => faceApi.PathOf($"sample{i}.jpg")).ToList();

        var rows = new List<Row>();
        foreach (var id in ids)
        {
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
                    rows.Add(new Row(model.Entry.Id, batch, null, null, "graph fixes batch 1"));
                    continue;
                }
                double ortMs = double.MaxValue;
                double? tfjsMs = null;
                var note = "";
                for (var round = 0; round < rounds; round++)
                {
                    ortMs = Math.Min(ortMs, BenchHarness.MedianMs(() => session.Run(input, batch), runs, warmup));
                    if (note.Length > 0)
                        continue;
                    try
                    {
                        var run = reference.Run(json, input, spec.Shape(batch), runs, warmup);
                        tfjsMs = Math.Min(tfjsMs ?? double.MaxValue, Median(run.LatenciesMs));
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
                rows.Add(new Row(model.Entry.Id, batch, ortMs, tfjsMs, note));
                Console.Error.WriteLine($"{model.Entry.Id} batch {batch}: ORT {ortMs:0.00} ms, TF.js {(tfjsMs is { } t ? t.ToString("0.00", CultureInfo.InvariantCulture) : "n/a")} ms");
            }
        }

        Console.WriteLine($"## Converted TensorFlow.js models: ONNX Runtime vs TensorFlow.js {backend}");
        Console.WriteLine();
        Console.WriteLine($"Latency per run (ms): best of {rounds} rounds, each the median of {runs} runs after {warmup} warm-up; ORT with {threads} intra-op thread(s); TF.js {backend} in Node (single thread); same input tensor (face-api demo photos); {BenchHarness.Machine()}.");
        Console.WriteLine();
        Console.WriteLine("| model | batch | ORT ms | TF.js ms | speed-up | note |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|");
        foreach (var r in rows)
            Console.WriteLine($"| {r.Model} | {r.Batch} | {Format(r.OrtMs)} | {Format(r.TfjsMs)} | {(r.Speedup is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) + "x" : "")} | {r.Note} |");
        var speedups = rows.Where(r => r.Speedup is not null).Select(r => r.Speedup!.Value).ToList();
        if (speedups.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"Geometric mean speed-up: {Math.Exp(speedups.Average(Math.Log)).ToString("0.0", CultureInfo.InvariantCulture)}x; slowest: {speedups.Min().ToString("0.0", CultureInfo.InvariantCulture)}x.");
        }
        Console.WriteLine();
        Console.WriteLine($"`{BenchHarness.CommandLine(args)}`");
        BenchHarness.WriteJson(BenchHarness.Option(args, "--json"), rows.Select(r => new { r.Model, r.Batch, r.OrtMs, r.TfjsMs, r.Speedup, r.Note, threads, backend, runs, rounds }));
        return 0;
    }

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Format(double? ms) => ms is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

}
