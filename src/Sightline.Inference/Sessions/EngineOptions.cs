namespace Sightline.Inference.Sessions;

public enum ExecutionDevice { Cpu, Cuda }

/// <summary>How the engine runs models. <see cref="IntraOpThreads"/> null means all cores.</summary>
public sealed record EngineOptions(int? IntraOpThreads = null, ExecutionDevice Device = ExecutionDevice.Cpu)
{
    public static EngineOptions Default { get; } = new();

    public int EffectiveThreads => IntraOpThreads is > 0 ? IntraOpThreads.Value : Environment.ProcessorCount;
}
