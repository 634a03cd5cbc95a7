using System.CommandLine;
using System.Globalization;
using Sightline.Faces.Gallery;
using Sightline.Library;
using Sightline.Library.People;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary>
/// <c>sightline library people</c>: the people a library's faces were grouped into, and every decision about them
/// (name, merge, split, assign, reject, hide, cover). A person is given by id or by name; --json prints the records of
/// <see cref="PeopleService"/>, the shape the REST API answers with.
/// </summary>
public static class PeopleCommands
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 10_000;

    public static Command Create(Func<ParseResult, CliContext> context)
    {
        var library = LibraryArgument();
        var all = new Option<bool>("--all") { Description = "Include hidden people" };
        var command = new Command("people", "The people the library's faces were grouped into: list them, name, merge, split and hide them")
        {
            library, all,
            Show(context), Name(context), Merge(context), Split(context), Assign(context), Reject(context), Hide(context), Cover(context),
            Suggest(context), Unassigned(context), Recluster(context), ImportGallery(context),
        };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            var people = await opened.People.ListAsync(new PeopleQuery(IncludeHidden: parse.GetValue(all)), ct).ConfigureAwait(false);
            if (ctx.Json)
            {
                ctx.WriteJson(people);
                return ExitCodes.Ok;
            }
            if (people.Count == 0)
            {
                ctx.OutputConsole.MarkupLine(Markup.Escape($"no people in {opened.Folder} yet: a scan with the faces analysis groups the faces (or 'sightline library people recluster {opened.Folder}')"));
                return ExitCodes.Ok;
            }
            var paths = new PhotoPaths(opened);
            var table = new Table().Border(TableBorder.Rounded).AddColumn(new TableColumn("id").RightAligned()).AddColumn("name")
                .AddColumn(new TableColumn("faces").RightAligned()).AddColumn(new TableColumn("photos").RightAligned())
                .AddColumn(new TableColumn("cover face").RightAligned()).AddColumn("cover photo").AddColumn("");
            foreach (var p in people)
                table.AddRow($"{p.Id}", NameCell(p), $"{p.FaceCount}", $"{p.PhotoCount}", p.CoverFaceId is { } cover ? $"{cover}" : "",
                    Markup.Escape(await paths.OfAsync(p.CoverPhotoId, ct).ConfigureAwait(false)), Markup.Escape(State(p)));
            ctx.OutputConsole.Write(table);
            ctx.OutputConsole.MarkupLine($"[grey]{people.Count} people, {people.Sum(p => p.FaceCount)} faces; 'sightline library people show {Markup.Escape(Quote(opened.Folder))} <person>' lists a person's faces[/]");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Argument<string> LibraryArgument() => new("library") { Description = "The library's folder" };

    private static Argument<string> PersonArgument(string name = "person", string description = "A person: their id, or their name (case-insensitive)") =>
        new(name) { Description = description };

    private static Argument<long[]> FacesArgument(string description) => new("faces") { Description = description, Arity = ArgumentArity.OneOrMore };

    private static Option<int?> LimitOption(string what) => new("--limit") { Description = $"At most this many {what} (default {DefaultLimit})" };

    private static Command Show(Func<ParseResult, CliContext> context)
    {
        var library = LibraryArgument();
        var person = PersonArgument();
        var command = new Command("show", "A person's faces: photo, box, whether you placed them there, expression and age") { library, person };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            var id = await ResolveAsync(opened.People, parse.GetValue(person)!, ct).ConfigureAwait(false);
            var detail = await opened.People.GetAsync(id, ct).ConfigureAwait(false) ?? throw NoPerson(id);
            if (ctx.Json)
            {
                ctx.WriteJson(detail);
                return ExitCodes.Ok;
            }
            ctx.OutputConsole.MarkupLine($"{NameCell(detail.Person)} [grey](person {detail.Person.Id}; {detail.Person.FaceCount} faces in {detail.Person.PhotoCount} photos{Markup.Escape(State(detail.Person) is { Length: > 0 } s ? "; " + s : "")})[/]");
            await WriteFacesAsync(ctx, opened, detail.Faces, withStatus: false, ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Name(Func<ParseResult, CliContext> context)
    {
        var library = LibraryArgument();
        var person = PersonArgument();
        var name = new Argument<string>("name") { Description = "The person's name" };
        var command = new Command("name", "Names or renames a person; their faces stay with them from now on") { library, person, name };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            var id = await ResolveAsync(opened.People, parse.GetValue(person)!, ct).ConfigureAwait(false);
            var named = await opened.People.NameAsync(id, parse.GetValue(name)!, ct).ConfigureAwait(false);
            return Done(ctx, named, $"person {named.Id} is now '{named.Name}' ({Faces(named.FaceCount)})");
        });
        return command;
    }

    private static Command Merge(Func<ParseResult, CliContext> context)
    {
        var library = LibraryArgument();
        var into = PersonArgument("into", "The person who stays: id or name");
        var others = new Argument<string[]>("others") { Description = "The people merged into them: ids or names", Arity = ArgumentArity.OneOrMore };
        var command = new Command("merge", "Merges people into one (refused when two of their faces are in the same photo)") { library, into, others };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            var target = await ResolveAsync(opened.People, parse.GetValue(into)!, ct).ConfigureAwait(false);
            var merged = new List<long>();
            foreach (var other in parse.GetValue(others) ?? [])
                merged.Add(await ResolveAsync(opened.People, other, ct).ConfigureAwait(false));
            var person = await opened.People.MergeAsync(target, merged, ct).ConfigureAwait(false);
            return Done(ctx, person, $"merged {merged.Count} {(merged.Count == 1 ? "person" : "people")} into {Describe(person)}");
        });
        return command;
    }

    private static Command Split(Func<ParseResult, CliContext> context)
    {
        var library = LibraryArgument();
        var person = PersonArgument();
        var faces = FacesArgument("The face ids that leave the person ('sightline library people show' lists them)");
        var to = new Option<string?>("--to") { Description = "The person the faces go to (id or name); without it, a new person" };
        var name = new Option<string?>("--name") { Description = "The name of the new person the faces go to" };
        var command = new Command("split", "Moves faces of a person to another person, or to a new one") { library, person, faces, to, name };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var toPerson = parse.GetValue(to);
            var newName = parse.GetValue(name);
            if (toPerson is not null && newName is not null)
                throw new UsageException("give --to (an existing person) or --name (a new person), not both");
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            var from = await ResolveAsync(opened.People, parse.GetValue(person)!, ct).ConfigureAwait(false);
            long? target = toPerson is null ? null : await ResolveAsync(opened.People, toPerson, ct).ConfigureAwait(false);
            var ids = parse.GetValue(faces) ?? [];
            var moved = await opened.People.SplitAsync(from, ids, target, newName, ct).ConfigureAwait(false);
            return Done(ctx, moved, $"moved {Faces(ids.Length)} from person {from} to {Describe(moved)}");
        });
        return command;
    }

    private static Command Assign(Func<ParseResult, CliContext> context)
    {
        var library = LibraryArgument();
        var faces = FacesArgument("The face ids ('sightline library people unassigned' and 'people show' list them)");
        var to = new Option<string?>("--to") { Description = "The person the faces go to (id or name)" };
        var name = new Option<string?>("--name") { Description = "The name of a new person the faces go to" };
        var command = new Command("assign", "\"This face is ...\": gives faces (unassigned, too poor to identify, or another person's) to a person, or to a new one")
            { library, faces, to, name };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var toPerson = parse.GetValue(to);
            var newName = parse.GetValue(name);
            if (toPerson is null == newName is null)
                throw new UsageException("give --to (an existing person) or --name (a new person), one of the two");
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            long? target = toPerson is null ? null : await ResolveAsync(opened.People, toPerson, ct).ConfigureAwait(false);
            var ids = parse.GetValue(faces) ?? [];
            var person = await opened.People.AssignAsync(ids, target, newName, ct).ConfigureAwait(false);
            return Done(ctx, person, $"{Faces(ids.Length)} given to {Describe(person)}");
        });
        return command;
    }

    private static Command Reject(Func<ParseResult, CliContext> context)
    {
        var library = LibraryArgument();
        var person = PersonArgument();
        var faces = FacesArgument("The face ids that are not this person");
        var command = new Command("reject", "\"Not this person\": the faces leave the person and never join them again") { library, person, faces };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            var id = await ResolveAsync(opened.People, parse.GetValue(person)!, ct).ConfigureAwait(false);
            var ids = parse.GetValue(faces) ?? [];
            var kept = await opened.People.RejectAsync(id, ids, ct).ConfigureAwait(false);
            return Done(ctx, kept, $"{Faces(ids.Length)} rejected from {Describe(kept)}");
        });
        return command;
    }

    private static Command Hide(Func<ParseResult, CliContext> context)
    {
        var library = LibraryArgument();
        var person = PersonArgument();
        var show = new Option<bool>("--show") { Description = "Show the person again" };
        var command = new Command("hide", "Hides a person from the list (their faces stay with them); --show shows them again") { library, person, show };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            var id = await ResolveAsync(opened.People, parse.GetValue(person)!, ct).ConfigureAwait(false);
            var changed = await opened.People.HideAsync(id, hidden: !parse.GetValue(show), ct).ConfigureAwait(false);
            return Done(ctx, changed, $"{Describe(changed)} is {(changed.Hidden ? "hidden ('people --all' lists them)" : "shown")}");
        });
        return command;
    }

    private static Command Cover(Func<ParseResult, CliContext> context)
    {
        var library = LibraryArgument();
        var person = PersonArgument();
        var face = new Argument<long>("face") { Description = "One of the person's face ids" };
        var command = new Command("cover", "Chooses the face shown for a person") { library, person, face };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            var id = await ResolveAsync(opened.People, parse.GetValue(person)!, ct).ConfigureAwait(false);
            var changed = await opened.People.SetCoverAsync(id, parse.GetValue(face), ct).ConfigureAwait(false);
            return Done(ctx, changed, $"face {changed.CoverFaceId} is the cover of {Describe(changed)}");
        });
        return command;
    }

    private static Command Suggest(Func<ParseResult, CliContext> context)
    {
        var library = LibraryArgument();
        var limit = LimitOption("pairs");
        var command = new Command("suggest", "Pairs of people who may be the same person, likeliest first (merge them with 'people merge')") { library, limit };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var count = Limit(parse.GetValue(limit));
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            var suggestions = await opened.People.SuggestAsync(count, ct).ConfigureAwait(false);
            if (ctx.Json)
            {
                ctx.WriteJson(suggestions);
                return ExitCodes.Ok;
            }
            if (suggestions.Count == 0)
            {
                ctx.OutputConsole.MarkupLine("no two people look alike enough to suggest merging them");
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("person", "may be", "mean distance");
            table.Columns[2].RightAligned();
            foreach (var s in suggestions)
                table.AddRow(Markup.Escape(Describe(s.First)), Markup.Escape(Describe(s.Second)), s.Distance.ToString("0.000", CultureInfo.InvariantCulture));
            ctx.OutputConsole.Write(table);
            ctx.OutputConsole.MarkupLine($"[grey]merge a pair with 'sightline library people merge {Markup.Escape(Quote(opened.Folder))} <person> <other>'[/]");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Unassigned(Func<ParseResult, CliContext> context)
    {
        var library = LibraryArgument();
        var limit = LimitOption("faces");
        var command = new Command("unassigned", "Faces in no person, newest photos first: seen once, too poor to identify (with the reasons) or without a descriptor") { library, limit };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var count = Limit(parse.GetValue(limit));
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            var faces = await opened.People.GetUnassignedAsync(count, ct).ConfigureAwait(false);
            if (ctx.Json)
            {
                ctx.WriteJson(faces);
                return ExitCodes.Ok;
            }
            if (faces.Count == 0)
            {
                ctx.OutputConsole.MarkupLine("every face is in a person");
                return ExitCodes.Ok;
            }
            await WriteFacesAsync(ctx, opened, faces, withStatus: true, ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Recluster(Func<ParseResult, CliContext> context)
    {
        var library = LibraryArgument();
        var command = new Command("recluster", "Groups every face again (names, merges, splits and rejections are kept)") { library };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            var report = await opened.People.ReclusterAsync(ct).ConfigureAwait(false);
            if (ctx.Json)
                ctx.WriteJson(report);
            else
                ctx.OutputConsole.MarkupLine(Markup.Escape(Summary(report)));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ImportGallery(Func<ParseResult, CliContext> context)
    {
        var library = LibraryArgument();
        var gallery = new Argument<string>("gallery") { Description = "A face gallery file ('sightline faces enroll' makes one)" };
        var command = new Command("import-gallery", "Makes the people of a face gallery named people of the library, with the library's faces that match them") { library, gallery };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            using var faceGallery = FaceGallery.Open(parse.GetValue(gallery)!, createIfMissing: false);
            var report = await opened.People.ImportGalleryAsync(faceGallery, ct).ConfigureAwait(false);
            if (ctx.Json)
            {
                ctx.WriteJson(report);
                return ExitCodes.Ok;
            }
            ctx.OutputConsole.MarkupLine(Markup.Escape($"{report.People} {(report.People == 1 ? "person" : "people")} of {faceGallery.Path} named in the library, with {Faces(report.Faces)}"));
            foreach (var skipped in report.Skipped)
                ctx.Warn($"skipped {skipped}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// The id of the person a command names: a whole number is an id (checked by the service), anything else a name,
    /// looked up case-insensitively; an unknown name is a <see cref="PeopleErrorKind.NotFound"/> naming it.
    /// </summary>
    internal static async Task<long> ResolveAsync(PeopleService people, string person, CancellationToken ct)
    {
        var text = person.Trim();
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            return id > 0 ? id : throw NoPerson(id);
        if (text.Length == 0)
            throw new PeopleException(PeopleErrorKind.Invalid, "the person is empty: give a person's id or name");
        var found = await people.FindByNameAsync(text, ct).ConfigureAwait(false)
            ?? throw new PeopleException(PeopleErrorKind.NotFound, $"the library has no person named '{text}' ('sightline library people <library> --all' lists them)");
        return found.Id;
    }

    /// <summary>The --limit of a listing: 1 to <see cref="MaxLimit"/>, <see cref="DefaultLimit"/> when absent.</summary>
    internal static int Limit(int? limit) => limit switch
    {
        null => DefaultLimit,
        < 1 or > MaxLimit => throw new UsageException($"--limit must be between 1 and {MaxLimit} (got {limit})"),
        { } value => value,
    };

    private static PeopleException NoPerson(long id) =>
        new(PeopleErrorKind.NotFound, $"the library has no person {id} ('sightline library people <library> --all' lists them)");

    /// <summary>The outcome of a decision: the person's record as JSON, or one line.</summary>
    private static int Done(CliContext ctx, PersonSummary person, string line)
    {
        if (ctx.Json)
            ctx.WriteJson(person);
        else
            ctx.OutputConsole.MarkupLine(Markup.Escape(line));
        return ExitCodes.Ok;
    }

    private static async Task WriteFacesAsync(CliContext ctx, PhotoLibrary library, IReadOnlyList<PersonFace> faces, bool withStatus, CancellationToken ct)
    {
        var paths = new PhotoPaths(library);
        var table = new Table().Border(TableBorder.Rounded).AddColumn(new TableColumn("face").RightAligned()).AddColumn("photo").AddColumn("box x, y, w, h (px)");
        if (withStatus)
            table.AddColumn("status");
        else
            table.AddColumn("confirmed");
        table.AddColumn("expression").AddColumn(new TableColumn("age").RightAligned());
        foreach (var f in faces)
        {
            var path = Markup.Escape(await paths.OfAsync(f.PhotoId, ct).ConfigureAwait(false));
            var state = withStatus ? Markup.Escape(Status(f)) : f.Confirmed ? "yes" : "";
            table.AddRow($"{f.FaceId}", path, Box(f), state, Markup.Escape(f.Expression ?? ""),
                f.Age is { } age ? age.ToString("0", CultureInfo.InvariantCulture) : "");
        }
        ctx.OutputConsole.Write(table);
    }

    internal static string Status(PersonFace face) => face.Status switch
    {
        FaceStatus.TooPoor => face.TooPoor is { Length: > 0 } reasons ? $"too poor ({reasons})" : "too poor",
        FaceStatus.NoDescriptor => "no descriptor yet",
        FaceStatus.Unassigned => "unassigned",
        _ => face.PersonId is { } person ? $"person {person}" : "assigned",
    };

    internal static string Summary(ClusteringReport r) =>
        $"{(r.Full ? "grouped every face" : "grouped the new faces")} ({r.DescriptorModel ?? "no descriptor model"}, cut {r.Threshold.ToString("0.00", CultureInfo.InvariantCulture)}): "
        + $"{r.People} people, {r.Assigned} faces in them, {r.Unassigned} unassigned, {r.TooPoor} too poor; "
        + $"{r.FacesReclustered} faces in {r.ComponentsReclustered} groups re-clustered in {r.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s";

    private static string Box(PersonFace f) => string.Create(CultureInfo.InvariantCulture, $"{f.X:0}, {f.Y:0}, {f.Width:0}, {f.Height:0}");

    private static string NameCell(PersonSummary p) => p.Name is { } name ? Markup.Escape(name) : "[grey]unnamed[/]";

    internal static string Describe(PersonSummary p) => p.Name is { } name ? $"'{name}' (person {p.Id}, {Faces(p.FaceCount)})" : $"person {p.Id} ({Faces(p.FaceCount)})";

    private static string State(PersonSummary p) => string.Join(", ", new[] { p.Hidden ? "hidden" : null, p.Confirmed ? "confirmed" : null }.OfType<string>());

    private static string Faces(int count) => count == 1 ? "1 face" : $"{count} faces";

    private static string Quote(string path) => path.Contains(' ') ? $"\"{path}\"" : path;

    /// <summary>The first path of each photo, read once per photo; "(offline)" when the library holds none.</summary>
    private sealed class PhotoPaths(PhotoLibrary library)
    {
        private readonly Dictionary<long, string> _known = [];

        public async Task<string> OfAsync(long? photoId, CancellationToken ct)
        {
            if (photoId is not { } id)
                return "";
            if (!_known.TryGetValue(id, out var path))
                _known[id] = path = (await library.Store.GetPathsAsync(id, ct).ConfigureAwait(false)).FirstOrDefault() ?? "(offline)";
            return path;
        }
    }
}
