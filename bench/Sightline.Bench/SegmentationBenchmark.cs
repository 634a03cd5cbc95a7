using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Vision.Detection;
using Sightline.Vision.Segmentation;
using Sightline.Vision.Segmentation.Masks;

namespace Sightline.Bench;

/// <summary>
/// Segmentation speed on a folder of photos (coco128 by default): images per second end to end (JPEG
/// decoding included) for semantic segmentation with selfie on the whole image, selfie on detected person
/// crops, U²-Net-p on the whole image, and instance segmentation (CenterNet boxes, selfie / U²-Net-p masks);
/// and, in the same run, @vladmandic/human's selfie and meet segmentation in Node (tools/human-reference/segment.js,
/// TensorFlow.js WASM, one core) on the same decoded pixels, with the speed ratio and how far human's selfie mask
/// agrees with Sightline's whole-image selfie mask (mean IoU over images where either finds a person).
/// Options: --images DIR, --limit N (first N images), --rounds N, --threads N, --no-human, --node, --human-reference DIR.
/// </summary>
public static class SegmentationBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var images = BenchHarness.Option(args, "--images") ?? Path.Combine(BenchHarness.SharedData(), "coco128-train", "images");
        var threads = BenchHarness.Option(args, "--threads") is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : (int?)null;
        var rounds = Math.Max(1, int.Parse(BenchHarness.Option(args, "--rounds") ?? "1", CultureInfo.InvariantCulture));
        if (!Directory.Exists(images))
        {
            Console.Error.WriteLine($"images folder '{images}' not found (use --images)");
            return 3;
        }
        var files = ImageFiles.InFolder(images);
        if (BenchHarness.Option(args, "--limit") is { } limit)
            files = files.Take(int.Parse(limit, CultureInfo.InvariantCulture)).ToList();
        Console.WriteLine($"segmentation benchmark: {files.Count} images from {images}; {BenchHarness.Machine()}");
        Console.WriteLine($"command: {BenchHarness.CommandLine(args)}");

        var withHuman = !args.Contains("--no-human");
        var referenceDir = BenchHarness.Option(args, "--human-reference") ?? NodeReference.ToolDirectory("human-reference");
        var node = BenchHarness.Option(args, "--node") ?? NodeReference.DefaultNode();
        if (withHuman && CheckHumanReference(referenceDir, node) is { } problem)
        {
            Console.Error.WriteLine(problem + " (or --no-human)");
            return 3;
        }

        var store = new ModelStore();
        using var engine = new InferenceEngine(new EngineOptions(threads));
        var selfieModel = await store.EnsureAsync(SegmentationModels.Selfie);
        var meetModel = await store.EnsureAsync(SegmentationModels.Meet);
        var selfie = SegmentationModels.Open(selfieModel, engine);
        var salient = SegmentationModels.Open(await store.EnsureAsync(SegmentationModels.Salient), engine);
        var detector = Detectors.Create(await store.EnsureAsync(Detectors.CenterNet), engine);

        // Sightline's whole-image selfie masks, kept to compare with human's.
        var selfieMasks = new Dictionary<string, BinaryMask>();
        int Semantic(IReadOnlyList<string> f, SemanticSegmenter segmenter, SegmentOptions options, bool keep = false)
        {
            var outcomes = segmenter.SegmentFiles(f, options);
            if (keep)
                foreach (var o in outcomes.Where(o => o.Result is not null))
                    selfieMasks[o.Source] = o.Result!.Foreground();
            return outcomes.Count(o => o.Result is not null);
        }
        var runs = new (string Name, Func<IReadOnlyList<string>, int> Run)[]
        {
            ("Sightline semantic: selfie, whole image", f => Semantic(f, new SemanticSegmenter(selfie), new SegmentOptions(SegmentationMethod.FullImage), keep: true)),
            ("Sightline semantic: selfie on person crops (CenterNet)", f => Semantic(f, new SemanticSegmenter(selfie, detector), new SegmentOptions(SegmentationMethod.PersonCrops))),
            ("Sightline semantic: U²-Net-p, whole image", f => Semantic(f, new SemanticSegmenter(salient), new SegmentOptions(SegmentationMethod.FullImage))),
            ("Sightline instances: CenterNet + selfie / U²-Net-p (min score 0.3)", f => new InstanceSegmenter(detector, selfie, salient).SegmentFiles(f).Count(o => o.Result is not null)),
        };
        var rows = new List<(string Name, int Images, double Seconds)>();
        foreach (var (name, run) in runs)
        {
            run(files.Take(2).ToList()); // warm-up: sessions created, first-run allocations done
            var best = double.MaxValue;
            var done = 0;
            for (var r = 0; r < rounds; r++)
            {
                var start = Stopwatch.GetTimestamp();
                done = run(files);
                best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
            rows.Add((name, done, best));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {done} images in {best:0.0} s"));
        }

        var notes = new List<string>();
        if (withHuman)
        {
            var folder = Path.Combine(Path.GetTempPath(), $"sightline-segment-bench-{Environment.ProcessId}");
            try
            {
                var list = NodeReference.WriteRgbList(files, folder, withSource: true);
                foreach (var (model, label) in new[] { (selfieModel, "selfie"), (meetModel, "meet") })
                {
                    var json = await NodeReference.RunAsync(node, referenceDir,
                    [
                        Path.Combine(referenceDir, "segment.js"), "--model", NodeReference.TfjsModelJson(model), "--list", list.ListFile,
                        "--warmup", "1", "--repeat", rounds.ToString(CultureInfo.InvariantCulture), "--no-mask",
                    ]);
                    using var doc = JsonDocument.Parse(json);
                    var root = doc.RootElement;
                    var ok = root.GetProperty("images").EnumerateArray().Where(i => !i.TryGetProperty("error", out _)).ToList();
                    var ms = ok.Sum(i => i.GetProperty("ms").GetDouble());
                    rows.Add(($"human {root.GetProperty("versions").GetProperty("human").GetString()} {label}, whole image (tfjs {root.GetProperty("versions").GetProperty("tfjs").GetString()} {root.GetProperty("backend").GetString()}, simd {root.GetProperty("simd").GetBoolean()}, 1 thread)", ok.Count, ms / 1000));
                    if (label == "selfie")
                        notes.Add(Agreement(ok, selfieMasks, referenceDir, node, model, list.ListFile));
                }
            }
            finally
            {
                if (Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| pipeline | images | seconds | images/s | vs human selfie |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var human = rows.FirstOrDefault(r => r.Name.StartsWith("human", StringComparison.Ordinal) && r.Name.Contains("selfie", StringComparison.Ordinal));
        foreach (var (name, done, seconds) in rows)
        {
            var rate = done / seconds;
            var ratio = human.Images > 0 ? (rate / (human.Images / human.Seconds)).ToString("0.00x", CultureInfo.InvariantCulture) : "-";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {done} | {seconds:0.0} | {rate:0.00} | {ratio} |"));
        }
        Console.WriteLine();
        Console.WriteLine("Sightline: end to end per image (JPEG decoding included), ONNX Runtime on the CPU with its default threads. " +
            "human: `await human.segmentation(tensor)` plus reading the alpha back, on an int32 tensor made beforehand (decoding not included), " +
            "TensorFlow.js WASM in Node, one thread; the best of --rounds.");
        foreach (var note in notes)
            Console.WriteLine(note);
        return 0;
    }

    /// <summary>Mean IoU of human's selfie masks (a second run with masks) with Sightline's whole-image selfie masks.</summary>
    private static string Agreement(IReadOnlyList<JsonElement> timed, Dictionary<string, BinaryMask> sightline, string referenceDir, string node, CachedModel model, string list)
    {
        var json = NodeReference.RunAsync(node, referenceDir, [Path.Combine(referenceDir, "segment.js"), "--model", NodeReference.TfjsModelJson(model), "--list", list, "--warmup", "0"])
            .GetAwaiter().GetResult();
        using var doc = JsonDocument.Parse(json);
        var ious = new List<double>();
        foreach (var image in doc.RootElement.GetProperty("images").EnumerateArray())
        {
            if (image.TryGetProperty("error", out _) || !sightline.TryGetValue(image.GetProperty("file").GetString()!, out var ours))
                continue;
            var theirs = MaskRle.Decode(image.GetProperty("faces").GetProperty("rle"));
            if ((theirs.Width, theirs.Height) != (ours.Width, ours.Height) || (theirs.IsEmpty && ours.IsEmpty))
                continue;
            ious.Add(BinaryMask.IoU(ours, theirs));
        }
        return ious.Count == 0 ? "Mask agreement: no image with a person in either selfie mask."
            : string.Create(CultureInfo.InvariantCulture, $"Mask agreement, selfie whole image, Sightline vs human: mean IoU {ious.Average():0.000} over {ious.Count} images where either finds a person (median {ious.Order().ElementAt(ious.Count / 2):0.000}).");
    }

    private static string? CheckHumanReference(string dir, string node) =>
        NodeReference.CheckInstalled(node, Path.Combine(dir, "segment.js"),
            $"human reference runner not found: '{Path.Combine(dir, "segment.js")}' (use --human-reference <dir>)", "human",
            [
                Path.Combine("@vladmandic", "human", "dist", "human.node-wasm.js"),
                Path.Combine("@tensorflow", "tfjs-backend-wasm", "dist", "tfjs-backend-wasm-simd.wasm"),
            ],
            "--node / SIGHTLINE_NODE");
}
