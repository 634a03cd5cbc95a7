using System.CommandLine;
using Sightline.Cli.Output;
using Sightline.Imaging;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Similarity;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline index</c>, <c>sightline similar</c> and <c>sightline eval similar</c>.</summary>
public static class SimilarityCommands
{
    private static Option<string> ModelOption() => new("--model") { Description = "Embedding model", DefaultValueFactory = _ => Embedders.DefaultModel };

    private static Option<int> BatchOption() => new("--batch") { Description = "Images per model run", DefaultValueFactory = _ => 8 };

    internal static async Task<IImageEmbedder> EmbedderAsync(CliContext ctx, string modelId, int batch, CancellationToken ct)
    {
        if (batch < 1)
            throw new UsageException($"--batch must be at least 1 (got {batch})");
        var model = await ctx.EnsureModelAsync(modelId, ct).ConfigureAwait(false);
        return Embedders.Create(model, ctx.Engine, new EmbedderOptions(batch, ctx.Limits));
    }

    public static Command Index(Func<ParseResult, CliContext> context)
    {
        var folder = new Argument<string>("folder") { Description = "Folder of images (searched recursively)" };
        var output = new Option<string>("--out", "-o") { Description = "Index file to create or update", Required = true };
        var model = ModelOption();
        var batch = BatchOption();
        var command = new Command("index", "Embed every image in a folder into a similarity index; re-running embeds only new or changed files") { folder, output, model, batch };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var root = parse.GetValue(folder)!;
            if (!Directory.Exists(root))
                throw new InputException($"folder '{root}' does not exist");
            var embedder = await EmbedderAsync(ctx, parse.GetValue(model)!, parse.GetValue(batch), ct).ConfigureAwait(false);
            using var index = SimilarityIndex.OpenOrCreate(parse.GetValue(output)!, embedder);
            var report = await ctx.Progress.RunAsync($"indexing {root}", report =>
                Task.Run(() => index.Update(root, embedder, new InlineProgress<(int Done, int Total)>(p => report(p.Done, p.Total)), ct), ct)).ConfigureAwait(false);
            var count = index.Count;
            if (ctx.Json)
            {
                ctx.WriteJson(new
                {
                    index = index.Path, model = index.ModelId, modelVersion = index.ModelVersion, images = count,
                    report.Added, report.Updated, report.Unchanged, report.Removed, seconds = report.Elapsed.TotalSeconds,
                    failed = report.Failed.Select(f => new { path = f.Path, reason = f.Reason }),
                    skipped = report.NotImages.Select(f => new { path = f.Path, reason = f.Reason }),
                });
            }
            else
            {
                var embedded = report.Added + report.Updated;
                ctx.OutputConsole.MarkupLine($"[green]{Markup.Escape(index.Path)}[/]: {count} images ({report.Added} added, {report.Updated} updated, {report.Unchanged} unchanged, {report.Removed} removed) in {report.Elapsed.TotalSeconds:0.0} s"
                    + (embedded > 0 ? $", {embedded / Math.Max(report.Elapsed.TotalSeconds, 1e-3):0.0} images/s" : ""));
                if (report.Failed.Count > 0)
                {
                    var table = new Table().Border(TableBorder.Rounded).Title($"[yellow]{report.Failed.Count} unreadable files skipped[/]").AddColumns("file", "reason");
                    foreach (var f in report.Failed)
                        table.AddRow(Markup.Escape(f.Path), Markup.Escape(f.Reason));
                    ctx.OutputConsole.Write(table);
                }
                ctx.WriteSkippedFooter(report.NotImages);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Similar(Func<ParseResult, CliContext> context)
    {
        var query = new Argument<string>("image") { Description = "Query image" };
        var indexPath = new Option<string>("--index", "-i") { Description = "Index built by 'sightline index'", Required = true };
        var top = new Option<int>("--top", "-k") { Description = $"How many matches (1-{SimilarOptions.MaxTop})", DefaultValueFactory = _ => SimilarOptions.DefaultTop };
        var command = new Command("similar", "Find the images in an index most similar to a query image") { query, indexPath, top };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var k = parse.GetValue(top);
            new SimilarOptions(k).Validate();
            using var index = SimilarityIndex.Open(parse.GetValue(indexPath)!);
            var embedder = await EmbedderAsync(ctx, index.ModelId, 1, ct).ConfigureAwait(false);
            var embedding = embedder.Embed(parse.GetValue(query)!);
            var matches = index.Search(embedding.Vector, k);
            if (ctx.Json)
            {
                ctx.WriteJson(new { query = embedding.Source, index = index.Path, model = embedding.ModelId, modelVersion = embedding.ModelVersion, timings = embedding.Timings, matches });
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("#").AddColumn("image").AddColumn(new TableColumn("cosine").RightAligned());
            var rank = 0;
            foreach (var m in matches)
                table.AddRow((++rank).ToString(), Markup.Escape(m.Path), $"{m.Score:0.0000}");
            ctx.OutputConsole.Write(table);
            ctx.OutputConsole.MarkupLine($"[grey]{Markup.Escape(embedding.ModelId)} {Markup.Escape(embedding.ModelVersion)}; pre {embedding.Timings.PreprocessMs:0.0} ms, inference {embedding.Timings.InferenceMs:0.0} ms, post {embedding.Timings.PostprocessMs:0.00} ms; {index.Count} images searched[/]");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command EvalSimilar(Func<ParseResult, CliContext> context)
    {
        var folder = new Argument<string>("folder") { Description = "Labelled folder: one sub-folder per class" };
        var model = ModelOption();
        var batch = BatchOption();
        var command = new Command("similar", "Leave-one-out nearest-neighbour accuracy of the embeddings on a labelled folder") { folder, model, batch };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var root = Path.GetFullPath(parse.GetValue(folder)!);
            if (!Directory.Exists(root))
                throw new InputException($"folder '{root}' does not exist");
            var scan = ImageFiles.ScanFolder(root);
            var files = scan.Images.Where(f => Path.GetDirectoryName(f) != root).ToList();
            ctx.NoteNotProcessed([.. scan.Skipped, .. scan.Images.Where(f => Path.GetDirectoryName(f) == root)
                .Select(f => new SkippedFile(f, "image directly in the folder, not in a class sub-folder"))]);
            if (files.Count < 2)
                throw new InputException($"folder '{root}' needs at least two images in class sub-folders");
            var embedder = await EmbedderAsync(ctx, parse.GetValue(model)!, parse.GetValue(batch), ct).ConfigureAwait(false);
            var started = DateTime.UtcNow;
            var outcomes = await TaskRuns.EmbedAsync(ctx, embedder, files, $"embedding {files.Count} images", ct).ConfigureAwait(false);
            var good = outcomes.Where(o => o.Succeeded).ToList();
            var labels = good.Select(o => Path.GetFileName(Path.GetDirectoryName(o.Source.Name)!)).ToList();
            var result = NeighbourEvaluation.LeaveOneOut(labels, good.Select(o => o.Result!.Vector).ToList());
            var failed = TaskRuns.Failed(outcomes).ToList();
            if (ctx.Json)
            {
                ctx.WriteJson(new
                {
                    folder = root, model = embedder.ModelId, modelVersion = embedder.ModelVersion, result.Queries, result.Correct, result.Accuracy,
                    perClass = result.PerClass.Select(c => new { label = c.Label, queries = c.Queries, correct = c.Correct, accuracy = c.Accuracy }),
                    seconds = (DateTime.UtcNow - started).TotalSeconds, failed,
                });
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumn("class").AddColumn(new TableColumn("queries").RightAligned())
                .AddColumn(new TableColumn("nearest is same class").RightAligned()).AddColumn(new TableColumn("accuracy").RightAligned());
            foreach (var c in result.PerClass)
                table.AddRow(Markup.Escape(c.Label), c.Queries.ToString(), c.Correct.ToString(), $"{100 * c.Accuracy:0.0} %");
            table.AddRow("[bold]all[/]", result.Queries.ToString(), result.Correct.ToString(), $"[bold]{100 * result.Accuracy:0.0} %[/]");
            ctx.OutputConsole.Write(table);
            ctx.OutputConsole.MarkupLine($"[grey]leave-one-out 1-NN, cosine on {Markup.Escape(embedder.ModelId)} embeddings; {(DateTime.UtcNow - started).TotalSeconds:0.0} s[/]");
            foreach (var f in failed)
                ctx.Warn($"skipped {f.Path}: {f.Reason}");
            ctx.WriteSkippedFooter();
            return ExitCodes.Ok;
        });
        return command;
    }
}

/// <summary>An input named on the command line that cannot be used (missing folder, say).</summary>
public sealed class InputException(string message) : Exception(message);
