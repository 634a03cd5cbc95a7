using System.Diagnostics;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Vision.Classification;
using Sightline.Vision.Embeddings;

namespace Sightline.Bench;

/// <summary>
/// Training a classifier from a labelled folder, end to end as <c>sightline train</c> does it: backbone
/// load, embedding every image (and augmented copies with --augment), then training with k-fold
/// validation, L2 selection and unknown calibration. Options: --images folder (default flowers-5),
/// --folds 5, --batch 8, --augment, --runs 3, --threads n, --json out.json.
/// </summary>
public static class ClassificationBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var folder = BenchHarness.Option(args, "--images") ?? Path.Combine(BenchHarness.SharedData(), "flowers-5");
        var folds = int.Parse(BenchHarness.Option(args, "--folds") ?? "5");
        var batch = int.Parse(BenchHarness.Option(args, "--batch") ?? "8");
        var runs = int.Parse(BenchHarness.Option(args, "--runs") ?? "3");
        var threads = BenchHarness.Option(args, "--threads") is { } t ? int.Parse(t) : (int?)null;
        var augment = args.Contains("--augment");
        var labelled = LabelledFolder.Scan(folder);

        var store = new ModelStore();
        var model = await store.EnsureAsync(Embedders.DefaultModel);
        using var engine = new InferenceEngine(new EngineOptions(threads));
        Console.WriteLine($"classification training benchmark: {labelled.Files.Count} photos in {labelled.Classes.Count} classes from {folder}; {model.Entry.Id} {model.Version}; batch {batch}; {folds}-fold; augmentation {(augment ? "on" : "off")}; {engine.Options.EffectiveThreads} inference threads; {BenchHarness.Machine()}");
        Console.WriteLine($"command: {BenchHarness.CommandLine(args)}");

        var rows = new List<Row>();
        for (var r = 0; r < runs; r++)
        {
            // Each run starts cold on the model (a fresh session), as one 'sightline train' process does.
            var start = Stopwatch.GetTimestamp();
            var embedder = Embedders.Create(model, engine, new EmbedderOptions(batch));
            var loadS = Stopwatch.GetElapsedTime(start).TotalSeconds;
            start = Stopwatch.GetTimestamp();
            var embedded = FolderEmbedding.Embed(labelled, embedder, augment ? AugmentationOptions.Default : null);
            var embedS = Stopwatch.GetElapsedTime(start).TotalSeconds;
            start = Stopwatch.GetTimestamp();
            var trained = new ClassifierTrainer(new ClassifierTrainingOptions(Folds: folds, Augment: augment)).Train(embedded.Set);
            var trainS = Stopwatch.GetElapsedTime(start).TotalSeconds;
            rows.Add(new Row(r + 1, loadS, embedS, trainS, loadS + embedS + trainS, trained.Metrics.Accuracy, embedded.Skipped.Count));
        }

        Console.WriteLine();
        Console.WriteLine("| run | model load (s) | embedding (s) | training (s) | total (s) | CV accuracy | skipped |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
            Console.WriteLine($"| {row.Run} | {row.LoadSeconds:0.00} | {row.EmbedSeconds:0.00} | {row.TrainSeconds:0.00} | {row.TotalSeconds:0.00} | {100 * row.Accuracy:0.0} % | {row.Skipped} |");
        var median = rows.OrderBy(r => r.TotalSeconds).ElementAt(rows.Count / 2);
        Console.WriteLine($"| median | {median.LoadSeconds:0.00} | {median.EmbedSeconds:0.00} | {median.TrainSeconds:0.00} | {median.TotalSeconds:0.00} | {100 * median.Accuracy:0.0} % | {median.Skipped} |");
        BenchHarness.WriteJson(BenchHarness.Option(args, "--json"), new { folder, images = labelled.Files.Count, folds, batch, augment, machine = BenchHarness.Machine(), runs = rows });
        return 0;
    }

    private sealed record Row(int Run, double LoadSeconds, double EmbedSeconds, double TrainSeconds, double TotalSeconds, double Accuracy, int Skipped);
}
