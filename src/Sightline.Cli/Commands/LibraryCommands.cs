using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sightline.Cli.Output;
using Sightline.Inference.Sessions;
using Sightline.Library;
using Sightline.Library.Storage;
using Sightline.Vision.Pipeline;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary>
/// <c>sightline library init|add|scan|watch|status|settings|people|search|facets</c>: a photo library in a folder (its database,
/// thumbnails and settings) that ingests source folders with the library's analyses.
/// </summary>
public static class LibraryCommands
{
    public static Command Create(Func<ParseResult, CliContext> context) => new("library", "A photo library: ingest folders of photos, keep what Sightline sees in them, and pick up what changes")
    {
        Init(context), Add(context), Scan(context), Watch(context), Status(context), Settings(context), PeopleCommands.Create(context),
        LibrarySearchCommands.Search(context),
        LibrarySearchCommands.Facets(context),
        LibraryDuplicateCommands.Duplicates(context),
        LibraryDuplicateCommands.Export(context),
        LibrarySamplesCommands.Samples(context),
        AccountCommands.Create(context),
    };

    internal static Argument<string> LibraryArgument() => new("library") { Description = "The library's folder (holds library.json, the database and the thumbnails)" };

    internal static Option<string?> TasksOption() => new("--tasks", "-t")
    {
        Description = $"Analyses run on every photo, comma-separated, or 'none' (default {string.Join(",", LibrarySettings.DefaultTasks)})",
    };

    internal static Option<string[]> SetOption() => new("--set")
    {
        Description = "An analysis option, task.option=value (e.g. detect.minScore=0.5), video.fps / video.maxSeconds (frames a second of a video tracked, 0: poster only; how much of it), or scan.followLinksOutside=true (links in a source folder may bring in files from elsewhere); an empty value returns it to its default; may be repeated",
        AllowMultipleArgumentsPerToken = false,
    };

    private static Command Init(Func<ParseResult, CliContext> context)
    {
        var library = LibraryArgument();
        var database = new Option<string?>("--database")
        {
            Description = $"Where the database is: {LibraryStores.DefaultSqlite} (the default, inside the library folder) or postgres://user:password@host:port/database",
        };
        var tasks = TasksOption();
        var settings = SetOption();
        var command = new Command("init", "Make a new library in a folder") { library, database, tasks, settings };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var chosen = ApplySettings(LibrarySettings.Default, parse.GetValue(tasks), parse.GetValue(settings) ?? [], ctx.Warn);
            await using var opened = await PhotoLibrary.InitAsync(parse.GetValue(library)!, parse.GetValue(database), chosen, ct).ConfigureAwait(false);
            if (ctx.Json)
                ctx.WriteJson(await opened.GetStatusAsync(ct).ConfigureAwait(false));
            else
                ctx.OutputConsole.MarkupLine($"made the library {Markup.Escape(opened.Folder)} (database {Markup.Escape(opened.Store.Location)}; analyses {Markup.Escape(Describe(opened.Settings))}); "
                    + $"next: sightline library add {Markup.Escape(Quote(opened.Folder))} FOLDER");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Add(Func<ParseResult, CliContext> context)
    {
        var library = LibraryArgument();
        var folders = new Argument<string[]>("folders") { Description = "Folders of photos to ingest (recursively); they stay where they are", Arity = ArgumentArity.OneOrMore };
        var command = new Command("add", "Register source folders and ingest them") { library, folders };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            var added = await opened.AddFoldersAsync(parse.GetValue(folders) ?? [], ct).ConfigureAwait(false);
            if (!ctx.Json)
                foreach (var folder in added)
                    ctx.OutputConsole.MarkupLine($"[grey]source folder {Markup.Escape(folder.Path)}[/]");
            return await ScanAsync(ctx, opened, ct).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Scan(Func<ParseResult, CliContext> context)
    {
        var library = LibraryArgument();
        var command = new Command("scan", "Pick up what changed in the source folders: new, changed and removed files, and analyses out of date") { library };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            return await ScanAsync(ctx, opened, ct).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Watch(Func<ParseResult, CliContext> context)
    {
        var library = LibraryArgument();
        var debounce = new Option<double?>("--debounce") { Description = $"Seconds a file must be quiet before it is read (default {WatchOptions.Default.Debounce.TotalSeconds:0})" };
        var rescan = new Option<double?>("--rescan") { Description = $"Seconds between full rescans that catch what the file watcher missed (default {WatchOptions.Default.Rescan.TotalSeconds:0})" };
        var command = new Command("watch", "Scan, then stay running: ingest files as they appear or change, until Ctrl+C") { library, debounce, rescan };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var options = WatchOptionsFrom(parse.GetValue(debounce), parse.GetValue(rescan));
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            using var engine = new InferenceEngine(ctx.EngineOptions.ForConcurrentRuns(), ctx.Warn);
            await using var taskContext = TaskContext.Create(ctx.Store, engine, ctx.Limits);
            var folders = await opened.Store.GetFoldersAsync(ct).ConfigureAwait(false);
            if (!ctx.Json)
                ctx.ErrorConsole.MarkupLine($"[grey]watching {folders.Count} folder(s) of {Markup.Escape(opened.Folder)}; Ctrl+C stops[/]");
            try
            {
                await opened.WatchAsync(taskContext, options, report =>
                {
                    if (ctx.Json)
                        ctx.Output.WriteLine(JsonSerializer.Serialize(report, Sightline.Vision.Results.ResultJson.Options));
                    else if (report.FilesSeen > report.Unchanged + report.Sidecars + report.Ignored || report.Removed > 0 || report.AnalysesRun > 0)
                        ctx.OutputConsole.MarkupLine($"[grey]{DateTimeOffset.Now:HH:mm:ss}[/] {Markup.Escape(Summary(report))}");
                }, cancellationToken: ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C is how watching ends: what was done is committed.
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static WatchOptions WatchOptionsFrom(double? debounce, double? rescan)
    {
        if (debounce is { } d && (double.IsNaN(d) || d < 0 || d > 3600))
            throw new UsageException($"--debounce must be between 0 and 3600 seconds (got {d.ToString(CultureInfo.InvariantCulture)})");
        if (rescan is { } r && (double.IsNaN(r) || r < 1 || r > 7 * 24 * 3600))
            throw new UsageException($"--rescan must be between 1 second and a week (got {r.ToString(CultureInfo.InvariantCulture)})");
        return new WatchOptions(debounce is { } ds ? TimeSpan.FromSeconds(ds) : WatchOptions.Default.Debounce,
            rescan is { } rs ? TimeSpan.FromSeconds(rs) : WatchOptions.Default.Rescan);
    }

    private static Command Status(Func<ParseResult, CliContext> context)
    {
        var library = LibraryArgument();
        var command = new Command("status", "What the library holds: photos, videos, duplicates, sidecars, ignored and failed files with their reasons, analyses") { library };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            var status = await opened.GetStatusAsync(ct).ConfigureAwait(false);
            var databaseBytes = DatabaseBytes(opened.Store);
            if (ctx.Json)
            {
                var node = JsonSerializer.SerializeToNode(status, Json.Options)!.AsObject();
                node["databaseBytes"] = databaseBytes;
                ctx.Output.WriteLine(node.ToJsonString(Json.Options));
                return ExitCodes.Ok;
            }
            WriteStatus(ctx, status, databaseBytes);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Settings(Func<ParseResult, CliContext> context)
    {
        var library = LibraryArgument();
        var tasks = TasksOption();
        var settings = SetOption();
        var command = new Command("settings", "Show the library's analyses and options, or change them (the next scan re-runs only what changed)") { library, tasks, settings };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            var newTasks = parse.GetValue(tasks);
            var sets = parse.GetValue(settings) ?? [];
            if (newTasks is not null || sets.Length > 0)
            {
                var changed = ApplySettings(opened.Settings, newTasks, sets, ctx.Warn);
                await opened.SaveSettingsAsync(changed, ct).ConfigureAwait(false);
                if (!ctx.Json)
                    ctx.OutputConsole.MarkupLine("[grey]saved; the next 'sightline library scan' re-runs the analyses that changed[/]");
            }
            if (ctx.Json)
                ctx.WriteJson(opened.Settings);
            else
                ctx.OutputConsole.MarkupLine($"analyses: {Markup.Escape(Describe(opened.Settings))}; thumbnails {opened.Settings.SmallThumbnail} and {opened.Settings.PreviewThumbnail} px");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// <paramref name="current"/> with the tasks and options of the command line: --tasks replaces the list ('none'
    /// for no analyses; options of tasks no longer chosen are dropped, with a warning), each --set adds or replaces an
    /// option, an empty value removes it. The result is validated; a mistake is a usage error naming it.
    /// </summary>
    /// <summary>video.fps (frames a second tracked, 0 for the poster only) and video.maxSeconds; an empty value returns one to its default.</summary>
    private static LibrarySettings VideoSetting(LibrarySettings settings, string key, string value)
    {
        double? number = null;
        if (value.Length > 0)
            number = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed)
                ? parsed
                : throw new UsageException($"--set {key}={value}: not a number");
        return key.ToLowerInvariant() switch
        {
            "video.fps" => settings with { VideoFramesPerSecond = number ?? LibrarySettings.Default.VideoFramesPerSecond },
            "video.maxseconds" => settings with { VideoMaxSeconds = number ?? LibrarySettings.Default.VideoMaxSeconds },
            _ => throw new UsageException($"--set {key}: the video settings are video.fps and video.maxSeconds"),
        };
    }

    internal static LibrarySettings ApplySettings(LibrarySettings current, string? tasks, IReadOnlyList<string> sets, Action<string> warn)
    {
        var names = current.Tasks;
        if (tasks is not null)
            names = tasks.Trim().Equals("none", StringComparison.OrdinalIgnoreCase)
                ? []
                : tasks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (tasks is not null && names.Count == 0 && !tasks.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
            throw new UsageException("--tasks names no task: name at least one, or 'none' for thumbnails only");
        var options = new Dictionary<string, string>(current.Options, StringComparer.OrdinalIgnoreCase);
        foreach (var key in options.Keys.ToList())
        {
            var task = key.Split('.')[0];
            if (!names.Contains(task, StringComparer.OrdinalIgnoreCase))
            {
                options.Remove(key);
                warn($"the option {key} is dropped: {task} is no longer among the analyses");
            }
        }
        var settings = current;
        foreach (var setting in sets)
        {
            var equals = setting.IndexOf('=');
            if (equals <= 0)
                throw new UsageException($"--set '{setting}' is not task.option=value (e.g. detect.minScore=0.5)");
            var key = setting[..equals].Trim();
            var value = setting[(equals + 1)..].Trim();
            if (key.StartsWith("video.", StringComparison.OrdinalIgnoreCase))
                settings = VideoSetting(settings, key, value);
            else if (key.Equals("scan.followLinksOutside", StringComparison.OrdinalIgnoreCase))
                settings = settings with
                {
                    FollowLinksOutside = value.Length == 0 ? LibrarySettings.Default.FollowLinksOutside
                        : bool.TryParse(value, out var follow) ? follow
                        : throw new UsageException($"--set {key}={value}: give true or false"),
                };
            else if (value.Length == 0)
                options.Remove(key);
            else
                options[key] = value;
        }
        settings = settings with { Tasks = names, Options = options };
        if (PhotoLibrary.CheckVideoSettings(settings) is { } problem)
            throw new UsageException(problem);
        try
        {
            Library.Ingestion.LibraryTasks.Choose(settings);
        }
        catch (TaskOptionsException e)
        {
            throw new UsageException(e.Message);
        }
        return settings;
    }

    internal static async Task<IngestReport> ScanWithProgressAsync(CliContext ctx, PhotoLibrary library, CancellationToken ct)
    {
        // Several models run at once over the photos in flight: one sleeping thread per run (see ForConcurrentRuns).
        using var engine = new InferenceEngine(ctx.EngineOptions.ForConcurrentRuns(), ctx.Warn);
        await using var taskContext = TaskContext.Create(ctx.Store, engine, ctx.Limits);
        return await ctx.Progress.RunAsync<IngestReport>($"scanning {library.Folder}", update =>
            library.ScanAsync(taskContext, new InlineProgress<IngestProgress>(p => update(p.Done, p.Total > 0 ? p.Total : null, ProgressNote(p))), ct)).ConfigureAwait(false);
    }

    private static async Task<int> ScanAsync(CliContext ctx, PhotoLibrary library, CancellationToken ct)
    {
        var report = await ScanWithProgressAsync(ctx, library, ct).ConfigureAwait(false);
        if (ctx.Json)
        {
            ctx.WriteJson(report);
            return ExitCodes.Ok;
        }
        WriteReport(ctx, report);
        return ExitCodes.Ok;
    }

    /// <summary>What the progress bar shows beside the count: the stage, the rate and the failures so far.</summary>
    internal static string ProgressNote(IngestProgress p) =>
        $"{p.Stage}, {p.PhotosPerSecond.ToString("0.0", CultureInfo.InvariantCulture)} photos/s"
        + (p.Eta is { } eta ? $", {(int)eta.TotalMinutes}:{eta.Seconds:00} left" : "")
        + (p.Failed > 0 ? $", {p.Failed} failed" : "");

    /// <summary>"117 files: 83 new photos, 4 new videos, 7 linked to photos already held, 11 sidecars, 12 ignored; 332 analyses in 83.5 s": the buckets that are not empty.</summary>
    internal static string Summary(IngestReport r)
    {
        var parts = new (int Count, string Name)[]
        {
            (r.NewPhotos, "new photos"), (r.NewVideos, "new videos"), (r.Changed, "changed"), (r.Linked, "linked to photos already held"),
            (r.Unchanged, "unchanged"), (r.Removed, "removed"), (r.Sidecars, "sidecars"), (r.Ignored, "ignored"), (r.Failed, "failed"),
        }.Where(p => p.Count > 0).Select(p => $"{p.Count} {p.Name}").ToList();
        var files = parts.Count == 0 ? $"{r.FilesSeen} files" : $"{r.FilesSeen} files: {string.Join(", ", parts)}";
        return $"{files}; {r.AnalysesRun} analyses in {r.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s";
    }

    internal static void WriteReport(CliContext ctx, IngestReport report)
    {
        ctx.OutputConsole.MarkupLine(Markup.Escape(Summary(report)));
        if (report.People is { } people) ctx.OutputConsole.MarkupLine(Markup.Escape($"people: {people.People} ({people.Assigned} faces in them, {people.Unassigned} unassigned, {people.TooPoor} too poor; {people.NewFaces} new faces, {(people.Full ? "full pass" : "incremental")})"));
        var media = report.NewPhotos + report.Changed;
        if (report.StageSeconds.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("stage", "seconds (summed over files in flight)");
            foreach (var (stage, seconds) in report.StageSeconds.OrderByDescending(s => s.Value))
                table.AddRow(Markup.Escape(stage), seconds.ToString("0.00", CultureInfo.InvariantCulture));
            ctx.OutputConsole.Write(table);
        }
        if (media > 0 && report.Elapsed > TimeSpan.Zero)
            ctx.OutputConsole.MarkupLine($"[grey]{(media / report.Elapsed.TotalSeconds).ToString("0.00", CultureInfo.InvariantCulture)} photos/s over the scan[/]");
        foreach (var failure in report.NewFailures.Take(50))
            ctx.Warn($"{failure.Path}: {failure.Reason}");
        if (report.NewFailures.Count > 50)
            ctx.Warn($"and {report.NewFailures.Count - 50} more failures: see 'sightline library status'");
    }

    private static void WriteStatus(CliContext ctx, LibraryStatus status, long? databaseBytes)
    {
        var c = status.Counts;
        var table = new Table().Border(TableBorder.Rounded).AddColumns("", "count");
        table.Columns[1].RightAligned();
        void Row(string what, long count) => table.AddRow(Markup.Escape(what), count.ToString(CultureInfo.InvariantCulture));
        Row("photos", c.Photos);
        Row("videos", c.Videos);
        Row("photo paths", c.PhotoPaths);
        Row("video paths", c.VideoPaths);
        Row("duplicate paths (same content under another name)", c.DuplicatePaths);
        Row("sidecars", c.Sidecars);
        Row("ignored", c.Ignored);
        foreach (var (reason, count) in c.IgnoredByReason.OrderByDescending(r => r.Value))
            Row($"  {reason}", count);
        Row("failed", c.Failed);
        foreach (var (reason, count) in c.FailedByReason.OrderByDescending(r => r.Value))
            Row($"  {reason}", count);
        Row("offline (no path left)", c.Offline);
        Row("faces", c.Faces);
        var wanted = (long)status.Settings.Tasks.Count * c.Photos;
        Row("analyses up to date", Math.Max(0, wanted - status.OutdatedAnalyses));
        Row("analyses outdated or missing", status.OutdatedAnalyses);
        foreach (var (task, count) in c.AnalysesByTask.OrderBy(t => t.Key, StringComparer.Ordinal))
            Row($"  {task} stored", count);
        Row("files on disk accounted for", c.PhotoPaths + c.VideoPaths + c.Sidecars + c.Ignored + c.Failed);
        ctx.OutputConsole.Write(table);
        ctx.OutputConsole.MarkupLine($"library {Markup.Escape(status.Folder)}; database {Markup.Escape(status.Database)} (schema {status.SchemaVersion}"
            + (databaseBytes is { } bytes ? $", {Format.Bytes(bytes)}" : "") + ")");
        ctx.OutputConsole.MarkupLine($"analyses: {Markup.Escape(Describe(status.Settings))}");
        foreach (var folder in status.Folders)
            ctx.OutputConsole.MarkupLine($"folder {Markup.Escape(folder.Path)} [grey](last scanned {(folder.ScannedAt is { } at ? at.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "never")})[/]");
        foreach (var failure in status.RecentFailures)
            ctx.OutputConsole.MarkupLine($"[yellow]failed[/] {Markup.Escape(failure.Path)}: {Markup.Escape(failure.Reason ?? "")}");
    }

    /// <summary>The size of a SQLite database with its write-ahead log; null for a server database.</summary>
    internal static long? DatabaseBytes(ILibraryStore store)
    {
        if (store.Kind != StoreKind.Sqlite)
            return null;
        return new[] { "", "-wal", "-shm" }.Select(suffix => new FileInfo(store.Location + suffix)).Where(f => f.Exists).Sum(f => f.Length);
    }

    internal static string Describe(LibrarySettings settings) =>
        (settings.Tasks.Count == 0 ? "none (thumbnails only)" : string.Join(", ", settings.Tasks))
        + (settings.Options.Count > 0 ? "; " + string.Join(", ", settings.Options.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}")) : "")
        + (settings.VideoFramesPerSecond > 0
            ? FormattableString.Invariant($"; videos tracked at {settings.VideoFramesPerSecond:0.##} frames a second, up to {settings.VideoMaxSeconds:0.#} s")
            : "; videos by their poster frame only");

    private static string Quote(string path) => path.Contains(' ') ? $"\"{path}\"" : path;
}
