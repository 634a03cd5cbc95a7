using System.Threading.Channels;

namespace Sightline.Server.Batching;

/// <summary>Thrown when the queue is full: the caller should answer 429 and the client retry later.</summary>
public sealed class QueueFullException(int capacity) : Exception($"the work queue is full ({capacity} items waiting); retry later")
{
    public int Capacity { get; } = capacity;
}

/// <summary>
/// Gathers concurrent requests for one model into batches: the first item waits at most
/// <c>window</c> for others, up to <c>maxBatch</c>, then the batch runs in one model call.
/// The queue is bounded, so overload turns into fast refusals instead of growing memory.
/// </summary>
public sealed class DynamicBatcher<TIn, TOut> : IAsyncDisposable
{
    private readonly Channel<(TIn Input, TaskCompletionSource<TOut> Result)> _queue;
    private readonly Func<IReadOnlyList<TIn>, IReadOnlyList<TOut>> _run;
    private readonly int _maxBatch;
    private readonly TimeSpan _window;
    private readonly Task _worker;
    private readonly int _capacity;
    private long _batches;
    private long _items;

    public DynamicBatcher(Func<IReadOnlyList<TIn>, IReadOnlyList<TOut>> run, int capacity, int maxBatch, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _run = run;
        _capacity = capacity;
        _maxBatch = maxBatch;
        _window = window;
        _queue = Channel.CreateBounded<(TIn, TaskCompletionSource<TOut>)>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _worker = Task.Run(WorkAsync);
    }

    /// <summary>Batches run so far and items they held (mean batch size = items / batches).</summary>
    public (long Batches, long Items) Statistics => (Interlocked.Read(ref _batches), Interlocked.Read(ref _items));

    /// <summary>Queues one item; throws <see cref="QueueFullException"/> at once when the queue is full.</summary>
    public Task<TOut> EnqueueAsync(TIn input, CancellationToken cancellationToken = default)
    {
        var result = new TaskCompletionSource<TOut>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((input, result)))
            throw new QueueFullException(_capacity);
        return result.Task.WaitAsync(cancellationToken);
    }

    private async Task WorkAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<(TIn Input, TaskCompletionSource<TOut> Result)>(_maxBatch);
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
            Run(batch);
        }
    }

    private void Run(List<(TIn Input, TaskCompletionSource<TOut> Result)> batch)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _items, batch.Count);
        try
        {
            var outputs = _run(batch.Select(b => b.Input).ToList());
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
