using System.Diagnostics;
using System.Text.Json;
using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Vision.Moderation;
using SkiaSharp;

namespace Sightline.Bench;

/// <summary>
/// The content classifier against nsfwjs 4.4.0 itself (tools/reference/nsfwjs.js, TensorFlow.js WASM, one thread)
/// on the same images: coco128's first --limit photos and the sanity photos.
/// Model: both sides get the same 224x224 pixels (Sightline's decode and stretch), which nsfwjs feeds to its model
/// as they are, so the score difference is the model's. End to end: Sightline's own path (scaled decode, stretch)
/// against nsfwjs on the full decoded image (its resizeBilinear with alignCorners). Speed, on equal cores
/// (<c>--cores 1|all|both</c>, default both; every thread and the Node processes pinned to that many CPUs): per image,
/// Sightline with as many images at once as cores (one ONNX Runtime thread each) against as many Node workers, each
/// running nsfwjs's classify() on one WASM thread over its share of the images; medians of --repeat runs.
/// Options: --limit 32, --repeat 3, --cores 1|all|both, --backend wasm|cpu, --node path, --json out.json.
/// </summary>
public static class ModerationBenchmark
{
    private sealed record Image(string Source, SKBitmap Input, DecodedImage Decoded);

    private sealed record NodeImage(float[] Scores, double Ms);

    public static async Task<int> RunAsync(string[] args)
    {
        var limit = int.Parse(BenchHarness.Option(args, "--limit") ?? "32");
        var repeat = int.Parse(BenchHarness.Option(args, "--repeat") ?? "3");
        var coreSettings = BenchHarness.CoreSettings(args);
        var backend = BenchHarness.Option(args, "--backend") ?? "wasm";
        var node = BenchHarness.Option(args, "--node") ?? NodeReference.DefaultNode();
        var data = BenchHarness.SharedData();
        var coco = Path.Combine(data, "coco128-train", "images");
        var sanity = Path.Combine(data, "sanity");
        if (!Directory.Exists(coco) || !Directory.Exists(sanity))
        {
            Console.Error.WriteLine($"moderation benchmark needs {coco} and {sanity} (set SIGHTLINE_DATA)");
            return 2;
        }
        var script = Path.Combine(NodeReference.ToolDirectory("reference"), "nsfwjs.js");
        if (NodeReference.CheckInstalled(node, script, $"nsfwjs reference not found: '{script}'", "nsfwjs",
                ["nsfwjs/package.json", "@tensorflow/tfjs/package.json", "@tensorflow/tfjs-backend-wasm/package.json"]) is { } missing)
        {
            Console.Error.WriteLine(missing);
            return 2;
        }

        var cocoFiles = ImageFiles.InFolder(coco).Take(limit).ToList();
        var files = cocoFiles.Concat(ImageFiles.InFolder(sanity)).ToList();
        var model = await new ModelStore().EnsureAsync(ModerationClasses.ModelId);
        var rows = new List<object>();
        foreach (var cores in coreSettings)
        {
            using var pin = BenchHarness.Limit(cores);
            // One ONNX Runtime thread per run; the cores are filled by as many images at once, as nsfwjs's by as many workers.
            using var engine = new InferenceEngine(new EngineOptions(1));
            var moderator = new ContentModerator(model, engine, maxBatch: 1);
            var images = files.Select(f =>
            {
                var decoded = ImageDecoder.Decode(f, moderator.DecodeSize);
                return new Image(f, moderator.FitToInput(decoded.Bitmap), decoded);
            }).ToList();

            // One list, both kinds of input: the 224x224 model inputs, then the full decoded images; one share per worker.
            var folder = Path.Combine(Path.GetTempPath(), $"sightline-moderation-{Environment.ProcessId}");
            Directory.CreateDirectory(folder);
            var lines = new List<string>();
            for (var i = 0; i < images.Count; i++)
                lines.Add(WriteRgb(folder, $"m{i}", images[i].Input, images[i].Source));
            for (var i = 0; i < files.Count; i++)
            {
                using var full = ImageDecoder.Decode(files[i]);
                lines.Add(WriteRgb(folder, $"e{i}", full.Bitmap, files[i]));
            }
            var list = Path.Combine(folder, "images.jsonl");
            File.WriteAllLines(list, lines);
            var workers = cores.Workers(lines.Count);
            var shares = NodeReference.Shard(list, workers);
            var nodeArgs = shares.Select(share => (IReadOnlyList<string>)[script, "--list", share.ListFile, "--backend", backend, "--warmup", "2", "--repeat", repeat.ToString()]).ToList();
            var nodeCommand = $"{workers} x node tools/reference/nsfwjs.js --list <share of images.jsonl> --backend {backend} --warmup 2 --repeat {repeat}";
            var documents = await NodeReference.RunTogetherAsync(node, NodeReference.ToolDirectory("reference"), nodeArgs);
            string nodeInfo = "";
            var reference = new Dictionary<string, NodeImage>();
            foreach (var json in documents)
                foreach (var (id, image) in ParseNode(json, moderator.Labels, out nodeInfo))
                    reference[id] = image;
            Directory.Delete(folder, recursive: true);

            // Sightline on the same 224x224 pixels: tensor writing and the model, per image, cores.Count images at once.
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = cores.Count };
            var modelScores = new float[images.Count][];
            var modelMs = new double[images.Count];
            Parallel.For(0, images.Count, parallel, i =>
            {
                var tensor = new float[moderator.Input.ItemLength];
                var input = images[i].Input;
                modelMs[i] = BenchHarness.MedianMs(() =>
                {
                    moderator.WriteInput(input.GetPixelSpan(), tensor);
                    modelScores[i] = moderator.Score(tensor, 1)[0];
                }, repeat, warmup: i < cores.Count ? 2 : 0);
            });
            // Sightline end to end from its decode: stretch, tensor, model, verdict.
            var endScores = new ModerationResult[images.Count];
            var endMs = new double[images.Count];
            Parallel.For(0, images.Count, parallel, i =>
            {
                var decoded = images[i].Decoded;
                endMs[i] = BenchHarness.MedianMs(() => endScores[i] = moderator.Moderate(decoded, ModerateOptions.Default), repeat, warmup: 0);
            });

            var options = ModerateOptions.Default;
            var modelDiff = images.Select((_, i) => MaxDiff(modelScores[i], reference[$"m{i}"].Scores)).ToArray();
            var endDiff = images.Select((_, i) => MaxDiff(endScores[i].Scores.Select(s => s.Score).ToArray(), reference[$"e{i}"].Scores)).ToArray();
            var modelAgree = images.Where((_, i) => Verdict(moderator, modelScores[i], options) == Verdict(moderator, reference[$"m{i}"].Scores, options)).Count();
            var endAgree = images.Where((_, i) => endScores[i].Verdict == Verdict(moderator, reference[$"e{i}"].Scores, options)).Count();
            var nodeModelMs = images.Select((_, i) => reference[$"m{i}"].Ms).ToArray();
            var nodeEndMs = images.Select((_, i) => reference[$"e{i}"].Ms).ToArray();

            Console.WriteLine($"moderation benchmark, {cores.Label}: {images.Count} images ({cocoFiles.Count} coco128 + {files.Count - cocoFiles.Count} sanity); {model.Entry.Id} {model.Version}; Sightline {cores.Count} image(s) at once on one ONNX Runtime thread each, nsfwjs {workers} worker(s), {nodeInfo}; {BenchHarness.Machine()}");
            Console.WriteLine(pin.Description);
            Console.WriteLine();
            Console.WriteLine("| comparison | max abs score difference | median abs difference of the top class | verdicts agree | Sightline ms/image | nsfwjs ms/image | speed ratio | Sightline images/s | nsfwjs images/s |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
            Console.WriteLine($"| model (same 224x224 input) | {modelDiff.Max():G3} | {Median(images.Select((_, i) => TopDiff(modelScores[i], reference[$"m{i}"].Scores))):G3} | {modelAgree}/{images.Count} | {Median(modelMs):0.0} | {Median(nodeModelMs):0.0} | {Median(nodeModelMs) / Median(modelMs):0.00}x | {PerSecond(cores.Count, modelMs):0.0} | {PerSecond(workers, nodeModelMs):0.0} |");
            Console.WriteLine($"| end to end (each side resizes) | {endDiff.Max():G3} | {Median(images.Select((_, i) => TopDiff(endScores[i].Scores.Select(s => s.Score).ToArray(), reference[$"e{i}"].Scores))):G3} | {endAgree}/{images.Count} | {Median(endMs):0.0} | {Median(nodeEndMs):0.0} | {Median(nodeEndMs) / Median(endMs):0.00}x | {PerSecond(cores.Count, endMs):0.0} | {PerSecond(workers, nodeEndMs):0.0} |");
            Console.WriteLine();
            Console.WriteLine($"Sightline ms: tensor + model (model row); stretch + tensor + model + verdict from the decoded image (end-to-end row). nsfwjs ms: the awaited classify() on an int32 tensor (its /255, resize unless 224x224, predict, top-k). images/s: images at once (workers) / median ms.");
            var worst = Array.IndexOf(endDiff, endDiff.Max());
            Console.WriteLine($"end to end: {endDiff.Count(d => d > 0.1)} of {images.Count} images differ by more than 0.1 in some class; the most: {files[worst]} " +
                $"(Sightline {Scores(moderator.Labels, endScores[worst].Scores.Select(s => s.Score))}; nsfwjs {Scores(moderator.Labels, reference[$"e{worst}"].Scores)})");
            Console.WriteLine($"node side: {nodeCommand}");
            Console.WriteLine();
            rows.Add(new
            {
                cores = cores.Count, workers, pin = pin.Description, nodeInfo,
                model = new { maxAbsDiff = modelDiff.Max(), agree = modelAgree, sightlineMs = Median(modelMs), nsfwjsMs = Median(nodeModelMs) },
                endToEnd = new { maxAbsDiff = endDiff.Max(), agree = endAgree, sightlineMs = Median(endMs), nsfwjsMs = Median(nodeEndMs) },
            });
            foreach (var image in images)
            {
                image.Input.Dispose();
                image.Decoded.Dispose();
            }
        }
        Console.WriteLine($"command: {BenchHarness.CommandLine(args)}");
        BenchHarness.WriteJson(BenchHarness.Option(args, "--json"), new { images = files, backend, runs = rows });
        return 0;
    }

    /// <summary>Images per second with <paramref name="atOnce"/> images in progress at a time, each taking the median of <paramref name="ms"/>.</summary>
    private static double PerSecond(int atOnce, IEnumerable<double> ms) => atOnce * 1000 / Median(ms);

    private static string WriteRgb(string folder, string id, SKBitmap bitmap, string source)
    {
        var file = Path.Combine(folder, id + ".rgb");
        File.WriteAllBytes(file, NodeReference.RgbBytes(bitmap));
        return JsonSerializer.Serialize(new { id, file, width = bitmap.Width, height = bitmap.Height, source });
    }

    /// <summary>Scores by list id, in the model's class order (checked against nsfwjs's own class list).</summary>
    private static Dictionary<string, NodeImage> ParseNode(string json, IReadOnlyList<string> labels, out string info)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var classes = root.GetProperty("classes").EnumerateArray().Select(c => c.GetString()!).ToList();
        if (!classes.SequenceEqual(labels))
            throw new InvalidOperationException($"nsfwjs's classes ({string.Join(", ", classes)}) are not the catalog's ({string.Join(", ", labels)})");
        info = $"{root.GetProperty("versions").GetProperty("nsfwjs").GetString()} on TensorFlow.js {root.GetProperty("versions").GetProperty("tfjs").GetString()} " +
            $"{root.GetProperty("backend").GetString()} (SIMD {root.GetProperty("simd").GetBoolean()}, threads {root.GetProperty("multithread").GetBoolean()}), Node {root.GetProperty("versions").GetProperty("node").GetString()}";
        var result = new Dictionary<string, NodeImage>();
        foreach (var image in root.GetProperty("images").EnumerateArray())
        {
            var id = image.GetProperty("id").GetString()!;
            if (image.TryGetProperty("error", out var error))
                throw new InvalidOperationException($"nsfwjs failed on {id}: {error.GetString()}");
            var scores = image.GetProperty("scores");
            result[id] = new NodeImage(labels.Select(l => scores.GetProperty(l).GetSingle()).ToArray(), image.GetProperty("ms").GetDouble());
        }
        return result;
    }

    private static ModerationVerdict Verdict(ContentModerator moderator, float[] scores, ModerateOptions options) =>
        ModerationRule.Decide(moderator.Labels, scores, options).Verdict;

    private static string Scores(IReadOnlyList<string> labels, IEnumerable<float> scores) =>
        string.Join(", ", labels.Zip(scores, (l, p) => $"{l} {p:0.000}"));

    private static double MaxDiff(float[] a, float[] b) => a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Max();

    /// <summary>How far apart the two sides put the class Sightline ranks first.</summary>
    private static double TopDiff(float[] sightline, float[] reference)
    {
        var top = Array.IndexOf(sightline, sightline.Max());
        return Math.Abs(sightline[top] - reference[top]);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
