using System.Diagnostics;
using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Similarity;

namespace Sightline.Bench;

/// <summary>
/// End-to-end embedding throughput (decode + pre-processing + inference + post-processing) at several
/// batch sizes, against raw ONNX Runtime inference on ready tensors at the same batch size, same run.
/// </summary>
public static class EmbeddingBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var folder = BenchHarness.Option(args, "--images") ?? Path.Combine(BenchHarness.SharedData(), "flowers-5");
        var batches = (BenchHarness.Option(args, "--batches") ?? "1,8,32").Split(',').Select(int.Parse).ToArray();
        var rounds = int.Parse(BenchHarness.Option(args, "--rounds") ?? "3");
        var threads = BenchHarness.Option(args, "--threads") is { } t ? int.Parse(t) : (int?)null;
        var files = SimilarityIndex.ImageFiles(folder);
        if (files.Count == 0)
        {
            Console.Error.WriteLine($"no images in '{folder}'");
            return 3;
        }

        var store = new ModelStore();
        var model = await store.EnsureAsync(Embedders.DefaultModel);
        using var engine = new InferenceEngine(new EngineOptions(threads));
        var session = engine.Open(model.ModelPath);
        Console.WriteLine($"embedding benchmark: {files.Count} photos from {folder}; {model.Entry.Id} {model.Version}; {engine.Options.EffectiveThreads} inference threads; {BenchHarness.Machine()}");
        Console.WriteLine($"command: {BenchHarness.CommandLine(args)}");

        // Raw runs get a ready tensor; a CNN's cost does not depend on the pixel values.
        var item = 3 * 224 * 224;
        var rows = new List<Row>();
        foreach (var batch in batches)
        {
            var embedder = new ResNetEmbedder(model, engine, new EmbedderOptions(batch));
            var ready = new float[item * batch];
            var runsPerRound = (files.Count + batch - 1) / batch;
            embedder.EmbedFiles(files.Take(batch).ToList()); // warm-up: sessions, allocator, thread pool
            session.Run(ready, batch);

            double pipelineMs = double.MaxValue, rawMs = double.MaxValue;
            for (var r = 0; r < rounds; r++)
            {
                var start = Stopwatch.GetTimestamp();
                var outcomes = embedder.EmbedFiles(files);
                pipelineMs = Math.Min(pipelineMs, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (outcomes.Any(o => !o.Succeeded))
                    throw new InvalidOperationException("benchmark photos must all be readable");

                start = Stopwatch.GetTimestamp();
                for (var i = 0; i < runsPerRound; i++)
                {
                    var count = Math.Min(batch, files.Count - i * batch);
                    session.Run(ready.AsMemory(0, item * count), count);
                }
                rawMs = Math.Min(rawMs, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            rows.Add(new Row(batch, files.Count, pipelineMs, rawMs));
        }

        Console.WriteLine();
        Console.WriteLine("| batch | pipeline images/s | raw inference images/s | pipeline ms/image | raw ms/image | pipeline / raw |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
            Console.WriteLine($"| {row.Batch} | {row.PipelineImagesPerSecond:0.0} | {row.RawImagesPerSecond:0.0} | {row.PipelineMsPerImage:0.00} | {row.RawMsPerImage:0.00} | {row.Ratio:0.00}x |");
        Console.WriteLine();
        Console.WriteLine($"best of {rounds} rounds over all {files.Count} photos; pipeline = decode (scaled) + crop + tensor + inference + normalise");
        BenchHarness.WriteJson(BenchHarness.Option(args, "--json"), new { folder, model = model.Entry.Id, version = model.Version, threads = engine.Options.EffectiveThreads, rows });
        return 0;
    }

    public sealed record Row(int Batch, int Images, double PipelineMs, double RawMs)
    {
        public double PipelineImagesPerSecond => Images / (PipelineMs / 1000);
        public double RawImagesPerSecond => Images / (RawMs / 1000);
        public double PipelineMsPerImage => PipelineMs / Images;
        public double RawMsPerImage => RawMs / Images;
        public double Ratio => PipelineMs / RawMs;
    }
}
