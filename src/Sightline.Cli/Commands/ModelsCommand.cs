using System.CommandLine;
using Sightline.Cli.Output;
using Sightline.Models.Catalog;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline models list | cache | prune | pull | info | verify | remove</c>.</summary>
public static class ModelsCommand
{
    public static Command Create(Func<ParseResult, CliContext> context)
    {
        var models = new Command("models", "List, pull, inspect and verify the models in the catalog");

        var list = new Command("list", "Every model in the catalog, whether it is cached, and the cache's size");
        list.SetAction(parse =>
        {
            var ctx = context(parse);
            var rows = ctx.Store.List();
            var usage = ctx.Store.Usage();
            if (ctx.Json)
            {
                ctx.WriteJson(new
                {
                    cache = ctx.Store.Home,
                    cacheBytes = new { models = usage.ModelBytes, prunable = usage.PrunableBytes },
                    models = rows.Select(r => new { id = r.Entry.Id, task = r.Entry.Task, source = r.Entry.Source.ToString(), license = r.Entry.License, cached = r.Cached, bytes = r.Bytes, pulledAt = r.PulledAt }),
                });
                return ExitCodes.Ok;
            }
            // Fits 100 columns: source, full licence and input are in 'models info'.
            var table = new Table().Border(TableBorder.Rounded).AddColumns("model", "task", "licence").AddColumn(new TableColumn("cached").RightAligned());
            foreach (var r in rows)
                table.AddRow(Markup.Escape(r.Entry.Id), TaskLabel(r.Entry.Task), Markup.Escape(r.Entry.ShortLicense),
                    r.Cached ? $"[green]{Format.Bytes(r.Bytes)}[/]" : "[grey]no[/]");
            ctx.OutputConsole.Write(table);
            WriteUsage(ctx, usage);
            ctx.OutputConsole.MarkupLine("[grey]source, full licence and input of a model: sightline models info <model>[/]");
            return ExitCodes.Ok;
        });

        var cache = new Command("cache", "What the model cache holds: each cached model's size, and the raw packages and leftovers 'models prune' would remove");
        cache.SetAction(parse =>
        {
            var ctx = context(parse);
            var usage = ctx.Store.Usage();
            if (ctx.Json)
            {
                Json.Write(ctx.Output, new
                {
                    cache = usage.Home,
                    models = usage.Models.Select(m => new { id = m.Id, bytes = m.Bytes }),
                    prunable = usage.Prunable.Select(p => new { path = p.Path, bytes = p.Bytes, reason = p.Reason }),
                    modelBytes = usage.ModelBytes,
                    prunableBytes = usage.PrunableBytes,
                });
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("in the cache").AddColumn(new TableColumn("size").RightAligned()).AddColumn("why");
            foreach (var m in usage.Models)
                table.AddRow(Markup.Escape(m.Id), Format.Bytes(m.Bytes), "a cached model");
            foreach (var p in usage.Prunable)
                table.AddRow(Markup.Escape(Path.GetRelativePath(usage.Home, p.Path)), Format.Bytes(p.Bytes), $"[yellow]{Markup.Escape(p.Reason)}[/]");
            ctx.OutputConsole.Write(table);
            WriteUsage(ctx, usage);
            return ExitCodes.Ok;
        });

        var dryRun = new Option<bool>("--dry-run") { Description = "Only list what would be removed" };
        var prune = new Command("prune", "Remove downloaded packages and files no cached model needs (cached models still load and verify; a later pull downloads again)") { dryRun };
        prune.SetAction(parse =>
        {
            var ctx = context(parse);
            var dry = parse.GetValue(dryRun);
            var items = ctx.Store.Prune(dry);
            var bytes = items.Sum(i => i.Bytes);
            if (ctx.Json)
            {
                Json.Write(ctx.Output, new { dryRun = dry, removed = items.Select(i => new { path = i.Path, bytes = i.Bytes, reason = i.Reason }), bytes });
                return ExitCodes.Ok;
            }
            foreach (var i in items)
                ctx.OutputConsole.MarkupLine($"{(dry ? "would remove" : "removed")} {Markup.Escape(Path.GetRelativePath(ctx.Store.Home, i.Path))} ({Format.Bytes(i.Bytes)}, {Markup.Escape(i.Reason)})");
            ctx.OutputConsole.MarkupLine(items.Count == 0 ? "[grey]nothing to prune[/]" : $"[green]{(dry ? "would free" : "freed")} {Format.Bytes(bytes)}[/]");
            return ExitCodes.Ok;
        });

        var ids = new Argument<string[]>("models") { Description = "Model ids (see 'sightline models list')", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Every model in the catalog" };
        var force = new Option<bool>("--force") { Description = "Download again even when cached" };
        var pull = new Command("pull", "Download models from their registries, check their hashes and cache them") { ids, all, force };
        pull.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var chosen = Choose(ctx, parse.GetValue(ids) ?? [], parse.GetValue(all));
            var results = new List<object>();
            foreach (var id in chosen)
            {
                var model = await ctx.PullAsync(id, parse.GetValue(force), ct).ConfigureAwait(false);
                results.Add(new { id = model.Entry.Id, version = model.Version, directory = model.Directory, files = model.Manifest.Files.Count, bytes = model.Manifest.Files.Sum(f => f.Size) });
                if (!ctx.Json)
                    ctx.OutputConsole.MarkupLine($"[green]ok[/] {Markup.Escape(model.Entry.Id)} {Markup.Escape(model.Version)}: {model.Manifest.Files.Count} files, {Format.Bytes(model.Manifest.Files.Sum(f => f.Size))} in {Markup.Escape(model.Directory)}");
            }
            if (ctx.Json)
                ctx.WriteJson(results);
            return ExitCodes.Ok;
        });

        var fidelity = new Option<bool>("--fidelity") { Description = "Also compare converted models with TensorFlow.js running the originals (needs Node and 'npm ci --prefix tools/reference')" };
        var images = new Option<string[]>("--images") { Description = "Photos (files or folders) for --fidelity; default: the face-api package's demo photos", AllowMultipleArgumentsPerToken = true };
        var verify = new Command("verify", "Re-check cached models against their recorded hashes") { ids, all, fidelity, images };
        verify.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            if (parse.GetValue(fidelity))
                return await ModelsImportCommands.VerifyFidelityAsync(ctx, parse.GetValue(ids) ?? [], parse.GetValue(all), parse.GetValue(images) ?? [], ct).ConfigureAwait(false);
            var chosen = parse.GetValue(all) || (parse.GetValue(ids) ?? []).Length == 0
                ? ctx.Store.List().Where(s => s.Cached).Select(s => s.Entry.Id).ToArray()
                : Choose(ctx, parse.GetValue(ids) ?? [], false);
            var rows = chosen.Select(id => { var m = ctx.Store.Verify(id); return new { id = m.Entry.Id, version = m.Version, files = m.Manifest.Files.Count, ok = true }; }).ToList();
            if (ctx.Json)
                ctx.WriteJson(rows);
            else
                foreach (var r in rows)
                    ctx.OutputConsole.MarkupLine($"[green]ok[/] {Markup.Escape(r.id)} {Markup.Escape(r.version)} ({r.files} files)");
            return ExitCodes.Ok;
        });

        var id = new Argument<string>("model") { Description = "Model id" };
        var info = new Command("info", "Everything the catalog says about a model") { id };
        info.SetAction(parse =>
        {
            var ctx = context(parse);
            var entry = ctx.Store.EntryOf(parse.GetValue(id)!);
            var status = ctx.Store.List().First(s => s.Entry.Id == entry.Id);
            if (ctx.Json)
            {
                ctx.WriteJson(new { entry, cached = status.Cached, directory = ctx.Store.DirectoryOf(entry.Id) });
                return ExitCodes.Ok;
            }
            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            void Row(string k, string? v) { if (!string.IsNullOrEmpty(v)) grid.AddRow($"[bold]{k}[/]", Markup.Escape(v)); }
            Row("id", entry.Id);
            Row("title", entry.Title);
            Row("task", entry.Task.ToString());
            Row("source", entry.Source.ToString());
            Row("integrity", entry.Source.Integrity);
            Row("files", string.Join(", ", entry.Source.Files.Select(f => f.PathInPackage)));
            Row("licence", entry.License);
            Row("upstream", entry.Upstream);
            Row("input", entry.Input?.ToString());
            Row("output", entry.OutputDimension is { } d ? $"{d}-d vector" : null);
            Row("labels", entry.Labels is { Count: > 0 } labels ? $"{labels.Count}: {string.Join(", ", labels.Take(10))}{(labels.Count > 10 ? ", ..." : "")}" : null);
            foreach (var m in entry.ReferenceMetrics)
                Row("metric", $"{m.Name} = {m.Value} on {m.Dataset} ({m.Source})");
            Row("notes", entry.Notes);
            Row("cached", status.Cached ? $"yes, {Format.Bytes(status.Bytes)} in {ctx.Store.DirectoryOf(entry.Id)}" : "no");
            ctx.OutputConsole.Write(grid);
            return ExitCodes.Ok;
        });

        var remove = new Command("remove", "Delete a model from the cache") { id };
        remove.SetAction(parse =>
        {
            var ctx = context(parse);
            var removed = ctx.Store.Remove(parse.GetValue(id)!);
            if (ctx.Json) ctx.WriteJson(new { removed });
            else ctx.OutputConsole.MarkupLine(removed ? "removed" : "[grey]was not cached[/]");
            return ExitCodes.Ok;
        });

        models.Add(list);
        models.Add(cache);
        models.Add(prune);
        models.Add(pull);
        models.Add(info);
        models.Add(verify);
        models.Add(remove);
        models.Add(ModelsImportCommands.Import(context));
        return models;
    }

    private static void WriteUsage(CliContext ctx, Models.Cache.CacheUsage usage)
    {
        ctx.OutputConsole.MarkupLine($"[grey]cache: {Markup.Escape(usage.Home)}[/]");
        ctx.OutputConsole.MarkupLine($"[grey]models {Format.Bytes(usage.ModelBytes)}; packages and leftovers no model needs {Format.Bytes(usage.PrunableBytes)}"
            + (usage.PrunableBytes > 0 ? " (sightline models prune)" : "") + "[/]");
    }

    /// <summary>A task in a word or two, for tables.</summary>
    internal static string TaskLabel(ModelTask task) => task switch
    {
        ModelTask.ImageEmbedding => "embedding",
        ModelTask.PackageOnly => "package",
        ModelTask.ObjectDetection => "objects",
        ModelTask.PersonSegmentation => "person mask",
        ModelTask.FaceDetection => "face detection",
        ModelTask.FaceAnalysis => "face analysis",
        ModelTask.ImageClassification => "classification",
        ModelTask.Imported => "imported",
        ModelTask.SalientObjectSegmentation => "salient mask",
        _ => task.ToString(),
    };

    private static string[] Choose(CliContext ctx, string[] ids, bool all)
    {
        if (all)
            return ctx.Store.Catalog.Entries.Select(e => e.Id).Order(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0)
            throw new UsageException("name at least one model, or pass --all");
        return ids.Select(i => ctx.Store.EntryOf(i).Id).ToArray();
    }
}
