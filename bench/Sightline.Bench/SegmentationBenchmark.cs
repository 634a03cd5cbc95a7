using System.Diagnostics;
using System.Globalization;
using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Vision.Detection;
using Sightline.Vision.Segmentation;

namespace Sightline.Bench;

/// <summary>
/// Segmentation speed on a folder of photos (coco128 by default): images per second end to end (JPEG
/// decoding included) for semantic segmentation with selfie on the whole image, selfie on detected person
/// crops, U²-Net-p on the whole image, and instance segmentation (CenterNet boxes, selfie / U²-Net-p masks).
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
        Console.WriteLine($"segmentation benchmark: {files.Count} images from {images}; {BenchHarness.Machine()}");
        Console.WriteLine($"command: {BenchHarness.CommandLine(args)}");

        var store = new ModelStore();
        using var engine = new InferenceEngine(new EngineOptions(threads));
        var selfie = SegmentationModels.Open(await store.EnsureAsync(SegmentationModels.Selfie), engine);
        var salient = SegmentationModels.Open(await store.EnsureAsync(SegmentationModels.Salient), engine);
        var detector = Detectors.Create(await store.EnsureAsync(Detectors.CenterNet), engine);

        var runs = new (string Name, Func<IReadOnlyList<string>, int> Run)[]
        {
            ("semantic: selfie, whole image", f => new SemanticSegmenter(selfie).SegmentFiles(f, new SegmentOptions(SegmentationMethod.FullImage)).Count(o => o.Result is not null)),
            ("semantic: selfie on person crops (CenterNet)", f => new SemanticSegmenter(selfie, detector).SegmentFiles(f, new SegmentOptions(SegmentationMethod.PersonCrops)).Count(o => o.Result is not null)),
            ("semantic: U²-Net-p, whole image", f => new SemanticSegmenter(salient).SegmentFiles(f, new SegmentOptions(SegmentationMethod.FullImage)).Count(o => o.Result is not null)),
            ("instances: CenterNet + selfie / U²-Net-p (min score 0.3)", f => new InstanceSegmenter(detector, selfie, salient).SegmentFiles(f).Count(o => o.Result is not null)),
        };
        Console.WriteLine();
        Console.WriteLine("| pipeline | images | seconds | images/s |");
        Console.WriteLine("|---|---:|---:|---:|");
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
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {done} | {best:0.0} | {done / best:0.00} |"));
        }
        Console.WriteLine();
        Console.WriteLine("No JavaScript reference timing: human's segmentation was not run here (see the report).");
        return 0;
    }
}
