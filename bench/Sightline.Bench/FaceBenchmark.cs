using System.Diagnostics;
using System.Globalization;
using Sightline.Faces;
using Sightline.Faces.Descriptors;
using Sightline.Faces.Detection;
using Sightline.Faces.Evaluation;
using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using SkiaSharp;

namespace Sightline.Bench;

/// <summary>
/// The face engine against the JavaScript libraries that ship its models, in one run on the same pixels:
/// full analysis (detect, landmarks, descriptor, expression, age and gender) per photo with face-api
/// (@vladmandic/face-api, SSD MobileNet v1) and human (@vladmandic/human: BlazeFace, mesh, faceres,
/// emotion) in Node with TensorFlow.js WASM, and Sightline, on equal cores (<c>--cores 1|all|both</c>: one core
/// against one, pinned; n cores as n photos at a time against n Node processes each); then what each gets right on
/// faces-bbt (crops found, leave-one-out identification, all-pairs AUC, expressions, faces per scene);
/// then the three face detectors Sightline can run, on recall and speed.
/// </summary>
public static class FaceBenchmark
{
    private static readonly (string File, int Faces)[] Scenes =
    [
        ("faces-bbt/images/bbt1.jpg", 4), ("faces-bbt/images/bbt2.jpg", 3), ("faces-bbt/images/bbt3.jpg", 5),
        ("faces-bbt/images/bbt4.jpg", 6), ("faces-bbt/images/bbt5.jpg", 5), ("sanity/astronaut.png", 1),
        ("sanity/chelsea.png", 0), ("sanity/coffee.png", 0),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var data = BenchHarness.SharedData();
        var coreSettings = BenchHarness.CoreSettings(args);
        var repeat = BenchHarness.IntOption(args, "--repeat", 3);
        var skipReferences = args.Contains("--no-references");
        foreach (var library in new[] { FaceReferences.Library.FaceApi, FaceReferences.Library.Human })
            if (!skipReferences && FaceReferences.CheckInstalled(library) is { } problem)
            {
                Console.Error.WriteLine(problem);
                return 3;
            }

        var bbt = Path.Combine(data, "faces-bbt");
        var identities = LabelsCsv.Read(Path.Combine(bbt, "identities.csv"), "identity");
        var emotions = LabelsCsv.Read(Path.Combine(bbt, "emotions.csv"), "emotion");
        var crops = identities.Select(i => Path.Combine(bbt, i.File)).ToList();
        var expressionPhotos = emotions.Select(e => Path.Combine(bbt, e.File)).ToList();
        var scenes = Scenes.Select(s => Path.Combine(data, s.File)).ToList();
        // Speed is measured on whole photos (the crops are 150x150 and would flatter everyone).
        var photos = expressionPhotos.Concat(scenes.Take(6)).ToList();

        // One ONNX Runtime thread per analysis: on n cores Sightline analyses n photos at once, as the references run
        // n single-threaded Node processes.
        using var engine = new InferenceEngine(new EngineOptions(1));
        var store = new ModelStore();
        var analyzer = await FaceAnalyzer.CreateAsync(store, engine);

        Console.WriteLine($"# Faces: Sightline against face-api and human ({BenchHarness.Machine()}; each analysis on one thread: Sightline one ONNX Runtime thread, the references TensorFlow.js WASM)");
        Console.WriteLine();

        // The accuracy part reads the references' results on the crops: they join the one-core run, or the first
        // all-cores run when there is no one-core run.
        var all = photos.Concat(crops).ToList();
        FaceReferences.Run? faceApi = null, human = null;
        var pins = new List<string>();
        if (coreSettings.Any(c => c.Count == 1))
        {
            using var pin = BenchHarness.Limit(new CoreSetting(1));
            pins.Add(pin.Description);
            var ours = photos.Select(p => WallAndCpu(() => analyzer.Analyze(p), repeat)).ToList();
            if (!skipReferences)
            {
                faceApi = await FaceReferences.RunAsync(FaceReferences.Library.FaceApi, all, new FaceReferences.Options(Repeat: repeat, Log: _ => { }));
                human = await FaceReferences.RunAsync(FaceReferences.Library.Human, all, new FaceReferences.Options(Repeat: repeat, Log: _ => { }));
            }
            PrintOneCoreTable(photos, analyzer, ours, faceApi, human);
        }
        foreach (var cores in coreSettings.Where(c => c.Count > 1))
        {
            using var pin = BenchHarness.Limit(cores);
            pins.Add(pin.Description);
            var ourMs = PassMs(photos, analyzer, cores.Count, repeat);
            FaceReferences.Run? faceApiN = null, humanN = null;
            if (!skipReferences)
            {
                var inputs = faceApi is null ? all : photos;
                faceApiN = await FaceReferences.RunAsync(FaceReferences.Library.FaceApi, inputs, new FaceReferences.Options(Repeat: repeat, Log: _ => { }, Workers: cores.Workers(photos.Count)));
                humanN = await FaceReferences.RunAsync(FaceReferences.Library.Human, inputs, new FaceReferences.Options(Repeat: repeat, Log: _ => { }, Workers: cores.Workers(photos.Count)));
                faceApi ??= faceApiN;
                human ??= humanN;
            }
            PrintAllCoresTable(photos.Count, cores, ourMs, faceApiN, humanN);
        }
        Console.WriteLine($"Cores limited by: {string.Join("; ", pins.Distinct())}.");
        Console.WriteLine();

        // --- Accuracy on faces-bbt ---
        Console.WriteLine("## faces-bbt: crops with a face, identification, verification, expressions");
        Console.WriteLine();
        Console.WriteLine("| | crops with a face | LOO identification | all-pairs AUC | expressions right | faces per scene (bbt1-5, astronaut; chelsea, coffee) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|");
        var ourCrops = crops.Select(c => analyzer.Analyze(c).Faces.MaxBy(f => f.Box.Area)?.Descriptor).ToList();
        var ourEmotions = expressionPhotos.Select(p => analyzer.Analyze(p).Faces.MaxBy(f => f.Box.Area)?.Emotion?.Label).ToList();
        var ourScenes = scenes.Select(s => analyzer.Analyze(s).Faces.Count).ToList();
        Console.WriteLine(Row("Sightline", identities, ourCrops, ourEmotions, emotions, ourScenes, DescriptorMetric.Euclidean));
        foreach (var run in new[] { faceApi, human })
        {
            if (run is null)
                continue;
            var offset = photos.Count;
            var descriptors = run.Images.Skip(offset).Take(crops.Count).Select(img => img.Faces.MaxBy(f => f.Box.Width * f.Box.Height)?.Descriptor).ToList();
            var refEmotions = run.Images.Take(expressionPhotos.Count).Select(img => img.Faces.MaxBy(f => f.Box.Width * f.Box.Height)?.Emotion).ToList();
            // Scenes are the photos after the expression ones; chelsea and coffee are not timed, so count them here.
            var refScenes = run.Images.Skip(expressionPhotos.Count).Take(6).Select(img => img.Faces.Count).ToList();
            var name = run.Library == FaceReferences.Library.FaceApi ? "face-api" : "human";
            var metric = run.Library == FaceReferences.Library.FaceApi ? DescriptorMetric.Euclidean : DescriptorMetric.Cosine;
            Console.WriteLine(Row(name, identities, descriptors.Select(d => d is null ? null : new FaceDescriptor(name, metric, d)).ToList(), refEmotions, emotions, refScenes, metric));
        }
        Console.WriteLine();
        Console.WriteLine("Expected faces per scene: " + string.Join(", ", Scenes.Select(s => s.Faces)) + ". The references' descriptors are scored on the crops where they find a face.");
        Console.WriteLine();

        // --- Detectors ---
        Console.WriteLine("## Face detectors (Sightline, same pipeline after detection)");
        Console.WriteLine();
        Console.WriteLine("| detector | crops with a face | faces per scene | 6 faces 40 px across in 1920x1080 | ms per photo (scenes) |");
        Console.WriteLine("|---|---:|---|---:|---:|");
        var small = SmallFacesScene(Path.Combine(bbt, "images", "bbt4.jpg"), analyzer);
        foreach (var id in new[] { BlazeFaceDetector.Id, SsdFaceDetector.Id, TinyFaceDetector.Id })
        {
            var detectorOnly = await FaceAnalyzer.CreateAsync(store, engine, new FaceModels(Detector: id));
            var options = new FaceAnalysisOptions(FaceDetectOptions.Default with { MinScore = id == BlazeFaceDetector.Id ? FaceDetectOptions.Default.MinScore : 0.5f }, FaceTasks.None);
            var found = crops.Count(c => detectorOnly.Analyze(c, options).Faces.Count > 0);
            var perScene = scenes.Select(s => detectorOnly.Analyze(s, options).Faces.Count).ToList();
            var smallFound = CountNear(detectorOnly.Analyze(small.Path, options), small.Centres);
            var ms = scenes.Average(s => MedianOf(() => detectorOnly.Analyze(s, options), repeat));
            Console.WriteLine($"| {id} | {found}/40 | {string.Join(", ", perScene)} | {smallFound}/6 | {ms:F1} |");
        }
        File.Delete(small.Path);
        Console.WriteLine();
        Console.WriteLine("`" + BenchHarness.CommandLine(args) + "`");
        return 0;
    }

    /// <summary>One core against one: per photo the median wall / CPU milliseconds of each, and the ratios.</summary>
    private static void PrintOneCoreTable(IReadOnlyList<string> photos, FaceAnalyzer analyzer, IReadOnlyList<(double Wall, double Cpu)> ours, FaceReferences.Run? faceApi, FaceReferences.Run? human)
    {
        Console.WriteLine("## Full analysis per photo, 1 v 1 (median ms, wall / CPU; detect + landmarks + descriptor + expression + age/gender)");
        Console.WriteLine();
        Console.WriteLine("| photo | size | faces | Sightline | face-api | human |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|");
        for (var i = 0; i < photos.Count; i++)
        {
            var a = analyzer.Analyze(photos[i]);
            Console.WriteLine($"| {Path.GetFileName(photos[i])} | {a.Width}x{a.Height} | {a.Faces.Count} | {ours[i].Wall:F0} / {ours[i].Cpu:F0} | {Ms(faceApi, i)} | {Ms(human, i)} |");
        }
        var ourWall = ours.Sum(o => o.Wall);
        var ourCpu = ours.Sum(o => o.Cpu);
        Console.WriteLine($"| **total** | | | **{ourWall:F0} / {ourCpu:F0}** | **{Total(faceApi, photos.Count)}** | **{Total(human, photos.Count)}** |");
        if (faceApi is not null && human is not null)
        {
            var fa = faceApi.Images.Take(photos.Count).ToList();
            var hu = human.Images.Take(photos.Count).ToList();
            Console.WriteLine();
            Console.WriteLine($"Sightline is **{fa.Sum(x => x.Ms) / ourWall:F2}x** (wall) / **{fa.Sum(x => x.CpuMs) / ourCpu:F2}x** (CPU) faster than face-api and " +
                $"**{hu.Sum(x => x.Ms) / ourWall:F2}x** / **{hu.Sum(x => x.CpuMs) / ourCpu:F2}x** faster than human on these {photos.Count} photos " +
                $"(face-api {faceApi.LibraryVersion}, human {human.LibraryVersion}, TensorFlow.js {faceApi.Tfjs} {faceApi.Backend}). " +
                "CPU time is the steadier figure on a shared machine; all three run on one thread, pinned to one core.");
        }
        Console.WriteLine();
    }

    /// <summary>
    /// n cores against n: the whole set of photos, Sightline n at a time (median of <c>repeat</c> passes), each reference
    /// in n Node processes on shares of the photos started together (the slowest one's sum of per-photo medians).
    /// </summary>
    private static void PrintAllCoresTable(int photos, CoreSetting cores, double ourMs, FaceReferences.Run? faceApi, FaceReferences.Run? human)
    {
        Console.WriteLine($"## Full analysis of the {photos} photos, {cores.Label} (ms for the set; Sightline {cores.Count} photos at a time, the references {cores.Workers(photos)} Node processes each)");
        Console.WriteLine();
        Console.WriteLine("| | Sightline | face-api | human |");
        Console.WriteLine("|---|---:|---:|---:|");
        var faceApiMs = faceApi?.SetMs(photos);
        var humanMs = human?.SetMs(photos);
        Console.WriteLine($"| ms for the set | {ourMs:F0} | {Format(faceApiMs, "F0")} | {Format(humanMs, "F0")} |");
        Console.WriteLine($"| photos/s | {1000 * photos / ourMs:F1} | {Format(1000 * photos / faceApiMs, "F1")} | {Format(1000 * photos / humanMs, "F1")} |");
        Console.WriteLine($"| Sightline faster by | | {Format(faceApiMs / ourMs, "F2", "x")} | {Format(humanMs / ourMs, "F2", "x")} |");
        Console.WriteLine();
    }

    private static string Format(double? value, string format, string suffix = "") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) + suffix : "-";

    /// <summary>Median wall milliseconds of a pass over <paramref name="photos"/>, <paramref name="parallel"/> at a time, after one unmeasured pass.</summary>
    private static double PassMs(IReadOnlyList<string> photos, FaceAnalyzer analyzer, int parallel, int repeat) =>
        MedianOf(() => Parallel.ForEach(photos, new ParallelOptions { MaxDegreeOfParallelism = parallel }, p => analyzer.Analyze(p)), repeat);

    private static string Row(string name, IReadOnlyList<LabelledFile> identities, IReadOnlyList<FaceDescriptor?> descriptors, IReadOnlyList<string?> predicted,
        IReadOnlyList<LabelledFile> expected, IReadOnlyList<int> scenes, DescriptorMetric metric)
    {
        var items = identities.Zip(descriptors).Where(p => p.Second is not null).Select(p => (p.First.Label, p.Second!)).ToList();
        var loo = IdentificationMetrics.LeaveOneOut(items);
        var auc = VerificationMetrics.Compute(IdentificationMetrics.AllPairs(items).Select(p => (p.Distance, p.Same)).ToList(), metric == DescriptorMetric.Euclidean ? 0.6f : 0.5f).Auc;
        var right = expected.Zip(predicted).Count(p => p.First.Label == p.Second);
        return $"| {name} | {items.Count}/{identities.Count} | {loo.Correct}/{loo.Queries} ({loo.Accuracy:P1}) | {auc:F4} | {right}/{expected.Count} ({string.Join(" ", predicted.Select(p => p ?? "-"))}) | {string.Join(", ", scenes)} |";
    }

    private static string Ms(FaceReferences.Run? run, int i) => run is null ? "-" : $"{run.Images[i].Ms:F0} / {run.Images[i].CpuMs:F0}";

    private static string Total(FaceReferences.Run? run, int count) => run is null ? "-" : $"{run.Images.Take(count).Sum(x => x.Ms):F0} / {run.Images.Take(count).Sum(x => x.CpuMs):F0}";

    /// <summary>Median wall and CPU milliseconds of one call (CPU of this process: the steadier figure when the machine is shared).</summary>
    private static (double Wall, double Cpu) WallAndCpu(Action action, int repeat)
    {
        action();
        var walls = new double[Math.Max(1, repeat)];
        var cpus = new double[walls.Length];
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < walls.Length; i++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var start = Stopwatch.GetTimestamp();
            action();
            walls[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            process.Refresh();
            cpus[i] = (process.TotalProcessorTime - cpu).TotalMilliseconds;
        }
        Array.Sort(walls);
        Array.Sort(cpus);
        return (walls[walls.Length / 2], cpus[cpus.Length / 2]);
    }

    private static double MedianOf(Action action, int repeat) => BenchHarness.MedianMs(action, Math.Max(1, repeat), warmup: 1);

    /// <summary>bbt4.jpg shrunk so its faces (about 100 px) are 40 px across, placed on a 1920x1080 canvas.</summary>
    private static (string Path, List<SKPoint> Centres) SmallFacesScene(string bbt4, FaceAnalyzer analyzer)
    {
        using var source = ImageDecoder.Decode(bbt4);
        var faces = analyzer.Analyze(source, new FaceAnalysisOptions(FaceDetectOptions.Default, FaceTasks.None)).Faces;
        var scale = 40f / faces.Average(f => f.Box.Width);
        using var canvas = new SKBitmap(new SKImageInfo(1920, 1080, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var c = new SKCanvas(canvas))
        {
            c.Clear(new SKColor(90, 90, 90));
            using var image = SKImage.FromBitmap(source.Bitmap);
            c.DrawImage(image, SKRect.Create(700, 400, source.Width * scale, source.Height * scale), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }
        var path = Path.Combine(Path.GetTempPath(), $"sightline-small-faces-{Environment.ProcessId}.jpg");
        using (var jpeg = canvas.Encode(SKEncodedImageFormat.Jpeg, 92))
            File.WriteAllBytes(path, jpeg.ToArray());
        return (path, faces.Select(f => new SKPoint(700 + (f.Box.X + f.Box.Width / 2) * scale, 400 + (f.Box.Y + f.Box.Height / 2) * scale)).ToList());
    }

    private static int CountNear(FaceAnalysis analysis, IReadOnlyList<SKPoint> centres) =>
        centres.Count(c => analysis.Faces.Any(f => f.Box.X < c.X && f.Box.Right > c.X && f.Box.Y < c.Y && f.Box.Bottom > c.Y));
}
