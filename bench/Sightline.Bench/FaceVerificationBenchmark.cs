using Sightline.Faces;
using Sightline.Faces.Descriptors;
using Sightline.Faces.Detection;
using Sightline.Faces.Evaluation;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;

namespace Sightline.Bench;

/// <summary>
/// Face verification on faces-lfw (news photos, all pairs) and faces-bbt (tight crops, all pairs):
/// Sightline's pipeline against face-api's own (SSD, landmarks, its descriptor crop) on the same decoded
/// pixels, each with its own faces found; Sightline is also scored on just the photos face-api finds a face in.
/// </summary>
internal static class FaceVerificationBenchmark
{
    private const float Threshold = FaceApiDescriber.DefaultThreshold;

    public static async Task<int> RunAsync(string[] args)
    {
        var data = BenchHarness.SharedData();
        var skipReference = args.Contains("--no-references");
        if (!skipReference && FaceReferences.CheckInstalled(FaceReferences.Library.FaceApi) is { } problem)
        {
            Console.Error.WriteLine(problem);
            return 3;
        }
        using var engine = new InferenceEngine(new EngineOptions());
        var analyzer = await FaceAnalyzer.CreateAsync(new ModelStore(), engine);
        var options = new FaceAnalysisOptions(FaceDetectOptions.Default, FaceTasks.Landmarks | FaceTasks.Descriptor);

        Console.WriteLine($"# Face verification: Sightline against face-api's own pipeline ({BenchHarness.Machine()}), all pairs, default threshold {Threshold}");
        Console.WriteLine();
        Console.WriteLine("| set | pipeline | photos with a face | pairs (same) | accuracy at 0.6 | TAR / FAR at 0.6 | best threshold (accuracy) | ROC AUC |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (set, csv) in new[] { ("faces-lfw", "labels.csv"), ("faces-bbt", "identities.csv") })
        {
            var labelled = LabelsCsv.Read(Path.Combine(data, set, csv), "identity");
            var files = labelled.Select(l => l.File).ToList();
            var ours = files.Select(f => analyzer.Analyze(f, options).Faces.MaxBy(x => x.Box.Area)?.Descriptor).ToList();
            Console.WriteLine(Row(set, "Sightline", labelled, ours));
            if (skipReference)
                continue;
            var reference = await FaceReferences.RunAsync(FaceReferences.Library.FaceApi, files, new FaceReferences.Options(Warmup: 0, Repeat: 1, Log: _ => { }));
            var theirs = reference.Images.Select(i => i.Faces.MaxBy(x => x.Box.Width * x.Box.Height)?.Descriptor is { } d ? new FaceDescriptor("face-api", DescriptorMetric.Euclidean, d) : null).ToList();
            Console.WriteLine(Row(set, "face-api", labelled, theirs));
            Console.WriteLine(Row(set, "Sightline, on face-api's photos", labelled, ours.Select((d, i) => theirs[i] is null ? null : d).ToList()));
        }
        Console.WriteLine();
        Console.WriteLine("`" + BenchHarness.CommandLine(args) + "`");
        return 0;
    }

    private static string Row(string set, string name, IReadOnlyList<LabelledFile> labelled, IReadOnlyList<FaceDescriptor?> descriptors)
    {
        var items = labelled.Zip(descriptors).Where(p => p.Second is not null).Select(p => (p.First.Label, p.Second!)).ToList();
        var pairs = IdentificationMetrics.AllPairs(items).Select(p => (p.Distance, p.Same)).ToList();
        if (pairs.Count(p => p.Same) == 0 || pairs.All(p => p.Same))
            return $"| {set} | {name} | {items.Count}/{labelled.Count} | {pairs.Count} | - | - | - | - |";
        var v = VerificationMetrics.Compute(pairs, Threshold);
        return $"| {set} | {name} | {items.Count}/{labelled.Count} | {pairs.Count} ({v.SamePairs}) | {v.AtDefault.Accuracy:P2} | {v.AtDefault.Tar:P1} / {v.AtDefault.Far:P2} | {v.Best.Threshold:F3} ({v.Best.Accuracy:P2}) | {v.Auc:F4} |";
    }
}
