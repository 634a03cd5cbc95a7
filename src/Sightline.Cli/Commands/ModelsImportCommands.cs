using System.CommandLine;
using Sightline.Cli.Output;
using Sightline.Imaging;
using Sightline.Models;
using Sightline.Models.Catalog;
using Sightline.Models.Import;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline models import</c> and <c>sightline models verify --fidelity</c>.</summary>
public static class ModelsImportCommands
{
    public static Command Import(Func<ParseResult, CliContext> context)
    {
        var path = new Argument<string>("model.json") { Description = "A TensorFlow.js graph model (its weight shards beside it)" };
        var name = new Option<string>("--name") { Description = "The id to store it under (lower-case letters, digits, '.', '_', '-')", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace a model already imported under that name" };
        var import = new Command("import", "Convert your own TensorFlow.js graph model to ONNX and keep it in the model cache") { path, name, force };
        import.SetAction(parse =>
        {
            var ctx = context(parse);
            var model = Wrap(() => ctx.Store.Import(parse.GetValue(path)!, parse.GetValue(name)!, parse.GetValue(force)));
            var metadata = ctx.Engine.Open(model.ModelPath).Metadata;
            if (ctx.Json)
            {
                ctx.WriteJson(new { id = model.Entry.Id, directory = model.Directory, onnx = model.ModelPath, metadata });
                return ExitCodes.Ok;
            }
            ctx.OutputConsole.MarkupLine($"[green]ok[/] {Markup.Escape(model.Entry.Id)}: {Markup.Escape(model.ModelPath)}");
            foreach (var key in new[] { "sightline.converter", "sightline.tfjs.ops", "sightline.inputs", "sightline.outputs" })
                if (metadata.TryGetValue(key, out var value))
                    ctx.OutputConsole.MarkupLine($"  [grey]{Markup.Escape(key)}:[/] {Markup.Escape(value)}");
            ctx.OutputConsole.MarkupLine($"[grey]check it against TensorFlow.js: sightline models verify --fidelity {Markup.Escape(model.Entry.Id)} --images <photos>[/]");
            return ExitCodes.Ok;
        });
        return import;
    }

    /// <summary>
    /// Compares each converted model with TensorFlow.js on the same inputs and prints the worst errors;
    /// returns <see cref="ExitCodes.ModelStore"/> when any model is out of bounds.
    /// </summary>
    public static async Task<int> VerifyFidelityAsync(CliContext ctx, IReadOnlyList<string> ids, bool all, IReadOnlyList<string> imagePaths, CancellationToken ct)
    {
        var chosen = all || ids.Count == 0
            ? ctx.Store.List().Where(s => s.Entry.Preparation == ModelPreparation.ConvertTfjsGraph && (s.Cached || all)).Select(s => s.Entry.Id).ToList()
            : ids.Select(i => ctx.Store.EntryOf(i).Id).ToList();
        if (chosen.Count == 0)
            throw new UsageException("no converted models to check: pull some (e.g. 'sightline models pull human-emotion') or name them");
        var images = await ImagesAsync(ctx, imagePaths, ct).ConfigureAwait(false);
        var reference = new TfjsReferenceRunner(Wrap(() => TfjsReferenceRunner.Locate()));
        var check = new TfjsFidelityCheck(reference, (onnx, input, shape) =>
            ctx.Engine.Open(onnx).Run(input, shape[0]).Select(o => new NamedTensor(o.Name, o.Shape, o.Values)).ToList());

        var results = new List<ModelFidelity>();
        foreach (var id in chosen)
        {
            ct.ThrowIfCancellationRequested();
            var model = await ctx.EnsureModelAsync(id, ct).ConfigureAwait(false);
            if (model.Entry.Preparation != ModelPreparation.ConvertTfjsGraph)
                throw new UsageException($"'{id}' is not converted from TensorFlow.js; --fidelity applies to converted and imported models");
            var spec = TfjsModels.InputOf(model.Entry.Id) ?? SpecFromModel(ctx, model.ModelPath);
            var json = model.PathOf(TfjsModels.ModelJsonOf(model.Entry));
            results.Add(Wrap(() => check.Check(model.Entry.Id, model.ModelPath, json, spec, images, TfjsModels.RankedOutputsOf(model.Entry.Id))));
        }

        if (ctx.Json)
        {
            ctx.WriteJson(new
            {
                tolerance = check.Tolerance,
                images,
                models = results.Select(r => new
                {
                    id = r.ModelId, images = r.Images, ok = r.WithinBounds,
                    worstAbsolute = r.Worst.WorstAbsolute, worstRelative = r.Worst.WorstRelative, boundRatio = r.Worst.WorstBoundRatio,
                    outputs = r.Outputs.Select(o => new { name = o.Output, worstAbsolute = o.WorstAbsolute, worstRelative = o.WorstRelative, boundRatio = o.WorstBoundRatio, problem = o.Problem }),
                    failing = (r.Failures ?? []).Select(f => new { image = f.Image, output = f.Error.Output, worstAbsolute = f.Error.WorstAbsolute, boundRatio = f.Error.WorstBoundRatio, problem = f.Error.Problem }),
                }),
            });
        }
        else
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("model", "images", "outputs", "worst |abs|", "worst rel", "error / bound", "result");
            foreach (var r in results)
            {
                var w = r.Worst;
                table.AddRow(Markup.Escape(r.ModelId), r.Images.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Outputs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Number(w.WorstAbsolute), Number(w.WorstRelative), Number(w.WorstBoundRatio),
                    r.WithinBounds ? "[green]ok[/]" : $"[red]FAIL[/]{(w.Problem is { } p ? " " + Markup.Escape(p) : "")}");
            }
            ctx.OutputConsole.Write(table);
            foreach (var r in results)
                foreach (var f in r.Failures ?? [])
                    ctx.OutputConsole.MarkupLine($"[red]{Markup.Escape(r.ModelId)}[/] {Markup.Escape(f.Image)}: {Markup.Escape(f.Error.Output)} {Number(f.Error.WorstAbsolute)} |abs|, {Number(f.Error.WorstBoundRatio)} x the bound{(f.Error.Problem is { } why ? "; " + Markup.Escape(why) : "")}");
            ctx.OutputConsole.MarkupLine($"[grey]bound: |ours - tfjs| <= {check.Tolerance.Absolute} + {check.Tolerance.Relative} * |tfjs| element-wise (top-k outputs row by row as matched sets); TensorFlow.js {Markup.Escape(reference.Options.Backend)} backend; {images.Count} images[/]");
        }
        return results.All(r => r.WithinBounds) ? ExitCodes.Ok : ExitCodes.ModelStore;
    }

    private static string Number(double value) => value.ToString("0.###e+0", System.Globalization.CultureInfo.InvariantCulture);

    // An imported model has no catalog input spec: take the size from the graph and feed 0-1 RGB.
    private static TfjsInputSpec SpecFromModel(CliContext ctx, string onnxPath)
    {
        var dims = ctx.Engine.Open(onnxPath).Inputs[0].Dimensions;
        if (dims.Count != 4 || dims.Skip(1).Any(d => d <= 0))
            throw new UsageException($"{onnxPath}: input {string.Join("x", dims)} is not a fixed-size image tensor");
        return dims[1] is 1 or 3 && dims[3] is not (1 or 3)
            ? new TfjsInputSpec(dims[3], dims[2], dims[1], ChannelsFirst: true)
            : new TfjsInputSpec(dims[2], dims[1], dims[3]);
    }

    private static async Task<IReadOnlyList<string>> ImagesAsync(CliContext ctx, IReadOnlyList<string> paths, CancellationToken ct)
    {
        if (paths.Count == 0)
        {
            // The face-api package ships six demo photos: real images with no extra download.
            var faceApi = await ctx.EnsureModelAsync("face-api", ct).ConfigureAwait(false);
            return faceApi.Manifest.Files.Where(f => f.Name.StartsWith("sample", StringComparison.Ordinal) && f.Name.EndsWith(".jpg", StringComparison.Ordinal))
                .Select(f => faceApi.PathOf(f.Name)).ToList();
        }
        var images = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
                images.AddRange(Directory.EnumerateFiles(path).Where(ImageDecoder.IsSupportedExtension).Order(StringComparer.Ordinal));
            else if (File.Exists(path))
                images.Add(path);
            else
                throw new UsageException($"image '{path}' does not exist");
        }
        return images;
    }

    // Conversion errors are model problems: report them like the store's, without a stack trace.
    private static T Wrap<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (TfjsImportException e)
        {
            throw new ModelStoreException(ModelStoreErrorKind.PackageContent, e.Message, e);
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("TensorFlow.js reference", StringComparison.Ordinal))
        {
            throw new ModelStoreException(ModelStoreErrorKind.PackageContent, e.Message, e);
        }
    }
}
