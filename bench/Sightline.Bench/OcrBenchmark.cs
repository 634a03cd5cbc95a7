using System.Diagnostics;
using Sightline.Cli.Commands;
using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Vision.Text;

namespace Sightline.Bench;

/// <summary>
/// Text reading against Tesseract 5 (Debian's tesseract-ocr, its command line as users run it) on the same images, on
/// equal cores (<c>--cores 1|all|both</c>: this process and the Tesseract processes it starts pinned to that many CPUs;
/// OMP_THREAD_LIMIT set to the same count): printed lines of ocr/lines (line layout, page segmentation 7), the pages of
/// ocr-docs and the receipts of ocr/receipts (page layout, page segmentation 3), and the cost of the text task per
/// photo of photo-collection, the part ingestion adds (recognition only runs where the detector found text).
/// Sightline's ms: decode at the task's size and the reader, median of --repeat runs after a warm-up; Tesseract's:
/// the process from start to exit, median of --repeat runs. Options: --repeat 3, --cores, --limit N (images per set), --json out.json.
/// </summary>
public static class OcrBenchmark
{
    private sealed record Set(string Name, IReadOnlyList<string> Images, TextLayout Layout, bool Peer);

    public static async Task<int> RunAsync(string[] args)
    {
        var repeat = BenchHarness.IntOption(args, "--repeat", 3);
        var limit = BenchHarness.IntOption(args, "--limit", int.MaxValue);
        var data = BenchHarness.SharedData();
        if (!TesseractPeer.Available(out var tesseract))
        {
            Console.Error.WriteLine("the text benchmark needs Tesseract: apt-get install tesseract-ocr tesseract-ocr-eng");
            return 2;
        }
        var sets = new List<Set>
        {
            new("ocr/lines (printed lines)", ImageFiles.InFolder(Path.Combine(data, "ocr", "lines")).Take(limit).ToList(), TextLayout.Line, true),
            new("ocr-docs (pages)", ImageFiles.InFolder(Path.Combine(data, "ocr-docs", "images")).Take(limit).ToList(), TextLayout.Page, true),
            new("ocr/receipts (receipt photos)", ImageFiles.InFolder(Path.Combine(data, "ocr", "receipts", "images")).Take(limit).ToList(), TextLayout.Page, true),
            new("photo-collection (ingestion)", ImageFiles.InFolder(Path.Combine(data, "photo-collection")).Take(limit).ToList(), TextLayout.Page, false),
        };
        if (sets.FirstOrDefault(s => s.Images.Count == 0) is { } empty)
        {
            Console.Error.WriteLine($"the text benchmark found no images for {empty.Name} under {data} (set SIGHTLINE_DATA)");
            return 2;
        }
        var model = await new ModelStore().EnsureAsync(OcrReader.ModelId);
        var rows = new List<object>();
        foreach (var cores in BenchHarness.CoreSettings(args))
        {
            using var pin = BenchHarness.Limit(cores);
            Environment.SetEnvironmentVariable("OMP_THREAD_LIMIT", cores.Count.ToString());
            using var engine = new InferenceEngine(new EngineOptions(cores.Count));
            var reader = new OcrReader(model, engine);
            Console.WriteLine($"text benchmark, {cores.Label}: {model.Entry.Id} {model.Version} (ONNX Runtime on {cores.Count} thread(s)) against {tesseract} (OMP_THREAD_LIMIT={cores.Count}); {BenchHarness.Machine()}");
            Console.WriteLine(pin.Description);
            Console.WriteLine();
            Console.WriteLine("| set | images | Sightline ms/image | Tesseract ms/image | speed ratio | images with text | Sightline ms, no text found | Sightline ms, text read |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (var set in sets)
            {
                var options = OcrOptions.Default with { Layout = set.Layout };
                var ours = new List<(double Ms, int Lines)>();
                var skipped = 0;
                foreach (var image in set.Images)
                {
                    OcrResult? result = null;
                    double ms;
                    try
                    {
                        ms = BenchHarness.MedianMs(() =>
                        {
                            using var decoded = ImageDecoder.Decode(image, OcrReader.DecodeSize);
                            result = reader.Read(decoded, options);
                        }, repeat);
                    }
                    catch (ImageLoadException)
                    {
                        // The collection holds videos and sidecars too: only what the library would decode counts.
                        skipped++;
                        continue;
                    }
                    ours.Add((ms, result!.Lines.Count));
                }
                double? peerMs = null;
                if (set.Peer)
                {
                    var times = set.Images.Select(image => BenchHarness.Median(Enumerable.Range(0, repeat)
                        .Select(_ => set.Layout == TextLayout.Line ? TesseractPeer.Read(image, line: true).Ms : TesseractPeer.ReadLines(image).Ms).ToArray())).ToArray();
                    peerMs = BenchHarness.Median(times);
                }
                var median = BenchHarness.Median(ours.Select(o => o.Ms).ToArray());
                var withText = ours.Count(o => o.Lines > 0);
                string Part(Func<(double Ms, int Lines), bool> which) => ours.Any(which) ? $"{BenchHarness.Median(ours.Where(which).Select(o => o.Ms).ToArray()):0}" : "-";
                Console.WriteLine($"| {set.Name} | {ours.Count}{(skipped > 0 ? $" ({skipped} not images)" : "")} | {median:0} | {(peerMs is { } p ? $"{p:0}" : "-")} | " +
                    $"{(peerMs is { } q ? $"{q / median:0.00}x" : "-")} | {withText} | {Part(o => o.Lines == 0)} | {Part(o => o.Lines > 0)} |");
                rows.Add(new { cores = cores.Count, set = set.Name, images = ours.Count, sightlineMs = median, tesseractMs = peerMs, withText,
                    meanMs = ours.Average(o => o.Ms) });
            }
            Console.WriteLine();
        }
        Console.WriteLine("ms are medians over images of each image's median run; speed ratio = Tesseract ms / Sightline ms (above 1: Sightline is faster). " +
            "The photo-collection row is the text task's cost per photo as ingestion runs it (decode shared with the other tasks in a library scan).");
        Console.WriteLine($"command: {BenchHarness.CommandLine(args)}");
        BenchHarness.WriteJson(BenchHarness.Option(args, "--json"), new { tesseract, runs = rows });
        return 0;
    }
}
