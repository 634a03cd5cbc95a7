using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;

namespace Sightline.Vision.Pipeline;

/// <summary>What a registry entry needs to open its models: the store (pulls what is missing), the engine (warm
/// sessions), the image limits and how far a model's requests may be gathered into one run. The tasks built from
/// one context share their models' batchers (<see cref="Workers"/>); dispose the context when they are done.</summary>
public sealed record TaskContext(ModelStore Store, InferenceEngine Engine, ImageLimits Limits, BatchingOptions Batching) : IAsyncDisposable
{
    /// <summary>One worker per model, shared by every task of this context (copies made with <c>with</c> share it too).</summary>
    public SharedWorkers Workers { get; init; } = new();

    /// <summary>Drains the shared batchers; the store and the engine belong to the caller.</summary>
    public ValueTask DisposeAsync() => Workers.DisposeAsync();

    public static TaskContext Create(ModelStore store, InferenceEngine engine, ImageLimits? limits = null, BatchingOptions? batching = null) =>
        new(store, engine, limits ?? ImageLimits.Default, batching ?? BatchingOptions.Default);
}

/// <summary>
/// How concurrent requests for one model are gathered into a run: at most <see cref="MaxBatch"/> items, the
/// first waiting at most <see cref="Window"/> for others; at most <see cref="QueueCapacity"/> waiting in all.
/// </summary>
public sealed record BatchingOptions(int MaxBatch = 8, TimeSpan Window = default, int QueueCapacity = 256)
{
    public static BatchingOptions Default { get; } = new(Window: TimeSpan.FromMilliseconds(2));
}
