using System.CommandLine;
using Sightline.Cli.Output;
using Sightline.Imaging;
using Sightline.Vision.Classification;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Similarity;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary>
/// <c>sightline train</c>, <c>sightline classify</c>, <c>sightline export</c>, <c>sightline eval classify</c>
/// and <c>sightline eval unknown</c>: classifiers for the user's own classes.
/// </summary>
public static class ClassificationCommands
{
    private static Option<string> BackboneOption() => new("--backbone") { Description = "Embedding model the classifier is built on", DefaultValueFactory = _ => Embedders.DefaultModel };
    private static Option<int> BatchOption() => new("--batch") { Description = "Images per model run", DefaultValueFactory = _ => 8 };
    private static Option<int> FoldsOption() => new("--folds") { Description = "Cross-validation folds for the reported figures", DefaultValueFactory = _ => 5 };
    private static Option<int> SeedOption() => new("--seed") { Description = "Seed of the splits and augmentation", DefaultValueFactory = _ => 1 };
    private static Option<double> ToleranceOption() => new("--unknown-tolerance")
    {
        Description = "How much known-class accuracy the unknown-image threshold may cost (0.03 = 3 points)",
        DefaultValueFactory = _ => 0.03,
    };
    private static Option<string> ModelFileOption() => new("--model", "-m") { Description = "Classifier file made by 'sightline train'", Required = true };

    public static Command Train(Func<ParseResult, CliContext> context)
    {
        var folder = new Argument<string>("folder") { Description = "Labelled folder: one sub-folder of images per class" };
        var output = new Option<string>("--out", "-o") { Description = "Classifier file to write (e.g. pets.sightline)", Required = true };
        var backbone = BackboneOption();
        var folds = FoldsOption();
        var validation = new Option<double?>("--validation") { Description = "Validate on a stratified hold-out of this share (e.g. 0.2) instead of cross-validation" };
        var augment = new Option<bool>("--augment") { Description = "Add mirrored and cropped, colour-jittered copies of the training images" };
        var seed = SeedOption();
        var batch = BatchOption();
        var tolerance = ToleranceOption();
        var command = new Command("train", "Train a classifier for your own classes from a labelled folder")
        {
            folder, output, backbone, folds, validation, augment, seed, batch, tolerance,
        };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var options = TrainingOptions(parse.GetValue(folds), parse.GetValue(validation), parse.GetValue(augment), parse.GetValue(seed), parse.GetValue(tolerance));
            var labelled = LabelledFolder.Scan(parse.GetValue(folder)!);
            foreach (var w in labelled.Warnings)
                ctx.Warn(w);
            var (backboneModel, embedder) = await BackboneAsync(ctx, parse.GetValue(backbone)!, parse.GetValue(batch), ct).ConfigureAwait(false);
            var views = options.Augment ? AugmentationOptions.Default.Views : 0;
            var total = labelled.Files.Count * (1 + views);
            var embedded = await ctx.Progress.RunAsync($"embedding {labelled.Files.Count} images" + (views > 0 ? $" and {labelled.Files.Count * views} augmented copies" : ""), report =>
                Task.Run(() =>
                {
                    var start = System.Diagnostics.Stopwatch.GetTimestamp();
                    var data = FolderEmbedding.Embed(labelled, embedder, options.Augment ? AugmentationOptions.Default : null, options.Seed,
                        new InlineProgress<(int Done, int Total)>(p => report(p.Done, total)), ct);
                    return (Data: data, Seconds: System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds);
                }, ct)).ConfigureAwait(false);
            foreach (var w in embedded.Data.Warnings.Skip(labelled.Warnings.Count))
                ctx.Warn(w);
            foreach (var s in embedded.Data.Skipped)
                ctx.Warn($"skipped {s.Path}: {s.Reason}");
            if (embedded.Data.Set.Classes.Count < 2)
                throw new ClassifierTrainingException($"only {embedded.Data.Set.Classes.Count} class has readable images; a classifier needs at least two");

            var trainStart = System.Diagnostics.Stopwatch.GetTimestamp();
            var trained = await ctx.Progress.RunAsync("training", report =>
                Task.Run(() => new ClassifierTrainer(options).Train(embedded.Data.Set, new InlineProgress<TrainingProgress>(p => report(p.Done, p.Total)), ct), ct)).ConfigureAwait(false);
            var summary = new TrainingSummary(labelled.Root, embedded.Data.Set.CountPerClass(), embedded.Data.Skipped, options.Augment, views, options.Seed,
                embedded.Seconds, System.Diagnostics.Stopwatch.GetElapsedTime(trainStart).TotalSeconds);
            var model = ClassifierModel.Create(trained, BackboneInfo.From(backboneModel), summary);
            var path = Path.GetFullPath(parse.GetValue(output)!);
            ClassifierFile.Save(model, path);
            WriteTraining(ctx, model, path);
            if (!ctx.Json)
                ctx.WriteSkippedFooter(labelled.NotImages);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static ClassifierTrainingOptions TrainingOptions(int folds, double? validation, bool augment, int seed, double tolerance)
    {
        if (folds < 2)
            throw new UsageException($"--folds must be at least 2 (got {folds})");
        if (validation is { } v && v is <= 0 or >= 1)
            throw new UsageException($"--validation must lie strictly between 0 and 1 (got {v})");
        if (tolerance is < 0 or >= 1)
            throw new UsageException($"--unknown-tolerance must lie in [0, 1) (got {tolerance})");
        return new ClassifierTrainingOptions(Folds: folds, ValidationFraction: validation, Augment: augment, Seed: seed, UnknownTolerance: tolerance);
    }

    private static async Task<(Models.Cache.CachedModel Model, IImageEmbedder Embedder)> BackboneAsync(CliContext ctx, string id, int batch, CancellationToken ct)
    {
        if (batch < 1)
            throw new UsageException($"--batch must be at least 1 (got {batch})");
        var model = await ctx.EnsureModelAsync(id, ct).ConfigureAwait(false);
        return (model, Embedders.Create(model, ctx.Engine, new EmbedderOptions(batch, ctx.Limits)));
    }

    /// <summary>Loads a classifier file and its backbone (pulled when missing), checking they match.</summary>
    private static async Task<ImageClassifier> ClassifierAsync(CliContext ctx, string path, int batch, CancellationToken ct)
    {
        if (batch < 1)
            throw new UsageException($"--batch must be at least 1 (got {batch})");
        var model = ClassifierFile.Load(path);
        var backbone = await BackboneOfAsync(ctx, model, path, ct).ConfigureAwait(false);
        return ImageClassifier.Open(model, backbone, ctx.Engine, new EmbedderOptions(batch, ctx.Limits));
    }

    private static async Task<Models.Cache.CachedModel> BackboneOfAsync(CliContext ctx, ClassifierModel model, string path, CancellationToken ct)
    {
        try
        {
            return await ctx.EnsureModelAsync(model.Backbone.Id, ct).ConfigureAwait(false);
        }
        catch (Models.ModelStoreException e)
        {
            throw new ClassifierFileException(ClassifierFileErrorKind.BackboneMismatch, $"'{path}' needs backbone '{model.Backbone.Id}' {model.Backbone.Version}, which is not available: {e.Message}", e);
        }
    }

    private static void WriteTraining(CliContext ctx, ClassifierModel model, string path)
    {
        var m = model.Metrics;
        if (ctx.Json)
        {
            ctx.WriteJson(new
            {
                model = path, classes = model.Classes, backbone = model.Backbone, imagesPerClass = model.Training.ImagesPerClass,
                validation = m.Validation, accuracy = m.Accuracy, macroF1 = m.Report.MacroF1, l2 = m.L2,
                perClass = m.Report.PerClass, confusion = m.Report.Confusion,
                unknown = new { score = model.Unknown.Score, threshold = model.Unknown.ThresholdJson, off = m.UnknownOffReason, tolerance = TradeOffRow(model)?.Tolerance, tradeOff = m.UnknownTradeOff },
                embedSeconds = model.Training.EmbedSeconds, trainSeconds = model.Training.TrainSeconds,
                skipped = model.Training.Skipped.Select(s => new { path = s.Path, reason = s.Reason }),
            });
            return;
        }
        WriteReport(ctx, m.Report);
        var tradeOff = new Table().Border(TableBorder.Rounded).Title("unknown-image rejection trade-off")
            .AddColumn(new TableColumn("allowed accuracy drop").RightAligned()).AddColumn(new TableColumn($"{m.UnknownScore} threshold").RightAligned())
            .AddColumn(new TableColumn("known accuracy").RightAligned()).AddColumn(new TableColumn("known rejected").RightAligned())
            .AddColumn(new TableColumn("unseen class rejected (est.)").RightAligned());
        var used = TradeOffRow(model);
        foreach (var p in m.UnknownTradeOff)
            tradeOff.AddRow($"{100 * p.Tolerance:0} pts" + (used is { } u0 && u0.Tolerance == p.Tolerance ? " [green](used)[/]" : ""),
                new UnknownRule(m.UnknownScore, p.Threshold).ThresholdText, $"{100 * p.KnownAccuracy:0.0} %", $"{100 * p.KnownRejected:0.0} %", p.UnknownRejected is { } u ? $"{100 * u:0.0} %" : "-");
        ctx.OutputConsole.Write(tradeOff);
        if (m.UnknownOffReason is { } off)
            ctx.Warn(off);
        ctx.OutputConsole.MarkupLine($"[green]{Markup.Escape(path)}[/]: {model.Classes.Count} classes, {model.Training.ImagesPerClass.Sum()} images; {Markup.Escape(m.Validation)} accuracy [bold]{100 * m.Accuracy:0.0} %[/], macro F1 {m.Report.MacroF1:0.000}; L2 {m.L2:G3}");
        ctx.OutputConsole.MarkupLine($"[grey]embedding {model.Training.EmbedSeconds:0.0} s, training {model.Training.TrainSeconds:0.0} s; backbone {Markup.Escape(model.Backbone.Id)} {Markup.Escape(model.Backbone.Version)}[/]");
    }

    private static OperatingPoint? TradeOffRow(ClassifierModel model) =>
        model.Metrics.UnknownTradeOff.Where(p => p.Threshold == model.Unknown.Threshold).Select(p => (OperatingPoint?)p).FirstOrDefault();

    private static void WriteReport(CliContext ctx, EvaluationReport report)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("class").AddColumn(new TableColumn("images").RightAligned())
            .AddColumn(new TableColumn("precision").RightAligned()).AddColumn(new TableColumn("recall").RightAligned()).AddColumn(new TableColumn("F1").RightAligned());
        foreach (var c in report.PerClass)
            table.AddRow(Markup.Escape(c.Label), c.Support.ToString(), $"{c.Precision:0.000}", $"{c.Recall:0.000}", $"{c.F1:0.000}");
        table.AddRow("[bold]all[/]", report.Examples.ToString(), "", $"[bold]{100 * report.Accuracy:0.0} %[/]", $"{report.MacroF1:0.000}");
        ctx.OutputConsole.Write(table);
        var columns = report.Classes.Concat(report.HasUnknownColumn ? ["unknown"] : []).ToList();
        var confusion = new Table().Border(TableBorder.Rounded).Title("confusion (rows: true, columns: predicted)").AddColumn("");
        foreach (var c in columns)
            confusion.AddColumn(new TableColumn(Markup.Escape(c)).RightAligned());
        for (var r = 0; r < report.Classes.Count; r++)
            confusion.AddRow([Markup.Escape(report.Classes[r]), .. report.Confusion[r].Select((v, c) => c == r ? $"[bold]{v}[/]" : v.ToString())]);
        ctx.OutputConsole.Write(confusion);
    }

    public static Command Classify(Func<ParseResult, CliContext> context)
    {
        var images = new Argument<string[]>("images") { Description = "Image files or folders (searched recursively)", Arity = ArgumentArity.OneOrMore };
        var modelFile = ModelFileOption();
        var top = new Option<int>("--top", "-k") { Description = $"How many classes to show per image (1-{ClassifyOptions.MaxTop})", DefaultValueFactory = _ => ClassifyOptions.DefaultTop };
        var batch = BatchOption();
        var command = new Command("classify", "Tell which of a classifier's classes each image shows, or that it shows none") { images, modelFile, top, batch };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var k = parse.GetValue(top);
            new ClassifyOptions(k).Validate();
            var (files, missing) = ExpandInputs(ctx, parse.GetValue(images)!);
            if (files.Count == 0)
                throw new InputException(missing.Count > 0 ? $"'{missing[0]}' does not exist" : "no images found in the given paths");
            var modelPath = Path.GetFullPath(parse.GetValue(modelFile)!);
            var classifier = await ClassifierAsync(ctx, modelPath, parse.GetValue(batch), ct).ConfigureAwait(false);
            var outcomes = await TaskRuns.ClassifyAsync(ctx, classifier, ClassifyTask.NameOf(modelPath), k, files, ct).ConfigureAwait(false);
            var failed = missing.Select(m => new FailedInput(m, "does not exist")).Concat(TaskRuns.Failed(outcomes)).ToList();
            var model = classifier.Model;
            if (ctx.Json)
            {
                ctx.WriteJson(new
                {
                    model = new { path = modelPath, classes = model.Classes, backbone = model.Backbone.Id, backboneVersion = model.Backbone.Version, created = model.Created, unknownRule = new { score = model.Unknown.Score, threshold = model.Unknown.ThresholdJson } },
                    // Each the record POST /v1/classify answers.
                    results = outcomes.Where(o => o.Succeeded).Select(o => o.Result!),
                    failed,
                });
            }
            else
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumn("image").AddColumn("answer");
                for (var i = 0; i < Math.Min(k, model.Classes.Count); i++)
                    table.AddColumn(new TableColumn($"#{i + 1}").RightAligned());
                foreach (var r in outcomes.Where(o => o.Succeeded).Select(o => o.Result!))
                    table.AddRow([
                        Markup.Escape(r.Source),
                        r.Unknown ? "[yellow]unknown[/]" : $"[green]{Markup.Escape(r.Label!)}[/]",
                        .. r.Predictions.Select(p => $"{Markup.Escape(p.Label)} {100 * p.Probability:0.0} %"),
                    ]);
                ctx.OutputConsole.Write(table);
                if (model.Unknown.IsOff)
                    ctx.Warn($"the unknown rule of {Path.GetFileName(modelPath)} is off (it could not be calibrated when trained): every image gets one of the classes");
                var ok = outcomes.Where(o => o.Succeeded).Select(o => o.Result!.Timings).ToList();
                if (ok.Count > 0)
                    ctx.OutputConsole.MarkupLine($"[grey]{Markup.Escape(Path.GetFileName(modelPath))} on {Markup.Escape(model.Backbone.Id)} {Markup.Escape(model.Backbone.Version)}; per image: pre {ok.Average(t => t.PreprocessMs):0.0} ms, inference {ok.Average(t => t.InferenceMs):0.0} ms, post {ok.Average(t => t.PostprocessMs):0.00} ms[/]");
                foreach (var f in failed)
                    ctx.Warn($"skipped {f.Path}: {f.Reason}");
                ctx.WriteSkippedFooter();
            }
            return failed.Count > 0 && outcomes.All(o => !o.Succeeded) ? ExitCodes.BadInput : ExitCodes.Ok;
        });
        return command;
    }

    private static (List<string> Files, List<string> Missing) ExpandInputs(CliContext ctx, IEnumerable<string> inputs)
    {
        var files = new List<string>();
        var missing = new List<string>();
        var notImages = new List<SkippedFile>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                var scan = ImageFiles.ScanFolder(input);
                files.AddRange(scan.Images);
                notImages.AddRange(scan.Skipped);
            }
            else if (File.Exists(input))
                files.Add(Path.GetFullPath(input));
            else
                missing.Add(input);
        }
        ctx.NoteNotProcessed(notImages);
        return (files.Distinct(StringComparer.Ordinal).ToList(), missing);
    }

    public static Command EvalClassify(Func<ParseResult, CliContext> context)
    {
        var folder = new Argument<string>("folder") { Description = "Labelled folder: one sub-folder per class, named as in the classifier" };
        var modelFile = ModelFileOption();
        var plot = new Option<string?>("--plot") { Description = "Write the confusion matrix as a PNG here" };
        var batch = BatchOption();
        var command = new Command("classify", "Accuracy, per-class precision/recall/F1 and confusion matrix of a classifier on a labelled folder") { folder, modelFile, plot, batch };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var labelled = LabelledFolder.Scan(parse.GetValue(folder)!, minimumClasses: 1);
            ctx.NoteNotProcessed(labelled.NotImages);
            foreach (var w in labelled.Warnings)
                ctx.Warn(w);
            var modelPath = Path.GetFullPath(parse.GetValue(modelFile)!);
            var classifier = await ClassifierAsync(ctx, modelPath, parse.GetValue(batch), ct).ConfigureAwait(false);
            var classes = classifier.Classes.ToList();
            var foreign = labelled.Classes.Where(c => !classes.Contains(c)).ToList();
            foreach (var c in foreign)
                ctx.Warn($"class folder '{c}' is not one of the classifier's classes; skipped");
            var files = labelled.Files.Where(f => classes.Contains(labelled.Classes[f.Label])).ToList();
            if (files.Count == 0)
                throw new InputException($"no images in '{labelled.Root}' belong to the classifier's classes ({string.Join(", ", classes)})");
            var outcomes = await TaskRuns.ClassifyAsync(ctx, classifier, files.Select(f => f.Path).ToList(), ct).ConfigureAwait(false);
            var good = Enumerable.Range(0, files.Count).Where(i => outcomes[i].Succeeded).ToList();
            if (good.Count == 0)
                throw new InputException($"none of the {files.Count} images in '{labelled.Root}' could be read");
            var truth = good.Select(i => classes.IndexOf(labelled.Classes[files[i].Label])).ToList();
            var results = good.Select(i => outcomes[i].Result!).ToList();
            var closed = ClassifierEvaluation.Evaluate(classes, truth, results.Select(r => classes.IndexOf(r.Ranked[0].Label)).ToList());
            var open = ClassifierEvaluation.Evaluate(classes, truth, results.Select(r => r.Unknown ? ClassifierEvaluation.Unknown : classes.IndexOf(r.Ranked[0].Label)).ToList());
            var failed = TaskRuns.Failed(outcomes).ToList();
            string? plotPath = null;
            if (parse.GetValue(plot) is { } p)
            {
                plotPath = Path.GetFullPath(p);
                if (Path.GetDirectoryName(plotPath) is { } dir)
                    Directory.CreateDirectory(dir);
                File.WriteAllBytes(plotPath, ConfusionMatrixPlot.Png(closed, $"{Path.GetFileName(modelPath)}: accuracy {closed.Accuracy:P1} on {closed.Examples} images"));
            }
            if (ctx.Json)
            {
                ctx.WriteJson(new
                {
                    folder = labelled.Root, model = modelPath, classes, images = closed.Examples, accuracy = closed.Accuracy, macroF1 = closed.MacroF1,
                    perClass = closed.PerClass, confusion = closed.Confusion,
                    withUnknownRule = new { accuracy = open.Accuracy, rejected = open.Rejected, confusion = open.Confusion },
                    plot = plotPath, failed,
                });
                return ExitCodes.Ok;
            }
            WriteReport(ctx, closed);
            ctx.OutputConsole.MarkupLine($"with the unknown rule: accuracy {100 * open.Accuracy:0.0} %, {open.Rejected} of {open.Examples} images answered unknown");
            if (plotPath is not null)
                ctx.OutputConsole.MarkupLine($"[grey]confusion matrix plot: {Markup.Escape(plotPath)}[/]");
            foreach (var f in failed)
                ctx.Warn($"skipped {f.Path}: {f.Reason}");
            ctx.WriteSkippedFooter();
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command EvalUnknown(Func<ParseResult, CliContext> context)
    {
        var folder = new Argument<string>("folder") { Description = "Labelled folder: one sub-folder per class" };
        var holdout = new Option<string?>("--holdout-class") { Description = "Class left out of training and shown as the unknown" };
        var split = new Option<int?>("--split") { Description = "Instead: train on this many images per class, test on the rest (neither training nor the unknown rule sees them)" };
        var classes = new Option<string?>("--classes") { Description = "With --split: only these classes, comma-separated (e.g. daisy,roses,sunflowers)" };
        var outliers = new Option<string[]>("--outliers") { Description = "With --split: folders of images far from every class, each measured for the share answered unknown", AllowMultipleArgumentsPerToken = true };
        var backbone = BackboneOption();
        var folds = FoldsOption();
        var seed = SeedOption();
        var batch = BatchOption();
        var tolerance = ToleranceOption();
        var command = new Command("unknown", "Train without one class, then measure how often its images are answered 'unknown' and what that costs on the known classes")
        {
            folder, holdout, split, classes, outliers, backbone, folds, seed, batch, tolerance,
        };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var options = TrainingOptions(parse.GetValue(folds), null, false, parse.GetValue(seed), parse.GetValue(tolerance));
            var perClass = parse.GetValue(split);
            if ((perClass is null) == (parse.GetValue(holdout) is null))
                throw new UsageException("give either --holdout-class or --split");
            if (perClass is null && (parse.GetValue(classes) is not null || parse.GetValue(outliers) is { Length: > 0 }))
                throw new UsageException("--classes and --outliers go with --split");
            if (perClass is { } n)
                return await HeldOutSplitAsync(ctx, parse.GetValue(folder)!, n, parse.GetValue(classes), parse.GetValue(outliers) ?? [], options, parse.GetValue(backbone)!, parse.GetValue(batch), ct).ConfigureAwait(false);
            var labelled = LabelledFolder.Scan(parse.GetValue(folder)!, minimumClasses: 3);
            ctx.NoteNotProcessed(labelled.NotImages);
            foreach (var w in labelled.Warnings)
                ctx.Warn(w);
            var holdoutClass = parse.GetValue(holdout)!;
            if (!labelled.Classes.Contains(holdoutClass))
                throw new InputException($"there is no class '{holdoutClass}' in '{labelled.Root}' (classes: {string.Join(", ", labelled.Classes)})");
            var (_, embedder) = await BackboneAsync(ctx, parse.GetValue(backbone)!, parse.GetValue(batch), ct).ConfigureAwait(false);
            var started = DateTime.UtcNow;
            var embedded = await ctx.Progress.RunAsync($"embedding {labelled.Files.Count} images", report =>
                Task.Run(() => FolderEmbedding.Embed(labelled, embedder, null, options.Seed, new InlineProgress<(int Done, int Total)>(p => report(p.Done, p.Total)), ct), ct)).ConfigureAwait(false);
            foreach (var s in embedded.Skipped)
                ctx.Warn($"skipped {s.Path}: {s.Reason}");
            var report = await ctx.Progress.RunAsync($"training {options.Folds} times without '{holdoutClass}'", r =>
                Task.Run(() => OpenSetEvaluation.HoldOutClass(embedded.Set, holdoutClass, options, new InlineProgress<(int Done, int Total)>(p => r(p.Done, p.Total)), ct), ct)).ConfigureAwait(false);
            var seconds = (DateTime.UtcNow - started).TotalSeconds;
            if (ctx.Json)
            {
                ctx.WriteJson(new { folder = labelled.Root, validation = $"{options.Folds}-fold cross-validation over the known classes", report, accuracyDrop = report.AccuracyDrop, seconds });
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("known images (other classes)", report.KnownImages.ToString());
            table.AddRow($"unknown images ('{Markup.Escape(holdoutClass)}')", report.UnknownImages.ToString());
            table.AddRow("closed-set accuracy (no rejection)", $"{100 * report.ClosedSetAccuracy:0.0} %");
            table.AddRow($"known accuracy with rejection (allowed drop {100 * report.Tolerance:0} pts)", $"{100 * report.KnownAccuracy:0.0} %");
            table.AddRow("known images rejected", $"{100 * report.KnownRejected:0.0} %");
            table.AddRow($"[bold]'{Markup.Escape(holdoutClass)}' answered unknown[/]", $"[bold]{100 * report.UnknownRejected:0.0} %[/]");
            ctx.OutputConsole.Write(table);
            ctx.OutputConsole.MarkupLine($"[grey]{options.Folds}-fold cross-validation over the known classes; {seconds:0.0} s[/]");
            ctx.WriteSkippedFooter();
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<int> HeldOutSplitAsync(CliContext ctx, string folder, int perClass, string? classList, string[] outlierFolders,
        ClassifierTrainingOptions options, string backbone, int batch, CancellationToken ct)
    {
        if (perClass < 1)
            throw new UsageException($"--split must be at least 1 (got {perClass})");
        var labelled = LabelledFolder.Scan(folder);
        foreach (var w in labelled.Warnings)
            ctx.Warn(w);
        var chosen = classList?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? labelled.Classes.ToArray();
        if (chosen.Length < 2)
            throw new UsageException($"--classes needs at least two classes (got '{classList}')");
        foreach (var c in chosen.Where(c => !labelled.Classes.Contains(c)))
            throw new InputException($"there is no class '{c}' in '{labelled.Root}' (classes: {string.Join(", ", labelled.Classes)})");
        foreach (var o in outlierFolders.Where(o => !Directory.Exists(o)))
            throw new InputException($"outlier folder '{o}' does not exist");
        var (_, embedder) = await BackboneAsync(ctx, backbone, batch, ct).ConfigureAwait(false);
        var started = DateTime.UtcNow;
        var embedded = await ctx.Progress.RunAsync($"embedding {labelled.Files.Count} images", report =>
            Task.Run(() => FolderEmbedding.Embed(labelled, embedder, null, options.Seed, new InlineProgress<(int Done, int Total)>(p => report(p.Done, p.Total)), ct), ct)).ConfigureAwait(false);
        foreach (var s in embedded.Skipped)
            ctx.Warn($"skipped {s.Path}: {s.Reason}");
        var outliers = new List<(string Name, IReadOnlyList<float[]> Features)>();
        foreach (var o in outlierFolders)
        {
            var files = SimilarityIndex.ImageFiles(o).ToList();
            var outcomes = await TaskRuns.EmbedAsync(ctx, embedder, files, $"embedding {files.Count} outlier images in {o}", ct).ConfigureAwait(false);
            TaskRuns.ReportFailures(ctx, outcomes);
            outliers.Add((Path.TrimEndingDirectorySeparator(o),
                outcomes.Where(x => x.Succeeded).Select(x => FeatureMap.Apply(x.Result!.Vector)).ToList()));
        }
        var report = await Task.Run(() => HeldOutSplit.Evaluate(HeldOutSplit.Subset(embedded.Set, chosen), perClass, outliers, options, ct), ct).ConfigureAwait(false);
        var seconds = (DateTime.UtcNow - started).TotalSeconds;
        if (ctx.Json)
        {
            Json.Write(ctx.Output, new { folder = labelled.Root, report, accuracyDrop = report.AccuracyDrop, seconds });
            return ExitCodes.Ok;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("classes", Markup.Escape(string.Join(", ", report.Classes)));
        table.AddRow("training images (per class)", $"{report.TrainImages} ({report.TrainPerClass})");
        table.AddRow("held-out test images", report.TestImages.ToString());
        table.AddRow("unknown rule", Markup.Escape($"{report.Score} < {new UnknownRule(report.Score, report.Threshold).ThresholdText}"));
        table.AddRow("held-out accuracy, no rejection", $"{100 * report.ClosedSetAccuracy:0.0} %");
        table.AddRow("held-out accuracy with the unknown rule", $"{100 * report.KnownAccuracy:0.0} %");
        table.AddRow("held-out known images rejected (measured)", $"{100 * report.KnownRejected:0.0} %");
        table.AddRow("known images rejected (estimated at training)", $"{100 * report.EstimatedKnownRejected:0.0} %");
        foreach (var o in report.Outliers)
            table.AddRow($"[bold]{Markup.Escape(o.Name)} ({o.Images} images) answered unknown[/]", $"[bold]{100 * o.Rejected:0.0} %[/]");
        ctx.OutputConsole.Write(table);
        if (report.UnknownOffReason is { } off)
            ctx.Warn(off);
        ctx.OutputConsole.MarkupLine($"[grey]trained on {report.TrainPerClass} images per class (seeded split, --seed {options.Seed}); {seconds:0.0} s[/]");
        return ExitCodes.Ok;
    }

    public static Command Export(Func<ParseResult, CliContext> context)
    {
        var modelFile = new Argument<string>("model") { Description = "Classifier file made by 'sightline train'" };
        var onnx = new Option<string>("--onnx") { Description = "ONNX file to write: pre-processing, backbone, head and softmax in one graph", Required = true };
        var command = new Command("export", "Export a classifier as one ONNX model runnable by any ONNX runtime") { modelFile, onnx };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var path = Path.GetFullPath(parse.GetValue(modelFile)!);
            var model = ClassifierFile.Load(path);
            var backbone = await BackboneOfAsync(ctx, model, path, ct).ConfigureAwait(false);
            var bytes = ClassifierExport.ToOnnx(model, backbone, ctx.Engine);
            var target = Path.GetFullPath(parse.GetValue(onnx)!);
            if (Path.GetDirectoryName(target) is { } dir)
                Directory.CreateDirectory(dir);
            File.WriteAllBytes(target, bytes);
            var (h, w) = (model.Backbone.InputHeight, model.Backbone.InputWidth);
            if (ctx.Json)
            {
                ctx.WriteJson(new
                {
                    onnx = target, bytes = bytes.LongLength, classes = model.Classes,
                    input = new { name = ClassifierExport.InputName, shape = new object[] { "N", h, w, 3 }, description = "float32 RGB 0-255, scaled to cover and centre-cropped" },
                    outputs = new[] { ClassifierExport.ProbabilitiesName, ClassifierExport.LogitsName, ClassifierExport.SimilarityName },
                    unknownRule = new { score = model.Unknown.Score, threshold = model.Unknown.ThresholdJson },
                });
                return ExitCodes.Ok;
            }
            ctx.OutputConsole.MarkupLine($"[green]{Markup.Escape(target)}[/]: " + Markup.Escape($"{Format.Bytes(bytes.LongLength)}; input '{ClassifierExport.InputName}' float32 [N,{h},{w},3] RGB 0-255; outputs '{ClassifierExport.ProbabilitiesName}', '{ClassifierExport.LogitsName}' and '{ClassifierExport.SimilarityName}' [N,{model.Classes.Count}]; classes and the unknown rule in metadata ('sightline.classes', 'sightline.unknown')"));
            return ExitCodes.Ok;
        });
        return command;
    }
}
