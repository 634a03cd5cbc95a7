using Sightline.Inference.Sessions;
using Sightline.Vision.Pipeline;

namespace Sightline.Vision.Tests.Pipeline;

/// <summary>Requests laid end to end into shared runs give each caller the rows it gets alone, without a model.</summary>
public sealed class BatchedSessionTests
{
    private const int ItemLength = 3;

    /// <summary>A stand-in model: per item, the sum of its values, and its values doubled; it records each run's size.</summary>
    private sealed class SumModel
    {
        public List<int> Runs { get; } = [];

        public IReadOnlyList<OutputTensor> Run(Memory<float> input, int count)
        {
            lock (Runs)
                Runs.Add(count);
            var values = input.Span;
            var sums = new float[count];
            var doubled = new float[count * ItemLength];
            for (var i = 0; i < count; i++)
                for (var k = 0; k < ItemLength; k++)
                {
                    sums[i] += values[i * ItemLength + k];
                    doubled[i * ItemLength + k] = 2 * values[i * ItemLength + k];
                }
            return [new OutputTensor("sum", [count, 1], sums), new OutputTensor("doubled", [count, ItemLength], doubled)];
        }
    }

    private static SessionRequest Request(int count, float first) =>
        new(Enumerable.Range(0, count * ItemLength).Select(v => first + v).ToArray(), count);

    [Fact]
    public void Gathered_requests_get_the_rows_they_get_alone()
    {
        var model = new SumModel();
        var requests = new[] { Request(2, 0), Request(1, 100), Request(3, 200) };

        var gathered = BatchedSession.RunGathered(requests, maxItems: 8, model.Run, "sum");

        Assert.Equal([6], model.Runs);
        for (var r = 0; r < requests.Length; r++)
        {
            var alone = new SumModel().Run(requests[r].Input, requests[r].Count);
            Assert.Equal(alone.Count, gathered[r].Count);
            for (var o = 0; o < alone.Count; o++)
            {
                Assert.Equal(alone[o].Name, gathered[r][o].Name);
                Assert.Equal(alone[o].Shape, gathered[r][o].Shape);
                Assert.Equal(alone[o].Values, gathered[r][o].Values);
            }
        }
    }

    [Fact]
    public void Runs_hold_at_most_max_items_and_a_larger_request_runs_alone()
    {
        var model = new SumModel();
        var requests = new[] { Request(2, 0), Request(2, 10), Request(1, 20), Request(5, 30), Request(1, 40) };

        var gathered = BatchedSession.RunGathered(requests, maxItems: 4, model.Run, "sum");

        Assert.Equal([4, 1, 5, 1], model.Runs);
        Assert.Equal(new SumModel().Run(requests[3].Input, 5)[0].Values, gathered[3][0].Values);
        Assert.Equal(new SumModel().Run(requests[4].Input, 1)[1].Values, gathered[4][1].Values);
    }

    [Fact]
    public void An_output_without_one_row_per_item_is_refused_by_name()
    {
        IReadOnlyList<OutputTensor> Pooled(Memory<float> input, int count) => [new OutputTensor("pooled", [1, 4], new float[4])];

        var error = Assert.Throws<InvalidOperationException>(() =>
            BatchedSession.RunGathered([Request(1, 0), Request(2, 0)], 8, Pooled, "pooling-model"));

        Assert.Contains("pooling-model", error.Message);
        Assert.Contains("pooled", error.Message);
    }

    [Fact]
    public async Task Concurrent_callers_each_get_their_own_rows()
    {
        var model = new SumModel();
        await using var session = new BatchedSession(model.Run, "sum", supportsBatch: true, maxItems: 16, new BatchingOptions(MaxBatch: 8, Window: TimeSpan.FromMilliseconds(50)));
        var requests = Enumerable.Range(0, 6).Select(i => Request(1 + i % 3, 1000 * i)).ToList();

        var results = await Task.WhenAll(requests.Select(r => session.RunAsync(r.Input, r.Count)));

        for (var r = 0; r < requests.Count; r++)
            Assert.Equal(new SumModel().Run(requests[r].Input, requests[r].Count)[1].Values, results[r][1].Values);
        Assert.Equal(requests.Sum(r => r.Count), model.Runs.Sum());
    }

    [Fact]
    public async Task A_model_with_a_fixed_batch_runs_each_request_alone()
    {
        var model = new SumModel();
        await using var session = new BatchedSession(model.Run, "fixed", supportsBatch: false, maxItems: 16, new BatchingOptions(MaxBatch: 8, Window: TimeSpan.FromMilliseconds(50)));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => session.RunAsync(Request(1, i).Input, 1)));

        Assert.Equal(1, session.MaxItems);
        Assert.Equal([1, 1, 1, 1], model.Runs);
    }

    [Fact]
    public async Task An_input_that_does_not_split_into_its_items_is_refused()
    {
        var model = new SumModel();
        await using var session = new BatchedSession(model.Run, "sum", true, 8, BatchingOptions.Default);

        var error = Assert.Throws<ArgumentException>(() => { _ = session.RunAsync(new float[7], 2); });

        Assert.Contains("7 values", error.Message);
        Assert.Empty(model.Runs);
    }
}
