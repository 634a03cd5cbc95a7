using Sightline.Inference.Batching;

namespace Sightline.Inference.Tests.Batching;

public sealed class DynamicBatcherTests
{
    [Fact]
    public async Task Concurrent_items_share_one_run_and_each_gets_its_own_result()
    {
        var sizes = new List<int>();
        await using var batcher = new DynamicBatcher<int, int>(items => { lock (sizes) sizes.Add(items.Count); return items.Select(i => i * 10).ToList(); },
            capacity: 16, maxBatch: 8, window: TimeSpan.FromMilliseconds(200));
        var results = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => batcher.EnqueueAsync(i)));
        Assert.Equal(Enumerable.Range(1, 8).Select(i => i * 10), results);
        Assert.Equal(8, sizes.Sum());
        Assert.True(sizes.Count < 8, $"expected shared runs, got batch sizes {string.Join(",", sizes)}");
        Assert.All(sizes, s => Assert.InRange(s, 1, 8));
        Assert.Equal((sizes.Count, 8L), ((int)batcher.Statistics.Batches, batcher.Statistics.Items));
    }

    [Fact]
    public async Task Without_a_window_each_item_runs_at_once()
    {
        await using var batcher = new DynamicBatcher<int, int>(items => items.ToList(), capacity: 4, maxBatch: 8, window: TimeSpan.Zero);
        Assert.Equal(5, await batcher.EnqueueAsync(5));
        Assert.Equal(6, await batcher.EnqueueAsync(6));
        Assert.Equal(2, batcher.Statistics.Batches);
    }

    [Fact]
    public async Task A_full_queue_refuses_at_once_instead_of_growing()
    {
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        await using var batcher = new DynamicBatcher<int, int>(items => { started.Set(); release.Wait(); return items.ToList(); },
            capacity: 2, maxBatch: 1, window: TimeSpan.Zero);
        try
        {
            var running = batcher.EnqueueAsync(1);
            Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "the worker never took the first item");
            // The worker is busy with item 1: two more fill the queue, the next is refused.
            var queued = new[] { batcher.EnqueueAsync(2), batcher.EnqueueAsync(3) };
            var error = Assert.Throws<QueueFullException>(() => { _ = batcher.EnqueueAsync(4); });
            Assert.Equal(2, error.Capacity);
            release.Set();
            int[] results = [await running, await queued[0], await queued[1]];
            Assert.Equal([1, 2, 3], results);
        }
        finally
        {
            // Never leave the worker blocked: disposing the batcher waits for it.
            release.Set();
        }
    }

    [Fact]
    public async Task A_failing_run_fails_every_item_of_its_batch_and_the_next_batch_still_runs()
    {
        var calls = 0;
        await using var batcher = new DynamicBatcher<int, int>(items => ++calls == 1 ? throw new InvalidOperationException("boom") : items.ToList(),
            capacity: 4, maxBatch: 4, window: TimeSpan.Zero);
        await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.EnqueueAsync(1));
        Assert.Equal(2, await batcher.EnqueueAsync(2));
    }

    [Fact]
    public async Task An_awaited_run_gathers_items_and_runs_one_batch_at_a_time()
    {
        var running = 0;
        var overlapped = false;
        await using var batcher = new DynamicBatcher<int, int>(async items =>
        {
            if (Interlocked.Increment(ref running) > 1) overlapped = true;
            await Task.Delay(20);
            Interlocked.Decrement(ref running);
            return items.Select(i => -i).ToList();
        }, capacity: 32, maxBatch: 4, window: TimeSpan.FromMilliseconds(100));
        var results = await Task.WhenAll(Enumerable.Range(1, 12).Select(i => batcher.EnqueueAsync(i)));
        Assert.Equal(Enumerable.Range(1, 12).Select(i => -i), results);
        Assert.False(overlapped, "two batches ran at once");
        Assert.InRange(batcher.Statistics.Batches, 3, 11);
    }

    [Fact]
    public async Task A_cancelled_item_is_dropped_before_its_batch_and_a_running_one_is_waited_for()
    {
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var seen = new List<int>();
        await using var batcher = new DynamicBatcher<int, int>(items =>
        {
            lock (seen) seen.AddRange(items);
            started.Set();
            release.Wait();
            return items.ToList();
        }, capacity: 4, maxBatch: 1, window: TimeSpan.Zero);
        try
        {
            using var cancel = new CancellationTokenSource();
            var running = batcher.EnqueueAsync(1, cancel.Token);
            Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "the worker never took the first item");
            var waiting = batcher.EnqueueAsync(2, cancel.Token);
            cancel.Cancel();
            // The first item's input is in use: its task must not complete before the batch does.
            await Task.Delay(50);
            Assert.False(running.IsCompleted);
            release.Set();
            Assert.Equal(1, await running);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
            Assert.Equal([1], seen);
            Assert.ThrowsAny<OperationCanceledException>(() => { _ = batcher.EnqueueAsync(3, cancel.Token); });
        }
        finally
        {
            release.Set();
        }
    }
}
