using System.Runtime.CompilerServices;
using Sightline.Imaging;
using Sightline.Inference.Batching;
using Sightline.Inference.Timing;
using Sightline.Vision.Pipeline;

namespace Sightline.Vision.Embeddings;

/// <summary>Options of the <c>embed</c> task: the embedding model (catalog id).</summary>
public sealed record EmbedTaskOptions : TaskOptions
{
    public string Model { get; init; } = Embedders.DefaultModel;

    public override void Validate()
    {
        if (string.IsNullOrWhiteSpace(Model))
            throw new TaskOptionsException("model", "model must name an image embedding model");
    }
}

/// <summary>The <c>embed</c> task's result: a unit-length vector whose cosine similarity reflects visual similarity.</summary>
public sealed record EmbedResult(string ModelId, string ModelVersion, int Dimension, float[] Vector, StageTimings Timings)
{
    public static EmbedResult From(ImageEmbedding embedding) =>
        new(embedding.ModelId, embedding.ModelVersion, embedding.Vector.Length, embedding.Vector, embedding.Timings);
}

/// <summary>
/// An embedder and the batcher that feeds it, one per model in a <see cref="TaskContext"/>. Each image is
/// embedded once however many tasks ask (embed, and classify on the same backbone): the first request's run
/// is shared for as long as the image lives.
/// </summary>
public sealed class EmbeddingWorker : IAsyncDisposable
{
    private readonly DynamicBatcher<DecodedImage, ImageEmbedding> _batcher;
    private readonly ConditionalWeakTable<DecodedImage, Task<ImageEmbedding>> _runs = new();

    public EmbeddingWorker(IImageEmbedder embedder, BatchingOptions batching)
    {
        Embedder = embedder;
        _batcher = SharedWorkers.Batcher<DecodedImage, ImageEmbedding>(batching, supportsBatch: true, embedder.Embed);
    }

    public IImageEmbedder Embedder { get; }

    /// <summary>Runs so far and images they held.</summary>
    public (long Batches, long Items) Statistics => _batcher.Statistics;

    public Task<ImageEmbedding> EmbedAsync(DecodedImage image, CancellationToken cancellationToken)
    {
        // A cancelled request leaves no shared run behind: the next task on this image asks again.
        var run = _runs.GetValue(image, i => _batcher.EnqueueAsync(i, cancellationToken));
        if (run.IsCanceled)
        {
            _runs.Remove(image);
            run = _runs.GetValue(image, i => _batcher.EnqueueAsync(i, cancellationToken));
        }
        return run;
    }

    /// <summary>The context's worker for the embedding model <paramref name="id"/>, pulling it when missing.</summary>
    public static async Task<EmbeddingWorker> GetAsync(TaskContext context, string id, CancellationToken cancellationToken)
    {
        var model = await context.Store.EnsureAsync(id, cancellationToken: cancellationToken).ConfigureAwait(false);
        return context.Workers.GetOrAdd($"embedder:{model.Entry.Id}", () => new EmbeddingWorker(
            Embedders.Create(model, context.Engine, new EmbedderOptions(context.Batching.MaxBatch, context.Limits)), context.Batching));
    }

    public ValueTask DisposeAsync() => _batcher.DisposeAsync();
}

/// <summary>The <c>embed</c> task: one image embedding per image (ResNet-18 by default).</summary>
public sealed class EmbedTask(EmbeddingWorker worker) : ImageTask<EmbedResult>
{
    public const string TaskName = "embed";

    public static TaskEntry Entry { get; } = TaskEntry.For<EmbedTaskOptions, EmbedResult>(TaskName,
        "an image embedding for similarity search", CreateAsync);

    public static async Task<IImageTask<EmbedResult>> CreateAsync(TaskContext context, EmbedTaskOptions options, CancellationToken cancellationToken) =>
        new EmbedTask(await EmbeddingWorker.GetAsync(context, options.Model, cancellationToken).ConfigureAwait(false));

    public override string Name => TaskName;
    public override DecodeSize DecodeSize => worker.Embedder.DecodeSize;
    public override IReadOnlyList<string> ModelIds => [worker.Embedder.ModelId];

    /// <summary>The embedder and its batcher, shared with the context's other tasks on this model.</summary>
    public EmbeddingWorker Worker => worker;

    public override async Task<EmbedResult> RunAsync(DecodedImage image, CancellationToken cancellationToken) =>
        EmbedResult.From(await worker.EmbedAsync(image, cancellationToken).ConfigureAwait(false));
}
