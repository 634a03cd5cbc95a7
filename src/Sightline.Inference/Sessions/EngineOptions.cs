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
}
