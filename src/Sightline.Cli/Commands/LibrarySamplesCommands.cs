using System.CommandLine;
using Sightline.Library;
using Sightline.Library.Samples;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary>
/// <c>sightline library samples &lt;library&gt; [--from FOLDER...]</c>: builds a library from sample photos (the shared
/// photo collection, faces and COCO photos beside the repository, or the sample photos of a model package when they
/// are absent) with the library's normal ingestion and people clustering, or brings one it built before up to date.
/// </summary>
public static class LibrarySamplesCommands
{
    /// <summary>What the command did: where the photos came from, the folders, and the scan's report.</summary>
    public sealed record SamplesResult(string Library, bool Created, string Origin, IReadOnlyList<string> Folders, IngestReport Scan);

    public static Command Samples(Func<ParseResult, CliContext> context)
    {
        var library = LibraryCommands.LibraryArgument();
        var from = new Option<string[]>("--from")
        {
            Description = "Folders of photos to use instead of the samples (may be repeated)",
            AllowMultipleArgumentsPerToken = false,
        };
        var tasks = LibraryCommands.TasksOption();
        var settings = LibraryCommands.SetOption();
        var command = new Command("samples", "Build a library from sample photos (the shared photo collection and faces, or a model package's sample photos), or update it: only what changed is read")
        {
            library, from, tasks, settings,
        };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var folder = parse.GetValue(library)!;
            var sources = await SourcesAsync(ctx, parse.GetValue(from) ?? [], ct).ConfigureAwait(false);
            var created = !LibraryManifest.Exists(PhotoLibraryPath(folder));
            await using var opened = created
                ? await PhotoLibrary.InitAsync(folder, null, LibraryCommands.ApplySettings(LibrarySettings.Default, parse.GetValue(tasks), parse.GetValue(settings) ?? [], ctx.Warn), ct).ConfigureAwait(false)
                : await PhotoLibrary.OpenAsync(folder, ct).ConfigureAwait(false);
            if (!created && (parse.GetValue(tasks) is not null || (parse.GetValue(settings) ?? []).Length > 0))
                await opened.SaveSettingsAsync(LibraryCommands.ApplySettings(opened.Settings, parse.GetValue(tasks), parse.GetValue(settings) ?? [], ctx.Warn), ct).ConfigureAwait(false);
            var added = await opened.AddFoldersAsync(sources.Folders, ct).ConfigureAwait(false);
            if (!ctx.Json)
            {
                ctx.ErrorConsole.MarkupLine($"[grey]{(created ? "made" : "updating")} the library {Markup.Escape(opened.Folder)} from {Markup.Escape(sources.Origin)} "
                    + $"(analyses {Markup.Escape(LibraryCommands.Describe(opened.Settings))})[/]");
                foreach (var source in added)
                    ctx.ErrorConsole.MarkupLine($"[grey]source folder {Markup.Escape(source.Path)}[/]");
            }
            var report = await LibraryCommands.ScanWithProgressAsync(ctx, opened, ct).ConfigureAwait(false);
            if (ctx.Json)
            {
                ctx.WriteJson(new SamplesResult(opened.Folder, created, sources.Origin, added.Select(a => a.Path).ToList(), report));
                return ExitCodes.Ok;
            }
            LibraryCommands.WriteReport(ctx, report);
            ctx.OutputConsole.MarkupLine($"next: sightline serve --library {Markup.Escape(opened.Folder.Contains(' ', StringComparison.Ordinal) ? $"\"{opened.Folder}\"" : opened.Folder)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string PhotoLibraryPath(string folder) => Path.GetFullPath(folder);

    /// <summary>The folders given with --from (each must exist), else the shared data's samples, else the model package's.</summary>
    private static async Task<SampleSet> SourcesAsync(CliContext ctx, string[] from, CancellationToken ct)
    {
        var options = SampleOptions.Default;
        if (from.Length > 0)
        {
            foreach (var folder in from)
                if (!Directory.Exists(folder))
                    throw new LibraryInputException(File.Exists(folder)
                        ? $"--from {folder} is a file, not a folder: name the folder that holds it"
                        : $"--from {folder}: the folder does not exist");
            return new SampleSet("--from", from.Select(Path.GetFullPath).ToList());
        }
        if (SampleSources.FindSharedData(Directory.GetCurrentDirectory()) is { } shared && SampleSources.FromSharedData(shared, options) is { } set)
            return set;
        var model = await ctx.EnsureModelAsync(options.PackageSamplesModel, ct).ConfigureAwait(false);
        return SampleSources.FromModelPackage(model.Directory, options);
    }
}
