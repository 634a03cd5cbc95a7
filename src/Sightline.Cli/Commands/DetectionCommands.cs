using System.CommandLine;
using Sightline.Cli.Output;
using Sightline.Imaging;
using Sightline.Vision.Detection;
using Sightline.Vision.Detection.Evaluation;
using Sightline.Vision.Pipeline;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline detect</c>, <c>sightline localize</c> and <c>sightline eval detect</c>.</summary>
public static class DetectionCommands
{
    private static Option<string> ModelOption() => new("--model", "-m") { Description = "Detector: centernet (default, more accurate) or nanodet", DefaultValueFactory = _ => "centernet" };

    private static async Task<IObjectDetector> DetectorAsync(CliContext ctx, string name, CancellationToken ct)
    {
        // Checked before anything is pulled, so that a wrong name lists the detectors only.
        var model = await ctx.EnsureModelAsync(Detectors.Resolve(name), ct).ConfigureAwait(false);
        return Detectors.Create(model, ctx.Engine, 8, ctx.Limits);
    }

    public static Command Detect(Func<ParseResult, CliContext> context)
    {
        var images = new Argument<string[]>("images") { Description = "Images or folders", Arity = ArgumentArity.OneOrMore };
        var model = ModelOption();
        var minScore = MinScoreOption("Keep detections scoring at least this (0-1)");
        var classes = new Option<string?>("--classes") { Description = "Only these classes, comma-separated (e.g. person,car)" };
        var max = new Option<int>("--max") { Description = $"At most this many detections per image (1-{DetectOptions.MaxDetectionsLimit})", DefaultValueFactory = _ => DetectOptions.DefaultMaxDetections };
        var iou = new Option<float>("--iou") { Description = "Overlap (IoU) above which a weaker box of the same class is dropped", DefaultValueFactory = _ => DetectOptions.DefaultIou };
        var perClass = new Option<bool>("--per-class")
        {
            Description = $"Keep every class found on a box; by default a box overlapping a stronger box of another class by IoU above {DetectOptions.DefaultSameObjectIou} is the same object and keeps only the stronger class",
        };
        var save = SaveOption();
        var command = new Command("detect", "Find every object of the 80 COCO classes and outline each with a box") { images, model, minScore, classes, max, iou, perClass, save };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var options = new DetectOptions(parse.GetValue(minScore), parse.GetValue(iou), parse.GetValue(max));
            if (parse.GetValue(perClass))
                options = options with { SameObjectIou = null };
            // Checked before any model is loaded: a bad value is a usage error at once.
            options.Validate();
            var detector = await DetectorAsync(ctx, parse.GetValue(model)!, ct).ConfigureAwait(false);
            options = options with { Classes = DetectOptions.ParseClasses(parse.GetValue(classes), detector) };
            var files = ctx.ImageInputs(parse.GetValue(images) ?? []);
            var outcomes = await RunAsync(ctx, detector, files, options, ct).ConfigureAwait(false);
            if (parse.GetValue(save) is { } folder)
                SaveAnnotated(folder, outcomes.Where(o => o.Result is not null).Select(o => (o.Source.Name, o.Result!.Detections)), ctx.Limits);
            if (ctx.Json)
            {
                ctx.WriteJson(new { results = outcomes.Where(o => o.Result is not null).Select(o => o.Result), failed = Failed(outcomes) });
            }
            else
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumns("image", "class", "score", "box x, y, w, h (px)", "ms");
                foreach (var o in outcomes.Where(o => o.Result is not null))
                {
                    var r = o.Result!;
                    if (r.Detections.Count == 0)
                        table.AddRow(Markup.Escape(Path.GetFileName(r.Source)), "[grey]nothing found[/]", "", "", $"{r.Timings.TotalMs:0}");
                    foreach (var (d, i) in r.Detections.Select((d, i) => (d, i)))
                        table.AddRow(i == 0 ? Markup.Escape(Path.GetFileName(r.Source)) : "", Markup.Escape(d.ClassName), $"{d.Score:0.00}",
                            $"{d.Box.X:0}, {d.Box.Y:0}, {d.Box.Width:0}, {d.Box.Height:0}", i == 0 ? $"{r.Timings.TotalMs:0}" : "");
                }
                ctx.OutputConsole.Write(table);
                ctx.OutputConsole.MarkupLine($"[grey]{Markup.Escape(detector.ModelId)} {Markup.Escape(detector.ModelVersion)}; min score {options.MinScore}, NMS IoU {options.IouThreshold}[/]");
                ReportFailures(ctx, outcomes);
                ctx.WriteSkippedFooter();
            }
            return outcomes.Any(o => o.Result is not null) ? ExitCodes.Ok : ExitCodes.BadInput;
        });
        return command;
    }

    public static Command Localize(Func<ParseResult, CliContext> context)
    {
        var images = new Argument<string[]>("images") { Description = "Images or folders", Arity = ArgumentArity.OneOrMore };
        var model = ModelOption();
        var cls = new Option<string?>("--class") { Description = "Look for this class only (e.g. dog)" };
        var minScore = MinScoreOption("Ignore detections scoring below this (0-1)");
        var save = SaveOption();
        var command = new Command("localize", "The main object of each image: what it is and where") { images, model, cls, minScore, save };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var options = new DetectOptions(parse.GetValue(minScore));
            options.Validate();
            var detector = await DetectorAsync(ctx, parse.GetValue(model)!, ct).ConfigureAwait(false);
            var wanted = parse.GetValue(cls);
            options = options with { Classes = DetectOptions.ParseClasses(wanted, detector) };
            var outcomes = await RunAsync(ctx, detector, ctx.ImageInputs(parse.GetValue(images) ?? []), options, ct).ConfigureAwait(false);
            var results = outcomes.Where(o => o.Result is not null).Select(o => ObjectLocalization.MainObject(o.Result!, wanted)).ToList();
            if (parse.GetValue(save) is { } folder)
                SaveAnnotated(folder, results.Select(r => (r.Source, (IReadOnlyList<DetectedObject>)(r.Object is { } main ? [main] : []))), ctx.Limits);
            if (ctx.Json)
            {
                ctx.WriteJson(new { results, failed = Failed(outcomes) });
            }
            else
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumns("image", "main object", "score", "box x, y, w, h (px)");
                foreach (var r in results)
                    table.AddRow(Markup.Escape(Path.GetFileName(r.Source)),
                        r.Object is { } o ? Markup.Escape(o.ClassName) : "[grey]nothing found[/]",
                        r.Object is { } s ? $"{s.Score:0.00}" : "",
                        r.Object is { } b ? $"{b.Box.X:0}, {b.Box.Y:0}, {b.Box.Width:0}, {b.Box.Height:0}" : "");
                ctx.OutputConsole.Write(table);
                ReportFailures(ctx, outcomes);
                ctx.WriteSkippedFooter();
            }
            return results.Count > 0 ? ExitCodes.Ok : ExitCodes.BadInput;
        });
        return command;
    }

    public static Command EvalDetect(Func<ParseResult, CliContext> context)
    {
        var coco = new Option<string?>("--coco") { Description = "COCO instances JSON with the ground truth" };
        var yolo = new Option<string?>("--yolo") { Description = "Folder of YOLO label files (class cx cy w h), instead of --coco" };
        var names = new Option<string?>("--names") { Description = "With --yolo: class names file (YAML names: map or one per line)" };
        var imagesFolder = new Option<string>("--images") { Description = "Folder of the images", Required = true };
        var model = ModelOption();
        var top = new Option<int>("--top-classes") { Description = "Per-class AP for this many most frequent classes", DefaultValueFactory = _ => 10 };
        var sameObject = new Option<float?>("--same-object-iou")
        {
            Description = $"Score what 'detect' reports: drop a box of another class overlapping a stronger one by IoU above this ('detect' uses {DetectOptions.DefaultSameObjectIou}); by default every class of every box is scored, as COCO does",
        };
        var command = new Command("detect", "COCO box AP (AP@[.5:.95], AP50, AP75, by size, per class) of a detector on labelled images") { coco, yolo, names, imagesFolder, model, top, sameObject };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var images = parse.GetValue(imagesFolder)!;
            if (!Directory.Exists(images))
                throw new InputException($"images folder '{images}' does not exist");
            DetectionDataset dataset;
            try
            {
                dataset = (parse.GetValue(coco), parse.GetValue(yolo)) switch
                {
                    ({ } json, null) => DetectionDataset.FromCoco(json, images),
                    (null, { } labels) => DetectionDataset.FromYolo(images, labels, DetectionDataset.ReadClassNames(parse.GetValue(names)
                        ?? throw new UsageException("--yolo needs --names (the class names file)"))),
                    _ => throw new UsageException("give exactly one of --coco <instances.json> or --yolo <labels folder>"),
                };
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or System.Text.Json.JsonException)
            {
                throw new InputException(e.Message);
            }
            var options = DetectOptions.PerClass(DetectionEvaluation.ApMinScore) with { SameObjectIou = parse.GetValue(sameObject) };
            options.Validate();
            var detector = await DetectorAsync(ctx, parse.GetValue(model)!, ct).ConfigureAwait(false);
            var result = await ctx.Progress.RunAsync($"detecting in {dataset.Images.Count} images", report =>
                Task.Run(() => DetectionEvaluation.Evaluate(detector, dataset, options, new InlineProgress<int>(d => report(d, dataset.Images.Count)), ct), ct)).ConfigureAwait(false);
            var frequent = result.GroundTruthPerClass.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(parse.GetValue(top)).ToList();
            var m = result.Metrics;
            if (ctx.Json)
            {
                ctx.WriteJson(new
                {
                    model = detector.ModelId, modelVersion = detector.ModelVersion, images = result.Images, minScore = DetectionEvaluation.ApMinScore, sameObjectIou = options.SameObjectIou,
                    ap = m.AP, ap50 = m.AP50, ap75 = m.AP75, apSmall = m.APSmall, apMedium = m.APMedium, apLarge = m.APLarge, ar100 = m.AR100,
                    perClass = result.PerClassAP.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new { name = p.Key, ap = p.Value, objects = result.GroundTruthPerClass.GetValueOrDefault(p.Key) }),
                    failed = result.FailedImages, unmatchedLabels = result.UnmatchedLabels, seconds = result.Seconds,
                });
                return ExitCodes.Ok;
            }
            var summary = new Table().Border(TableBorder.Rounded).AddColumns("AP", "AP50", "AP75", "AP small", "AP medium", "AP large", "AR@100");
            summary.AddRow(Pct(m.AP), Pct(m.AP50), Pct(m.AP75), Pct(m.APSmall), Pct(m.APMedium), Pct(m.APLarge), Pct(m.AR100));
            ctx.OutputConsole.Write(summary);
            var perClass = new Table().Border(TableBorder.Rounded).AddColumns("class", "objects", "AP");
            foreach (var (name, count) in frequent)
                perClass.AddRow(Markup.Escape(name), count.ToString(), Pct(result.PerClassAP.GetValueOrDefault(name, 0)));
            ctx.OutputConsole.Write(perClass);
            ctx.OutputConsole.MarkupLine($"[grey]{Markup.Escape(detector.ModelId)} on {result.Images} images in {result.Seconds:0.0} s; COCO box AP (pycocotools definitions), detections scoring at least {DetectionEvaluation.ApMinScore}[/]");
            foreach (var f in result.FailedImages)
                ctx.Warn($"skipped {f}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Pct(double value) => value < 0 ? "-" : $"{100 * value:0.0}";

    private static Option<float> MinScoreOption(string description) =>
        new("--min-score") { Description = description, DefaultValueFactory = _ => DetectOptions.DefaultMinScore };

    /// <summary>The detect task over the files through the pipeline (one decode per image, the detector's runs batched across images), outcomes in input order.</summary>
    private static async Task<IReadOnlyList<Outcome<DetectionResult>>> RunAsync(CliContext ctx, IObjectDetector detector, IReadOnlyList<string> files, DetectOptions options, CancellationToken ct)
    {
        await using var worker = new DetectorWorker(detector, BatchingOptions.Default);
        return await TaskRuns.RunAsync(ctx, new DetectTask(worker, options), files, $"detecting in {files.Count} images", ct).ConfigureAwait(false);
    }

    private static IEnumerable<FailedInput> Failed(IEnumerable<Outcome<DetectionResult>> outcomes) => TaskRuns.Failed(outcomes);

    private static void ReportFailures(CliContext ctx, IEnumerable<Outcome<DetectionResult>> outcomes) => TaskRuns.ReportFailures(ctx, outcomes);

    private static Option<string?> SaveOption() => new("--save") { Description = "Folder to write each image with its boxes and labels drawn" };

    /// <summary>Each image with its detections drawn, strongest on top (detections come best first).</summary>
    private static void SaveAnnotated(string folder, IEnumerable<(string Source, IReadOnlyList<DetectedObject> Detections)> images, ImageLimits limits) =>
        SaveBoxes(folder, images.Select(i => (i.Source, i.Detections.OrderByDescending(d => d.Score)
            .Select(d => new BoxAnnotation(d.Box.X, d.Box.Y, d.Box.Width, d.Box.Height, $"{d.ClassName} {d.Score:0.00}", d.ClassName)))), limits);

    /// <summary>Each image decoded again at full size with its boxes drawn, saved under its own name (PNG stays PNG, the rest JPEG).</summary>
    internal static void SaveBoxes(string folder, IEnumerable<(string Source, IEnumerable<BoxAnnotation> Boxes)> images, ImageLimits limits)
    {
        Directory.CreateDirectory(folder);
        foreach (var (source, boxes) in images)
        {
            using var image = ImageDecoder.Decode(source, null, limits);
            using var drawn = Annotator.Draw(image.Bitmap, boxes);
            var name = Path.GetFileNameWithoutExtension(source) + (Path.GetExtension(source).ToLowerInvariant() is ".png" ? ".png" : ".jpg");
            Annotator.Save(drawn, Path.Combine(folder, name));
        }
    }
}
