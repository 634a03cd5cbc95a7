using Microsoft.ML.OnnxRuntime;

namespace Sightline.Inference.Sessions;

/// <summary>
/// One warm ONNX Runtime session for one model file. Thread-safe: ONNX Runtime allows concurrent runs
/// on one session, and this class keeps no per-run state. The <see cref="InferenceEngine"/> that opened
/// it owns it and releases it; callers share it and never dispose it.
/// </summary>
public sealed class ModelSession
{
    private readonly InferenceSession _session;
    private readonly string[] _outputNames;

    internal ModelSession(string path, InferenceSession session, ExecutionDevice device)
    {
        Path = path;
        _session = session;
        Device = device;
        Inputs = session.InputMetadata.Select(kv => new TensorShape(kv.Key, kv.Value.Dimensions)).ToArray();
        Outputs = session.OutputMetadata.Select(kv => new TensorShape(kv.Key, kv.Value.Dimensions)).ToArray();
        _outputNames = Outputs.Select(o => o.Name).ToArray();
        Metadata = session.ModelMetadata.CustomMetadataMap;
    }

    public string Path { get; }
    public ExecutionDevice Device { get; }
    public IReadOnlyList<TensorShape> Inputs { get; }
    public IReadOnlyList<TensorShape> Outputs { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>True when the first input's first axis is free, so N items go through in one run.</summary>
    public bool SupportsBatch => Inputs.Count > 0 && Inputs[0].HasFreeBatchAxis;

    /// <summary>
    /// Runs the model on <paramref name="batch"/> items laid out contiguously in <paramref name="input"/>
    /// (the first input) and returns every output as a dense float array with its shape.
    /// The input memory is used in place, not copied.
    /// </summary>
    public IReadOnlyList<OutputTensor> Run(Memory<float> input, int batch)
    {
        var spec = Inputs[0];
        if (batch < 1)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be at least 1");
        if (batch > 1 && !SupportsBatch)
            throw new InferenceException($"model '{System.IO.Path.GetFileName(Path)}' has a fixed batch axis; run items one at a time");
        var shape = spec.Dimensions.Select((d, i) => i == 0 ? batch : Math.Max(1, d)).Select(d => (long)d).ToArray();
        var expected = (long)batch * spec.ItemLength;
        if (input.Length < expected)
            throw new ArgumentException($"input holds {input.Length} values, {spec} with batch {batch} needs {expected}", nameof(input));

        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input[..(int)expected], shape);
        using var runOptions = new RunOptions();
        var clock = Timing.InferenceClock.Begin();
        IDisposableReadOnlyCollection<OrtValue> ran;
        try
        {
            ran = _session.Run(runOptions, [spec.Name], [value], _outputNames);
        }
        finally
        {
            Timing.InferenceClock.End(clock);
        }
        using var results = ran;
        var outputs = new OutputTensor[results.Count];
        for (var i = 0; i < results.Count; i++)
        {
            var info = results[i].GetTensorTypeAndShape();
            outputs[i] = new OutputTensor(_outputNames[i], info.Shape.Select(d => (int)d).ToArray(), results[i].GetTensorDataAsSpan<float>().ToArray());
        }
        return outputs;
    }

    internal void Release() => _session.Dispose();
}

/// <summary>One output of a run: dense row-major values and their shape.</summary>
public sealed record OutputTensor(string Name, int[] Shape, float[] Values)
{
    /// <summary>Elements of one batch item.</summary>
    public int ItemLength => Shape.Length == 0 ? Values.Length : Values.Length / Math.Max(1, Shape[0]);

    public ReadOnlySpan<float> Item(int index) => Values.AsSpan(index * ItemLength, ItemLength);
}
