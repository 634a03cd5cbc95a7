using Sightline.Faces.Descriptors;
using Sightline.Faces.Gallery;
using System.CommandLine;
using System.Globalization;
using Sightline.Analysis;
using Sightline.Cli.Output;
using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Video;
using Sightline.Video.Decoding;
using Sightline.Video.Encoding;
using Sightline.Video.Evaluation;
using Sightline.Video.Tracking;
using Sightline.Vision.Detection;
using Sightline.Vision.Pipeline;
using SkiaSharp;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline video detect | faces | analyze</c> and <c>sightline eval track</c>.</summary>
public static class VideoCommands
{
    public static Command Video(Func<ParseResult, CliContext> context) => new("video", "Analyse a video's frames (a file ffmpeg reads, or a folder of frames), tracking objects and faces across them")
    {
        Create(context, "detect", "Objects in each frame, tracked with --track"),
        Create(context, "faces", "Faces in each frame, tracked with --track: one descriptor per face track"),
        Create(context, "analyze", "Any tasks on each frame (--tasks), detect and faces tracked with --track"),
    };

    private static Command Create(Func<ParseResult, CliContext> context, string name, string description)
    {
        var video = new Argument<string>("video") { Description = "A video file, or a folder of frames (MOTChallenge's layout: seqinfo.ini and img1/)" };
        var fps = new Option<double?>("--fps") { Description = "Analyse this many frames per second of video (default: every frame)" };
        var every = new Option<int?>("--every") { Description = "Analyse every n-th frame" };
        var scenes = new Option<double?>("--scenes") { Description = "Analyse the first frame and each scene change scoring above this (0-1, e.g. 0.3)" };
        var track = new Option<bool>("--track") { Description = "Track objects and faces across frames (ByteTrack-style): stable ids and one summary per track" };
        var save = new Option<string?>("--save") { Description = "Write the analysed frames with boxes, track ids and labels drawn, as an H.264 MP4" };
        var mot = new Option<string?>("--mot") { Description = "Write the tracks as a MOTChallenge text file (frame,id,x,y,w,h,score,-1,-1,-1); implies --track" };
        var frameRate = new Option<double?>("--frame-rate") { Description = $"Frame rate of a folder of frames without seqinfo.ini (default {ImageSequence.AssumedFrameRate})" };
        var model = new Option<string>("--model", "-m") { Description = "Detector: centernet (default) or nanodet", DefaultValueFactory = _ => Detectors.DefaultModel };
        var minScore = new Option<float>("--min-score") { Description = "Detections scoring at least this are shown and start or continue tracks (0-1)", DefaultValueFactory = _ => DetectOptions.DefaultMinScore };
        var classes = new Option<string?>("--classes") { Description = "Only these classes, comma-separated (e.g. person,car)" };
        var tasks = new Option<string?>("--tasks", "-t") { Description = $"Tasks for analyze, comma-separated: {string.Join(", ", BuiltInTasks.Registry.Tasks.Select(t => t.Name).Order(StringComparer.Ordinal))}" };
        var settings = new Option<string[]>("--set") { Description = "A task's option, task.option=value (as for analyze); may be repeated" };
        var gallery = new Option<string?>("--gallery", "-g") { Description = "Face gallery to name face tracks from (made by 'sightline faces enroll'); each track is named once, by its descriptor; implies --track" };
        var threshold = new Option<float?>("--threshold") { Description = "Distance under which a face track is the gallery's person (default: the descriptor model's own)" };
        var command = new Command(name, description) { video, fps, every, scenes, track, save, mot, frameRate };
        if (name != "detect")
        {
            command.Add(gallery);
            command.Add(threshold);
        }
        if (name == "detect")
        {
            command.Add(model);
            command.Add(minScore);
            command.Add(classes);
        }
        if (name == "analyze")
        {
            command.Add(tasks);
            command.Add(settings);
        }
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var sampling = Sampling(parse.GetValue(fps), parse.GetValue(every), parse.GetValue(scenes));
            var motPath = parse.GetValue(mot);
            var galleryPath = name == "detect" ? null : parse.GetValue(gallery);
            var tracking = parse.GetValue(track) || motPath is not null || galleryPath is not null ? TrackerOptions.Default : null;
            var pairs = new List<string>();
            string taskList;
            switch (name)
            {
                case "detect":
                    taskList = "detect";
                    pairs.Add($"detect.model={parse.GetValue(model)}");
                    pairs.Add(string.Create(CultureInfo.InvariantCulture, $"detect.minScore={parse.GetValue(minScore)}"));
                    if (parse.GetValue(classes) is { Length: > 0 } c)
                        pairs.Add($"detect.classes={c}");
                    break;
                case "faces":
                    taskList = "faces";
                    break;
                default:
                    taskList = parse.GetValue(tasks) ?? throw new UsageException("video analyze needs --tasks (e.g. --tasks detect,faces)");
                    pairs.AddRange(parse.GetValue(settings) ?? []);
                    break;
            }
            var chosen = AnalyzeCommand.Choose(taskList, pairs, null);
            if (tracking is not null && !chosen.Any(c => c.Entry.Name is DetectTask.TaskName or FacesTask.TaskName))
                throw new UsageException("--track and --mot follow detect or faces: choose one of them among --tasks");
            if (galleryPath is not null && !chosen.Any(c => c.Entry.Name == FacesTask.TaskName))
                throw new UsageException("--gallery names face tracks: choose faces among --tasks");
            FaceComparison.CheckThreshold(name == "detect" ? null : parse.GetValue(threshold));
            var run = VideoTasks.Prepare(chosen, sampling, tracking);

            var path = parse.GetValue(video)!;
            var info = await VideoProbe.ProbeAsync(path, ctx.Limits, ct).ConfigureAwait(false);
            if (info.IsImageSequence && parse.GetValue(frameRate) is { } rate)
                info = info with { FrameRate = rate, Duration = (info.FrameCount ?? 0) / rate };
            if (info.IsImageSequence && sampling.Mode == SamplingMode.SceneChanges)
                throw new UsageException("--scenes needs a video file; a folder of frames takes --fps or --every");

            using var engine = new Sightline.Inference.Sessions.InferenceEngine(ctx.EngineOptions.ForConcurrentRuns(), ctx.Warn);
            await using var taskContext = TaskContext.Create(ctx.Store, engine, ctx.Limits);
            var built = await AnalyzeCommand.BuildAsync(run.Tasks, taskContext, ct).ConfigureAwait(false);
            var pipeline = new AnalysisPipeline(built, ctx.Limits);
            using var faceGallery = galleryPath is null ? null : FaceGallery.Open(galleryPath, createIfMissing: false);
            var naming = faceGallery is null ? null : NamingFor(faceGallery, built.OfType<FacesTask>().Single(), parse.GetValue(threshold));
            var analyzer = new VideoAnalyzer(pipeline, run.Options with { Naming = naming });
            var savePath = parse.GetValue(save);
            await using var writer = savePath is null ? null : new VideoWriter(savePath, info.Width, info.Height, sampling.SampledRate(info.FrameRate > 0 ? info.FrameRate : 30));
            Func<VideoFrame, FrameAnalysis, Task>? each = writer is null ? null : async (frame, analysis) =>
            {
                using var drawn = VideoDrawing.Draw(frame.Pixels, analysis);
                await writer.WriteAsync(drawn, ct).ConfigureAwait(false);
            };
            var expected = (double?)sampling.ExpectedFrames(info);
            var result = await ctx.Progress.RunAsync($"analysing {Path.GetFileName(path.TrimEnd('/'))} ({string.Join(", ", built.Select(t => t.Name))}, {sampling.Describe()})",
                report => analyzer.AnalyzeAsync(info, ctx.Limits, each, new InlineProgress<int>(done => report(done, expected)), ct)).ConfigureAwait(false);
            if (writer is not null)
                await writer.CompleteAsync(ct).ConfigureAwait(false);
            if (motPath is not null)
                MotFile.Write(motPath, MotRows(result));
            if (ctx.Json)
                ctx.WriteJson(result);
            else
                Print(ctx, result, savePath, motPath);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Naming from the gallery with the faces task's own descriptor model, which must be the gallery's.</summary>
    private static FaceTrackNaming NamingFor(FaceGallery gallery, FacesTask faces, float? threshold)
    {
        var describer = faces.Analyzer.Describer;
        if (gallery.Model is { } model && model.ModelId != describer.ModelId)
            throw new UsageException($"face gallery '{gallery.Path}' holds descriptors of '{model.ModelId}'; the faces task describes faces with '{describer.ModelId}' (choose it with --set faces.describer=...)");
        return new FaceTrackNaming(gallery, describer, FaceComparison.ThresholdFor(describer, threshold));
    }

    internal static FrameSampling Sampling(double? fps, int? every, double? scenes)
    {
        try
        {
            return FrameSampling.Choose(fps, every, scenes);
        }
        catch (ArgumentException e)
        {
            // The options as this command spells them.
            var message = e.Message.Split(" (Parameter")[0];
            throw new UsageException(message.StartsWith("choose", StringComparison.Ordinal)
                ? message.Replace("fps, every and scenes", "--fps, --every and --scenes", StringComparison.Ordinal)
                : "--" + message);
        }
    }

    /// <summary>The tracks in MOTChallenge rows: objects when detect ran, faces otherwise; frame numbers from 1.</summary>
    internal static IEnumerable<MotRow> MotRows(VideoAnalysisResult result)
    {
        var task = result.Tasks.Contains(DetectTask.TaskName) ? DetectTask.TaskName : FacesTask.TaskName;
        foreach (var frame in result.Frames)
            if (frame.Tracks?.TryGetValue(task, out var tracks) == true)
                foreach (var t in tracks)
                    yield return new MotRow((int)frame.Index + 1, t.TrackId, t.Box, t.Score, -1, -1);
    }

    private static void Print(CliContext ctx, VideoAnalysisResult result, string? savePath, string? motPath)
    {
        var v = result.Video;
        ctx.OutputConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{v.Path}: {v.Width}x{v.Height}{(v.Rotation != 0 ? $" (rotated {v.Rotation}°)" : "")}, {v.Duration:0.##} s at {v.FrameRate:0.##} fps, {v.Codec}; {result.FrameCount} frames analysed ({result.Sampling})")));
        var tracks = (result.ObjectTracks ?? []).Select(t => (t, (FaceTrackSummary?)null)).Concat((result.FaceTracks ?? []).Select(f => (f.Track, (FaceTrackSummary?)f))).ToList();
        if (result.ObjectTracks is not null || result.FaceTracks is not null)
        {
            var named = result.FaceTracks?.Any(f => f.Identity is not null) == true;
            var table = new Table().Border(TableBorder.Rounded).AddColumns("track", "class", "from (s)", "to (s)", "frames", "best frame", "best score", "best box x, y, w, h");
            if (named)
                table.AddColumn("name");
            foreach (var (t, face) in tracks)
            {
                List<string> cells = [$"{t.TrackId}", Markup.Escape(face?.BestFace?.Emotion is { } e ? $"face ({e.Label})" : t.ClassName), F(t.FirstTime), F(t.LastTime), $"{t.Frames}",
                    $"{t.BestFrame}", $"{t.BestScore:0.00}", $"{t.BestBox.X:0}, {t.BestBox.Y:0}, {t.BestBox.Width:0}, {t.BestBox.Height:0}"];
                if (named)
                    cells.Add(face?.Identity is { } id ? Markup.Escape(id.Known ? id.Name! : id.Label()) : "");
                table.AddRow(cells.ToArray());
            }
            if (tracks.Count == 0)
                table.AddRow(Enumerable.Repeat("", table.Columns.Count).Select((c, i) => i == 0 ? "[grey]no track[/]" : c).ToArray());
            ctx.OutputConsole.Write(table);
        }
        else
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("frame", "time (s)", "found");
            foreach (var frame in result.Frames.Take(50))
                table.AddRow($"{frame.Index}", F(frame.Time), Markup.Escape(Found(frame)));
            if (result.Frames.Count > 50)
                table.AddRow("…", "", $"[grey]{result.Frames.Count - 50} more frames in --json[/]");
            ctx.OutputConsole.Write(table);
        }
        var t2 = result.Timings;
        ctx.OutputConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{t2.FramesPerSecond:0.0} frames/s, {t2.RealTimeFactor:0.00}x real time (decoding {t2.DecodeMs / 1000:0.0} s, analysis {t2.AnalysisMs / 1000:0.0} s, total {t2.TotalMs / 1000:0.0} s)")));
        if (savePath is not null)
            ctx.OutputConsole.MarkupLine($"[grey]annotated video: {Markup.Escape(savePath)}[/]");
        if (motPath is not null)
            ctx.OutputConsole.MarkupLine($"[grey]tracks (MOTChallenge): {Markup.Escape(motPath)}[/]");
    }

    private static string Found(FrameAnalysis frame)
    {
        var parts = new List<string>();
        foreach (var value in frame.Results.Values)
        {
            if (value is DetectionResult d)
                parts.AddRange(d.Detections.GroupBy(x => x.ClassName).Select(g => $"{g.Count()} {g.Key}"));
            else if (value is FacesResult f)
                parts.Add($"{f.Count} face(s)");
        }
        return parts.Count == 0 ? "nothing" : string.Join(", ", parts);
    }

    private static string F(double seconds) => seconds.ToString("0.00", CultureInfo.InvariantCulture);

    public static Command EvalTrack(Func<ParseResult, CliContext> context)
    {
        var gt = new Option<string>("--gt") { Description = "Ground truth: a MOT file (gt.txt), or a folder holding <seq>/gt/gt.txt", Required = true };
        var tracks = new Option<string>("--tracks") { Description = "Tracker output: a MOT file, or a folder holding <seq>.txt", Required = true };
        var command = new Command("track", "Score tracks against ground truth: MOTA, MOTP, IDF1, HOTA, ID switches, fragmentations (TrackEval's definitions)") { gt, tracks };
        command.SetAction((parse, ct) =>
        {
            var ctx = context(parse);
            var sequences = Sequences(parse.GetValue(gt)!, parse.GetValue(tracks)!);
            var scored = sequences.Select(s => (s.Name, Scores: TrackingMetrics.Evaluate(s.GroundTruth, s.Tracks))).ToList();
            var combined = scored.Count > 1 ? TrackingMetrics.Combine(sequences.Select(s => (s.GroundTruth, s.Tracks)).ToList()) : scored[0].Scores;
            if (ctx.Json)
            {
                ctx.WriteJson(new { sequences = scored.Select(s => new { name = s.Name, scores = s.Scores }), combined });
                return Task.FromResult(ExitCodes.Ok);
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("sequence", "MOTA", "MOTP", "IDF1", "HOTA", "DetA", "AssA", "IDSW", "Frag", "MT/PT/ML", "GT boxes", "TP", "FP", "FN");
            void Row(string n, TrackingScores s) => table.AddRow(Markup.Escape(n), P(s.Mota), P(s.Motp), P(s.Idf1), P(s.Hota), P(s.DetA), P(s.AssA), $"{s.IdSwitches}", $"{s.Fragmentations}",
                $"{s.MostlyTracked}/{s.PartlyTracked}/{s.MostlyLost}", $"{s.GroundTruthBoxes}", $"{s.TruePositives}", $"{s.FalsePositives}", $"{s.FalseNegatives}");
            foreach (var (n, s) in scored)
                Row(n, s);
            if (scored.Count > 1)
                Row("combined", combined);
            ctx.OutputConsole.Write(table);
            var objects = new Table().Border(TableBorder.Rounded).AddColumns("sequence", "object", "frames", "covered (IoU 0.5)", "main track", "share of covered frames");
            foreach (var (n, s) in scored)
                foreach (var o in s.Objects)
                    objects.AddRow(Markup.Escape(n), $"{o.GroundTruthId}", $"{o.Frames}", $"{o.Covered} ({P(o.Coverage)})", o.MainTrackId?.ToString(CultureInfo.InvariantCulture) ?? "-", P(o.MainTrackShare));
            if (scored.Sum(s => s.Scores.Objects.Count) <= 50)
                ctx.OutputConsole.Write(objects);
            ctx.OutputConsole.MarkupLine("[grey]CLEAR and identity figures at IoU 0.5; HOTA averaged over IoU 0.05-0.95 (TrackEval's definitions)[/]");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static string P(double value) => (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private sealed record Sequence(string Name, IReadOnlyList<MotRow> GroundTruth, IReadOnlyList<MotRow> Tracks);

    /// <summary>One pair of files, or MOTChallenge's folders: every sequence of the ground truth needs its tracker file.</summary>
    private static List<Sequence> Sequences(string gt, string tracks)
    {
        if (File.Exists(gt))
        {
            if (!File.Exists(tracks))
                throw new MotFormatException($"--tracks '{tracks}' is not a file; with a ground-truth file, give the tracker's file");
            return [new Sequence(Path.GetFileName(gt), MotFile.Read(gt), MotFile.Read(tracks))];
        }
        if (!Directory.Exists(gt))
            throw new MotFormatException($"--gt '{gt}' is neither a file nor a folder");
        if (!Directory.Exists(tracks))
            throw new MotFormatException($"--tracks '{tracks}' is not a folder; with a ground-truth folder, give a folder of <seq>.txt files");
        var sequences = new List<Sequence>();
        foreach (var folder in Directory.EnumerateDirectories(gt).Order(StringComparer.Ordinal))
        {
            var gtFile = Path.Combine(folder, "gt", "gt.txt");
            if (!File.Exists(gtFile))
                continue;
            var name = Path.GetFileName(folder);
            var trackFile = Path.Combine(tracks, name + ".txt");
            if (!File.Exists(trackFile))
                throw new MotFormatException($"sequence '{name}' has ground truth but no tracker file '{trackFile}'");
            sequences.Add(new Sequence(name, MotFile.Read(gtFile), MotFile.Read(trackFile)));
        }
        if (sequences.Count == 0)
            throw new MotFormatException($"'{gt}' holds no <seq>/gt/gt.txt");
        return sequences;
    }
}

/// <summary>A frame with its tracks drawn: each track's box in its own colour with "#id class", untracked boxes as analyze draws them.</summary>
internal static class VideoDrawing
{
    public static SKBitmap Draw(SKBitmap pixels, FrameAnalysis frame)
    {
        var boxes = new List<(float Score, BoxAnnotation Box)>();
        foreach (var (task, result) in frame.Results)
        {
            if (frame.Tracks?.TryGetValue(task, out var tracked) == true)
            {
                var faces = result as FacesResult;
                foreach (var t in tracked)
                {
                    var label = $"#{t.TrackId} {t.ClassName}";
                    if (faces is not null && t.DetectionIndex >= 0 && faces.Faces[t.DetectionIndex].Identity is { } id)
                        label = $"#{t.TrackId} {id.Label()}";
                    if (faces is not null && t.DetectionIndex >= 0 && faces.Faces[t.DetectionIndex].Emotion is { } e)
                        label += $": {e.Label}";
                    boxes.Add((t.Score, new BoxAnnotation(t.Box.X, t.Box.Y, t.Box.Width, t.Box.Height, label, $"track{t.TrackId}")));
                }
                continue;
            }
            if (result is DetectionResult d)
                boxes.AddRange(d.Detections.Select(x => (x.Score, new BoxAnnotation(x.Box.X, x.Box.Y, x.Box.Width, x.Box.Height, $"{x.ClassName} {x.Score:0.00}", x.ClassName))));
            if (result is FacesResult f)
                boxes.AddRange(f.Faces.Select(x => (x.Score, new BoxAnnotation(x.Box.X, x.Box.Y, x.Box.Width, x.Box.Height, x.Emotion is { } e ? $"face: {e.Label}" : "face", "face"))));
        }
        return Annotator.Draw(pixels, boxes.OrderByDescending(b => b.Score).Select(b => b.Box));
    }
}
