using Sightline.Bench;

// Each benchmark prints a Markdown table and the command that produced it.
var benchmarks = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["embed"] = EmbeddingBenchmark.RunAsync,
    ["decode"] = DecodeBenchmark.RunAsync,
    ["load"] = LoadBenchmark.RunAsync,
    ["classify"] = ClassificationBenchmark.RunAsync,
    ["import"] = ImportBenchmark.RunAsync,
    ["detect"] = DetectionBenchmark.RunAsync,
    ["faces"] = FaceBenchmark.RunAsync,
    ["faces-verification"] = FaceVerificationBenchmark.RunAsync,
    ["segment"] = SegmentationBenchmark.RunAsync,
    ["moderate"] = ModerationBenchmark.RunAsync,
    ["ocr"] = OcrBenchmark.RunAsync,
    ["analyze"] = AnalyzeBenchmark.RunAsync,
    ["library-ingest"] = LibraryIngestBenchmark.RunAsync,
    ["library-scale"] = LibraryScaleBenchmark.RunAsync,
    ["people-cluster"] = PeopleClusterBenchmark.RunAsync,
    ["library-search"] = LibrarySearchBenchmark.RunAsync,
    ["grid-paint"] = GridPaintBenchmark.RunAsync,
    ["video"] = VideoBenchmark.RunAsync,
    ["soak"] = SoakBenchmark.RunAsync,
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: dotnet run -c Release --project bench/Sightline.Bench -- <{string.Join("|", benchmarks.Keys)}> [options]");
    return 2;
}
try
{
    return await run(args);
}
catch (BenchOptionException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
