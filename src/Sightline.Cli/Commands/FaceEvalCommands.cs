using System.CommandLine;
using System.Diagnostics;
using Sightline.Cli.Output;
using Sightline.Faces;
using Sightline.Faces.Attributes;
using Sightline.Faces.Detection;
using Sightline.Faces.Evaluation;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline eval faces</c> and <c>sightline eval emotions</c>.</summary>
public static partial class FaceCommands
{
    private const string NoFace = "no face";

    public static Command EvalFaces(Func<ParseResult, CliContext> context)
    {
        var identities = new Option<string?>("--identities") { Description = "CSV with columns file,identity (paths relative to the CSV): leave-one-out identification, and verification over all pairs" };
        var pairs = new Option<string?>("--pairs") { Description = "CSV with columns file_x,file_y,same (1/0): verification on these pairs instead of all pairs of --identities" };
        var descriptor = DescriptorOption("face-api");
        var command = new Command("faces", "Face recognition on labelled photos (largest face of each): leave-one-out identification, verification accuracy, ROC AUC, TAR at FAR, calibration")
        {
            identities, pairs, descriptor,
        };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var identitiesPath = parse.GetValue(identities);
            var pairsPath = parse.GetValue(pairs);
            if (identitiesPath is null && pairsPath is null)
                throw new UsageException("give --identities <csv> (file,identity), --pairs <csv> (file_x,file_y,same), or both");
            var models = new FaceModels(Describer: FaceModels.DescriberId(parse.GetValue(descriptor) ?? "face-api"));
            var labelled = identitiesPath is null ? [] : LabelsCsv.Read(identitiesPath, "identity");
            var pairList = pairsPath is null ? null : FacePairsCsv.Read(pairsPath);
            var analyzer = await AnalyzerAsync(ctx, models, false, ct).ConfigureAwait(false);
            var describer = analyzer.Describer;

            var files = labelled.Select(l => l.File).Concat(pairList?.SelectMany(p => new[] { p.First, p.Second }) ?? []).Distinct(StringComparer.Ordinal).ToList();
            var started = Stopwatch.GetTimestamp();
            var options = new FaceAnalysisOptions(FaceDetectOptions.Default, FaceTasks.Landmarks | FaceTasks.Descriptor);
            var outcomes = await TaskRuns.RunAsync(ctx, new FaceAnalysisTask(analyzer, options), files, $"analysing faces in {files.Count} images", ct).ConfigureAwait(false);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var faces = new Dictionary<string, AnalyzedFace>(StringComparer.Ordinal);
            var noFace = new List<string>();
            foreach (var o in outcomes.Where(o => o.Result is not null))
            {
                if (o.Result!.LargestFace() is { } face)
                    faces[o.Source.Name] = face;
                else
                    noFace.Add(o.Source.Name);
            }

            var items = labelled.Where(l => faces.ContainsKey(l.File)).ToList();
            var described = items.Select(l => (Identity: l.Label, Descriptor: faces[l.File].Descriptor!)).ToList();
            var identification = identitiesPath is null ? null : IdentificationMetrics.LeaveOneOut(described);

            IReadOnlyList<(float Distance, bool Same)> scored;
            var skippedPairs = 0;
            if (pairList is not null)
            {
                var usable = pairList.Where(p => faces.ContainsKey(p.First) && faces.ContainsKey(p.Second)).ToList();
                skippedPairs = pairList.Count - usable.Count;
                scored = usable.Select(p => (faces[p.First].Descriptor!.DistanceTo(faces[p.Second].Descriptor!), p.Same)).ToList();
            }
            else
                scored = IdentificationMetrics.AllPairs(described).Select(p => (p.Distance, p.Same)).ToList();
            var verification = VerificationMetrics.Compute(scored, describer.Threshold);
            var calibration = DistanceCalibration.Fit(scored);
            var pairSource = pairList is null ? "all pairs of the identities file" : $"pairs file '{pairsPath}'";
            var failed = TaskRuns.Failed(outcomes).ToList();

            if (ctx.Json)
            {
                ctx.WriteJson(new
                {
                    identities = identitiesPath, pairs = pairsPath, model = describer.ModelId, metric = describer.Metric,
                    images = files.Count, withFace = faces.Count, noFace, failed,
                    identification = identification is null ? null : new
                    {
                        queries = identification.Queries, correct = identification.Correct, accuracy = identification.Accuracy,
                        unanswerable = identification.Unanswerable, perIdentity = identification.PerIdentity,
                        misses = identification.Misses.Select(m => new
                        {
                            file = items[m.Index].File, identity = m.Identity, nearestFile = items[m.PredictedIndex].File, predicted = m.Predicted,
                            distance = m.Distance, nearestSameDistance = float.IsFinite(m.NearestSameDistance) ? m.NearestSameDistance : (float?)null,
                        }),
                    },
                    verification = new
                    {
                        pairs = pairSource, samePairs = verification.SamePairs, differentPairs = verification.DifferentPairs, skippedPairs,
                        defaultThreshold = describer.Threshold, atDefault = verification.AtDefault, best = verification.Best, auc = verification.Auc,
                        tarAtFar = verification.TarAtFar, roc = verification.Roc,
                    },
                    calibration = new { fitted = calibration, builtIn = describer.Calibration },
                    seconds,
                });
                return ExitCodes.Ok;
            }

            ctx.OutputConsole.MarkupLine(Markup.Escape($"{faces.Count} of {files.Count} images have a face ({noFace.Count} without, {failed.Count} unreadable); descriptor {describer.ModelId} ({describer.Metric.ToString().ToLowerInvariant()} distance), {seconds:0.0} s"));
            if (identification is not null)
                WriteIdentification(ctx, identification, items);
            var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"verification on {pairSource}"))
                .AddColumn("figure").AddColumn(new TableColumn("value").RightAligned()).AddColumn("detail");
            table.AddRow("pairs", $"{verification.SamePairs + verification.DifferentPairs}",
                Markup.Escape($"{verification.SamePairs} same, {verification.DifferentPairs} different" + (skippedPairs > 0 ? $"; {skippedPairs} skipped (an image without a face)" : "")));
            table.AddRow(Markup.Escape($"accuracy at the default threshold {describer.Threshold:0.###}"), Pct(verification.AtDefault.Accuracy), Rates(verification.AtDefault));
            table.AddRow("[bold]best threshold[/]", $"{verification.Best.Threshold:0.000}", $"accuracy {Pct(verification.Best.Accuracy)}; " + Rates(verification.Best));
            table.AddRow("[bold]ROC AUC[/]", $"{verification.Auc:0.0000}", "");
            foreach (var t in verification.TarAtFar)
                table.AddRow($"TAR at FAR {t.TargetFar:0.#e0}", Pct(t.Tar), Markup.Escape($"threshold {t.Threshold:0.000}, FAR {100 * t.Far:0.00} %")
                    + (t.Resolved ? "" : $"; [yellow]unresolved[/]: {verification.DifferentPairs} different pairs, {t.DifferentPairsNeeded} needed, so this is TAR at FAR 0"));
            table.AddRow("calibration fit", Markup.Escape($"{calibration.Intercept:0.00}, {calibration.Slope:0.00}"),
                Markup.Escape($"P(same) = 1 / (1 + e^-(intercept + slope × distance)); built in: {describer.Calibration.Intercept:0.00}, {describer.Calibration.Slope:0.00}"));
            ctx.OutputConsole.Write(table);
            foreach (var f in noFace)
                ctx.Warn($"no face found in {f}");
            foreach (var f in failed)
                ctx.Warn($"skipped {f.Path}: {f.Reason}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Pct(double value) => $"{100 * value:0.0} %";

    private static string Rates(ThresholdAccuracy a) => $"TAR {100 * a.Tar:0.0} %, FAR {100 * a.Far:0.00} %";

    private static void WriteIdentification(CliContext ctx, IdentificationResult result, IReadOnlyList<LabelledFile> items)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("leave-one-out identification")
            .AddColumn("identity").AddColumn(new TableColumn("queries").RightAligned()).AddColumn(new TableColumn("correct").RightAligned()).AddColumn(new TableColumn("accuracy").RightAligned());
        foreach (var p in result.PerIdentity)
            table.AddRow(Markup.Escape(p.Identity), $"{p.Queries}", $"{p.Correct}", Pct(p.Accuracy));
        table.AddRow("[bold]all[/]", $"{result.Queries}", $"{result.Correct}", $"[bold]{Pct(result.Accuracy)}[/]");
        ctx.OutputConsole.Write(table);
        if (result.Unanswerable > 0)
            ctx.OutputConsole.MarkupLine($"[grey]{result.Unanswerable} faces left out: their identity has no other face[/]");
        if (result.Misses.Count == 0)
            return;
        var misses = new Table().Border(TableBorder.Rounded).Title("misses").AddColumns("image", "identity", "nearest face", "its identity")
            .AddColumn(new TableColumn("distance").RightAligned()).AddColumn(new TableColumn("nearest same identity").RightAligned());
        foreach (var m in result.Misses)
            misses.AddRow(Markup.Escape(Path.GetFileName(items[m.Index].File)), Markup.Escape(m.Identity), Markup.Escape(Path.GetFileName(items[m.PredictedIndex].File)),
                Markup.Escape(m.Predicted), $"{m.Distance:0.000}", float.IsFinite(m.NearestSameDistance) ? $"{m.NearestSameDistance:0.000}" : "-");
        ctx.OutputConsole.Write(misses);
    }

    public static Command EvalEmotions(Func<ParseResult, CliContext> context)
    {
        var labels = new Option<string>("--labels") { Description = "CSV with columns file,emotion (paths relative to the CSV; emotions: " + string.Join(", ", Emotions.Labels) + ")", Required = true };
        var emotion = EmotionOption();
        var command = new Command("emotions", "Expression accuracy and confusion matrix on labelled photos (largest face of each)") { labels, emotion };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var path = parse.GetValue(labels)!;
            var models = new FaceModels(Emotion: FaceModels.EmotionId(parse.GetValue(emotion)!));
            var labelled = LabelsCsv.Read(path, "emotion");
            var known = Emotions.Labels.ToHashSet(StringComparer.Ordinal);
            var expected = labelled.Select(l => known.Contains(l.Label.ToLowerInvariant())
                ? l.Label.ToLowerInvariant()
                : throw new EvaluationException($"labels file '{path}' line {l.Line}: emotion '{l.Label}' is not one of {string.Join(", ", Emotions.Labels)}")).ToList();
            var analyzer = await AnalyzerAsync(ctx, models, false, ct).ConfigureAwait(false);
            var files = labelled.Select(l => l.File).ToList();
            var options = new FaceAnalysisOptions(FaceDetectOptions.Default, FaceTasks.Landmarks | FaceTasks.Emotion);
            var outcomes = await AnalyzeAsync(ctx, analyzer, files, options, ct).ConfigureAwait(false);
            var rows = new List<(string File, string Expected, string Predicted, float Probability, int Faces, FaceEmotion? Emotion)>();
            for (var i = 0; i < outcomes.Count; i++)
            {
                if (outcomes[i].Result is not { } a)
                    continue;
                var face = a.LargestFace();
                rows.Add((files[i], expected[i], face?.Emotion?.Label ?? NoFace, face?.Emotion?.Score ?? 0, a.Faces.Count, face?.Emotion));
            }
            var failed = TaskRuns.Failed(outcomes).ToList();
            if (rows.Count == 0)
                throw new InputException($"none of the {files.Count} images in '{path}' could be read");
            var matrix = ConfusionMatrix.From(rows.Select(r => r.Expected).ToList(), rows.Select(r => r.Predicted).ToList(), Emotions.Labels);
            var model = analyzer.Models["emotion"];
            if (ctx.Json)
            {
                ctx.WriteJson(new
                {
                    labels = path, model, images = matrix.Total, correct = matrix.Correct, accuracy = matrix.Accuracy, meanRecall = matrix.MeanRecall,
                    results = rows.Select(r => new
                    {
                        file = r.File, expected = r.Expected, predicted = r.Predicted, probability = r.Probability, correct = r.Expected == r.Predicted,
                        faces = r.Faces, scores = r.Emotion?.Scores,
                    }),
                    perClass = matrix.PerClass.Select(c => new { label = c.Label, expected = c.Expected, correct = c.Correct, predicted = c.Predicted, recall = c.Recall, precision = c.Precision }),
                    confusion = new
                    {
                        labels = matrix.Labels,
                        counts = Enumerable.Range(0, matrix.Labels.Count).Select(e => Enumerable.Range(0, matrix.Labels.Count).Select(p => matrix.Count(e, p)).ToArray()),
                    },
                    failed,
                });
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("image", "expected", "predicted").AddColumn(new TableColumn("probability").RightAligned()).AddColumn("");
            foreach (var r in rows)
                table.AddRow(Markup.Escape(Path.GetFileName(r.File)), Markup.Escape(r.Expected), Markup.Escape(r.Predicted) + (r.Faces > 1 ? $" [grey](largest of {r.Faces} faces)[/]" : ""),
                    r.Emotion is null ? "" : Pct(r.Probability), r.Expected == r.Predicted ? "[green]✓[/]" : "[red]✗[/]");
            ctx.OutputConsole.Write(table);
            ctx.OutputConsole.MarkupLine($"accuracy [bold]{matrix.Correct}/{matrix.Total} = {Pct(matrix.Accuracy)}[/], mean recall over expressions {Pct(matrix.MeanRecall)}");
            var confusion = new Table().Border(TableBorder.Rounded).Title("confusion (rows: expected, columns: predicted)").AddColumn("");
            foreach (var l in matrix.Labels)
                confusion.AddColumn(new TableColumn(Markup.Escape(l)).RightAligned());
            for (var e = 0; e < matrix.Labels.Count; e++)
                confusion.AddRow([Markup.Escape(matrix.Labels[e]), .. Enumerable.Range(0, matrix.Labels.Count).Select(p =>
                    matrix.Count(e, p) is var n && n == 0 ? "[grey]·[/]" : e == p ? $"[bold]{n}[/]" : $"{n}")]);
            ctx.OutputConsole.Write(confusion);
            ctx.OutputConsole.MarkupLine($"[grey]{Markup.Escape(model)}[/]");
            foreach (var f in failed)
                ctx.Warn($"skipped {f.Path}: {f.Reason}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
