using System.CommandLine;
using System.Globalization;
using Sightline.Library;
using Sightline.Library.Search;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary>
/// <c>sightline library search</c> and <c>sightline library facets</c>: a library's photos found by the query language
/// (<see cref="SearchQueryLanguage"/>), and what there is to filter by. --json prints <see cref="SearchResults"/> and
/// <see cref="SearchFacets"/>, the objects the REST API answers with.
/// </summary>
public static class LibrarySearchCommands
{
    public static Command Search(Func<ParseResult, CliContext> context)
    {
        var library = new Argument<string>("library") { Description = "The library's folder" };
        var query = new Argument<string>("query")
        {
            Description = "What to find, e.g. 'person:Amy emotion:happy after:2024-01 object:dog' (quote it for the shell; an empty query lists every photo)",
        };
        var limit = new Option<int?>("--limit") { Description = $"At most this many photos (1-{SearchPageLimits.Default.MaxLimit}, default {SearchPageLimits.Default.DefaultLimit})" };
        var cursor = new Option<string?>("--cursor") { Description = "Continue after the page that printed this cursor" };
        var paths = new Option<bool>("--paths") { Description = "Print only each photo's file path, one a line (for other programs)" };
        var command = new Command("search", "Find photos by people, emotion, objects, text, date, camera, place and more (see the query language in the README)")
        {
            library, query, limit, cursor, paths,
        };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var page = PageOf(parse.GetValue(limit), parse.GetValue(cursor));
            var text = parse.GetValue(query) ?? "";
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            SearchResults results;
            try
            {
                results = await SearchResults.QueryAsync(opened, text, page, ct).ConfigureAwait(false);
            }
            catch (SearchQueryException e)
            {
                ctx.Error.WriteLine($"error: {e.Message}");
                if (e.Position is { } position)
                    foreach (var line in Pointer(text, position))
                        ctx.Error.WriteLine(line);
                return e.Kind == SearchErrorKind.Unknown ? ExitCodes.BadInput : ExitCodes.Usage;
            }
            catch (Exception e) when (page.Cursor is not null && e is ArgumentException or FormatException)
            {
                throw new UsageException($"--cursor '{page.Cursor}' is not a cursor of this search: give the one the previous page printed, with the same query");
            }
            if (ctx.Json)
            {
                ctx.WriteJson(results);
                return ExitCodes.Ok;
            }
            if (parse.GetValue(paths))
            {
                foreach (var hit in results.Photos)
                    ctx.Output.WriteLine((await opened.Store.GetPathsAsync(hit.Photo.Id, ct).ConfigureAwait(false)).FirstOrDefault() ?? $"(photo {hit.Photo.Id} offline)");
                return ExitCodes.Ok;
            }
            await WriteTableAsync(ctx, opened, results, text, ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Facets(Func<ParseResult, CliContext> context)
    {
        var library = new Argument<string>("library") { Description = "The library's folder" };
        var command = new Command("facets", "What there is to search by: object classes, emotions and cameras with their photo counts, and the years of the photos") { library };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            var facets = await opened.Search.GetFacetsAsync(ct).ConfigureAwait(false);
            if (ctx.Json)
            {
                ctx.WriteJson(facets);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("facet").AddColumn("value").AddColumn(new TableColumn("photos").RightAligned()).AddColumn("query");
            void Rows(string facet, string key, IReadOnlyList<FacetCount> counts)
            {
                foreach (var c in counts)
                    table.AddRow(facet, Markup.Escape(c.Value), c.Photos.ToString(CultureInfo.InvariantCulture), Markup.Escape(key + QueryValue(c.Value)));
            }
            Rows("object", "object:", facets.Objects);
            Rows("emotion", "emotion:", facets.Emotions);
            Rows("camera", "camera:", facets.Cameras);
            ctx.OutputConsole.Write(table);
            ctx.OutputConsole.MarkupLine(facets.FirstYear is { } first && facets.LastYear is { } last
                ? $"photos dated from {first} to {last}"
                : "[grey]no photo has a date taken[/]");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The page asked for; a limit out of range is a usage error naming it.</summary>
    internal static SearchPageRequest PageOf(int? limit, string? cursor)
    {
        var limits = SearchPageLimits.Default;
        if (limit is { } l && (l < 1 || l > limits.MaxLimit))
            throw new UsageException($"--limit must be between 1 and {limits.MaxLimit} (got {l})");
        return new SearchPageRequest(limit ?? limits.DefaultLimit, string.IsNullOrEmpty(cursor) ? null : cursor);
    }

    /// <summary>The query on one line (white space shown as spaces, so the caret lines up) and a caret under <paramref name="position"/>.</summary>
    internal static IEnumerable<string> Pointer(string query, int position)
    {
        var flat = new string(query.Select(c => char.IsWhiteSpace(c) ? ' ' : c).ToArray());
        yield return "  " + flat;
        yield return "  " + new string(' ', Math.Clamp(position, 0, flat.Length)) + "^";
    }

    private static string QueryValue(string value) => value.Any(c => char.IsWhiteSpace(c) || c is '"' or ',' or '=' or '>') ? $"\"{value.Replace("\"", "\\\"", StringComparison.Ordinal)}\"" : value;

    private static async Task WriteTableAsync(CliContext ctx, PhotoLibrary library, SearchResults results, string query, CancellationToken ct)
    {
        var names = (await library.People.ListAsync(new Library.People.PeopleQuery(IncludeHidden: true), ct).ConfigureAwait(false))
            .ToDictionary(p => p.Id, p => p.Name ?? $"#{p.Id}");
        var ids = results.Photos.Select(p => p.Photo.Id).ToHashSet();
        var people = ids.Count == 0
            ? []
            : (await library.People.GetAssignmentsAsync(ct).ConfigureAwait(false))
                .Where(a => ids.Contains(a.PhotoId) && a.PersonId is not null)
                .GroupBy(a => a.PhotoId)
                .ToDictionary(g => g.Key, g => string.Join(", ", g.Select(a => names.GetValueOrDefault(a.PersonId!.Value, $"#{a.PersonId}")).Distinct()));
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("id").RightAligned()).AddColumn("date").AddColumn("file").AddColumn("people").AddColumn(new TableColumn("score").RightAligned());
        var withMoments = results.Photos.Any(p => p.Moments is { Count: > 0 });
        if (withMoments)
            table.AddColumn("seen at");
        foreach (var hit in results.Photos)
        {
            var path = (await library.Store.GetPathsAsync(hit.Photo.Id, ct).ConfigureAwait(false)).FirstOrDefault() ?? "(offline)";
            List<string> cells =
            [
                hit.Photo.Id.ToString(CultureInfo.InvariantCulture),
                hit.Photo.TakenAt is { } taken ? taken.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "undated",
                Markup.Escape(path),
                Markup.Escape(people.GetValueOrDefault(hit.Photo.Id, "")),
                hit.Score is { } score ? score.ToString("0.000", CultureInfo.InvariantCulture) : "",
            ];
            if (withMoments)
                cells.Add(Markup.Escape(string.Join(", ", (hit.Moments ?? []).Select(m => $"{m.What} {Clock(m.Start)}-{Clock(m.End)}"))));
            table.AddRow(cells.ToArray());
        }
        if (results.Photos.Count > 0)
            ctx.OutputConsole.Write(table);
        ctx.OutputConsole.MarkupLine(Markup.Escape($"{results.Photos.Count} of {results.Total} photos") + (results.Query.Length > 0 ? $" [grey]({Markup.Escape(results.Query)})[/]" : ""));
        if (results.NextCursor is { } next)
            ctx.OutputConsole.MarkupLine($"[grey]next page:[/] {Markup.Escape($"sightline library search {Quote(library.Folder)} {Quote(query)} --cursor {next}")}");
    }

    /// <summary>Seconds of a video as m:ss (h:mm:ss from an hour).</summary>
    internal static string Clock(double seconds)
    {
        var time = TimeSpan.FromSeconds(Math.Max(0, Math.Floor(seconds)));
        return time.TotalHours >= 1 ? time.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : time.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
