using Sightline.Inference.Batching;
using Sightline.Inference.Sessions;

namespace Sightline.Vision.Pipeline;

/// <summary>
/// One model session whose runs, from every caller of a <see cref="TaskContext"/>, go through one dynamic batcher:
/// concurrent requests (each some items already written into its own input tensor) are laid end to end along the
/// batch axis into runs of at most <see cref="MaxItems"/> items, and each caller gets back only its own rows.
/// Per-face networks gather the faces of every image in flight this way; a model with a fixed batch of one runs
/// each request alone.
/// </summary>
public sealed class BatchedSession : IAsyncDisposable
{
    private readonly DynamicBatcher<SessionRequest, IReadOnlyList<OutputTensor>> _batcher;

    /// <param name="run">One model run over <c>count</c> items laid end to end in the input tensor; every output batch-major.</param>
    public BatchedSession(Func<Memory<float>, int, IReadOnlyList<OutputTensor>> run, string modelId, bool supportsBatch, int maxItems, BatchingOptions batching)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 1);
        ModelId = modelId;
        MaxItems = supportsBatch ? maxItems : 1;
        _batcher = SharedWorkers.Batcher<SessionRequest, IReadOnlyList<OutputTensor>>(batching, supportsBatch,
            requests => RunGathered(requests, MaxItems, run, modelId));
    }

    public string ModelId { get; }

    /// <summary>Items per model run at most (1 when the model's batch axis is fixed).</summary>
    public int MaxItems { get; }

    /// <summary>Runs so far and requests they held.</summary>
    public (long Batches, long Items) Statistics => _batcher.Statistics;

    /// <summary>
    /// The context's batched session of <paramref name="session"/> (model <paramref name="modelId"/>), made once: every
    /// component of that context on the same model file shares its runs. No run waits for others to join: a face
    /// passes through several networks one after another, and a wait at each would add up, so a run takes what
    /// queued while the one before it ran.
    /// </summary>
    public static BatchedSession For(TaskContext context, ModelSession session, string modelId, int maxItems) =>
        context.Workers.GetOrAdd($"session:{modelId}:{session.Path}", () =>
            new BatchedSession((input, count) => session.Run(input, count), modelId, session.SupportsBatch, maxItems,
                context.Batching with { Window = TimeSpan.Zero }));

    /// <summary>
    /// The outputs of <paramref name="count"/> items laid end to end in <paramref name="input"/>, batch-major; the
    /// input is read until the task completes.
    /// </summary>
    public Task<IReadOnlyList<OutputTensor>> RunAsync(Memory<float> input, int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (input.Length % count != 0)
            throw new ArgumentException($"an input of {input.Length} values does not split into {count} items", nameof(input));
        return _batcher.EnqueueAsync(new SessionRequest(input, count), cancellationToken);
    }

    /// <summary><see cref="RunAsync"/> for callers that are synchronous throughout (the face analysis on its own thread).</summary>
    public IReadOnlyList<OutputTensor> Run(Memory<float> input, int count) => RunAsync(input, count).GetAwaiter().GetResult();

    /// <summary>
    /// Runs the requests in as few model runs as <paramref name="maxItems"/> allows, in order, and gives each request
    /// its own rows of every output. A request larger than <paramref name="maxItems"/> runs alone.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<OutputTensor>> RunGathered(IReadOnlyList<SessionRequest> requests, int maxItems,
        Func<Memory<float>, int, IReadOnlyList<OutputTensor>> run, string modelId)
    {
        var results = new IReadOnlyList<OutputTensor>[requests.Count];
        var start = 0;
        while (start < requests.Count)
        {
            var end = start + 1;
            var items = requests[start].Count;
            while (end < requests.Count && items + requests[end].Count <= maxItems)
                items += requests[end++].Count;
            if (end - start == 1)
            {
                results[start] = run(requests[start].Input, requests[start].Count);
            }
            else
            {
                var input = new float[requests.Skip(start).Take(end - start).Sum(r => r.Input.Length)];
                var at = 0;
                for (var r = start; r < end; r++)
                {
                    requests[r].Input.Span.CopyTo(input.AsSpan(at));
                    at += requests[r].Input.Length;
                }
                var outputs = run(input, items);
                var first = 0;
                for (var r = start; r < end; r++)
                {
                    results[r] = Slice(outputs, first, requests[r].Count, items, modelId);
                    first += requests[r].Count;
                }
            }
            start = end;
        }
        return results;
    }

    /// <summary>Rows <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> of every output.</summary>
    private static OutputTensor[] Slice(IReadOnlyList<OutputTensor> outputs, int first, int count, int total, string modelId) =>
        outputs.Select(o =>
        {
            if (o.Shape.Length == 0 || o.Shape[0] != total || o.Values.Length % total != 0)
                throw new InvalidOperationException(
                    $"model '{modelId}' output '{o.Name}' of shape [{string.Join(',', o.Shape)}] is not one row per item of a batch of {total}");
            var row = o.Values.Length / total;
            var shape = (int[])o.Shape.Clone();
            shape[0] = count;
            return new OutputTensor(o.Name, shape, o.Values.AsSpan(first * row, count * row).ToArray());
        }).ToArray();

    public ValueTask DisposeAsync() => _batcher.DisposeAsync();
}

/// <summary>Some items already written, end to end, into an input tensor.</summary>
public readonly record struct SessionRequest(Memory<float> Input, int Count);
