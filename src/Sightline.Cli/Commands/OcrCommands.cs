using System.CommandLine;
using System.Diagnostics;
using Sightline.Analysis;
using Sightline.Cli.Output;
using Sightline.Faces.Evaluation;
using Sightline.Imaging;
using Sightline.Vision.Pipeline;
using Sightline.Vision.Text;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary>
/// <c>sightline ocr</c> and <c>sightline eval ocr</c>: the <c>text</c> task from the built-in registry, run through the
/// analysis pipeline; the evaluation reads the same images with Tesseract in the same run.
/// </summary>
public static class OcrCommands
{
    private static Option<string?> LayoutOption() => new("--layout")
    {
        Description = "page: find the text on the image (default); line: the whole image is one line of text (a cropped word or line)",
    };

    private static Option<double?> MinConfidenceOption() => new("--min-confidence")
    {
        Description = $"Least mean character confidence of a line to report it, 0-1 (default {OcrOptions.Default.MinConfidence})",
    };

    internal static OcrOptions OptionsFrom(string? layout, double? minConfidence)
    {
        var options = OcrOptions.From(layout, minConfidence);
        options.Validate();
        return options;
    }

    private static async Task<IReadOnlyList<Outcome<OcrResult>>> RunAsync(CliContext ctx, IReadOnlyList<string> files, OcrOptions options, CancellationToken ct)
    {
        var context = TaskContext.Create(ctx.Store, ctx.Engine, ctx.Limits);
        var task = (IImageTask<OcrResult>)await BuiltInTasks.Registry.CreateAsync(TextTask.TaskName, context, options, ct).ConfigureAwait(false);
        return await TaskRuns.RunAsync(ctx, task, files, $"reading text in {files.Count} images", ct).ConfigureAwait(false);
    }

    public static Command Ocr(Func<ParseResult, CliContext> context)
    {
        var images = new Argument<string[]>("images") { Description = "Images or folders (searched recursively)", Arity = ArgumentArity.OneOrMore };
        var layout = LayoutOption();
        var minConfidence = MinConfidenceOption();
        var save = new Option<string?>("--save") { Description = "Folder to write each image with its lines' boxes and text drawn" };
        var command = new Command("ocr", "Read the text in images: each line with its corners and confidence, and the full text in reading order")
        {
            images, layout, minConfidence, save,
        };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var options = OptionsFrom(parse.GetValue(layout), parse.GetValue(minConfidence));
            var files = ctx.ImageInputs(parse.GetValue(images) ?? []);
            var outcomes = await RunAsync(ctx, files, options, ct).ConfigureAwait(false);
            if (parse.GetValue(save) is { } folder)
                // Each line's box with its text.
                DetectionCommands.SaveBoxes(folder, outcomes.Where(o => o.Succeeded).Select(o => (o.Source.Name,
                    o.Result!.Lines.Select(l => new BoxAnnotation(l.Box.X, l.Box.Y, l.Box.Width, l.Box.Height, l.Text, "text")))), ctx.Limits);
            if (ctx.Json)
            {
                ctx.WriteJson(new
                {
                    results = outcomes.Where(o => o.Succeeded).Select(o => new { source = o.Source.ToString(), text = o.Result }),
                    failed = TaskRuns.Failed(outcomes),
                });
            }
            else
            {
                foreach (var o in outcomes.Where(o => o.Succeeded))
                {
                    var r = o.Result!;
                    ctx.OutputConsole.MarkupLine($"[bold]{Markup.Escape(o.Source.ToString())}[/]: {r.Lines.Count} lines" + (r.Rotation != 0 ? $", page turned {r.Rotation}°" : ""));
                    if (r.Lines.Count == 0)
                        continue;
                    var table = new Table().Border(TableBorder.Rounded).AddColumn("text").AddColumn(new TableColumn("confidence").RightAligned())
                        .AddColumn(new TableColumn("box (x, y, w, h)").RightAligned()).AddColumn(new TableColumn("block").RightAligned());
                    foreach (var line in r.Lines)
                        table.AddRow(Markup.Escape(line.Text), $"{line.Confidence:0.000}", $"{line.Box.X:0}, {line.Box.Y:0}, {line.Box.Width:0}, {line.Box.Height:0}", line.Block.ToString());
                    ctx.OutputConsole.Write(table);
                }
                TaskRuns.ReportFailures(ctx, outcomes);
                ctx.WriteSkippedFooter();
            }
            return outcomes.Any(o => o.Succeeded) ? ExitCodes.Ok : ExitCodes.BadInput;
        });
        return command;
    }

    /// <summary>One labelled image's figures: Sightline's and the peer's reading, errors and time.</summary>
    internal sealed record ImageScore(string Image, string Truth, string Read, TextErrors Errors, TextErrors WordErrors, double Ms,
        string? PeerRead, TextErrors? PeerErrors, TextErrors? PeerWordErrors, double? PeerMs);

    internal sealed record SideTotals(double CharErrorRate, double WordErrorRate, double CaseFreeCharErrorRate, double CaseFreeWordErrorRate, double MsPerImage);

    public static Command EvalOcr(Func<ParseResult, CliContext> context)
    {
        var labels = new Option<string>("--labels")
        {
            Description = "Ground truth: a CSV of file (or image) and text (or gt_file, a text file's path, or boxes, an ICDAR box file's path) per image, " +
                "paths relative to the CSV; or MMOCR JSON lines (.jsonl) of boxes per image",
            Required = true,
        };
        var layout = LayoutOption();
        var split = new Option<string?>("--split") { Description = "Only rows whose 'split' column has this value" };
        var noPeer = new Option<bool>("--no-peer") { Description = "Do not read the images with Tesseract too" };
        var command = new Command("ocr", "Character and word error rates of the text read in labelled images, beside Tesseract's on the same images")
        {
            labels, layout, split, noPeer,
        };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var options = OptionsFrom(parse.GetValue(layout), null);
            var labelsPath = parse.GetValue(labels)!;
            if (labelsPath.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
                return await EvalBoxesAsync(ctx, labelsPath, TextBoxLabels.ReadJsonLines(labelsPath), options, !parse.GetValue(noPeer), ct).ConfigureAwait(false);
            var table = CsvTable.Read(labelsPath, "labels file");
            var fileColumn = table.Column(table.Has("file") ? "file" : "image");
            if (table.Has("boxes"))
            {
                var boxesColumn = table.Column("boxes");
                var labelled = table.Rows.Select(r =>
                {
                    var boxes = table.ImagePath(r, boxesColumn);
                    if (!File.Exists(boxes))
                        throw new InputException($"{table.Path} line {r.Line}: box file '{boxes}' does not exist");
                    return new LabelledTextImage(table.ImagePath(r, fileColumn), TextBoxLabels.ParseIcdar(File.ReadAllText(boxes), boxes));
                }).ToList();
                return await EvalBoxesAsync(ctx, table.Path, labelled, options, !parse.GetValue(noPeer), ct).ConfigureAwait(false);
            }
            var textColumn = table.Has("text") ? table.Column("text") : -1;
            var truthFileColumn = textColumn < 0 ? table.Column("gt_file") : -1;
            var splitColumn = parse.GetValue(split) is null ? -1 : table.Column("split");
            var rows = table.Rows.Where(r => splitColumn < 0 || table.Value(r, splitColumn) == parse.GetValue(split)).ToList();
            if (rows.Count == 0)
                throw new InputException($"labels file '{table.Path}' has no rows" + (splitColumn >= 0 ? $" of split '{parse.GetValue(split)}'" : ""));
            var items = rows.Select(r => (Image: table.ImagePath(r, fileColumn),
                Truth: textColumn >= 0 ? table.Value(r, textColumn) : File.ReadAllText(table.ImagePath(r, truthFileColumn)))).ToList();

            var start = Stopwatch.GetTimestamp();
            var outcomes = await RunAsync(ctx, items.Select(i => i.Image).ToList(), options, ct).ConfigureAwait(false);
            var ourMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds / items.Count;
            string? peerVersion = null;
            var peer = !parse.GetValue(noPeer) && TesseractPeer.Available(out peerVersion);
            if (!parse.GetValue(noPeer) && !peer)
                ctx.Warn("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng): no peer figures");
            var scores = new List<ImageScore>();
            for (var i = 0; i < items.Count; i++)
            {
                var (image, truth) = items[i];
                var outcome = outcomes[i];
                if (!outcome.Succeeded)
                {
                    ctx.Warn($"could not read {image}: {outcome.Error!.Message}");
                    continue;
                }
                var read = outcome.Result!.Text;
                string? peerRead = null;
                double? peerMs = null;
                if (peer)
                    (peerRead, peerMs) = TesseractPeer.Read(image, options.Layout == TextLayout.Line);
                scores.Add(new ImageScore(image, truth, read,
                    TextErrorRates.Measure(read, truth), TextErrorRates.Measure(read, truth, TextNormalization.Words),
                    outcome.Result.Timings.TotalMs, peerRead,
                    peerRead is null ? null : TextErrorRates.Measure(peerRead, truth),
                    peerRead is null ? null : TextErrorRates.Measure(peerRead, truth, TextNormalization.Words), peerMs));
            }
            if (scores.Count == 0)
                throw new InputException($"none of the {items.Count} images of '{table.Path}' could be read");
            SideTotals Totals(Func<ImageScore, TextErrors> errors, Func<ImageScore, TextErrors> words, double ms)
            {
                var e = scores.Aggregate(default(TextErrors), (a, s) => a + errors(s));
                var w = scores.Aggregate(default(TextErrors), (a, s) => a + words(s));
                return new SideTotals(e.CharErrorRate, e.WordErrorRate, w.CharErrorRate, w.WordErrorRate, ms);
            }
            var ours = Totals(s => s.Errors, s => s.WordErrors, ourMs);
            var theirs = peer ? Totals(s => s.PeerErrors!.Value, s => s.PeerWordErrors!.Value, scores.Average(s => s.PeerMs!.Value)) : null;
            if (ctx.Json)
            {
                ctx.WriteJson(new { labels = table.Path, layout = options.Layout.ToString().ToLowerInvariant(), images = scores.Count, sightline = ours, tesseract = theirs, tesseractVersion = peerVersion, perImage = scores });
                return ExitCodes.Ok;
            }
            var worst = new Table().Border(TableBorder.Rounded).AddColumns("image", "truth", "read", "tesseract");
            foreach (var s in scores.Where(s => s.Errors.CharEdits > 0 || (s.PeerErrors?.CharEdits ?? 0) > 0).OrderByDescending(s => s.Errors.CharEdits).Take(12))
                worst.AddRow(Markup.Escape(Path.GetFileName(s.Image)), Markup.Escape(Clip(s.Truth)), Markup.Escape(Clip(s.Read)), Markup.Escape(Clip(s.PeerRead ?? "")));
            if (worst.Rows.Count > 0)
                ctx.OutputConsole.Write(worst);
            var summary = new Table().Border(TableBorder.Rounded).AddColumn("reader").AddColumn(new TableColumn("CER").RightAligned()).AddColumn(new TableColumn("WER").RightAligned())
                .AddColumn(new TableColumn("CER (case, punctuation ignored)").RightAligned()).AddColumn(new TableColumn("WER (case, punctuation ignored)").RightAligned())
                .AddColumn(new TableColumn("ms per image").RightAligned());
            void Row(string name, SideTotals t) => summary.AddRow(name, $"{100 * t.CharErrorRate:0.00} %", $"{100 * t.WordErrorRate:0.00} %",
                $"{100 * t.CaseFreeCharErrorRate:0.00} %", $"{100 * t.CaseFreeWordErrorRate:0.00} %", $"{t.MsPerImage:0}");
            Row("sightline", ours);
            if (theirs is not null)
                Row(Markup.Escape(peerVersion ?? "tesseract"), theirs);
            ctx.OutputConsole.Write(summary);
            ctx.OutputConsole.MarkupLine($"[grey]{scores.Count} images of {Markup.Escape(table.Path)}, layout {options.Layout.ToString().ToLowerInvariant()}; " +
                "edits over the truth's length, whitespace runs as one space; sightline's ms is wall time per image with the pipeline's overlap[/]");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>One box-labelled image's counts, Sightline's and the peer's.</summary>
    internal sealed record BoxScore(string Image, SpottingCounts Counts, double Ms, SpottingCounts? PeerCounts, double? PeerMs, IReadOnlyList<string> Missed);

    internal sealed record BoxTotals(int Truths, int Detections, double DetectionPrecision, double DetectionRecall, double DetectionF,
        double WordPrecision, double WordRecall, double WordF, double MsPerImage)
    {
        public static BoxTotals Of(SpottingCounts c, double ms) =>
            new(c.Truths, c.Detections, c.DetectionPrecision, c.DetectionRecall, c.DetectionF, c.WordPrecision, c.WordRecall, c.WordF, ms);
    }

    // Word- or line-box ground truth: detection precision, recall and F at IoU 0.5 and end-to-end word recall and precision.
    private static async Task<int> EvalBoxesAsync(CliContext ctx, string labelsPath, IReadOnlyList<LabelledTextImage> images, OcrOptions options, bool withPeer, CancellationToken ct)
    {
        if (options.Layout != TextLayout.Page)
            throw new UsageException("box labels score the text found on a page: leave --layout at page");
        var start = Stopwatch.GetTimestamp();
        var outcomes = await RunAsync(ctx, images.Select(i => i.Image).ToList(), options, ct).ConfigureAwait(false);
        var ourMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds / images.Count;
        string? peerVersion = null;
        var peer = withPeer && TesseractPeer.Available(out peerVersion);
        if (withPeer && !peer)
            ctx.Warn("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng): no peer figures");
        var scores = new List<BoxScore>();
        for (var i = 0; i < images.Count; i++)
        {
            if (!outcomes[i].Succeeded)
            {
                ctx.Warn($"could not read {images[i].Image}: {outcomes[i].Error!.Message}");
                continue;
            }
            var result = outcomes[i].Result!;
            var found = result.Lines.Select(l => new TextBox(l.Corners, l.Text)).ToList();
            var counts = TextSpotting.Score(images[i].Boxes, found);
            var missed = images[i].Boxes.Where(t => !t.DontCare && !found.Any(f => TextSpotting.Key(f.Text) == TextSpotting.Key(t.Text) && TextSpotting.IoU(t.Corners, f.Corners) >= TextSpotting.MatchIoU))
                .Select(t => t.Text).ToList();
            SpottingCounts? peerCounts = null;
            double? peerMs = null;
            if (peer)
            {
                var (lines, ms) = TesseractPeer.ReadLines(images[i].Image);
                (peerCounts, peerMs) = (TextSpotting.Score(images[i].Boxes, lines), ms);
            }
            scores.Add(new BoxScore(images[i].Image, counts, result.Timings.TotalMs, peerCounts, peerMs, missed));
        }
        if (scores.Count == 0)
            throw new InputException($"none of the {images.Count} images of '{labelsPath}' could be read");
        var ours = BoxTotals.Of(scores.Aggregate(default(SpottingCounts), (a, s) => a + s.Counts), ourMs);
        var theirs = peer ? BoxTotals.Of(scores.Aggregate(default(SpottingCounts), (a, s) => a + s.PeerCounts!.Value), scores.Average(s => s.PeerMs!.Value)) : null;
        if (ctx.Json)
        {
            ctx.WriteJson(new { labels = labelsPath, images = scores.Count, matchIoU = TextSpotting.MatchIoU, sightline = ours, tesseract = theirs, tesseractVersion = peerVersion, perImage = scores });
            return ExitCodes.Ok;
        }
        var summary = new Table().Border(TableBorder.Rounded).AddColumn("reader");
        foreach (var column in new[] { "boxes found", "detection P", "detection R", "detection F", "words read P", "words read R", "words read F", "ms per image" })
            summary.AddColumn(new TableColumn(column).RightAligned());
        static string Pct(double v) => $"{100 * v:0.0} %";
        void Row(string name, BoxTotals t) => summary.AddRow(name, $"{t.Detections} of {t.Truths}", Pct(t.DetectionPrecision), Pct(t.DetectionRecall), Pct(t.DetectionF),
            Pct(t.WordPrecision), Pct(t.WordRecall), Pct(t.WordF), $"{t.MsPerImage:0}");
        Row("sightline", ours);
        if (theirs is not null)
            Row(Markup.Escape(peerVersion ?? "tesseract"), theirs);
        ctx.OutputConsole.Write(summary);
        var missedWords = scores.SelectMany(s => s.Missed).Take(20).ToList();
        if (missedWords.Count > 0)
            ctx.OutputConsole.MarkupLine($"[grey]not read right by sightline: {Markup.Escape(string.Join(", ", missedWords))}{(scores.Sum(s => s.Missed.Count) > missedWords.Count ? ", ..." : "")}[/]");
        ctx.OutputConsole.MarkupLine($"[grey]{scores.Count} images of {Markup.Escape(labelsPath)}; a box is found at IoU {TextSpotting.MatchIoU} and read right when its text agrees " +
            "ignoring case and spaces; don't-care boxes (###, empty) not counted[/]");
        return ExitCodes.Ok;
    }

    private static string Clip(string text)
    {
        var flat = text.ReplaceLineEndings(" ").Trim();
        return flat.Length <= 60 ? flat : flat[..57] + "...";
    }
}
