using System.CommandLine;
using Sightline.Cli.Output;
using Sightline.Faces;
using Sightline.Faces.Attributes;
using Sightline.Faces.Descriptors;
using Sightline.Faces.Detection;
using Sightline.Faces.Gallery;
using Sightline.Imaging;
using Sightline.Models.Cache;
using Sightline.Vision.Pipeline;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary>
/// <c>sightline faces</c> (analyse every face), <c>faces verify</c>, and the gallery commands <c>faces enroll</c>,
/// <c>identify</c>, <c>people</c>, <c>forget</c> and <c>rename</c> (FaceGalleryCommands.cs), and
/// <c>sightline eval faces</c> and <c>eval emotions</c> (FaceEvalCommands.cs).
/// </summary>
public static partial class FaceCommands
{
    /// <summary>The gallery used when --gallery is not given: <c>faces.gallery</c> in the Sightline home (SIGHTLINE_HOME, else ~/.cache/sightline).</summary>
    public static string DefaultGalleryPath() => Path.Combine(StoreLocation.Resolve(), "faces.gallery");

    private static Option<string?> DescriptorOption(string fallback) => new("--descriptor")
    {
        Description = $"Face descriptor: face-api (128-d), faceres or faceres-deep (1024-d), mobilefacenet (192-d) or mobileface (256-d); default: {fallback}",
    };

    private static Option<string> EmotionOption() => new("--emotion") { Description = "Expression model: face-api (default) or human", DefaultValueFactory = _ => "face-api" };

    private static Option<float?> ThresholdOption() => new("--threshold")
    {
        Description = $"Descriptor distance below which two faces are the same person (default: the descriptor's own, {FaceApiDescriber.DefaultThreshold} for face-api, {FaceResDescriber.DefaultThreshold} for faceres)",
    };

    private static Option<string?> GalleryOption(string description) => new("--gallery", "-g") { Description = description };

    private static Option<bool> DescriptorsOption() => new("--descriptors") { Description = "Include each face's descriptor values in --json (the API's descriptors=true)" };

    private static Option<string?> SaveOption() => new("--save") { Description = "Folder to write each image with its faces, landmarks and labels drawn" };

    /// <summary>The options choosing which faces are analysed, shared by <c>faces</c> and <c>faces identify</c>.</summary>
    private sealed class DetectOptionSet
    {
        public Option<float> MinScore { get; } = new("--min-score") { Description = "Keep faces the detector scores at least this (0-1)", DefaultValueFactory = _ => FaceDetectOptions.Default.MinScore };
        public Option<float> MinSize { get; } = new("--min-size") { Description = $"Smallest face to look for, in pixels across (0-{FaceDetectOptions.MaxMinFaceSize})", DefaultValueFactory = _ => FaceDetectOptions.Default.MinFaceSize };
        public Option<int> Max { get; } = new("--max") { Description = $"At most this many faces per image (1-{FaceDetectOptions.MaxFacesLimit})", DefaultValueFactory = _ => FaceDetectOptions.Default.MaxFaces };

        public IEnumerable<Option> All => [MinScore, MinSize, Max];

        /// <summary>The values given, checked by the options record (the API's ranges).</summary>
        public FaceDetectOptions Read(ParseResult parse)
        {
            var options = FaceDetectOptions.Default with { MinScore = parse.GetValue(MinScore), MinFaceSize = parse.GetValue(MinSize), MaxFaces = parse.GetValue(Max) };
            options.Validate();
            return options;
        }
    }

    public static Command Faces(Func<ParseResult, CliContext> context)
    {
        var images = new Argument<string[]>("images") { Description = "Images or folders", Arity = ArgumentArity.OneOrMore };
        var detect = new DetectOptionSet();
        var save = SaveOption();
        var descriptor = DescriptorOption("face-api, or the gallery's model with --gallery");
        var emotion = EmotionOption();
        var liveness = new Option<bool>("--liveness") { Description = "Also score each face for anti-spoofing and liveness (is it a real face, not a photo or screen)" };
        var gallery = GalleryOption("Face gallery to name the faces from (made by 'sightline faces enroll')");
        var threshold = ThresholdOption();
        var descriptors = DescriptorsOption();
        var command = new Command("faces", "Find every face and read its landmarks, expression, age, gender and quality; name them from a gallery")
        {
            images, save, descriptor, emotion, liveness, gallery, threshold, descriptors,
        };
        foreach (var option in detect.All)
            command.Add(option);
        command.Add(Verify(context));
        command.Add(Enroll(context));
        command.Add(Identify(context));
        command.Add(People(context));
        command.Add(Forget(context));
        command.Add(Rename(context));
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var withLiveness = parse.GetValue(liveness);
            var options = new FaceAnalysisOptions(detect.Read(parse), withLiveness ? FaceTasks.All : FaceTasks.Default);
            FaceComparison.CheckThreshold(parse.GetValue(threshold));
            var emotionModel = FaceModels.EmotionId(parse.GetValue(emotion)!);
            var files = ctx.ImageInputs(parse.GetValue(images) ?? []);
            using var faceGallery = parse.GetValue(gallery) is { } galleryPath ? FaceGallery.Open(galleryPath, createIfMissing: false) : null;
            var models = new FaceModels(Describer: DescriberFor(parse.GetValue(descriptor), faceGallery), Emotion: emotionModel);
            var analyzer = await AnalyzerAsync(ctx, models, withLiveness, ct).ConfigureAwait(false);
            var limit = FaceComparison.ThresholdFor(analyzer.Describer, parse.GetValue(threshold));
            WarnIfEmpty(ctx, faceGallery);
            var outcomes = await AnalyzeAsync(ctx, analyzer, files, options, ct).ConfigureAwait(false);
            var results = Results(ctx, analyzer, outcomes, options, parse.GetValue(descriptors), faceGallery, limit);
            if (parse.GetValue(save) is { } folder)
                SaveAnnotated(folder, results, ctx.Limits, face =>
                {
                    // A face too poor to identify gets its reasons instead of attributes that would read as facts.
                    var attributes = face.Identifiable == false
                        ? $"too poor ({face.Unreliable})"
                        : $"{(face.Emotion is { } e ? e.Label : "?")} · {(face.AgeGender is { } ag ? $"{ag.Age:0} {ag.Gender}" : "?")}";
                    if (face.Identity is not { } id)
                        return (attributes, "face");
                    return (id.TooPoor is not null ? attributes : $"{id.Label()} · {attributes}", id.Name ?? id.Status);
                });
            if (ctx.Json)
            {
                ctx.WriteJson(new
                {
                    results = results.OfType<FacesResult>(),
                    gallery = faceGallery?.Path,
                    threshold = faceGallery is null ? (float?)null : limit,
                    failed = Failed(outcomes),
                });
            }
            else
            {
                foreach (var r in results.OfType<FacesResult>())
                    ctx.OutputConsole.Write(FacesTable(r, faceGallery is not null, withLiveness));
                var m = analyzer.Models;
                ctx.OutputConsole.MarkupLine($"[grey]{Markup.Escape($"detector {m["detector"]} (min score {options.Detect.MinScore}, min size {options.Detect.MinFaceSize} px), landmarks {m["landmarks"]}, descriptor {m["descriptor"]}")}[/]");
                ctx.OutputConsole.MarkupLine($"[grey]{Markup.Escape($"emotion {m["emotion"]}, age/gender {m["ageGender"]}" + (faceGallery is null ? "" : $"; gallery {faceGallery.Path}, threshold {limit}"))}[/]");
                ReportFailures(ctx, outcomes);
                ctx.WriteSkippedFooter();
            }
            return outcomes.Any(o => o.Result is not null) ? ExitCodes.Ok : ExitCodes.BadInput;
        });
        return command;
    }

    /// <summary>The result record of each analysed image (null where the image failed): the one the API answers with.</summary>
    private static IReadOnlyList<FacesResult?> Results(CliContext ctx, FaceAnalyzer analyzer, IReadOnlyList<Outcome<FaceAnalysis>> outcomes, FaceAnalysisOptions options,
        bool withDescriptors, FaceGallery? gallery, float threshold)
    {
        var models = FaceModelRef.For(analyzer, options.Tasks, ctx.Store);
        return outcomes.Select(o => o.Result is { } a ? FacesResult.Of(a, models, withDescriptors, 0, gallery, threshold, analyzer.Describer) : null).ToList();
    }

    private static Table FacesTable(FacesResult a, bool withGallery, bool withLiveness)
    {
        var count = a.Faces.Count;
        var title = $"{Path.GetFileName(a.Source)} ({a.Image.Width}x{a.Image.Height}): {(count == 0 ? "no faces" : count == 1 ? "1 face" : $"{count} faces")}, {a.Timings.TotalMs:0} ms";
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title))
            .AddColumn(new TableColumn("#").RightAligned()).AddColumn("box x, y, w, h (px)").AddColumn(new TableColumn("score").RightAligned())
            .AddColumn("emotion").AddColumn(new TableColumn("age").RightAligned()).AddColumn("gender").AddColumn(new TableColumn("quality").RightAligned());
        if (withGallery)
            table.AddColumn("name").AddColumn(new TableColumn("similarity").RightAligned());
        if (withLiveness)
            table.AddColumn(new TableColumn("real").RightAligned()).AddColumn(new TableColumn("live").RightAligned());
        if (count == 0)
        {
            table.AddRow(Pad(["", "[grey]no faces[/]"], table.Columns.Count));
            return table;
        }
        for (var i = 0; i < count; i++)
        {
            var f = a.Faces[i];
            var cells = new List<string>
            {
                $"{i + 1}", Box(f.Box), $"{f.Score:0.00}",
                f.Emotion is { } e ? $"{Markup.Escape(e.Label)} {100 * e.Score:0} %{UnreliableMark(e.Unreliable)}" : "",
                f.AgeGender is { } ag ? $"{ag.Age:0}{UnreliableMark(ag.Unreliable)}" : "",
                f.AgeGender is { } g ? $"{Markup.Escape(g.Gender)} {100 * g.GenderScore:0} %{UnreliableMark(g.Unreliable)}" : "",
                (f.Quality is { } q ? $"{q.Score:0.00}" : "") + (f.Identifiable == false ? $" [yellow]too poor: {Markup.Escape(f.Unreliable!)}[/]" : ""),
            };
            if (withGallery)
            {
                cells.Add(f.Identity is { } id ? NameCell(id) : "");
                cells.Add(f.Identity?.Similarity is { } similarity ? $"{similarity:0.00}" : "");
            }
            if (withLiveness)
            {
                cells.Add(f.Liveness is { } l ? $"{l.Real:0.00}" : "");
                cells.Add(f.Liveness is { } l2 ? $"{l2.Live:0.00}" : "");
            }
            table.AddRow(cells.ToArray());
        }
        return table;
    }

    private static string UnreliableMark(string? reason) => reason is null ? "" : " [grey](unreliable)[/]";

    /// <summary>The name column: the person in green, unknown (with the nearest) or too poor (with why) in yellow.</summary>
    private static string NameCell(FaceIdentity id) =>
        id.Known ? $"[green]{Markup.Escape(id.Name!)}[/]"
        : id.TooPoor is { } reasons ? $"[yellow]too poor[/] [grey]({Markup.Escape(string.Join(", ", reasons))})[/]"
        : id.Nearest is { } near ? $"[yellow]unknown[/] [grey](nearest {Markup.Escape(near)})[/]" : "[yellow]unknown[/]";

    public static Command Verify(Func<ParseResult, CliContext> context)
    {
        var first = new Argument<string>("first") { Description = "First image (its largest face is compared)" };
        var second = new Argument<string>("second") { Description = "Second image (its largest face is compared)" };
        var threshold = ThresholdOption();
        var descriptor = DescriptorOption("face-api");
        var detect = new DetectOptionSet();
        var command = new Command("verify", "Tell whether the largest faces of two images are of the same person") { first, second, threshold, descriptor };
        foreach (var option in detect.All)
            command.Add(option);
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var options = new FaceAnalysisOptions(detect.Read(parse), FaceTasks.Recognition);
            var requested = parse.GetValue(threshold);
            FaceComparison.CheckThreshold(requested);
            var models = new FaceModels(Describer: parse.GetValue(descriptor) is { } name ? FaceModels.DescriberId(name) : FaceModels.Default.Describer);
            var analyzer = await AnalyzerAsync(ctx, models, false, ct).ConfigureAwait(false);
            var a = LargestFaceOf(analyzer, parse.GetValue(first)!, options);
            var b = LargestFaceOf(analyzer, parse.GetValue(second)!, options);
            var verification = FaceVerification.Of(VerifiedImage.From(a.Analysis, a.Face, 0), a.Face, VerifiedImage.From(b.Analysis, b.Face, 0), b.Face,
                analyzer.Describer, FaceModelRef.For(analyzer, options.Tasks, ctx.Store), requested);
            if (ctx.Json)
            {
                // The record POST /v1/faces/verify answers.
                ctx.WriteJson(verification);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("image", "faces", "compared face box x, y, w, h (px)", "score");
            foreach (var c in new[] { a, b })
                table.AddRow(Markup.Escape(c.Analysis.Source), $"{c.Analysis.Faces.Count}", Box(c.Face.Box) + (c.Analysis.Faces.Count > 1 ? " [grey](largest)[/]" : ""), $"{c.Face.Score:0.00}");
            ctx.OutputConsole.Write(table);
            foreach (var c in new[] { a, b }.Where(c => c.Analysis.Faces.Count > 1))
                ctx.OutputConsole.MarkupLine($"[yellow]note:[/] {Markup.Escape(Path.GetFileName(c.Analysis.Source))} has {c.Analysis.Faces.Count} faces; the largest was compared");
            ctx.OutputConsole.MarkupLine(verification.Same ? "same person: [green bold]yes[/]" : "same person: [red bold]no[/]");
            ctx.OutputConsole.MarkupLine(Markup.Escape($"distance {verification.Distance:0.000} {(verification.Same ? "<" : ">=")} threshold {verification.Threshold:0.000} ({verification.Metric.ToString().ToLowerInvariant()}, {verification.Descriptor.Id})"));
            ctx.OutputConsole.MarkupLine(Markup.Escape($"confidence {100 * verification.Confidence:0.0} % (calibrated probability that this answer is right)"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private readonly record struct Compared(FaceAnalysis Analysis, AnalyzedFace Face);

    /// <summary>The largest face of an image; an image without one is bad input naming the file.</summary>
    private static Compared LargestFaceOf(FaceAnalyzer analyzer, string path, FaceAnalysisOptions options)
    {
        var analysis = analyzer.Analyze(path, options);
        return analysis.LargestFace() is { Descriptor: not null } face
            ? new Compared(analysis, face)
            : throw new InputException($"no face found in '{path}'");
    }

    // ---- shared helpers ----

    /// <summary>The descriptor model to use with a gallery: the gallery's own unless another is asked for, which is then an error.</summary>
    private static string DescriberFor(string? requested, FaceGallery? gallery) => GalleryCompatibility.DescriberFor(requested, gallery?.Model, gallery?.Path);

    /// <summary>Pulls what is missing (with a progress bar) and opens the face models.</summary>
    private static async Task<FaceAnalyzer> AnalyzerAsync(CliContext ctx, FaceModels models, bool liveness, CancellationToken ct)
    {
        foreach (var id in FaceAnalyzer.RequiredModels(models, liveness).Distinct(StringComparer.Ordinal))
            await ctx.EnsureModelAsync(id, ct).ConfigureAwait(false);
        return await FaceAnalyzer.CreateAsync(ctx.Store, ctx.Engine, models, ctx.Limits, ct).ConfigureAwait(false);
    }

    /// <summary>The face analysis of each file through the pipeline, outcomes in input order.</summary>
    private static Task<IReadOnlyList<Outcome<FaceAnalysis>>> AnalyzeAsync(CliContext ctx, FaceAnalyzer analyzer, IReadOnlyList<string> files, FaceAnalysisOptions options, CancellationToken ct) =>
        TaskRuns.RunAsync(ctx, new FaceAnalysisTask(analyzer, options), files, $"analysing faces in {files.Count} images", ct);

    private static void WarnIfEmpty(CliContext ctx, FaceGallery? gallery)
    {
        if (gallery is not null && gallery.Model is null)
            ctx.Warn($"no one is enrolled in face gallery '{gallery.Path}': every face is unknown");
    }

    private static string Box(Vision.Detection.BoundingBox b) => $"{b.X:0}, {b.Y:0}, {b.Width:0}, {b.Height:0}";

    private static string[] Pad(string[] cells, int count) => [.. cells, .. Enumerable.Repeat("", Math.Max(0, count - cells.Length))];

    private static IEnumerable<FailedInput> Failed(IEnumerable<Outcome<FaceAnalysis>> outcomes) => TaskRuns.Failed(outcomes);

    private static void ReportFailures(CliContext ctx, IEnumerable<Outcome<FaceAnalysis>> outcomes) => TaskRuns.ReportFailures(ctx, outcomes);

    /// <summary>
    /// Writes each analysed image with every face's box, 68 landmarks and a label into <paramref name="folder"/>,
    /// named like <c>detect --save</c> does (PNG stays PNG, everything else becomes JPEG).
    /// <paramref name="label"/> gives a face's label and colour key.
    /// </summary>
    private static void SaveAnnotated(string folder, IReadOnlyList<FacesResult?> results, ImageLimits limits, Func<FaceResult, (string Label, string ColorKey)> label)
    {
        Directory.CreateDirectory(folder);
        foreach (var a in results.OfType<FacesResult>())
        {
            using var image = ImageDecoder.Decode(a.Source, null, limits);
            var boxes = new List<BoxAnnotation>();
            var points = new List<PointAnnotation>();
            foreach (var f in a.Faces)
            {
                var (text, key) = label(f);
                boxes.Add(new BoxAnnotation(f.Box.X, f.Box.Y, f.Box.Width, f.Box.Height, text, key));
                points.AddRange((f.Landmarks68 ?? f.Landmarks5).Select(p => new PointAnnotation(p.X, p.Y, key)));
            }
            using var drawn = Annotator.Draw(image.Bitmap, boxes, points);
            var name = Path.GetFileNameWithoutExtension(a.Source) + (Path.GetExtension(a.Source).ToLowerInvariant() is ".png" ? ".png" : ".jpg");
            Annotator.Save(drawn, Path.Combine(folder, name));
        }
    }
}
