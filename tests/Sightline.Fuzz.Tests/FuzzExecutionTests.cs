using Sightline.Fuzz.Targets;

namespace Sightline.Fuzz.Tests;

public sealed class FuzzExecutionTests
{
    private static FuzzTarget Target(Action<byte[]> run, long bound = 1L << 30) =>
        new("test", "a test target", run, _ => [], _ => bound);

    [Fact]
    public void An_input_the_target_handles_passes()
    {
        var result = FuzzExecution.Run(Target(_ => { }), "a", [1, 2, 3]);
        Assert.Equal(FuzzOutcome.Passed, result.Outcome);
        Assert.Null(result.Error);
    }

    [Fact]
    public void An_exception_escaping_the_target_is_a_crash_with_that_exception()
    {
        var result = FuzzExecution.Run(Target(input => _ = input[10]), "short", [1]);
        Assert.Equal(FuzzOutcome.Crashed, result.Outcome);
        Assert.IsType<IndexOutOfRangeException>(result.Error);
    }

    [Fact]
    public void Allocating_more_than_the_bound_is_a_finding()
    {
        var result = FuzzExecution.Run(Target(input => GC.KeepAlive(new byte[4 * 1024 * 1024]), bound: 1024 * 1024), "big", [0]);
        Assert.Equal(FuzzOutcome.Crashed, result.Outcome);
        var finding = Assert.IsType<FuzzFindingException>(result.Error);
        Assert.Contains("over the bound", finding.Message, StringComparison.Ordinal);
        Assert.True(result.AllocatedBytes >= 4 * 1024 * 1024);
    }

    [Fact]
    public void An_input_running_past_the_timeout_is_a_hang()
    {
        using var release = new ManualResetEventSlim();
        var result = FuzzExecution.Run(Target(_ => release.Wait(TimeSpan.FromSeconds(30))), "slow", [0], TimeSpan.FromMilliseconds(200));
        release.Set();
        Assert.Equal(FuzzOutcome.Hung, result.Outcome);
    }

    [Fact]
    public void The_names_afl_mode_reads_are_the_registrys()
    {
        Assert.Equal(FuzzTargets.All.Select(t => t.Name), FuzzTargetNames.All);
        Assert.All(FuzzTargetNames.All, n => Assert.NotNull(FuzzTargets.Find(n)));
    }
}
