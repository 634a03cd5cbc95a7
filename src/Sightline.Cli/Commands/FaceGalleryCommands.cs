using System.CommandLine;
using Sightline.Cli.Output;
using Sightline.Faces;
using Sightline.Faces.Descriptors;
using Sightline.Faces.Detection;
using Sightline.Faces.Gallery;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline faces enroll | identify | people | forget | rename</c>: the face gallery.</summary>
public static partial class FaceCommands
{
    private static Option<string?> GalleryFileOption() =>
        GalleryOption($"Face gallery file (default: faces.gallery in the Sightline home, {DefaultGalleryPath()})");

    private static string GalleryPath(ParseResult parse, Option<string?> option) => parse.GetValue(option) ?? DefaultGalleryPath();

    public static Command Enroll(Func<ParseResult, CliContext> context)
    {
        var name = new Argument<string>("name") { Description = "The person's name" };
        var photos = new Argument<string[]>("photos") { Description = "Photos or folders of the person (the largest face of each is enrolled)", Arity = ArgumentArity.OneOrMore };
        var gallery = GalleryFileOption();
        var descriptor = DescriptorOption("the gallery's model, face-api for a new gallery");
        var minQuality = new Option<float>("--min-quality") { Description = "Skip faces of lower quality (0-1: size, sharpness, pose)", DefaultValueFactory = _ => EnrolmentOptions.Default.MinQuality };
        var detect = new DetectOptionSet();
        var command = new Command("enroll", "Add a person's face to the gallery from photos of them (the largest face of each photo)") { name, photos, gallery, descriptor, minQuality };
        foreach (var option in detect.All)
            command.Add(option);
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var enrolment = new EnrolmentOptions(parse.GetValue(minQuality));
            enrolment.Validate();
            var options = new FaceAnalysisOptions(detect.Read(parse), FaceTasks.Recognition);
            var person = FaceGallery.CleanName(parse.GetValue(name)!);
            var path = GalleryPath(parse, gallery);
            var files = ctx.ImageInputs(parse.GetValue(photos) ?? []);
            // Look at an existing gallery for its model, but create a new one only once there is a face to store.
            GalleryModel? bound = null;
            if (File.Exists(path))
            {
                using var existing = FaceGallery.Open(path, createIfMissing: false);
                bound = existing.Model;
            }
            var models = new FaceModels(Describer: GalleryCompatibility.DescriberFor(parse.GetValue(descriptor), bound, path));
            var analyzer = await AnalyzerAsync(ctx, models, false, ct).ConfigureAwait(false);
            var outcomes = await AnalyzeAsync(ctx, analyzer, files, options, ct).ConfigureAwait(false);
            var plan = EnrolmentChoice.Plan(outcomes.Select(o => new EnrolmentPhoto(o.Source.Name, o.Result, o.Error?.Message)), enrolment);
            if (plan.Chosen.Count == 0)
                throw new InputException(plan.NothingUsable());
            var chosen = plan.Chosen;

            using var faceGallery = FaceGallery.Open(path);
            var result = faceGallery.Enroll(person, plan.Faces(Path.GetFullPath));
            if (ctx.Json)
            {
                ctx.WriteJson(new
                {
                    gallery = faceGallery.Path, model = faceGallery.Model?.ModelId, person = result.Person, createdPerson = result.CreatedPerson,
                    enrolled = chosen.Select((c, i) => new
                    {
                        source = c.Photo.Source, faceId = result.FaceIds[i], facesInPhoto = c.Photo.Analysis!.Faces.Count,
                        box = c.Face.Box, quality = c.Face.Quality,
                    }),
                    skipped = plan.Skipped.Select(s => new { path = s.Source, reason = s.Reason }),
                });
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("photo", "faces", "enrolled face box x, y, w, h (px)", "quality");
            foreach (var (o, face) in chosen)
                table.AddRow(Markup.Escape(o.Source), $"{o.Analysis!.Faces.Count}", Box(face.Box) + (o.Analysis.Faces.Count > 1 ? " [grey](largest)[/]" : ""),
                    face.Quality is { } q ? $"{q.Score:0.00}" : "");
            foreach (var (p, reason) in plan.Skipped)
                table.AddRow(Markup.Escape(p), "", $"[yellow]skipped: {Markup.Escape(reason)}[/]", "");
            ctx.OutputConsole.Write(table);
            ctx.OutputConsole.MarkupLine($"[green]enrolled {chosen.Count} face{(chosen.Count == 1 ? "" : "s")} of '{Markup.Escape(result.Person.Name)}'[/]"
                + Markup.Escape($" ({(result.CreatedPerson ? "new person" : "added to the existing person")}, {result.Person.FaceCount} face{(result.Person.FaceCount == 1 ? "" : "s")} in all) in {faceGallery.Path}"));
            ctx.OutputConsole.MarkupLine($"[grey]{Markup.Escape($"descriptor {faceGallery.Model}")}[/]");
            ctx.WriteSkippedFooter();
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Identify(Func<ParseResult, CliContext> context)
    {
        var images = new Argument<string[]>("images") { Description = "Images or folders", Arity = ArgumentArity.OneOrMore };
        var gallery = GalleryFileOption();
        var threshold = ThresholdOption();
        var detect = new DetectOptionSet();
        var save = SaveOption();
        var command = new Command("identify", "Name every face from the gallery: the nearest enrolled person, or unknown") { images, gallery, threshold, save };
        foreach (var option in detect.All)
            command.Add(option);
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            // Every face attribute, as 'faces --gallery' shows: identifying a face does not hide its expression.
            var options = new FaceAnalysisOptions(detect.Read(parse), FaceTasks.Default);
            FaceComparison.CheckThreshold(parse.GetValue(threshold));
            var files = ctx.ImageInputs(parse.GetValue(images) ?? []);
            using var faceGallery = FaceGallery.Open(GalleryPath(parse, gallery), createIfMissing: false);
            var models = new FaceModels(Describer: DescriberFor(null, faceGallery));
            var analyzer = await AnalyzerAsync(ctx, models, false, ct).ConfigureAwait(false);
            var limit = FaceComparison.ThresholdFor(analyzer.Describer, parse.GetValue(threshold));
            WarnIfEmpty(ctx, faceGallery);
            var outcomes = await AnalyzeAsync(ctx, analyzer, files, options, ct).ConfigureAwait(false);
            var results = Results(ctx, analyzer, outcomes, options, false, faceGallery, limit);
            if (parse.GetValue(save) is { } folder)
                SaveAnnotated(folder, results, ctx.Limits, face => face.Identity is { Known: true } id
                    ? ($"{id.Name} · {100 * id.Confidence:0} %", id.Name!)
                    : (face.Identity?.Label() ?? Identification.UnknownStatus, face.Identity?.Status ?? Identification.UnknownStatus));
            if (ctx.Json)
            {
                // The same document as 'faces --gallery' and the API's /v1/faces/identify.
                ctx.WriteJson(new { gallery = faceGallery.Path, model = analyzer.Describer.ModelId, threshold = limit, results = results.OfType<FacesResult>(), failed = Failed(outcomes) });
            }
            else
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumn("image").AddColumn(new TableColumn("#").RightAligned()).AddColumn("box x, y, w, h (px)")
                    .AddColumn("name").AddColumn(new TableColumn("confidence").RightAligned()).AddColumn(new TableColumn("distance").RightAligned())
                    .AddColumn(new TableColumn("similarity").RightAligned()).AddColumn("runner-up").AddColumn("emotion");
                foreach (var a in results.OfType<FacesResult>())
                {
                    var image = Markup.Escape(Path.GetFileName(a.Source));
                    if (a.Faces.Count == 0)
                        table.AddRow(image, "", "[grey]no faces[/]", "", "", "", "", "", "");
                    for (var j = 0; j < a.Faces.Count; j++)
                    {
                        var face = a.Faces[j];
                        var id = face.Identity;
                        table.AddRow(j == 0 ? image : "", $"{j + 1}", Box(face.Box),
                            id is null ? "" : NameCell(id),
                            id?.Confidence is { } c ? $"{100 * c:0} %" : "",
                            id?.Distance is { } d ? $"{d:0.000}" : "", id?.Similarity is { } sim ? $"{sim:0.00}" : "",
                            id?.RunnerUp is { } r ? $"{Markup.Escape(r.Name)} {r.Distance:0.000}" : "",
                            face.Emotion is { } e ? $"{Markup.Escape(e.Label)} {100 * e.Score:0} %{UnreliableMark(e.Unreliable)}" : "");
                    }
                }
                ctx.OutputConsole.Write(table);
                ctx.OutputConsole.MarkupLine($"[grey]{Markup.Escape($"gallery {faceGallery.Path} ({faceGallery.People().Count} people, {analyzer.Describer.ModelId}); known when the distance is below {limit}")}[/]");
                ReportFailures(ctx, outcomes);
                ctx.WriteSkippedFooter();
            }
            return outcomes.Any(o => o.Result is not null) ? ExitCodes.Ok : ExitCodes.BadInput;
        });
        return command;
    }

    public static Command People(Func<ParseResult, CliContext> context)
    {
        var gallery = GalleryFileOption();
        var command = new Command("people", "Everyone enrolled in the gallery, with their number of faces") { gallery };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var path = GalleryPath(parse, gallery);
            // A gallery nobody has enrolled into yet is empty, not an error; it is not created by listing it.
            using var faceGallery = File.Exists(path) ? FaceGallery.Open(path, createIfMissing: false) : null;
            var people = faceGallery?.People() ?? [];
            var full = faceGallery?.Path ?? Path.GetFullPath(path);
            if (ctx.Json)
            {
                ctx.WriteJson(new { gallery = full, exists = faceGallery is not null, model = faceGallery?.Model?.ModelId, people });
                return ExitCodes.Ok;
            }
            if (people.Count == 0)
            {
                ctx.OutputConsole.MarkupLine(Markup.Escape($"no one is enrolled in {full}{(faceGallery is null ? " (the file does not exist yet)" : "")}; add people with 'sightline faces enroll <name> <photos...>'"));
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("name").AddColumn(new TableColumn("faces").RightAligned()).AddColumns("enrolled", "updated");
            foreach (var p in people)
                table.AddRow(Markup.Escape(p.Name), $"{p.FaceCount}", Time(p.Created), Time(p.Updated));
            ctx.OutputConsole.Write(table);
            ctx.OutputConsole.MarkupLine($"[grey]{Markup.Escape($"{people.Count} people, {people.Sum(p => p.FaceCount)} faces in {full}; descriptor {faceGallery!.Model}")}[/]");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Forget(Func<ParseResult, CliContext> context)
    {
        var name = new Argument<string>("name") { Description = "The person to remove, with all their faces" };
        var gallery = GalleryFileOption();
        var command = new Command("forget", "Remove a person and all their faces from the gallery") { name, gallery };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var person = parse.GetValue(name)!;
            using var faceGallery = FaceGallery.Open(GalleryPath(parse, gallery), createIfMissing: false);
            var before = faceGallery.Person(person);
            if (before is null || !faceGallery.Remove(person))
                throw new GalleryException($"there is no '{person.Trim()}' in face gallery '{faceGallery.Path}' (see 'sightline faces people')");
            if (ctx.Json)
                ctx.WriteJson(new { gallery = faceGallery.Path, removed = before.Value });
            else
                ctx.OutputConsole.MarkupLine(Markup.Escape($"removed '{before.Value.Name}' and {before.Value.FaceCount} face{(before.Value.FaceCount == 1 ? "" : "s")} from {faceGallery.Path}"));
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Rename(Func<ParseResult, CliContext> context)
    {
        var oldName = new Argument<string>("old") { Description = "The enrolled name" };
        var newName = new Argument<string>("new") { Description = "The new name" };
        var gallery = GalleryFileOption();
        var command = new Command("rename", "Rename an enrolled person") { oldName, newName, gallery };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var from = parse.GetValue(oldName)!;
            using var faceGallery = FaceGallery.Open(GalleryPath(parse, gallery), createIfMissing: false);
            var before = faceGallery.Person(from);
            if (before is null || !faceGallery.Rename(from, parse.GetValue(newName)!))
                throw new GalleryException($"there is no '{from.Trim()}' in face gallery '{faceGallery.Path}' (see 'sightline faces people')");
            var after = faceGallery.Person(parse.GetValue(newName)!)!.Value;
            if (ctx.Json)
                ctx.WriteJson(new { gallery = faceGallery.Path, from = before.Value.Name, person = after });
            else
                ctx.OutputConsole.MarkupLine(Markup.Escape($"renamed '{before.Value.Name}' to '{after.Name}' ({after.FaceCount} face{(after.FaceCount == 1 ? "" : "s")}) in {faceGallery.Path}"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Time(DateTimeOffset t) => t.ToLocalTime().ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
