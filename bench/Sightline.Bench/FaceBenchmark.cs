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
/// emotion) in Node with TensorFlow.js WASM (one core), and Sightline; then what each gets right on
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
        var threads = int.Parse(BenchHarness.Option(args, "--threads") ?? "1", CultureInfo.InvariantCulture);
        var repeat = int.Parse(BenchHarness.Option(args, "--repeat") ?? "3", CultureInfo.InvariantCulture);
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

        using var engine = new InferenceEngine(new EngineOptions(threads));
        var store = new ModelStore();
        var analyzer = await FaceAnalyzer.CreateAsync(store, engine);

        Console.WriteLine($"# Faces: Sightline against face-api and human ({BenchHarness.Machine()}; Sightline on {threads} thread(s), references on TensorFlow.js WASM, one core)");
        Console.WriteLine();

        // --- Speed: full analysis per photo ---
        var ours = photos.Select(p => WallAndCpu(() => analyzer.Analyze(p), repeat)).ToList();
        FaceReferences.Run? faceApi = null, human = null;
        if (!skipReferences)
        {
            var all = photos.Concat(crops).ToList();
            faceApi = await FaceReferences.RunAsync(FaceReferences.Library.FaceApi, all, new FaceReferences.Options(Repeat: repeat, Log: _ => { }));
            human = await FaceReferences.RunAsync(FaceReferences.Library.Human, all, new FaceReferences.Options(Repeat: repeat, Log: _ => { }));
        }
        Console.WriteLine("## Full analysis per photo (median ms, wall / CPU; detect + landmarks + descriptor + expression + age/gender)");
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
                "CPU time is the steadier figure on a shared machine; all three run on one thread.");
        }
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
