using Sightline.Fuzz.Targets;

namespace Sightline.Fuzz;

/// <summary>How one input went: the target answered (or refused it as documented), or a finding.</summary>
public enum FuzzOutcome
{
    Passed,
    Crashed,
    Hung,
}

/// <summary>One input's result; <see cref="Error"/> says what went wrong for a finding.</summary>
public sealed record FuzzResult(string Input, FuzzOutcome Outcome, TimeSpan Elapsed, long AllocatedBytes, Exception? Error = null);

/// <summary>Runs inputs through a target the way the fuzzers and the corpus replay do, with the same checks.</summary>
public static class FuzzExecution
{
    /// <summary>An input that takes longer than this is a hang (the fuzzers' timeout too).</summary>
    public static readonly TimeSpan HangTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// One input, on the calling thread; an unexpected exception escapes, and managed allocation over the target's
    /// bound is a <see cref="FuzzFindingException"/>, so a fuzzer's crash is any exception.
    /// </summary>
    public static void RunChecked(FuzzTarget target, byte[] input)
    {
        var before = GC.GetTotalAllocatedBytes();
        target.Run(input);
        var allocated = GC.GetTotalAllocatedBytes() - before;
        var bound = target.AllocationBound(input.Length);
        if (allocated > bound)
            throw new FuzzFindingException($"{input.Length} input bytes allocated {allocated:N0} bytes, over the bound of {bound:N0}");
    }

    /// <summary>
    /// One input on a thread of its own, so that a hang is seen (after <paramref name="timeout"/>) instead of waited
    /// for; a hung thread is left behind, so a replay stops at the first hang.
    /// </summary>
    public static FuzzResult Run(FuzzTarget target, string name, byte[] input, TimeSpan? timeout = null)
    {
        Exception? error = null;
        long allocated = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var thread = new Thread(() =>
        {
            var before = GC.GetTotalAllocatedBytes();
            try
            {
                RunChecked(target, input);
            }
            catch (Exception e)
            {
                error = e;
            }
            allocated = GC.GetTotalAllocatedBytes() - before;
        }, maxStackSize: 16 * 1024 * 1024) { IsBackground = true, Name = $"fuzz {target.Name}" };
        thread.Start();
        if (!thread.Join(timeout ?? HangTimeout))
            return new FuzzResult(name, FuzzOutcome.Hung, clock.Elapsed, 0);
        return new FuzzResult(name, error is null ? FuzzOutcome.Passed : FuzzOutcome.Crashed, clock.Elapsed, allocated, error);
    }
}
