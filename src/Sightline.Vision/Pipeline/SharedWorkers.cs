using System.Collections.Concurrent;
using Sightline.Inference.Batching;

namespace Sightline.Vision.Pipeline;

/// <summary>
/// What the tasks built from one <see cref="TaskContext"/> share: one worker (a model and its dynamic
/// batcher) per model, so that every request for a model, from any task and any image in flight, is gathered
/// into the same runs: detect and segment's person crops share the detector, embed and classify the backbone.
/// Disposing drains the batchers; the context's owner does it once its pipelines are done.
/// </summary>
public sealed class SharedWorkers : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<object>> _workers = new(StringComparer.OrdinalIgnoreCase);
    private bool _disposed;

    /// <summary>The worker under <paramref name="key"/>, made once by <paramref name="create"/>.</summary>
    public T GetOrAdd<T>(string key, Func<T> create) where T : class
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var lazy = _workers.GetOrAdd(key, _ => new Lazy<object>(create, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value as T ?? throw new InvalidOperationException($"the worker '{key}' is a {lazy.Value.GetType().Name}, not a {typeof(T).Name}");
        }
        catch
        {
            _workers.TryRemove(new KeyValuePair<string, Lazy<object>>(key, lazy));
            throw;
        }
    }

    /// <summary>A batcher over <paramref name="run"/> with the context's batching options (one item per run when the model takes one).</summary>
    public static DynamicBatcher<TIn, TOut> Batcher<TIn, TOut>(BatchingOptions batching, bool supportsBatch, Func<IReadOnlyList<TIn>, IReadOnlyList<TOut>> run) =>
        new(run, batching.QueueCapacity, supportsBatch ? batching.MaxBatch : 1, supportsBatch ? batching.Window : TimeSpan.Zero);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var lazy in _workers.Values.Where(l => l.IsValueCreated))
        {
            if (lazy.Value is IAsyncDisposable asyncDisposable)
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            else if (lazy.Value is IDisposable disposable)
                disposable.Dispose();
        }
        _workers.Clear();
    }
}
