using System.CommandLine;
using System.Diagnostics;
using Sightline.Analysis;
using Sightline.Analysis.Presentation;
using Sightline.Cli.Output;
using Sightline.Imaging;
using Sightline.Vision.Pipeline;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline analyze</c>: any registered tasks on each image, one decode, one document per image.</summary>
public static class AnalyzeCommand
{
    public static Command Create(Func<ParseResult, CliContext> context)
    {
        var images = new Argument<string[]>("images") { Description = "Images or folders", Arity = ArgumentArity.OneOrMore };
        var tasks = new Option<string>("--tasks", "-t")
        {
            Description = $"Tasks to run on each image, comma-separated: {string.Join(", ", BuiltInTasks.Registry.Tasks.Select(t => t.Name).Order(StringComparer.Ordinal))}",
            Required = true,
        };
        var settings = new Option<string[]>("--set")
        {
            Description = "A task's option, task.option=value (e.g. detect.minScore=0.5, faces.detector=ssd, segment.model=salient); may be repeated",
            AllowMultipleArgumentsPerToken = false,
        };
        var classifier = new Option<string?>("--classifier") { Description = "Classifier file (.sightline) for the classify task; same as --set classify.classifier=FILE" };
        var save = new Option<string?>("--save") { Description = "Folder to write each image with everything found drawn on it (boxes, faces with expression, person mask)" };
        var command = new Command("analyze", "Run several tasks on each image with one decode: one JSON document per image with --json (one per line)")
        {
            images, tasks, settings, classifier, save,
        };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var chosen = Choose(parse.GetValue(tasks), parse.GetValue(settings) ?? [], parse.GetValue(classifier));
            var files = ctx.ImageInputs(parse.GetValue(images) ?? []);
            // Several models run at once over images in flight: one sleeping thread per run (see ForConcurrentRuns).
            using var engine = new Sightline.Inference.Sessions.InferenceEngine(ctx.EngineOptions.ForConcurrentRuns(), ctx.Warn);
            await using var taskContext = TaskContext.Create(ctx.Store, engine, ctx.Limits);
            var built = await BuildAsync(chosen, taskContext, ct).ConfigureAwait(false);
            var pipeline = new AnalysisPipeline(built, ctx.Limits);
            var folder = parse.GetValue(save);
            if (folder is not null)
                Directory.CreateDirectory(folder);
            var report = new AnalyzeReport(ctx, pipeline);
            var start = Stopwatch.GetTimestamp();
            await RunAsync(ctx, pipeline, files, outcome =>
            {
                if (folder is not null && outcome.Result is { } analysis)
                    SaveDrawing(folder, outcome.Source.Name, analysis, pipeline.DecodeSize, ctx.Limits);
                report.Add(outcome);
            }, ct).ConfigureAwait(false);
            report.Finish(Stopwatch.GetElapsedTime(start));
            return report.Succeeded > 0 ? ExitCodes.Ok : ExitCodes.BadInput;
        });
        return command;
    }

    /// <summary>Builds the chosen tasks; an option only an opened model can check (a class the detector lacks) is a usage error.</summary>
    internal static async Task<IReadOnlyList<IImageTask>> BuildAsync(IReadOnlyList<ChosenTask> chosen, TaskContext context, CancellationToken ct)
    {
        try
        {
            return await TaskSelection.CreateAsync(chosen, context, ct).ConfigureAwait(false);
        }
        catch (TaskOptionsException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>The tasks and their options from the command line; any mistake is a usage error listing what is accepted.</summary>
    internal static IReadOnlyList<ChosenTask> Choose(string? tasks, IReadOnlyList<string> settings, string? classifier)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var setting in settings)
        {
            var equals = setting.IndexOf('=');
            if (equals <= 0)
                throw new UsageException($"--set '{setting}' is not task.option=value (e.g. detect.minScore=0.5)");
            pairs.Add(new(setting[..equals].Trim(), setting[(equals + 1)..].Trim()));
        }
        if (classifier is not null)
            pairs.Add(new("classify.classifier", classifier));
        try
        {
            return TaskSelection.Choose(BuiltInTasks.Registry, tasks, pairs);
        }
        catch (TaskOptionsException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static async Task RunAsync(CliContext ctx, AnalysisPipeline pipeline, IReadOnlyList<string> files, Action<Outcome<ImageAnalysis>> each, CancellationToken ct)
    {
        async Task<int> Loop(IProgress<int>? progress)
        {
            await foreach (var outcome in pipeline.RunAsync(files.Select(ImageSource.File), progress, ct).ConfigureAwait(false))
                each(outcome);
            return files.Count;
        }

        if (files.Count == 1)
            await Loop(null).ConfigureAwait(false);
        else
            await ctx.Progress.RunAsync($"analyzing {files.Count} images ({string.Join(", ", pipeline.Tasks.Select(t => t.Name))})",
                report => Loop(new InlineProgress<int>(done => report(done, files.Count)))).ConfigureAwait(false);
    }

    /// <summary>The image decoded as the pipeline decoded it (so that a mask fits), with everything found drawn on it.</summary>
    private static void SaveDrawing(string folder, string source, ImageAnalysis analysis, DecodeSize decodeSize, ImageLimits limits)
    {
        using var image = ImageDecoder.Decode(source, decodeSize, limits);
        using var drawn = AnalysisDrawing.Draw(image, analysis);
        var name = Path.GetFileNameWithoutExtension(source) + (Path.GetExtension(source).ToLowerInvariant() is ".png" ? ".png" : ".jpg");
        Annotator.Save(drawn, Path.Combine(folder, name));
    }

    /// <summary>What the command prints: a JSON document per image as it comes (with --json), or a table at the end.</summary>
    private sealed class AnalyzeReport(CliContext ctx, AnalysisPipeline pipeline)
    {
        private readonly Table _table = new Table().Border(TableBorder.Rounded).AddColumns("image", "task", "result", "ms");
        private readonly Dictionary<string, double> _taskMs = new(StringComparer.OrdinalIgnoreCase);
        private double _decodeMs;
        private readonly List<Outcome<ImageAnalysis>> _failed = [];

        public int Succeeded { get; private set; }

        public void Add(Outcome<ImageAnalysis> outcome)
        {
            if (outcome.Result is { } analysis)
            {
                Succeeded++;
                _decodeMs += analysis.Timings.DecodeMs;
                foreach (var (task, ms) in analysis.Timings.TaskMs)
                    _taskMs[task] = _taskMs.GetValueOrDefault(task) + ms;
            }
            else
            {
                _failed.Add(outcome);
            }
            if (ctx.Json)
            {
                ctx.Output.WriteLine(AnalysisJson.Serialize(AnalysisDocument.From(outcome, pipeline.Tasks)));
                return;
            }
            if (outcome.Result is not { } result)
                return;
            var first = true;
            foreach (var task in pipeline.Tasks)
            {
                _table.AddRow(first ? Markup.Escape($"{Path.GetFileName(outcome.Source.Name)} ({result.Width}x{result.Height})") : "",
                    Markup.Escape(task.Name), Markup.Escape(ResultSummary.Of(result.Results[task.Name])), $"{result.Timings.TaskMs[task.Name]:0}");
                first = false;
            }
        }

        public void Finish(TimeSpan elapsed)
        {
            if (ctx.Json)
            {
                // Files of the named folders that are not images are documents too, so that nothing is left out silently.
                foreach (var skipped in ctx.NotImages ?? [])
                    ctx.Output.WriteLine(AnalysisJson.Serialize(AnalysisDocument.NotAnImage(skipped)));
                return;
            }
            ctx.OutputConsole.Write(_table);
            var images = Math.Max(1, Succeeded);
            var stages = string.Join(", ", pipeline.Tasks.Select(t => $"{t.Name} {_taskMs.GetValueOrDefault(t.Name) / images:0} ms"));
            ctx.OutputConsole.MarkupLine($"[grey]{Succeeded} image(s) in {elapsed.TotalSeconds:0.0} s; per image: one decode {_decodeMs / images:0} ms, {Markup.Escape(stages)}; "
                + $"models: {Markup.Escape(string.Join(", ", pipeline.Tasks.SelectMany(t => t.ModelIds).Distinct()))}[/]");
            foreach (var o in _failed)
                ctx.Warn($"skipped {o.Source}: {o.Error!.Message} ({o.Error.Code})");
            ctx.WriteSkippedFooter();
        }
    }
}
