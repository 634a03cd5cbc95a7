using System.CommandLine;
using Sightline.Analysis;
using Sightline.Cli.Output;
using Sightline.Imaging;
using Sightline.Vision.Moderation;
using Sightline.Vision.Pipeline;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary>
/// <c>sightline moderate</c> and <c>sightline eval moderate</c>: the <c>moderate</c> task from the built-in
/// registry, run through the analysis pipeline. The options' defaults are the library's; the CLI adds none.
/// </summary>
public static class ModerationCommands
{
    private static Option<double?> ThresholdOption() => new("--threshold", "-t")
    {
        Description = $"Least summed probability of the sensitive classes that makes an image sensitive, 0-1 (default {ModerateOptions.DefaultThreshold})",
    };

    private static Option<string?> SensitiveOption() => new("--sensitive")
    {
        Description = $"Classes that count as sensitive, comma-separated, of {string.Join(", ", ModerationClasses.All)} (default {string.Join(",", ModerateOptions.DefaultSensitiveClasses)})",
    };

    /// <summary>Builds the task from the registry (options checked before any model is pulled) and runs it on every file.</summary>
    private static async Task<(IImageTask<ModerationResult> Task, IReadOnlyList<Outcome<ModerationResult>> Outcomes)> RunAsync(
        CliContext ctx, IReadOnlyList<string> files, ModerateOptions options, CancellationToken ct)
    {
        var context = TaskContext.Create(ctx.Store, ctx.Engine, ctx.Limits);
        var task = (IImageTask<ModerationResult>)await BuiltInTasks.Registry.CreateAsync(ModerateTask.TaskName, context, options, ct).ConfigureAwait(false);
        var outcomes = await ctx.Progress.RunAsync($"moderating {files.Count} images", async report =>
        {
            var list = new List<Outcome<ModerationResult>>(files.Count);
            await foreach (var outcome in AnalysisPipeline.RunAsync(task, files.Select(ImageSource.File), ctx.Limits,
                progress: new InlineProgress<int>(d => report(d, files.Count)), cancellationToken: ct).ConfigureAwait(false))
                list.Add(outcome);
            return list;
        }).ConfigureAwait(false);
        return (task, outcomes);
    }

    public static Command Moderate(Func<ParseResult, CliContext> context)
    {
        var images = new Argument<string[]>("images") { Description = "Images or folders (searched recursively)", Arity = ArgumentArity.OneOrMore };
        var threshold = ThresholdOption();
        var sensitive = SensitiveOption();
        var command = new Command("moderate", "Tell photos that are safe from sensitive ones (explicit or suggestive), with the five class probabilities")
        {
            images, threshold, sensitive,
        };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var options = ModerateOptions.From(parse.GetValue(threshold), parse.GetValue(sensitive));
            options.Validate();
            var files = ctx.ImageInputs(parse.GetValue(images) ?? []);
            var (task, outcomes) = await RunAsync(ctx, files, options, ct).ConfigureAwait(false);
            if (ctx.Json)
                ctx.WriteJson(new { results = Results(outcomes), failed = Failed(outcomes) });
            else
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumns("image", "verdict", "sensitive score", "driven by")
                    .AddColumns(ModerationClasses.All.Select(c => new TableColumn(c).RightAligned()).ToArray());
                foreach (var o in outcomes.Where(o => o.Succeeded))
                {
                    var r = o.Result!;
                    table.AddRow([
                        Markup.Escape(o.Source.ToString()),
                        r.Sensitive ? "[red]sensitive[/]" : "[green]safe[/]",
                        $"{r.SensitiveScore:0.000}",
                        Markup.Escape(string.Join(", ", r.DrivenBy)),
                        .. r.Scores.Select(s => $"{s.Score:0.000}"),
                    ]);
                }
                ctx.OutputConsole.Write(table);
                var ok = outcomes.Where(o => o.Succeeded).Select(o => o.Result!).ToList();
                ctx.OutputConsole.MarkupLine($"[grey]{Markup.Escape(string.Join(", ", task.ModelIds))} {Markup.Escape(ok.FirstOrDefault()?.ModelVersion ?? "")}; " +
                    $"sensitive when {Markup.Escape(string.Join(" + ", options.SensitiveClasses))} >= {options.Threshold}; {ok.Count(r => r.Sensitive)} of {ok.Count} sensitive[/]");
                ReportFailures(ctx, outcomes);
                ctx.WriteSkippedFooter();
            }
            return outcomes.Any(o => o.Succeeded) ? ExitCodes.Ok : ExitCodes.BadInput;
        });
        return command;
    }

    /// <summary>One result per readable image: its source and the task's record (the same record /v1/moderate answers).</summary>
    internal static IEnumerable<object> Results(IEnumerable<Outcome<ModerationResult>> outcomes) =>
        outcomes.Where(o => o.Succeeded).Select(o => new { source = o.Source.ToString(), moderation = o.Result });

    private static List<object> Failed(IEnumerable<Outcome<ModerationResult>> outcomes) =>
        outcomes.Where(o => !o.Succeeded).Select(o => (object)new { path = o.Source.ToString(), code = o.Error!.Code, reason = o.Error.Message }).ToList();

    private static void ReportFailures(CliContext ctx, IEnumerable<Outcome<ModerationResult>> outcomes)
    {
        foreach (var o in outcomes.Where(o => !o.Succeeded))
            ctx.Warn($"skipped {o.Source}: {o.Error!.Message}");
    }

    /// <summary>How many images of one folder of ordinary photos the verdict calls sensitive.</summary>
    internal sealed record SetCount(string Folder, int Images, int Sensitive, int Unreadable, IReadOnlyList<string> SensitiveFiles)
    {
        public double Rate => Images == 0 ? 0 : (double)Sensitive / Images;
    }

    public static Command EvalModerate(Func<ParseResult, CliContext> context)
    {
        var folders = new Argument<string[]>("folders") { Description = "Folders of ordinary photos (none should be sensitive); each is counted apart", Arity = ArgumentArity.OneOrMore };
        var threshold = ThresholdOption();
        var sensitive = SensitiveOption();
        var command = new Command("moderate", "Count the false 'sensitive' verdicts on folders of ordinary photos, per folder and overall") { folders, threshold, sensitive };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var options = ModerateOptions.From(parse.GetValue(threshold), parse.GetValue(sensitive));
            options.Validate();
            var sets = new List<SetCount>();
            var notImages = new List<SkippedFile>();
            var names = parse.GetValue(folders) ?? [];
            var missing = names.FirstOrDefault(f => !Directory.Exists(f));
            if (missing is not null)
                throw new InputException($"'{missing}' is not a folder");
            string? model = null;
            foreach (var folder in names)
            {
                var scan = ImageFiles.ScanFolder(folder);
                notImages.AddRange(scan.Skipped);
                if (scan.Images.Count == 0)
                {
                    ctx.Warn($"no images in {folder}");
                    sets.Add(new SetCount(folder, 0, 0, 0, []));
                    continue;
                }
                var (task, outcomes) = await RunAsync(ctx, scan.Images, options, ct).ConfigureAwait(false);
                model ??= string.Join(", ", task.ModelIds);
                var ok = outcomes.Where(o => o.Succeeded).ToList();
                sets.Add(new SetCount(folder, ok.Count, ok.Count(o => o.Result!.Sensitive), outcomes.Count - ok.Count,
                    ok.Where(o => o.Result!.Sensitive).Select(o => o.Source.ToString()).ToList()));
            }
            ctx.NoteNotProcessed(notImages);
            var total = new SetCount("all", sets.Sum(s => s.Images), sets.Sum(s => s.Sensitive), sets.Sum(s => s.Unreadable), sets.SelectMany(s => s.SensitiveFiles).ToList());
            if (ctx.Json)
            {
                ctx.WriteJson(new { model, threshold = options.Threshold, sensitiveClasses = options.SensitiveClasses, sets, total });
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("folder").AddColumn(new TableColumn("images").RightAligned())
                .AddColumn(new TableColumn("false sensitive").RightAligned()).AddColumn(new TableColumn("rate").RightAligned()).AddColumn(new TableColumn("unreadable").RightAligned());
            foreach (var s in sets.Append(total))
                table.AddRow(ReferenceEquals(s, total) ? "[bold]all[/]" : Markup.Escape(s.Folder), s.Images.ToString(), s.Sensitive.ToString(), $"{100 * s.Rate:0.0} %", s.Unreadable.ToString());
            ctx.OutputConsole.Write(table);
            foreach (var f in total.SensitiveFiles)
                ctx.OutputConsole.MarkupLine($"  [yellow]sensitive:[/] {Markup.Escape(f)}");
            ctx.OutputConsole.MarkupLine($"[grey]{Markup.Escape(model ?? ModerationClasses.ModelId)}; sensitive when {Markup.Escape(string.Join(" + ", options.SensitiveClasses))} >= {options.Threshold}[/]");
            ctx.WriteSkippedFooter();
            return ExitCodes.Ok;
        });
        return command;
    }
}
