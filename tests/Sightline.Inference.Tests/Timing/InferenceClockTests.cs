using Sightline.Inference.Sessions;
using Sightline.Inference.Timing;
using Sightline.Tests.Shared;

namespace Sightline.Inference.Tests.Timing;

/// <summary>The clock is process-wide: these tests run one after the other in their own collection.</summary>
[CollectionDefinition(nameof(InferenceClockTests), DisableParallelization = true)]
public sealed class InferenceClockCollection;

[Collection(nameof(InferenceClockTests))]
public sealed class InferenceClockTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-clock-").FullName;

    public void Dispose()
    {
        InferenceClock.Stop();
        Directory.Delete(_dir, recursive: true);
    }

    private ModelSession Session(InferenceEngine engine)
    {
        var path = Path.Combine(_dir, "relu.onnx");
        File.WriteAllBytes(path, TinyOnnx.ReluTimesTwo(null, 4));
        return engine.Open(path);
    }

    [Fact]
    public void Runs_are_counted_only_while_the_clock_runs_and_overlapping_runs_count_once_as_busy()
    {
        // Threads that sleep between the parts of a run give the same answers as spinning ones.
        using var engine = new InferenceEngine(new EngineOptions(1, SpinWait: false));
        var session = Session(engine);
        var input = new float[] { -1, 0.5f, 2, -3 };
        Assert.Equal([0f, 1f, 4f, 0f], session.Run(input, 1)[0].Values);

        InferenceClock.Start();
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ => session.Run(input, 1));
        InferenceClock.Stop();
        session.Run(input, 1);

        Assert.Equal(64, InferenceClock.Runs);
        Assert.True(InferenceClock.Busy > TimeSpan.Zero);
        Assert.True(InferenceClock.Busy <= InferenceClock.Sum, $"busy {InferenceClock.Busy} beyond the summed runs {InferenceClock.Sum}");

        InferenceClock.Start();
        Assert.Equal((0L, TimeSpan.Zero), (InferenceClock.Runs, InferenceClock.Sum));
    }
}
