using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Sightline.Cli.Output;
using Sightline.Faces.Evaluation;
using Sightline.Inference.Sessions;
using Sightline.Library;
using Sightline.Library.People;
using Sightline.Library.People.Evaluation;
using Sightline.Library.Scanning;
using Sightline.Vision.Pipeline;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary>
/// <c>sightline eval people</c>: ingests labelled photos into a temporary library (faces only), lets the library
/// group its faces into people, and scores the people against the labels, beside the baselines other photo managers
/// use, run on the same stored descriptors.
/// </summary>
public static class PeopleEvalCommands
{
    public static Command EvalPeople(Func<ParseResult, CliContext> context)
    {
        var labels = new Option<string>("--labels")
        {
            Description = "CSV with columns file,identity (paths relative to the CSV); the labelled face of a photo is its largest", Required = true,
        };
        var images = new Argument<string[]>("images")
        {
            Description = "Folders of photos to ingest (a file stands for its folder); unlabelled photos join the library too. Default: the folders of the labelled files",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var threshold = new Option<float?>("--threshold") { Description = "The clustering cut (descriptor distance); default: the descriptor model's own" };
        var minFaces = new Option<int?>("--min-faces") { Description = $"Faces a group needs to become a person (default {PeopleOptions.Default.MinFaces})" };
        var descriptor = new Option<string?>("--descriptor") { Description = "Face descriptor the library runs (its faces.descriptor option): face-api (default), faceres, ..." };
        var command = new Command("people", "Grouping faces into people on labelled photos: BCubed and pairwise precision/recall/F1, strangers left alone, against Immich's rule, DBSCAN and unconstrained linkage")
        {
            labels, images, threshold, minFaces, descriptor,
        };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var options = Options(parse.GetValue(threshold), parse.GetValue(minFaces));
            var settings = LibraryCommands.ApplySettings(LibrarySettings.Default with { Tasks = ["faces"] }, null,
                parse.GetValue(descriptor) is { } d ? [$"faces.descriptor={d}"] : [], ctx.Warn);
            var labelsPath = parse.GetValue(labels)!;
            var labelled = LabelsCsv.Read(labelsPath, "identity");
            var folders = SourceFolders(parse.GetValue(images) ?? [], labelled);

            var folder = Path.Combine(Path.GetTempPath(), "sightline-eval-people-" + Guid.NewGuid().ToString("N"));
            try
            {
                var run = await RunAsync(ctx, folder, settings, folders, labelled, options, ct).ConfigureAwait(false);
                Write(ctx, run, labelsPath, folders);
            }
            finally
            {
                // Also on failure and Ctrl+C (the token cancels, and the library is closed before this runs).
                if (Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static PeopleOptions Options(float? threshold, int? minFaces)
    {
        if (threshold is { } t && (!float.IsFinite(t) || t <= 0 || t > 4))
            throw new UsageException($"--threshold must be a distance above 0 and at most 4 (got {t.ToString(CultureInfo.InvariantCulture)})");
        if (minFaces is { } m && (m < 1 || m > 1000))
            throw new UsageException($"--min-faces must be between 1 and 1000 (got {m})");
        return PeopleOptions.Default with { Threshold = threshold, MinFaces = minFaces ?? PeopleOptions.Default.MinFaces };
    }

    /// <summary>The folders to ingest: each argument a folder, or the folder of a file; none given, the folders of the labelled files.</summary>
    internal static IReadOnlyList<string> SourceFolders(IReadOnlyList<string> arguments, IReadOnlyList<LabelledFile> labelled)
    {
        var folders = arguments.Count == 0
            ? labelled.Select(l => Path.GetDirectoryName(l.File)!)
            : arguments.Select(a => Directory.Exists(a) ? a
                : File.Exists(a) ? Path.GetDirectoryName(Path.GetFullPath(a))!
                : throw new InputException($"'{a}' is neither a folder nor a file"));
        var distinct = folders.Select(f => Path.TrimEndingDirectorySeparator(Path.GetFullPath(f))).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        // A folder inside another would be scanned twice: keep the outer one.
        return distinct.Where(f => !distinct.Any(o => o != f && f.StartsWith(o + Path.DirectorySeparatorChar, StringComparison.Ordinal))).ToList();
    }

    /// <summary>A face of the evaluated library with where it came from, for the records.</summary>
    internal sealed record FaceRow(EvaluatedFace Face, string File, int Index, float Width, float Height, FaceStatus Status, (string Identity, float Distance)? Nearest);

    internal sealed record EvalRun(
        string DescriptorModel, float Threshold, int MinFaces, IngestReport Ingest, ClusteringReport Clustering, int Photos,
        IReadOnlyList<FaceRow> Faces, IReadOnlyList<string> LabelledWithoutFace, IReadOnlyList<string> LabelledNotIngested,
        IReadOnlyList<MethodResult> Methods, double IngestSeconds, double EvaluationSeconds);

    private static async Task<EvalRun> RunAsync(CliContext ctx, string folder, LibrarySettings settings, IReadOnlyList<string> folders,
        IReadOnlyList<LabelledFile> labelled, PeopleOptions options, CancellationToken ct)
    {
        await using var library = await PhotoLibrary.InitAsync(folder, null, settings, ct).ConfigureAwait(false);
        await library.AddFoldersAsync(folders, ct).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        IngestReport ingest;
        using (var engine = new InferenceEngine(ctx.EngineOptions.ForConcurrentRuns(), ctx.Warn))
        await using (var taskContext = TaskContext.Create(ctx.Store, engine, ctx.Limits))
            ingest = await ctx.Progress.RunAsync<IngestReport>($"ingesting {string.Join(", ", folders)} (faces only)", update =>
                library.ScanAsync(taskContext, new InlineProgress<IngestProgress>(p => update(p.Done, p.Total > 0 ? p.Total : null, LibraryCommands.ProgressNote(p))), ct)).ConfigureAwait(false);
        var ingestSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        started = Stopwatch.GetTimestamp();
        var people = library.PeopleWith(options);
        var clustering = await people.UpdateAsync(ct).ConfigureAwait(false);
        var assignments = await people.GetAssignmentsAsync(ct).ConfigureAwait(false);

        // Each photo's paths and stored faces (descriptors): the baselines cluster the very vectors the library holds.
        var byPhoto = assignments.GroupBy(a => a.PhotoId).ToDictionary(g => g.Key, g => g.ToList());
        var details = new Dictionary<long, PhotoDetail>();
        foreach (var id in byPhoto.Keys)
            if (await library.Store.GetPhotoAsync(id, ct).ConfigureAwait(false) is { } detail)
                details[id] = detail;
        var photoOfPath = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (id, detail) in details)
            foreach (var path in detail.Paths)
                photoOfPath[Path.GetFullPath(path)] = id;
        var counts = await library.Store.GetCountsAsync(ct).ConfigureAwait(false);

        // The labelled face of a labelled photo is its largest.
        var identityOfFace = new Dictionary<long, string>();
        var withoutFace = new List<string>();
        var notIngested = new List<string>();
        foreach (var l in labelled)
        {
            if (!photoOfPath.TryGetValue(l.File, out var photo))
            {
                // No face row: either the photo is held without a face, or it was never ingested (unreadable, or outside the folders).
                var held = await library.Store.FindByHashAsync(await ContentHash.OfFileAsync(l.File, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
                (held is null ? notIngested : withoutFace).Add(l.File);
                continue;
            }
            var largest = byPhoto[photo].OrderByDescending(a => a.Width * a.Height).ThenBy(a => a.Index).First();
            if (!identityOfFace.TryAdd(largest.FaceId, l.Label) && identityOfFace[largest.FaceId] != l.Label)
                ctx.Warn($"{l.File} (line {l.Line}) has the same content as another labelled file with another identity: its face keeps '{identityOfFace[largest.FaceId]}'");
        }
        if (identityOfFace.Count == 0)
            throw new InputException(notIngested.Count == labelled.Count
                ? $"none of the {labelled.Count} labelled images lies in the folders ingested ({string.Join(", ", folders)})"
                : $"none of the {labelled.Count} labelled images has a face that was found: nothing to score");

        var model = clustering.DescriptorModel;
        var rows = new List<FaceRow>(assignments.Count);
        foreach (var a in assignments.OrderBy(a => a.ContentHash, StringComparer.Ordinal).ThenBy(a => a.Index))
        {
            var stored = details.TryGetValue(a.PhotoId, out var detail)
                ? detail.Faces.FirstOrDefault(f => f.Index == a.Index && f.Origin == FaceOrigin.Detected && (model is null || f.DescriptorModel == model))
                : null;
            var clusterable = a.Status is FaceStatus.Assigned or FaceStatus.Unassigned;
            var face = new EvaluatedFace($"{a.ContentHash}:{a.Index}", a.PhotoId, stored?.Descriptor, clusterable, a.PersonId, identityOfFace.GetValueOrDefault(a.FaceId));
            rows.Add(new FaceRow(face, detail?.Paths.FirstOrDefault() ?? a.ContentHash, a.Index, a.Width, a.Height, a.Status, null));
        }
        var faces = rows.Select(r => r.Face).ToList();
        var nearest = PeopleEvaluation.NearestLabelled(faces);
        rows = rows.Select((r, i) => r with { Nearest = nearest[i] }).ToList();
        var clusteringOptions = options.For(model ?? "");
        var methods = PeopleEvaluation.Compare(faces, clusteringOptions, ct);
        return new EvalRun(model ?? "none", clusteringOptions.Threshold, clusteringOptions.MinFaces, ingest, clustering, (int)counts.Photos, rows,
            withoutFace, notIngested, methods, ingestSeconds, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private static void Write(CliContext ctx, EvalRun run, string labelsPath, IReadOnlyList<string> folders)
    {
        var labelledFaces = run.Faces.Count(f => f.Face.Identity is not null);
        if (ctx.Json)
        {
            ctx.WriteJson(new
            {
                labels = labelsPath, folders, descriptorModel = run.DescriptorModel, threshold = run.Threshold, minFaces = run.MinFaces,
                photos = run.Photos, faces = run.Faces.Count, labelledFaces,
                clusterable = run.Faces.Count(f => f.Face.Clusterable), tooPoor = run.Faces.Count(f => f.Status == FaceStatus.TooPoor),
                noDescriptor = run.Faces.Count(f => f.Status == FaceStatus.NoDescriptor),
                labelledWithoutFace = run.LabelledWithoutFace, labelledNotIngested = run.LabelledNotIngested,
                ingest = new { run.Ingest.NewPhotos, run.Ingest.Failed, run.Ingest.AnalysesRun, seconds = run.IngestSeconds },
                clustering = run.Clustering, evaluationSeconds = run.EvaluationSeconds,
                methods = run.Methods.Select(m => new
                {
                    name = m.Name, rule = m.Rule, score = m.Score, cannotLinkViolations = m.CannotLinkViolations,
                    bCubedF1Min = m.BCubedF1Min, bCubedF1Max = m.BCubedF1Max, runs = m.Runs, partitions = m.Partitions,
                }),
                records = run.Faces.Select(f => new
                {
                    file = f.File, index = f.Index, photoId = f.Face.PhotoId, stableKey = f.Face.StableKey, width = f.Width, height = f.Height,
                    status = f.Status, person = f.Face.PersonId, identity = f.Face.Identity,
                    nearestIdentity = f.Nearest?.Identity, nearestDistance = f.Nearest?.Distance,
                }),
            });
            return;
        }

        var sightline = run.Methods[0].Score;
        ctx.OutputConsole.MarkupLine(Markup.Escape(
            $"{run.Photos} photos, {run.Faces.Count} faces ({run.Faces.Count(f => f.Face.Clusterable)} clusterable, {run.Faces.Count(f => f.Status == FaceStatus.TooPoor)} too poor); "
            + $"{labelledFaces} labelled faces of {sightline.Identities} identities ({sightline.SeenOnce} seen once); descriptor {run.DescriptorModel}, cut {run.Threshold:0.###}, "
            + $"people of {run.MinFaces}+ faces; ingest {run.IngestSeconds:0.0} s, clustering and scoring {run.EvaluationSeconds:0.00} s"));
        var table = new Table().Border(TableBorder.Rounded).AddColumn("clustering")
            .AddColumns(new[] { "BCubed P", "BCubed R", "BCubed F1", "pair P", "pair R", "pair F1", "placed", "clusters", "seen once alone", "same-photo pairs" }
                .Select(c => new TableColumn(c).RightAligned()).ToArray());
        foreach (var m in run.Methods)
        {
            var s = m.Score;
            var f1 = m.Runs is { Count: > 1 } ? $"{s.BCubedF1:0.000} ({m.BCubedF1Min:0.000}-{m.BCubedF1Max:0.000})" : $"{s.BCubedF1:0.000}";
            table.AddRow(m.Name == "sightline" ? "[bold]sightline[/]" : Markup.Escape(m.Name), $"{s.BCubedPrecision:0.000}", $"{s.BCubedRecall:0.000}",
                m.Name == "sightline" ? $"[bold]{f1}[/]" : f1, $"{s.PairPrecision:0.000}", $"{s.PairRecall:0.000}", $"{s.PairF1:0.000}",
                $"{100 * s.Placed:0.0} %", $"{s.Clusters} / {s.Identities}", $"{s.SeenOnceApart} / {s.SeenOnce}", $"{m.CannotLinkViolations}");
        }
        ctx.OutputConsole.Write(table);
        foreach (var m in run.Methods)
            ctx.OutputConsole.MarkupLine($"[grey]{Markup.Escape(m.Name)}: {Markup.Escape(m.Rule)}"
                + (m.Partitions is { } p ? Markup.Escape($"; the orders gave {p} different partition{(p == 1 ? "" : "s")}, figures are their mean (BCubed F1 range in brackets)") : "") + "[/]");
        ctx.OutputConsole.MarkupLine("[grey]clusters: clusters of the labelled faces / identities; placed: labelled faces in a cluster of two or more; same-photo pairs: faces of one photo put together[/]");
        foreach (var f in run.LabelledWithoutFace)
            ctx.Warn($"no face found in {f}");
        foreach (var f in run.LabelledNotIngested)
            ctx.Warn($"{f} was not ingested (unreadable, or outside the folders given)");
    }
}
