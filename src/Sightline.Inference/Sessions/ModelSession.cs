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
    public IReadOnlyList<OutputTensor> Run(Memory<float> input, int batch) => Run(input, batch, _outputNames);

    /// <summary>
    /// As <see cref="Run(Memory{float}, int)"/>, fetching only the outputs named in <paramref name="outputs"/>
    /// (in that order): ONNX Runtime then skips the work that feeds only the others.
    /// </summary>
    public IReadOnlyList<OutputTensor> Run(Memory<float> input, int batch, IReadOnlyList<string> outputs) =>
        Run([new NamedInput(Inputs[0].Name, input)], batch, outputs);

    /// <summary>
    /// Runs the model on several named inputs, each holding <paramref name="batch"/> items laid out contiguously
    /// (used in place), and returns the outputs named in <paramref name="outputs"/> in that order (null: all).
    /// An input's shape is its declared one with the batch axis set to <paramref name="batch"/> (and other free
    /// axes to 1) unless <see cref="NamedInput.Shape"/> gives it.
    /// </summary>
    public IReadOnlyList<OutputTensor> Run(IReadOnlyList<NamedInput> inputs, int batch, IReadOnlyList<string>? outputs = null)
    {
        if (batch < 1)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be at least 1");
        var model = System.IO.Path.GetFileName(Path);
        var names = outputs ?? _outputNames;
        foreach (var name in names)
            if (!_outputNames.Contains(name, StringComparer.Ordinal))
                throw new InferenceException($"model '{model}' has no output '{name}'; its outputs: {string.Join(", ", _outputNames)}");
        var missing = Inputs.Select(i => i.Name).Except(inputs.Select(i => i.Name), StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
            throw new InferenceException($"model '{model}' needs input{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}");

        var values = new List<OrtValue>(inputs.Count);
        try
        {
            foreach (var input in inputs)
                values.Add(Value(input, batch, model));
            using var runOptions = new RunOptions();
            var clock = Timing.InferenceClock.Begin();
            IDisposableReadOnlyCollection<OrtValue> ran;
            try
            {
                ran = _session.Run(runOptions, inputs.Select(i => i.Name).ToArray(), values, names.ToArray());
            }
            finally
            {
                Timing.InferenceClock.End(clock);
            }
            using var results = ran;
            var tensors = new OutputTensor[results.Count];
            for (var i = 0; i < results.Count; i++)
            {
                var info = results[i].GetTensorTypeAndShape();
                tensors[i] = new OutputTensor(names[i], info.Shape.Select(d => (int)d).ToArray(), results[i].GetTensorDataAsSpan<float>().ToArray());
            }
            return tensors;
        }
        finally
        {
            foreach (var value in values)
                value.Dispose();
        }
    }

    private OrtValue Value(NamedInput input, int batch, string model)
    {
        var spec = Inputs.FirstOrDefault(i => i.Name == input.Name)
            ?? throw new InferenceException($"model '{model}' has no input '{input.Name}'; its inputs: {string.Join(", ", Inputs.Select(i => i.Name))}");
        if (input.Shape is null && batch > 1 && !spec.HasFreeBatchAxis)
            throw new InferenceException($"model '{model}' has a fixed batch axis; run items one at a time");
        var shape = (input.Shape ?? spec.Dimensions.Select((d, i) => i == 0 ? batch : Math.Max(1, d)).ToArray()).Select(d => (long)d).ToArray();
        var expected = shape.Aggregate(1L, (a, d) => a * d);
        if (input.Values.Length < expected)
            throw new ArgumentException($"input '{input.Name}' holds {input.Values.Length} values, {spec} with batch {batch} needs {expected}", nameof(input));
        return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.Values[..(int)expected], shape);
    }

    internal void Release() => _session.Dispose();
}

/// <summary>One named input of a run: float values laid out densely, and optionally their exact shape.</summary>
public readonly record struct NamedInput(string Name, Memory<float> Values, int[]? Shape = null);

/// <summary>One output of a run: dense row-major values and their shape.</summary>
public sealed record OutputTensor(string Name, int[] Shape, float[] Values)
{
    /// <summary>Elements of one batch item.</summary>
    public int ItemLength => Shape.Length == 0 ? Values.Length : Values.Length / Math.Max(1, Shape[0]);

    public ReadOnlySpan<float> Item(int index) => Values.AsSpan(index * ItemLength, ItemLength);
}
