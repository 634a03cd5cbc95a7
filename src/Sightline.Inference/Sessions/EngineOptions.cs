namespace Sightline.Inference.Sessions;

public enum ExecutionDevice { Cpu, Cuda }

/// <summary>
/// How the engine runs models. <see cref="IntraOpThreads"/> null means all cores. <see cref="SpinWait"/>: ONNX
/// Runtime's threads spin between the parts of a run, which is fastest when one model runs at a time; when
/// several runs share the cores (a pipeline running several models at once) spinning threads take time from
/// the others, so they should sleep instead.
/// </summary>
public sealed record EngineOptions(int? IntraOpThreads = null, ExecutionDevice Device = ExecutionDevice.Cpu, bool SpinWait = true)
{
    public static EngineOptions Default { get; } = new();

    public int EffectiveThreads => IntraOpThreads is > 0 ? IntraOpThreads.Value : Environment.ProcessorCount;

    /// <summary>
    /// The engine for a pipeline that runs several models at once over images in flight: the parallelism comes
    /// from the concurrent runs, so each run gets one sleeping intra-op thread unless a thread count was asked
    /// for (measured with bench analyze: 1.38x over the separate commands against 1.24x with every session on
    /// all cores).
    /// </summary>
    public EngineOptions ForConcurrentRuns() => this with { IntraOpThreads = IntraOpThreads ?? 1, SpinWait = false };
}
