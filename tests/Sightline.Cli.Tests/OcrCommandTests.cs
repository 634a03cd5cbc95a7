using Sightline.Tests.Shared;

namespace Sightline.Cli.Tests;

/// <summary><c>sightline ocr</c> and <c>sightline eval ocr</c> on pages printed in code (the peer left out: it is the benchmark's).</summary>
[Collection(PretrainedCollection.Name)]
public sealed class OcrCommandTests(PretrainedModels models) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-cli-ocr-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Page(string name, string[] lines, int degrees = 0)
    {
        using var page = TextImages.Page(lines, degrees: degrees);
        return TextImages.Save(page, Path.Combine(_dir, name));
    }

    [Fact]
    public async Task A_folder_gives_the_text_of_each_image_and_names_the_broken_one()
    {
        models.Get("ocr-models");
        Page("photos/a.png", ["Open daily 8 to 22"]);
        Page("photos/b.png", ["Keep left"], degrees: 270);
        File.WriteAllBytes(Path.Combine(_dir, "photos", "broken.png"), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]);
        File.WriteAllText(Path.Combine(_dir, "photos", "notes.txt"), "not an image");

        var result = await CliRunner.RunAsync("ocr", Path.Combine(_dir, "photos"), "--json");
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var texts = result.Json.GetProperty("results").EnumerateArray()
            .ToDictionary(r => Path.GetFileName(r.GetProperty("source").GetString()!), r => r.GetProperty("text").GetProperty("text").GetString());
        Assert.Equal("Open daily 8 to 22", texts["a.png"]);
        Assert.Equal("Keep left", texts["b.png"]);
        var failed = Assert.Single(result.Json.GetProperty("failed").EnumerateArray());
        Assert.EndsWith("broken.png", failed.GetProperty("path").GetString());
        Assert.False(string.IsNullOrWhiteSpace(failed.GetProperty("reason").GetString()));

        var saved = Path.Combine(_dir, "saved");
        Assert.Equal(ExitCodes.Ok, (await CliRunner.RunAsync("ocr", Path.Combine(_dir, "photos", "a.png"), "--save", saved)).ExitCode);
        using (var drawn = SkiaSharp.SKBitmap.Decode(Path.Combine(saved, "a.png")))
        using (var original = SkiaSharp.SKBitmap.Decode(Path.Combine(_dir, "photos", "a.png")))
        {
            Assert.Equal((original.Width, original.Height), (drawn.Width, drawn.Height));
            // The line's box is drawn in colour on the black-and-white page.
            Assert.Contains(Enumerable.Range(0, drawn.Width), x => drawn.GetPixel(x, drawn.Height / 2) is var c && (c.Red != c.Green || c.Green != c.Blue));
        }

        var table = await CliRunner.RunAsync("ocr", Path.Combine(_dir, "photos", "b.png"));
        Assert.Equal(ExitCodes.Ok, table.ExitCode);
        Assert.Contains("Keep left", table.Output);
        Assert.Contains("page turned 270°", table.Output);
    }

    [Fact]
    public async Task Bad_options_and_missing_images_have_their_own_exit_codes()
    {
        var page = Page("a.png", ["x"]);
        var layout = await CliRunner.RunAsync("ocr", page, "--layout", "column");
        Assert.Equal(ExitCodes.Usage, layout.ExitCode);
        Assert.Contains("layout", layout.Error);
        Assert.Equal(ExitCodes.Usage, (await CliRunner.RunAsync("ocr", page, "--min-confidence", "2")).ExitCode);
        var missing = await CliRunner.RunAsync("ocr", Path.Combine(_dir, "nowhere.png"));
        Assert.Equal(ExitCodes.BadInput, missing.ExitCode);
        Assert.Contains("nowhere.png", missing.Error);
    }

    [Fact]
    public async Task Eval_scores_line_text_from_a_csv_and_boxes_from_json_lines()
    {
        models.Get("ocr-models");
        Page("eval/one.png", ["Lunch special"]);
        Page("eval/two.png", ["Fresh bread"]);
        // The second label is wrong by one character of eleven ("Fresh bead"): the error rates count it.
        File.WriteAllText(Path.Combine(_dir, "eval", "labels.csv"), "file,text\none.png,Lunch special\ntwo.png,Fresh bead\n");
        var text = await CliRunner.RunAsync("eval", "ocr", "--labels", Path.Combine(_dir, "eval", "labels.csv"), "--no-peer", "--json");
        Assert.True(text.ExitCode == ExitCodes.Ok, text.Error);
        var ours = text.Json.GetProperty("sightline");
        Assert.Equal(1.0 / 23, ours.GetProperty("charErrorRate").GetDouble(), 6);
        Assert.Equal(0.25, ours.GetProperty("wordErrorRate").GetDouble(), 6);
        Assert.False(text.Json.TryGetProperty("tesseract", out _), "no peer was asked for");

        // Boxes where the lines are inked; one labelled box has no text on it, one is don't-care.
        static string Box(SkiaSharp.SKRect r) => $"[{r.Left}, {r.Top}, {r.Right}, {r.Top}, {r.Right}, {r.Bottom}, {r.Left}, {r.Bottom}]";
        var lunch = TextImages.LineBounds("Lunch special", 0);
        var bread = TextImages.LineBounds("Fresh bread", 0);
        File.WriteAllText(Path.Combine(_dir, "eval", "boxes.jsonl"),
            $$"""
            {"file_name": "one.png", "annotations": [{"box": {{Box(lunch)}}, "text": "LUNCHSPECIAL"}, {"box": [0, 0, 5, 0, 5, 5, 0, 5], "text": "###"}]}
            {"file_name": "two.png", "annotations": [{"box": {{Box(bread)}}, "text": "Fresh bread"}, {"box": [400, 100, 480, 100, 480, 130, 400, 130], "text": "nothing here"}]}
            """);
        var boxes = await CliRunner.RunAsync("eval", "ocr", "--labels", Path.Combine(_dir, "eval", "boxes.jsonl"), "--no-peer", "--json");
        Assert.True(boxes.ExitCode == ExitCodes.Ok, boxes.Error);
        var b = boxes.Json.GetProperty("sightline");
        Assert.Equal(3, b.GetProperty("truths").GetInt32());
        Assert.Equal(2, b.GetProperty("detections").GetInt32());
        Assert.Equal(2.0 / 3, b.GetProperty("detectionRecall").GetDouble(), 6);
        Assert.Equal(1.0, b.GetProperty("detectionPrecision").GetDouble(), 6);
        Assert.Equal(2.0 / 3, b.GetProperty("wordRecall").GetDouble(), 6);

        File.WriteAllText(Path.Combine(_dir, "eval", "bad.jsonl"), "{\"file_name\": \"one.png\", \"annotations\": [{\"box\": [1, 2], \"text\": \"x\"}]}\n");
        var bad = await CliRunner.RunAsync("eval", "ocr", "--labels", Path.Combine(_dir, "eval", "bad.jsonl"), "--no-peer");
        Assert.Equal(ExitCodes.BadInput, bad.ExitCode);
        Assert.Contains("bad.jsonl line 1", bad.Error);
    }
}
