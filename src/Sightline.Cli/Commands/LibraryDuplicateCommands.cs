using System.CommandLine;
using Sightline.Cli.Output;
using Sightline.Library;
using Sightline.Library.Duplicates;
using Sightline.Library.Export;
using Sightline.Library.Search;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary>
/// <c>sightline library duplicates</c> (exact copies, near duplicates and bursts with the best shot of each) and
/// <c>sightline library export</c> (a search's photos sorted into folders). --json prints the library's records,
/// the shape the REST API answers with.
/// </summary>
public static class LibraryDuplicateCommands
{
    public static Command Duplicates(Func<ParseResult, CliContext> context)
    {
        var library = new Argument<string>("library") { Description = "The library's folder" };
        var query = new Argument<string?>("query") { Description = "Only among a search's photos, in the query language (e.g. 'after:2024-06 before:2024-07'); none: every photo", Arity = ArgumentArity.ZeroOrOne };
        var kind = new Option<string?>("--kind") { Description = "Only groups of this kind: exact, near or burst" };
        var command = new Command("duplicates", "Exact copies, near duplicates and bursts, with the best shot of each group") { library, query, kind };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var only = KindOf(parse.GetValue(kind));
            var text = parse.GetValue(query);
            var within = string.IsNullOrWhiteSpace(text) ? null : SearchQueryLanguage.Parse(text);
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            var report = (await opened.Duplicates.FindAsync(within: within, cancellationToken: ct).ConfigureAwait(false)).OfKind(only);
            if (ctx.Json)
            {
                ctx.WriteJson(report);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn(new TableColumn("group").RightAligned()).AddColumn("kind")
                .AddColumn(new TableColumn("similarity").RightAligned()).AddColumn("member").AddColumn(new TableColumn("score").RightAligned()).AddColumn("why");
            for (var g = 0; g < report.Groups.Count; g++)
            {
                var group = report.Groups[g];
                foreach (var member in group.Members)
                {
                    var best = ReferenceEquals(member, group.Best);
                    table.AddRow(best ? $"{g + 1}" : "", best ? group.Kind.ToString().ToLowerInvariant() : "", best ? $"{group.Similarity:0.000}" : "",
                        (best ? "[green]best[/] " : "       ") + Markup.Escape(string.Join(", ", member.Paths)), $"{member.Score:0.00}",
                        Markup.Escape(string.Join("; ", member.Reasons)));
                }
            }
            if (report.Groups.Count > 0)
                ctx.OutputConsole.Write(table);
            ctx.OutputConsole.MarkupLine(Markup.Escape($"{report.Groups.Count} group(s) among {report.Photos} photos: {report.Redundant} photo(s) beyond the best of each could go"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static DuplicateKind? KindOf(string? kind)
    {
        var only = DuplicateReport.ParseKind(kind, out var valid);
        return valid ? only : throw new UsageException($"--kind must be exact, near or burst (got '{kind}')");
    }

    public static Command Export(Func<ParseResult, CliContext> context)
    {
        var library = new Argument<string>("library") { Description = "The library's folder" };
        var query = new Argument<string>("query") { Description = "The photos to export, in the query language ('' for every photo)" };
        var to = new Option<string>("--to") { Description = "The folder the sorted photos go into (outside the source folders and the library)", Required = true };
        var by = new Option<string>("--by") { Description = "Folders by person, emotion, date or object", Required = true };
        var link = new Option<bool>("--link") { Description = "Symbolic links to the originals (the default: no space used)" };
        var copy = new Option<bool>("--copy") { Description = "Copies of the originals" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Plan and report without writing anything" };
        var xmp = new Option<bool>("--xmp") { Description = "Write an XMP sidecar beside each file: named faces as MWG regions, objects and expressions as keywords" };
        var command = new Command("export", "Sort a search's photos into folders by person, emotion, date or object; the originals are never changed")
        {
            library, query, to, by, link, copy, dryRun, xmp,
        };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            if (parse.GetValue(link) && parse.GetValue(copy))
                throw new UsageException("give --link or --copy, not both");
            var grouping = parse.GetValue(by)?.Trim().ToLowerInvariant() switch
            {
                "person" => ExportGrouping.Person,
                "emotion" => ExportGrouping.Emotion,
                "date" => ExportGrouping.Date,
                "object" => ExportGrouping.Object,
                var other => throw new UsageException($"--by must be person, emotion, date or object (got '{other}')"),
            };
            var text = parse.GetValue(query) ?? "";
            var search = string.IsNullOrWhiteSpace(text) ? PhotoSearch.All : SearchQueryLanguage.Parse(text);
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            var request = new ExportRequest(search, parse.GetValue(to)!, grouping, parse.GetValue(copy) ? ExportMode.Copy : ExportMode.Link,
                parse.GetValue(dryRun), parse.GetValue(xmp));
            var report = await ctx.Progress.RunAsync(request.DryRun ? "planning the export" : "exporting", report =>
                opened.Export.ExportAsync(request, new InlineProgress<(int Done, int Total)>(p => report(p.Done, p.Total)), ct)).ConfigureAwait(false);
            if (ctx.Json)
            {
                ctx.WriteJson(report);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("folder").AddColumn(new TableColumn("files").RightAligned());
            foreach (var (folder, files) in report.FilesByFolder)
                table.AddRow(Markup.Escape(folder), $"{files}");
            if (report.FilesByFolder.Count > 0)
                ctx.OutputConsole.Write(table);
            var verb = report.DryRun ? "would write" : "wrote";
            var offline = report.Skipped.Count - report.AlreadyThere;
            ctx.OutputConsole.MarkupLine(Markup.Escape($"{report.Photos} photo(s) into {report.To}: {verb} {report.Items.Count} file(s)"
                + (request.Mode == ExportMode.Copy ? $" ({report.BytesCopied / 1e6:0.0} MB copied)" : " (links)")
                + $", {report.AlreadyThere} already there, {offline} skipped"));
            foreach (var (photo, reason) in report.Skipped.Where(s => !s.Reason.StartsWith(PhotoExporter.AlreadyThere, StringComparison.Ordinal)))
                ctx.OutputConsole.MarkupLine(Markup.Escape($"  photo {photo}: {reason}"));
            return ExitCodes.Ok;
        });
        return command;
    }
}
