using System.CommandLine;
using Sightline.Cli.Output;
using Sightline.Imaging;
using Sightline.Vision.Detection;
using Sightline.Vision.Detection.Evaluation;
using Sightline.Vision.Segmentation;
using Sightline.Vision.Segmentation.Evaluation;
using Sightline.Vision.Segmentation.Rendering;
using Sightline.Vision.Pipeline;
using Sightline.Vision.Results;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline segment</c> (semantic, or <c>--instances</c>) and <c>sightline eval segment</c>.</summary>
public static class SegmentationCommands
{
    private static Option<string> ModelOption() => new("--model", "-m")
    {
        Description = "Mask model: selfie (people, default), meet (people), salient (U²-Net-p, any main object), or any catalog/imported score-map model",
        DefaultValueFactory = _ => "selfie",
    };

    private static Option<string> MethodOption() => new("--method")
    {
        Description = "auto (person models: crops around each person; others: whole image), full (whole image) or crops",
        DefaultValueFactory = _ => "auto",
    };

    private static Option<string> RegionsOption() => new("--regions")
    {
        Description = "Where person crops come from: detector (--detector's person boxes; default) or mask (the whole-image mask's regions, each confirmed by its crop: no detector, faster, but keeps the mask's false positives)",
        DefaultValueFactory = _ => "detector",
    };

    private static Option<string> DetectorOption() => new("--detector") { Description = "Detector for person crops and instances: centernet (default) or nanodet", DefaultValueFactory = _ => "centernet" };

    private static async Task<(SemanticSegmenter Segmenter, ModelRef? Detector)> SemanticAsync(CliContext ctx, string model, string detector, SegmentOptions options, CancellationToken ct)
    {
        var method = options.Method;
        var cached = await ctx.EnsureModelAsync(SegmentationModels.ResolveId(model), ct).ConfigureAwait(false);
        ScoreMapModel scoreMap;
        try
        {
            scoreMap = SegmentationModels.Open(cached, ctx.Engine);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"'{model}' cannot be used for segmentation: {e.Message}");
        }
        var person = scoreMap.Labels.Count == 2 && string.Equals(scoreMap.Labels[1], "person", StringComparison.OrdinalIgnoreCase);
        if (method == SegmentationMethod.PersonCrops && !person)
            throw new UsageException($"--method crops needs a person model; {cached.Entry.Id} segments {string.Join(", ", scoreMap.Labels)}");
        IObjectDetector? objects = null;
        ModelRef? detectorRef = null;
        if (person && method != SegmentationMethod.FullImage && options.Regions == PersonRegionSource.Detector)
        {
            var cachedDetector = await ctx.EnsureModelAsync(Detectors.ResolveId(detector), ct).ConfigureAwait(false);
            objects = Detectors.Create(cachedDetector, ctx.Engine, 8, ctx.Limits);
            detectorRef = new ModelRef(cachedDetector.Entry.Id, cachedDetector.Version);
        }
        return (new SemanticSegmenter(scoreMap, objects), detectorRef);
    }

    private static async Task<(InstanceSegmenter Segmenter, IObjectDetector Detector)> InstancesAsync(CliContext ctx, string detector, CancellationToken ct)
    {
        var objects = Detectors.Create(await ctx.EnsureModelAsync(Detectors.ResolveId(detector), ct).ConfigureAwait(false), ctx.Engine, 8, ctx.Limits);
        var person = SegmentationModels.Open(await ctx.EnsureModelAsync(SegmentationModels.Selfie, ct).ConfigureAwait(false), ctx.Engine);
        var salient = SegmentationModels.Open(await ctx.EnsureModelAsync(SegmentationModels.Salient, ct).ConfigureAwait(false), ctx.Engine);
        return (new InstanceSegmenter(objects, person, salient), objects);
    }

    public static Command Segment(Func<ParseResult, CliContext> context)
    {
        var images = new Argument<string[]>("images") { Description = "Images or folders", Arity = ArgumentArity.OneOrMore };
        var model = ModelOption();
        var method = MethodOption();
        var detector = DetectorOption();
        var regions = RegionsOption();
        var instances = new Option<bool>("--instances") { Description = "A separate mask for each detected object (person model for people, salient-object model for the rest)" };
        var minScore = new Option<float>("--min-score") { Description = "Least detection score of a person crop or an instance (0-1)", DefaultValueFactory = _ => SegmentOptions.DefaultMinScore };
        var threshold = new Option<float>("--threshold") { Description = "Probability from which a pixel belongs to the object (0-1, exclusive)", DefaultValueFactory = _ => SegmentOptions.DefaultThreshold };
        var classes = new Option<string?>("--classes") { Description = "With --instances: only these classes, comma-separated" };
        var save = new Option<string?>("--save")
        {
            Description = "Folder for pictures: <name>.mask.png (class index per pixel), <name>.overlay.jpg and <name>.cutout.png (background transparent); with --instances <name>.instances.jpg",
        };
        var command = new Command("segment", "Which pixels belong to which class (semantic), or a mask for each object (--instances)")
            { images, model, method, regions, detector, instances, minScore, threshold, classes, save };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var score = parse.GetValue(minScore);
            var cut = parse.GetValue(threshold);
            TaskOptions options = parse.GetValue(instances)
                ? new InstanceOptions(score, Threshold: cut)
                : new SegmentOptions(SegmentOptions.ParseMethod(parse.GetValue(method)), cut, score, Regions: SegmentOptions.ParseRegions(parse.GetValue(regions)));
            // Checked before any model is loaded: a bad value is a usage error at once.
            options.Validate();
            var files = ctx.ImageInputs(parse.GetValue(images) ?? []);
            return options is InstanceOptions instanceOptions
                ? await InstancesAsync(ctx, files, parse.GetValue(detector)!, instanceOptions, parse.GetValue(classes), parse.GetValue(save), ct).ConfigureAwait(false)
                : await SemanticAsync(ctx, files, parse.GetValue(model)!, parse.GetValue(detector)!, (SegmentOptions)options, parse.GetValue(save), ct).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> SemanticAsync(CliContext ctx, IReadOnlyList<string> files, string model, string detector, SegmentOptions options, string? save, CancellationToken ct)
    {
        var (segmenter, detectorRef) = await SemanticAsync(ctx, model, detector, options, ct).ConfigureAwait(false);
        // Masks at the image's own size, as the saved pictures and the API's record have them.
        var outcomes = await RunAsync(ctx, new SegmentTask(segmenter, options, DecodeSize.Original), files, ct).ConfigureAwait(false);
        var segmentations = outcomes.Select(o => o.Result?.Segmentation).OfType<SemanticSegmentation>().ToList();
        if (save is not null)
            foreach (var r in segmentations)
            {
                using var image = ImageDecoder.Decode(r.Source, null, ctx.Limits);
                var stem = Path.Combine(save, Path.GetFileNameWithoutExtension(r.Source));
                using (var mask = SegmentationRendering.ClassMask(r)) Annotator.Save(mask, stem + ".mask.png");
                using (var overlay = SegmentationRendering.Overlay(image.Bitmap, r)) Annotator.Save(overlay, stem + ".overlay.jpg");
                using (var cutout = SegmentationRendering.Cutout(image.Bitmap, r.Foreground())) Annotator.Save(cutout, stem + ".cutout.png");
            }
        if (ctx.Json)
        {
            // The API's record: the same document as POST /v1/segment.
            ctx.WriteJson(new { results = segmentations.Select(r => SemanticSegmentResult.From(r, detectorRef)), failed = Failed(outcomes) });
        }
        else
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("image", "size", "method", "classes (share of pixels)", "ms");
            foreach (var r in segmentations)
            {
                var found = r.Classes.Where(c => c.ClassId != 0).ToList();
                table.AddRow(Markup.Escape(Path.GetFileName(r.Source)), $"{r.Width}x{r.Height}", r.Method.ToString(),
                    found.Count == 0 ? "[grey]nothing found (all background)[/]" : Markup.Escape(string.Join(", ", found.Select(c => $"{c.ClassName} {100 * c.Fraction:0.0}%"))),
                    $"{r.Timings.TotalMs:0}");
            }
            ctx.OutputConsole.Write(table);
            ctx.OutputConsole.MarkupLine($"[grey]{Markup.Escape(segmenter.ModelId)} {Markup.Escape(segmenter.ModelVersion)}; threshold {options.Threshold}[/]");
            ReportFailures(ctx, outcomes);
            ctx.WriteSkippedFooter();
        }
        return outcomes.Any(o => o.Result is not null) ? ExitCodes.Ok : ExitCodes.BadInput;
    }

    private static async Task<int> InstancesAsync(CliContext ctx, IReadOnlyList<string> files, string detectorName, InstanceOptions options, string? classes, string? save, CancellationToken ct)
    {
        var (segmenter, detector) = await InstancesAsync(ctx, detectorName, ct).ConfigureAwait(false);
        options = options with { Classes = DetectOptions.ParseClasses(classes, detector) };
        var outcomes = await RunAsync(ctx, new InstanceSegmentTask(segmenter, options), files, ct).ConfigureAwait(false);
        if (save is not null)
            foreach (var r in outcomes.Select(o => o.Result).OfType<InstanceSegmentation>())
            {
                using var image = ImageDecoder.Decode(r.Source, null, ctx.Limits);
                using var drawn = SegmentationRendering.Instances(image.Bitmap, r);
                Annotator.Save(drawn, Path.Combine(save, Path.GetFileNameWithoutExtension(r.Source) + ".instances.jpg"));
            }
        if (ctx.Json)
        {
            // The API's record: the same document as POST /v1/segment?instances=true.
            ctx.WriteJson(new
            {
                results = outcomes.Select(o => o.Result).OfType<InstanceSegmentation>().Select(r => InstanceSegmentResult.From(r, segmenter.Labels, id => ctx.Store.Get(id).Version)),
                failed = Failed(outcomes),
            });
        }
        else
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("image", "class", "score", "box x, y, w, h (px)", "mask area (px)", "mask by", "mask score", "ms");
            foreach (var r in outcomes.Select(o => o.Result).OfType<InstanceSegmentation>())
            {
                if (r.Instances.Count == 0)
                    table.AddRow(Markup.Escape(Path.GetFileName(r.Source)), "[grey]nothing found[/]", "", "", "", "", "", $"{r.Timings.TotalMs:0}");
                foreach (var (d, i) in r.Instances.Select((d, i) => (d, i)))
                    table.AddRow(i == 0 ? Markup.Escape(Path.GetFileName(r.Source)) : "", Markup.Escape(d.ClassName), $"{d.Score:0.00}",
                        $"{d.Box.X:0}, {d.Box.Y:0}, {d.Box.Width:0}, {d.Box.Height:0}", d.Area.ToString(), SourceName(d.MaskSource), $"{d.MaskScore:0.00}",
                        i == 0 ? $"{r.Timings.TotalMs:0}" : "");
            }
            ctx.OutputConsole.Write(table);
            ctx.OutputConsole.MarkupLine($"[grey]{Markup.Escape(detector.ModelId)} boxes; masks by {SegmentationModels.Selfie} (people) and {SegmentationModels.Salient} (other classes, or colour where its object is not the detected one); min score {options.MinScore}[/]");
            ReportFailures(ctx, outcomes);
            ctx.WriteSkippedFooter();
        }
        return outcomes.Any(o => o.Result is not null) ? ExitCodes.Ok : ExitCodes.BadInput;
    }

    public static Command EvalSegment(Func<ParseResult, CliContext> context)
    {
        var masks = new Option<string?>("--masks") { Description = "Folder of class-index PNG masks (person IoU; class 1 = person, 0 = unlabelled and ignored)" };
        var coco = new Option<string?>("--coco") { Description = "COCO instances JSON with polygon masks (mask AP of --instances segmentation)" };
        var imagesFolder = new Option<string>("--images") { Description = "Folder of the images", Required = true };
        var model = ModelOption();
        var method = MethodOption();
        var detector = DetectorOption();
        var regions = RegionsOption();
        var top = new Option<int>("--top-classes") { Description = "Per-class mask AP for this many most frequent classes", DefaultValueFactory = _ => 10 };
        var minScore = new Option<float>("--min-score") { Description = "Mask AP: least detection score (low, for a complete precision-recall curve)", DefaultValueFactory = _ => 0.1f };
        var command = new Command("segment", "Person IoU against class-index masks (--masks) and COCO mask AP against instance polygons (--coco)")
            { masks, coco, imagesFolder, model, method, regions, detector, top, minScore };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var images = parse.GetValue(imagesFolder)!;
            if (!Directory.Exists(images))
                throw new InputException($"images folder '{images}' does not exist");
            var (maskFolder, cocoJson) = (parse.GetValue(masks), parse.GetValue(coco));
            if (maskFolder is null && cocoJson is null)
                throw new UsageException("give --masks <folder> (person IoU), --coco <instances.json> (mask AP), or both");
            object? personReport = null, apReport = null;
            if (maskFolder is not null)
            {
                SemanticMaskSet set;
                try { set = SemanticMaskSet.FromFolders(images, maskFolder); }
                catch (Exception e) when (e is DirectoryNotFoundException or InvalidDataException) { throw new InputException(e.Message); }
                var segmentOptions = new SegmentOptions(SegmentOptions.ParseMethod(parse.GetValue(method)), Regions: SegmentOptions.ParseRegions(parse.GetValue(regions)));
                var (segmenter, _) = await SemanticAsync(ctx, parse.GetValue(model)!, parse.GetValue(detector)!, segmentOptions, ct).ConfigureAwait(false);
                var result = await ctx.Progress.RunAsync($"segmenting {set.Pairs.Count} images", report => Task.Run(() =>
                    PersonIoUEvaluation.Evaluate(set, image =>
                    {
                        var r = segmenter.Segment(image, segmentOptions);
                        return (PersonIoUEvaluation.PersonMask(r), r.Timings);
                    }, ctx.Limits, new InlineProgress<int>(d => report(d, set.Pairs.Count)), ct), ct)).ConfigureAwait(false);
                var used = segmenter.MethodFor(segmentOptions);
                personReport = new
                {
                    model = segmenter.ModelId, modelVersion = segmenter.ModelVersion, method = used, pixelSummedIoU = result.PixelSummedIoU, meanIoU = result.MeanIoU,
                    falsePositiveRate = result.FalsePositiveRate, imagesWithPeople = result.ImagesWithPeople, imagesWithoutPeople = result.ImagesWithoutPeople,
                    imagesPerSecond = (result.ImagesWithPeople + result.ImagesWithoutPeople) / Math.Max(1e-9, result.Seconds), failed = result.Failed, seconds = result.Seconds,
                };
                if (!ctx.Json)
                {
                    var table = new Table().Border(TableBorder.Rounded).AddColumns("model", "method", "person IoU (pixel-summed)", "mean IoU", "false-positive pixels (no people)", "images");
                    table.AddRow(Markup.Escape(segmenter.ModelId), used.ToString(), Pct(result.PixelSummedIoU), Pct(result.MeanIoU), Pct(result.FalsePositiveRate),
                        $"{result.ImagesWithPeople} with people, {result.ImagesWithoutPeople} without");
                    ctx.OutputConsole.Write(table);
                    foreach (var f in result.Failed) ctx.Warn($"skipped {f}");
                }
            }
            if (cocoJson is not null)
            {
                CocoMaskDataset data;
                try { data = CocoMaskDataset.FromCoco(cocoJson, images); }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or System.Text.Json.JsonException or KeyNotFoundException)
                {
                    throw new InputException(e.Message);
                }
                var score = parse.GetValue(minScore);
                var instanceOptions = new InstanceOptions(score);
                instanceOptions.Validate();
                var (segmenter, objects) = await InstancesAsync(ctx, parse.GetValue(detector)!, ct).ConfigureAwait(false);
                var count = data.Dataset.Images.Count;
                var result = await ctx.Progress.RunAsync($"segmenting instances in {count} images", report => Task.Run(() =>
                    MaskApEvaluation.Evaluate(segmenter, objects, data, instanceOptions, ctx.Limits, new InlineProgress<int>(d => report(d, count)), ct), ct)).ConfigureAwait(false);
                var frequent = result.GroundTruthPerClass.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(parse.GetValue(top)).ToList();
                apReport = new
                {
                    detector = objects.ModelId, minScore = score, images = result.Images,
                    maskAP = result.Masks.Metrics.AP, maskAP50 = result.Masks.Metrics.AP50, maskAP75 = result.Masks.Metrics.AP75,
                    boxFillAP = result.BoxFill.Metrics.AP, boxFillAP50 = result.BoxFill.Metrics.AP50,
                    boxAP = result.Boxes.Metrics.AP, boxAP50 = result.Boxes.Metrics.AP50,
                    perClass = frequent.Select(p => new
                    {
                        name = p.Key, objects = p.Value, maskAP = result.Masks.PerClassAP.GetValueOrDefault(p.Key), boxFillAP = result.BoxFill.PerClassAP.GetValueOrDefault(p.Key),
                        boxAP = result.Boxes.PerClassAP.GetValueOrDefault(p.Key),
                    }),
                    failed = result.FailedImages, seconds = result.Seconds,
                };
                if (!ctx.Json)
                {
                    var summary = new Table().Border(TableBorder.Rounded).AddColumns("masks", "AP", "AP50", "AP75");
                    summary.AddRow("instance segmentation", Pct(result.Masks.Metrics.AP), Pct(result.Masks.Metrics.AP50), Pct(result.Masks.Metrics.AP75));
                    summary.AddRow("detected box filled (floor)", Pct(result.BoxFill.Metrics.AP), Pct(result.BoxFill.Metrics.AP50), Pct(result.BoxFill.Metrics.AP75));
                    summary.AddRow("[grey]box AP of the same detections (for scale)[/]", Pct(result.Boxes.Metrics.AP), Pct(result.Boxes.Metrics.AP50), Pct(result.Boxes.Metrics.AP75));
                    ctx.OutputConsole.Write(summary);
                    var perClass = new Table().Border(TableBorder.Rounded).AddColumns("class", "objects", "mask AP", "box-fill AP", "box AP");
                    foreach (var (name, n) in frequent)
                        perClass.AddRow(Markup.Escape(name), n.ToString(), Pct(result.Masks.PerClassAP.GetValueOrDefault(name, 0)), Pct(result.BoxFill.PerClassAP.GetValueOrDefault(name, 0)),
                            Pct(result.Boxes.PerClassAP.GetValueOrDefault(name, 0)));
                    ctx.OutputConsole.Write(perClass);
                    ctx.OutputConsole.MarkupLine($"[grey]{Markup.Escape(objects.ModelId)} on {result.Images} images in {result.Seconds:0.0} s; COCO segm AP (pycocotools definitions), detections scoring at least {score}[/]");
                    foreach (var f in result.FailedImages) ctx.Warn($"skipped {f}");
                }
            }
            if (ctx.Json)
                ctx.WriteJson(new { person = personReport, instances = apReport });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string SourceName(MaskSource source) => source switch
    {
        MaskSource.PersonModel => "person model",
        MaskSource.SalientModel => "salient model",
        _ => "colour",
    };

    private static string Pct(double value) => value < 0 ? "-" : $"{100 * value:0.0}";

    /// <summary>
    /// Two images in flight (the next one decodes while the current one is segmented): the masks are made at the
    /// image's own size, so a wider window would hold several full-size images and their masks at once.
    /// </summary>
    private static readonly PipelineOptions FullSizeWindow = new(MaxInFlight: 2);

    private static Task<IReadOnlyList<Outcome<T>>> RunAsync<T>(CliContext ctx, IImageTask<T> task, IReadOnlyList<string> files, CancellationToken ct) where T : class =>
        TaskRuns.RunAsync(ctx, task, files, $"segmenting {files.Count} images", ct, FullSizeWindow);

    private static IEnumerable<FailedInput> Failed<T>(IEnumerable<Outcome<T>> outcomes) where T : class => TaskRuns.Failed(outcomes);

    private static void ReportFailures<T>(CliContext ctx, IEnumerable<Outcome<T>> outcomes) where T : class => TaskRuns.ReportFailures(ctx, outcomes);
}
