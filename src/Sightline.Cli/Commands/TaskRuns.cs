using Sightline.Cli.Output;
using Sightline.Vision.Classification;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Pipeline;

namespace Sightline.Cli.Commands;

/// <summary>
/// One task over the command's files through the pipeline (one decode per image, model runs batched across the
/// images in flight), outcomes in input order, with a progress bar when there is more than one file; and how a
/// command reports the inputs that gave nothing.
/// </summary>
internal static class TaskRuns
{
    public static async Task<IReadOnlyList<Outcome<T>>> RunAsync<T>(CliContext ctx, IImageTask<T> task, IReadOnlyList<string> files, string description,
        CancellationToken ct, PipelineOptions? options = null) where T : class
    {
        async Task<IReadOnlyList<Outcome<T>>> Loop(IProgress<int>? progress)
        {
            var outcomes = new List<Outcome<T>>(files.Count);
            await foreach (var outcome in AnalysisPipeline.RunAsync(task, files.Select(ImageSource.File), ctx.Limits, options, progress, ct).ConfigureAwait(false))
                outcomes.Add(outcome);
            return outcomes;
        }

        return files.Count == 1
            ? await Loop(null).ConfigureAwait(false)
            : await ctx.Progress.RunAsync(description, report => Loop(new InlineProgress<int>(d => report(d, files.Count)))).ConfigureAwait(false);
    }

    /// <summary>The embedding of each file, the backbone's runs batched as the embedder's options say.</summary>
    public static async Task<IReadOnlyList<Outcome<EmbedResult>>> EmbedAsync(CliContext ctx, IImageEmbedder embedder, IReadOnlyList<string> files, string description, CancellationToken ct)
    {
        await using var worker = Worker(embedder);
        return await RunAsync(ctx, new EmbedTask(worker), files, description, ct).ConfigureAwait(false);
    }

    /// <summary>The classifier's answer on each file, its backbone's runs batched as the embedder's options say.</summary>
    public static async Task<IReadOnlyList<Outcome<ClassificationResult>>> ClassifyAsync(CliContext ctx, ImageClassifier classifier, IReadOnlyList<string> files, CancellationToken ct)
    {
        await using var worker = Worker(classifier.Embedder);
        return await RunAsync(ctx, new ClassificationTask(classifier, worker), files, $"classifying {files.Count} images", ct).ConfigureAwait(false);
    }

    /// <summary>The classify task's record on each file (the one /v1/classify answers), its <paramref name="top"/> best classes listed.</summary>
    public static async Task<IReadOnlyList<Outcome<ClassifyResult>>> ClassifyAsync(CliContext ctx, ImageClassifier classifier, string name, int top, IReadOnlyList<string> files,
        CancellationToken ct)
    {
        await using var worker = Worker(classifier.Embedder);
        return await RunAsync(ctx, new ClassifyTask(classifier, worker, name, top), files, $"classifying {files.Count} images", ct).ConfigureAwait(false);
    }

    private static EmbeddingWorker Worker(IImageEmbedder embedder) => new(embedder, BatchingOptions.Default with { MaxBatch = embedder.Options.BatchSize });

    /// <summary>The <c>failed</c> list of a command's JSON: each input that gave nothing, and why.</summary>
    public static IEnumerable<FailedInput> Failed<T>(IEnumerable<Outcome<T>> outcomes) where T : class =>
        outcomes.Where(o => o.Result is null).Select(o => new FailedInput(o.Source.Name, o.Error!.Message));

    public static void ReportFailures<T>(CliContext ctx, IEnumerable<Outcome<T>> outcomes) where T : class
    {
        foreach (var o in outcomes.Where(o => o.Result is null))
            ctx.Warn($"skipped {o.Source}: {o.Error!.Message}");
    }
}

/// <summary>An input that gave nothing, as the commands' JSON lists it (<c>path</c>, <c>reason</c>).</summary>
internal sealed record FailedInput(string Path, string Reason);
