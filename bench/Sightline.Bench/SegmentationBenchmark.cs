using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Inference.Timing;
using Sightline.Models.Cache;
using Sightline.Vision.Detection;
using Sightline.Vision.Segmentation;
using Sightline.Vision.Segmentation.Masks;

namespace Sightline.Bench;

/// <summary>
/// Segmentation speed on a folder of photos (coco128 by default) at equal cores against @vladmandic/human's selfie
/// segmentation in Node (tools/human-reference/segment.js, TensorFlow.js WASM), in one run:
/// <list type="bullet">
/// <item>Scope, the same on both sides: from decoded pixels in memory (every image decoded beforehand, full size,
/// the same RGB for both) to the person mask at the image's own size: resize to the model input, tensor,
/// inference, the mask back at image size. Decoding is timed apart (Sightline's JPEG decode, per stage).</item>
/// <item>1 core against 1 core: Sightline with one ONNX Runtime thread, one image after another; human with its
/// WASM build (one thread) in one Node process.</item>
/// <item>N cores against N cores (N = the machine's cores, or --cores): Sightline with N images at once, one ONNX
/// Runtime thread each; human with N Node processes, one per core, each with a share of the images.</item>
/// </list>
/// Sightline's pipelines: selfie on the whole image, selfie on detected person crops (the default), U²-Net-p on
/// the whole image, instance segmentation; person crops also from NanoDet and from the whole-image mask. Also: per-stage times of whole-image selfie, the same from JPEG files
/// (decode included), and how far human's selfie mask agrees with Sightline's (mean IoU).
/// Options: --images DIR, --limit N (first N images), --rounds N (best of), --cores N, --no-human, --node,
/// --human-reference DIR, --quick (whole-image selfie and person crops only).
/// </summary>
public static class SegmentationBenchmark
{
    private sealed record Row(string Name, int Cores, int Images, double Seconds, double CpuSeconds)
    {
        public double Rate => Images / Seconds;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var images = BenchHarness.Option(args, "--images") ?? Path.Combine(BenchHarness.SharedData(), "coco128-train", "images");
        var rounds = Math.Max(1, int.Parse(BenchHarness.Option(args, "--rounds") ?? "1", CultureInfo.InvariantCulture));
        var cores = Math.Max(1, BenchHarness.Option(args, "--cores") is { } c ? int.Parse(c, CultureInfo.InvariantCulture) : Environment.ProcessorCount);
        if (!Directory.Exists(images))
        {
            Console.Error.WriteLine($"images folder '{images}' not found (use --images)");
            return 3;
        }
        var files = ImageFiles.InFolder(images);
        if (BenchHarness.Option(args, "--limit") is { } limit)
            files = files.Take(int.Parse(limit, CultureInfo.InvariantCulture)).ToList();
        Console.WriteLine($"segmentation benchmark: {files.Count} images from {images}; {BenchHarness.Machine()}; 1 core and {cores} cores");
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
        // One ONNX Runtime thread per session: 1 core runs one image at a time, N cores run N images at once.
        using var engine = new InferenceEngine(new EngineOptions(1));
        var selfieModel = await store.EnsureAsync(SegmentationModels.Selfie);
        var meetModel = await store.EnsureAsync(SegmentationModels.Meet);
        var selfie = SegmentationModels.Open(selfieModel, engine);
        var salient = SegmentationModels.Open(await store.EnsureAsync(SegmentationModels.Salient), engine);
        var detector = Detectors.Create(await store.EnsureAsync(Detectors.CenterNet), engine);
        var nanodet = Detectors.Create(await store.EnsureAsync(Detectors.NanoDet), engine);

        var decodeStart = Stopwatch.GetTimestamp();
        var decoded = files.Select(f => ImageDecoder.Decode(f)).ToList();
        var decodeMs = StageTimings.Since(decodeStart) / decoded.Count;
        try
        {
            var wholeSelfie = new SemanticSegmenter(selfie);
            var selfieMasks = new Dictionary<string, BinaryMask>();
            var stages = new StageTimings[decoded.Count];
            var runs = new List<(string Name, Action<int> Run)>
            {
                ("Sightline selfie, whole image", i => wholeSelfie.Segment(decoded[i], new SegmentOptions(SegmentationMethod.FullImage))),
                ("Sightline selfie on person crops (CenterNet; the default)", i => new SemanticSegmenter(selfie, detector).Segment(decoded[i], new SegmentOptions(SegmentationMethod.PersonCrops))),
                ("Sightline selfie on person crops (NanoDet)", i => new SemanticSegmenter(selfie, nanodet).Segment(decoded[i], new SegmentOptions(SegmentationMethod.PersonCrops))),
                ("Sightline selfie on person crops from the whole-image mask (no detector)", i => wholeSelfie.Segment(decoded[i],
                    new SegmentOptions(SegmentationMethod.PersonCrops, Regions: PersonRegionSource.Mask))),
            };
            if (!args.Contains("--quick"))
            {
                runs.Add(("Sightline U²-Net-p, whole image", i => new SemanticSegmenter(salient).Segment(decoded[i], new SegmentOptions(SegmentationMethod.FullImage))));
                runs.Add(("Sightline instances: CenterNet + selfie / U²-Net-p (min score 0.3)", i => new InstanceSegmenter(detector, selfie, salient).Segment(decoded[i])));
            }

            var rows = new List<Row>();
            foreach (var (name, run) in runs)
                foreach (var n in cores == 1 ? [1] : new[] { 1, cores })
                {
                    run(0); // warm-up: sessions created, first-run allocations done
                    var (seconds, cpu) = Best(rounds, () => Parallel.For(0, decoded.Count, new ParallelOptions { MaxDegreeOfParallelism = n }, run));
                    rows.Add(new Row(name, n, decoded.Count, seconds, cpu));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}, {n} core(s): {decoded.Count} images in {seconds:0.00} s"));
                }
            // Per-stage times from one more pass, one image at a time; its masks are compared with human's.
            for (var i = 0; i < decoded.Count; i++)
            {
                var result = wholeSelfie.Segment(decoded[i], new SegmentOptions(SegmentationMethod.FullImage));
                stages[i] = result.Timings;
                selfieMasks[files[i]] = result.Foreground();
            }
            var selfieStages = stages.Aggregate(default(StageTimings), (a, b) => a + b).Share(stages.Length);

            // The same pipeline from the JPEG files, decoding included (Sightline's decoder at the size the
            // segmenter asks for), one file after another on one core.
            var (fileSeconds, fileCpu) = Best(rounds, () =>
            {
                foreach (var file in files)
                {
                    using var image = ImageDecoder.Decode(file);
                    wholeSelfie.Segment(image, new SegmentOptions(SegmentationMethod.FullImage));
                }
            });
            rows.Add(new Row("Sightline selfie, whole image, from the JPEG files (decoding included)", 1, files.Count, fileSeconds, fileCpu));

            var notes = new List<string>();
            if (withHuman)
                await RunHumanAsync(rows, notes, files, selfieMasks, selfieModel, meetModel, referenceDir, node, rounds, cores);

            Console.WriteLine();
            Console.WriteLine("| pipeline | cores | images | seconds | images/s | CPU ms/image | vs human selfie, same cores (wall) | (CPU) |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var row in rows)
            {
                var human = rows.FirstOrDefault(r => r.Name.StartsWith("human", StringComparison.Ordinal) && r.Name.Contains("selfie", StringComparison.Ordinal) && r.Cores == row.Cores);
                var ratio = human is null ? "-" : (row.Rate / human.Rate).ToString("0.00x", CultureInfo.InvariantCulture);
                var cpuRatio = human is null || row.CpuSeconds <= 0 || human.CpuSeconds <= 0 ? "-"
                    : (human.CpuSeconds / human.Images / (row.CpuSeconds / row.Images)).ToString("0.00x", CultureInfo.InvariantCulture);
                var cpuMs = row.CpuSeconds > 0 ? (row.CpuSeconds * 1000 / row.Images).ToString("0.0", CultureInfo.InvariantCulture) : "-";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {row.Name} | {row.Cores} | {row.Images} | {row.Seconds:0.00} | {row.Rate:0.00} | {cpuMs} | {ratio} | {cpuRatio} |"));
            }
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Sightline whole-image selfie per image, 1 core: decode {decodeMs:0.00} ms (full size, done beforehand, not in the rows above), " +
                $"resize + tensor {selfieStages.PreprocessMs:0.00} ms, inference {selfieStages.InferenceMs:0.00} ms, score map + mask at image size {selfieStages.PostprocessMs:0.00} ms."));
            Console.WriteLine("Scope, both sides: decoded pixels in memory to the person mask at the image's size (resize to the model input, tensor, " +
                "inference, mask back at image size); decoding not included except in the row that says so. " +
                $"1 core: Sightline with one ONNX Runtime thread, one image at a time; human: one Node process (tfjs WASM, one thread). " +
                $"{cores} cores: Sightline with {cores} images at once, one ONNX Runtime thread each; human: {cores} Node processes, one per core, " +
                "each with a share of the images, all started together. Wall time, best of --rounds; CPU: process CPU time over the same runs " +
                "(less sensitive to other load on the machine; human's 1-process CPU is per call, its N-process CPU is not measured).");
            foreach (var note in notes)
                Console.WriteLine(note);
            return 0;
        }
        finally
        {
            foreach (var image in decoded)
                image.Dispose();
        }
    }

    /// <summary>The best wall time of <paramref name="rounds"/> runs, in seconds, with the process CPU time of that run.</summary>
    private static (double Seconds, double CpuSeconds) Best(int rounds, Action run)
    {
        var best = (Seconds: double.MaxValue, Cpu: 0.0);
        using var process = Process.GetCurrentProcess();
        for (var r = 0; r < rounds; r++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var start = Stopwatch.GetTimestamp();
            run();
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            process.Refresh();
            if (seconds < best.Seconds)
                best = (seconds, (process.TotalProcessorTime - cpu).TotalSeconds);
        }
        return best;
    }

    private static async Task RunHumanAsync(List<Row> rows, List<string> notes, IReadOnlyList<string> files, Dictionary<string, BinaryMask> selfieMasks,
        CachedModel selfieModel, CachedModel meetModel, string referenceDir, string node, int rounds, int cores)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"sightline-segment-bench-{Environment.ProcessId}");
        try
        {
            var list = NodeReference.WriteRgbList(files, folder, withSource: true);
            string[] Arguments(CachedModel model, int workers, bool masks) =>
            [
                Path.Combine(referenceDir, "segment.js"), "--model", NodeReference.TfjsModelJson(model), "--list", list.ListFile,
                "--warmup", "1", "--repeat", rounds.ToString(CultureInfo.InvariantCulture), "--workers", workers.ToString(CultureInfo.InvariantCulture),
                .. masks ? Array.Empty<string>() : ["--no-mask"],
            ];
            foreach (var (model, label, workerCounts) in new[] { (selfieModel, "selfie", cores == 1 ? [1] : new[] { 1, cores }), (meetModel, "meet", [1]) })
                foreach (var workers in workerCounts)
                {
                    using var doc = JsonDocument.Parse(await NodeReference.RunAsync(node, referenceDir, Arguments(model, workers, masks: false)));
                    var root = doc.RootElement;
                    var ok = root.GetProperty("images").EnumerateArray().Where(i => !i.TryGetProperty("error", out _)).ToList();
                    var name = $"human {root.GetProperty("versions").GetProperty("human").GetString()} {label}, whole image (tfjs {root.GetProperty("versions").GetProperty("tfjs").GetString()} " +
                        $"{root.GetProperty("backend").GetString()}, simd {root.GetProperty("simd").GetBoolean()}, {(workers == 1 ? "1 process" : $"{workers} processes")})";
                    // One process: the sum of its per-call times (best of the repeats per image); several: the wall time of the whole set.
                    var seconds = workers == 1 ? ok.Sum(i => i.GetProperty("ms").GetDouble()) / 1000 : root.GetProperty("wallMs").GetDouble() / 1000;
                    var cpu = workers == 1 ? ok.Sum(i => i.GetProperty("cpuMs").GetDouble()) / 1000 : 0;
                    rows.Add(new Row(name, workers, ok.Count, seconds, cpu));
                }
            var json = await NodeReference.RunAsync(node, referenceDir, Arguments(selfieModel, 1, masks: true));
            notes.Add(Agreement(json, selfieMasks));
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Mean IoU of human's selfie masks with Sightline's whole-image selfie masks.</summary>
    private static string Agreement(string json, Dictionary<string, BinaryMask> sightline)
    {
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
