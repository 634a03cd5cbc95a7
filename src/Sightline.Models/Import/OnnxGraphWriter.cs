using Sightline.Models.Onnx;
using static Sightline.Models.Onnx.ProtoWire;

namespace Sightline.Models.Import;

/// <summary>Collects ONNX nodes, initializers and graph inputs/outputs while a graph is converted.</summary>
internal sealed class OnnxGraphWriter
{
    private readonly List<byte[]> _nodes = [];
    private readonly List<byte[]> _initializers = [];
    private readonly List<byte[]> _inputs = [];
    private readonly List<byte[]> _outputs = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _intConstants = new(StringComparer.Ordinal);

    public int NodeCount => _nodes.Count;

    public IEnumerable<string> EmittedOps => _ops;
    private readonly List<string> _ops = [];

    /// <summary>A name not used yet, based on <paramref name="hint"/>.</summary>
    public string Fresh(string hint)
    {
        if (_names.Add(hint))
            return hint;
        for (var i = 1; ; i++)
            if (_names.Add($"{hint}__{i}"))
                return $"{hint}__{i}";
    }

    public string Op(string op, IReadOnlyList<string> inputs, string hint, params byte[][] attributes) =>
        Ops(op, inputs, hint, 1, attributes)[0];

    public string[] Ops(string op, IReadOnlyList<string> inputs, string hint, int outputCount, params byte[][] attributes)
    {
        var outputs = Enumerable.Range(0, outputCount).Select(i => Fresh(outputCount == 1 ? hint : $"{hint}:{i}")).ToArray();
        _nodes.Add(OnnxBuilder.Node(op, inputs, outputs, Fresh("node:" + hint), attributes));
        _ops.Add(op);
        return outputs;
    }

    public void Named(string op, IReadOnlyList<string> inputs, string output, params byte[][] attributes)
    {
        _nodes.Add(OnnxBuilder.Node(op, inputs, [output], Fresh("node:" + output), attributes));
        _ops.Add(op);
    }

    public string Constant(TfTensor tensor, string hint)
    {
        var name = Fresh(hint);
        _initializers.Add(tensor.IsFloat
            ? OnnxBuilder.Tensor(name, tensor.Shape, tensor.Floats!)
            : tensor.Type == TfDataType.Bool
                ? OnnxBuilder.Tensor(name, OnnxType.Bool, tensor.Shape, tensor.Integers!.Select(v => (byte)(v != 0 ? 1 : 0)).ToArray())
                : OnnxBuilder.Tensor(name, tensor.Shape, tensor.Integers!));
        return name;
    }

    /// <summary>A 1-D int64 initializer (axes, pads, sizes), shared between nodes that need the same values.</summary>
    public string Int64s(params long[] values)
    {
        var key = string.Join(",", values);
        if (!_intConstants.TryGetValue(key, out var name))
            _intConstants[key] = name = Constant(TfTensor.Integer([values.Length], values), "const_i64");
        return name;
    }

    public string Scalar(float value) => Constant(TfTensor.Float([], [value]), "const_f32");

    public void Input(string name, OnnxType type, object[] dims) => _inputs.Add(OnnxBuilder.Value(name, type, dims));

    /// <summary>A graph output with its element type and no fixed shape.</summary>
    public void Output(string name, OnnxType type)
    {
        var tensorType = Write([Integer(1, (int)type)]);
        _outputs.Add(Write([String(1, name), Bytes(2, Write([Bytes(1, tensorType)]))]));
    }

    public byte[] Graph(string name) => OnnxBuilder.Graph(name, _nodes, _initializers, _inputs, _outputs);
}
