using System.Threading.Channels;

namespace Sightline.Inference.Batching;

/// <summary>Thrown when the queue is full: the caller should answer 429 and the client retry later.</summary>
public sealed class QueueFullException(int capacity) : Exception($"the work queue is full ({capacity} items waiting); retry later")
{
    public int Capacity { get; } = capacity;
}

/// <summary>
/// Gathers concurrent requests for one model into batches: the first item waits at most
/// <c>window</c> for others, up to <c>maxBatch</c>, then the batch runs in one model call.
/// The queue is bounded, so overload turns into fast refusals instead of growing memory.
/// An item's task completes only once no batch uses its input any more: a cancelled item is dropped
/// before its batch runs, and one already running is awaited, so callers may dispose the input as soon as
/// the task completes.
/// </summary>
public sealed class DynamicBatcher<TIn, TOut> : IAsyncDisposable
{
    private readonly Channel<Item> _queue;
    private readonly Func<IReadOnlyList<TIn>, Task<IReadOnlyList<TOut>>> _run;
    private readonly int _maxBatch;
    private readonly TimeSpan _window;
    private readonly Task _worker;
    private readonly int _capacity;
    private long _batches;
    private long _items;

    private readonly record struct Item(TIn Input, TaskCompletionSource<TOut> Result, CancellationToken Cancellation);

    /// <summary>A batcher whose batches run synchronously on its worker.</summary>
    public DynamicBatcher(Func<IReadOnlyList<TIn>, IReadOnlyList<TOut>> run, int capacity, int maxBatch, TimeSpan window)
        : this(items => Task.FromResult(run(items)), capacity, maxBatch, window)
    {
    }

    /// <summary>A batcher whose batches are awaited: one at a time, in queue order.</summary>
    public DynamicBatcher(Func<IReadOnlyList<TIn>, Task<IReadOnlyList<TOut>>> run, int capacity, int maxBatch, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _run = run;
        _capacity = capacity;
        _maxBatch = maxBatch;
        _window = window;
        _queue = Channel.CreateBounded<Item>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _worker = Task.Run(WorkAsync);
    }

    /// <summary>Batches run so far and items they held (mean batch size = items / batches).</summary>
    public (long Batches, long Items) Statistics => (Interlocked.Read(ref _batches), Interlocked.Read(ref _items));

    /// <summary>
    /// Queues one item; throws <see cref="QueueFullException"/> at once when the queue is full. Cancelling
    /// drops the item if its batch has not started; a started batch is waited for.
    /// </summary>
    public Task<TOut> EnqueueAsync(TIn input, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var result = new TaskCompletionSource<TOut>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Item(input, result, cancellationToken)))
            throw new QueueFullException(_capacity);
        return result.Task;
    }

    private async Task WorkAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Item>(_maxBatch);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            if (!reader.TryRead(out var first))
                continue;
            batch.Add(first);
            if (_window > TimeSpan.Zero && _maxBatch > 1)
            {
                using var timeout = new CancellationTokenSource(_window);
                try
                {
                    while (batch.Count < _maxBatch)
                    {
                        if (reader.TryRead(out var next)) { batch.Add(next); continue; }
                        if (!await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false)) break;
                    }
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                }
            }
            else
            {
                while (batch.Count < _maxBatch && reader.TryRead(out var next))
                    batch.Add(next);
            }
            await RunAsync(batch).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(List<Item> batch)
    {
        // Items cancelled while they waited are dropped here, before any model sees their input.
        foreach (var item in batch)
            if (item.Cancellation.IsCancellationRequested)
                item.Result.TrySetCanceled(item.Cancellation);
        batch.RemoveAll(item => item.Result.Task.IsCompleted);
        if (batch.Count == 0)
            return;
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _items, batch.Count);
        try
        {
            var outputs = await _run(batch.Select(b => b.Input).ToList()).ConfigureAwait(false);
            if (outputs.Count != batch.Count)
                throw new InvalidOperationException($"a batch of {batch.Count} items gave {outputs.Count} results");
            for (var i = 0; i < batch.Count; i++)
                batch[i].Result.TrySetResult(outputs[i]);
        }
        catch (Exception e)
        {
            foreach (var item in batch)
                item.Result.TrySetException(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _worker.ConfigureAwait(false);
    }
}
