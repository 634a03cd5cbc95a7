using Sightline.Models.Onnx;
using static Sightline.Models.Onnx.OnnxBuilder;

namespace Sightline.Models.Import;

/// <summary>Conversion settings.</summary>
public sealed record TfGraphConversionOptions(bool FreeBatchAxis = true, string GraphName = "tfjs");

/// <summary>What a conversion produced, besides the model bytes.</summary>
public readonly record struct TfGraphConversion(
    byte[] Graph,
    IReadOnlyList<string> InputNames,
    IReadOnlyList<string> OutputNames,
    IReadOnlyDictionary<string, int> TfOps,
    int OnnxNodes,
    int Transposes,
    bool BatchFree);

/// <summary>
/// Translates a TensorFlow GraphDef (as TensorFlow.js stores it) into an ONNX graph, op by op.
/// Convolutions and pooling run in NCHW; each value remembers in which axis orders it already exists,
/// so a chain of convolutions stays NCHW and transposes appear only where a layout-bound op needs one.
/// </summary>
public sealed class TfGraphConverter
{
    public const int Opset = 18;

    private readonly IReadOnlyDictionary<string, TfNode> _nodes;
    private readonly IReadOnlyDictionary<string, TfTensor> _weights;
    private readonly IReadOnlyDictionary<string, TfTensor>? _inline;
    private readonly TfGraphConversionOptions _options;
    private readonly OnnxGraphWriter _out = new();
    private readonly Dictionary<string, TfValue[]> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _visiting = new(StringComparer.Ordinal);
    private readonly List<string> _inputNames = [];
    private bool _batchFree;
    private bool _batchBlocked;

    private TfGraphConverter(TfjsModelFile model, IReadOnlyDictionary<string, TfTensor> weights, TfGraphConversionOptions options)
    {
        var nodes = new Dictionary<string, TfNode>(StringComparer.Ordinal);
        foreach (var node in model.Nodes)
            nodes[node.Name] = node;
        _nodes = nodes;
        _weights = weights;
        _inline = model.InlineConstants;
        _options = options;
    }

    /// <summary>Converts every node the outputs depend on; throws <see cref="TfjsImportException"/> on an op it does not know.</summary>
    public static TfGraphConversion Convert(TfjsModelFile model, IReadOnlyDictionary<string, TfTensor> weights, TfGraphConversionOptions? options = null)
    {
        options ??= new TfGraphConversionOptions();
        if (model.KeepBatchOne)
            options = options with { FreeBatchAxis = false };
        var converter = new TfGraphConverter(model, weights, options);
        var result = converter.Run(model);
        // Some graphs fold the batch into a fixed shape (post-processing reshapes); keep those at batch 1.
        return converter._batchBlocked && options.FreeBatchAxis
            ? new TfGraphConverter(model, weights, options with { FreeBatchAxis = false }).Run(model)
            : result;
    }

    private TfGraphConversion Run(TfjsModelFile model)
    {
        if (model.OutputNames.Count == 0)
            throw new TfjsImportException(TfjsImportErrorKind.BadModelFile, "the graph has no outputs");
        // Output names are the TensorFlow tensor names; reserve them before any node can take one.
        var reserved = model.OutputNames.Select(Fresh).ToArray();
        var outputs = new List<string>();
        foreach (var (output, name) in model.OutputNames.Zip(reserved))
        {
            var value = Resolve(output);
            var stored = value.Constant is not null ? ConstantName(value.Constant, output) : value.In(Permutation.Identity(value.Rank), _out);
            if (value.IsInteger || value.IsBoolean || value.Constant is { IsFloat: false })
                _out.Named("Cast", [stored], name, Attribute("to", (long)OnnxType.Float));
            else
                _out.Named("Identity", [stored], name);
            _out.Output(name, OnnxType.Float);
            outputs.Add(name);
        }
        var ops = _visitedOps.GroupBy(o => o).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new TfGraphConversion(_out.Graph(_options.GraphName), _inputNames, outputs, ops, _out.NodeCount,
            _out.EmittedOps.Count(o => o == "Transpose"), _batchFree);
    }

    private readonly List<string> _visitedOps = [];

    private string Fresh(string hint) => _out.Fresh(hint);

    private TfValue Resolve(string reference)
    {
        var (name, index) = SplitReference(reference);
        if (!_values.TryGetValue(name, out var values))
        {
            if (!_nodes.TryGetValue(name, out var node))
                throw new TfjsImportException(TfjsImportErrorKind.BadModelFile, $"the graph refers to node '{name}', which it does not define");
            if (!_visiting.Add(name))
                throw new TfjsImportException(TfjsImportErrorKind.BadModelFile, $"the graph has a cycle through node '{name}'");
            var inputs = node.Inputs.Select(Resolve).ToArray();
            _visitedOps.Add(node.Op);
            values = ConvertNode(node, inputs);
            _visiting.Remove(name);
            _values[name] = values;
        }
        if (index >= values.Length)
            throw new TfjsImportException(TfjsImportErrorKind.BadModelFile, $"'{reference}': node '{name}' has {values.Length} outputs");
        return values[index];
    }

    internal static (string Name, int Index) SplitReference(string reference)
    {
        var colon = reference.LastIndexOf(':');
        return colon > 0 && int.TryParse(reference.AsSpan(colon + 1), out var index) ? (reference[..colon], index) : (reference, 0);
    }

    private string ConstantName(TfTensor tensor, string hint) => _out.Constant(tensor, hint);

    private static TfjsImportException Unsupported(TfNode node, string why) =>
        new(TfjsImportErrorKind.UnsupportedOp, $"op '{node.Op}' (node '{node.Name}'): {why}");

    private static TfTensor ConstantInput(TfNode node, TfValue[] inputs, int index, string what) =>
        inputs[index].Constant ?? throw Unsupported(node, $"{what} must be a constant");

    private TfValue[] ConvertNode(TfNode node, TfValue[] inputs)
    {
        if (inputs.Length > 0 && inputs.All(i => i.Constant is not null) && ConstantFolding.TryFold(node, inputs.Select(i => i.Constant!).ToArray()) is { } folded)
            return [TfValue.Of(folded)];

        switch (node.Op)
        {
            case "Const":
                var weight = _weights.TryGetValue(node.Name, out var w) ? w
                    : _inline?.TryGetValue(node.Name, out var inline) == true ? inline
                    : throw new TfjsImportException(TfjsImportErrorKind.BadWeights, $"constant '{node.Name}' has no entry in the weights manifest");
                var declared = node.Attributes.TryGetValue("value", out var v) && v.TryGetProperty("tensor", out var t) && t.TryGetProperty("tensorShape", out var ts)
                    ? (ts.TryGetProperty("dim", out var dims) ? dims.EnumerateArray().Select(d => d.TryGetProperty("size", out var s) ? long.Parse(s.GetString() ?? "0", System.Globalization.CultureInfo.InvariantCulture) : 0L).ToArray() : [])
                    : null;
                if (declared is not null && !declared.SequenceEqual(weight.Shape))
                    throw new TfjsImportException(TfjsImportErrorKind.BadWeights,
                        $"constant '{node.Name}' is declared [{string.Join(",", declared)}] but its weight is [{string.Join(",", weight.Shape)}]");
                return [TfValue.Of(weight)];
            case "Placeholder":
                return [Placeholder(node)];
            case "Identity" or "StopGradient" or "Snapshot" or "NoOp" when inputs.Length == 1:
                return [inputs[0]];
            case "Add" or "AddV2" or "BiasAdd" or "Sub" or "Mul" or "RealDiv" or "Div" or "Maximum" or "Minimum" or "Pow"
                or "FloorDiv" or "FloorMod" or "Equal" or "NotEqual" or "Greater" or "GreaterEqual" or "Less" or "LessEqual" or "LogicalAnd" or "SquaredDifference":
                return [Binary(node, inputs)];
            case "AddN":
                return [Elementwise(node, inputs, "Sum")];
            case "Prelu":
                return [Elementwise(node, inputs, "PRelu")];
            case "Relu" or "Sigmoid" or "Tanh" or "Elu" or "Exp" or "Log" or "Sqrt" or "Neg" or "Abs" or "Floor" or "Ceil" or "Softplus" or "Reciprocal" or "Sign"
                or "Relu6" or "LeakyRelu" or "Rsqrt" or "Square" or "Cast" or "Selu" or "Round" or "LogicalNot":
                return [Unary(node, inputs[0])];
            case "Conv2D" or "_FusedConv2D" or "DepthwiseConv2dNative" or "FusedDepthwiseConv2dNative":
                return [Convolution(node, inputs)];
            case "Conv2DBackpropInput":
                return [TransposedConvolution(node, inputs)];
            case "MaxPool" or "AvgPool":
                return [Pool(node, inputs[0])];
            case "FusedBatchNorm" or "FusedBatchNormV3":
                return [BatchNorm(node, inputs)];
            case "Pad" or "PadV2" or "MirrorPad":
                return [Pad(node, inputs)];
            case "ConcatV2":
                return [Concat(node, inputs)];
            case "Transpose":
                return [Transpose(node, inputs)];
            case "Reshape":
                return [Reshape(node, inputs)];
            case "Squeeze":
                return [Squeeze(node, inputs[0])];
            case "Flatten": // from Keras layers: keep the batch axis, flatten the rest in logical order
                var flat = _out.Op("Flatten", [inputs[0].In(Permutation.Identity(inputs[0].Rank), _out)], node.Name, Attribute("axis", 1L));
                return [TfValue.Dynamic(flat, 2, batchLeading: inputs[0].BatchLeading)];
            case "ExpandDims":
                return [ExpandDims(node, inputs)];
            case "Mean" or "Sum" or "Max" or "Min" or "Prod":
                return [Reduce(node, inputs)];
            case "Softmax" or "LogSoftmax":
                return [Softmax(node, inputs[0])];
            case "MatMul" or "_FusedMatMul":
                return [MatMul(node, inputs)];
            case "ResizeBilinear" or "ResizeNearestNeighbor":
                return [Resize(node, inputs)];
            case "DepthToSpace" or "SpaceToDepth":
                return [DepthToSpace(node, inputs[0])];
            case "StridedSlice":
                return [StridedSlice(node, inputs)];
            case "GatherV2":
                return [Gather(node, inputs)];
            case "TopKV2":
                return TopK(node, inputs);
            case "SplitV" or "Split":
                return Split(node, inputs);
            case "Pack":
                return [Pack(node, inputs)];
            case "Shape":
                var shape = _out.Op("Shape", [inputs[0].In(Permutation.Identity(inputs[0].Rank), _out)], node.Name);
                return [TfValue.Dynamic(shape, 1, isInteger: true)];
            default:
                throw Unsupported(node, "no ONNX translation for this op");
        }
    }

    private TfValue Placeholder(TfNode node)
    {
        var dtype = node.Type("dtype");
        if (dtype is not (null or "DT_FLOAT"))
            throw Unsupported(node, $"graph input of type {dtype}; only float inputs are supported");
        var shape = node.Shape("shape") ?? throw Unsupported(node, "graph input without a known rank");
        var dims = new object[shape.Length];
        for (var i = 0; i < shape.Length; i++)
            dims[i] = i == 0 && _options.FreeBatchAxis && shape[0] is 1 or -1 ? "N" : shape[i] < 0 ? $"{node.Name}_d{i}" : (object)shape[i];
        var batch = shape.Length > 0 && dims[0] is string;
        _batchFree |= batch;
        var name = Fresh(node.Name);
        _out.Input(name, OnnxType.Float, dims);
        _inputNames.Add(name);
        return TfValue.Dynamic(name, shape.Length, batchLeading: batch);
    }

    // ---- element-wise ----

    private TfValue Binary(TfNode node, TfValue[] inputs)
    {
        switch (node.Op)
        {
            case "SquaredDifference":
                var diff = Elementwise(node, inputs, "Sub");
                return Elementwise(node, [diff, diff], "Mul");
            case "FloorDiv":
                if (inputs.Any(i => i.IsInteger || i.Constant is { IsFloat: false }))
                    return Elementwise(node, inputs, "Div"); // non-negative indices: truncation equals floor
                return Unary(node, Elementwise(node, inputs, "Div"), "Floor");
            case "NotEqual":
                return Unary(node, Elementwise(node, inputs, "Equal"), "Not");
        }
        var op = node.Op switch
        {
            "Add" or "AddV2" or "BiasAdd" => "Add",
            "Sub" => "Sub",
            "Mul" => "Mul",
            "RealDiv" or "Div" => "Div",
            "Maximum" => "Max",
            "Minimum" => "Min",
            "Pow" => "Pow",
            "FloorMod" => "Mod",
            "Equal" => "Equal",
            "Greater" => "Greater",
            "GreaterEqual" => "GreaterOrEqual",
            "Less" => "Less",
            "LessEqual" => "LessOrEqual",
            "LogicalAnd" => "And",
            _ => throw Unsupported(node, "unexpected binary op"),
        };
        return Elementwise(node, inputs, op);
    }

    /// <summary>
    /// An op that broadcasts its inputs element by element: it runs in whatever stored order the
    /// first full-rank input already has, with constants permuted to match at conversion time.
    /// </summary>
    private TfValue Elementwise(TfNode node, TfValue[] inputs, string op, params byte[][] attributes)
    {
        var rank = inputs.Max(i => i.Rank);
        var dynamic = inputs.Where(i => i.Constant is null).ToArray();
        int[] perm;
        if (rank < 0 || dynamic.Any(d => d.Rank != rank))
            perm = rank < 0 ? [] : Permutation.Identity(rank);
        else
            perm = dynamic.Length == 0 ? Permutation.Identity(rank) : dynamic[0].PreferredForm();
        var names = inputs.Select(i =>
        {
            if (i.Constant is { } c)
            {
                if (rank <= 0 || c.Rank == 0)
                    return ConstantName(c, node.Name + "/const");
                var padded = c.Rank < rank ? c.Reshape([.. Enumerable.Repeat(1L, rank - c.Rank), .. c.Shape]) : c;
                return ConstantName(Permutation.IsIdentity(perm) ? padded : padded.Transpose(perm), node.Name + "/const");
            }
            return perm.Length == 0 ? i.AnyForm : i.In(perm, _out);
        }).ToArray();
        var output = _out.Op(op, names, node.Name, attributes);
        var isInteger = op is not ("Equal" or "Greater" or "GreaterOrEqual" or "Less" or "LessOrEqual" or "And" or "Not")
            && inputs.Any(i => i.IsInteger || i.Constant is { IsFloat: false });
        var value = TfValue.Dynamic(output, rank, perm, isInteger, inputs.Any(i => i.BatchLeading));
        value.IsBoolean = op is "Equal" or "Greater" or "GreaterOrEqual" or "Less" or "LessOrEqual" or "And" or "Not";
        return value;
    }

    private TfValue Unary(TfNode node, TfValue input, string? onnxOp = null)
    {
        var perm = input.PreferredForm();
        var x = input.Constant is { } c ? ConstantName(c, node.Name + "/const") : input.In(perm, _out);
        if (input.Constant is not null) perm = Permutation.Identity(input.Rank);
        string output;
        var isInteger = input.IsInteger;
        switch (onnxOp ?? node.Op)
        {
            case "Relu6":
                output = _out.Op("Clip", [x, _out.Scalar(0), _out.Scalar(6)], node.Name);
                break;
            case "LeakyRelu":
                output = _out.Op("LeakyRelu", [x], node.Name, Attribute("alpha", node.Float("alpha", 0.2f)));
                break;
            case "Rsqrt":
                output = _out.Op("Reciprocal", [_out.Op("Sqrt", [x], node.Name + "/sqrt")], node.Name);
                break;
            case "Square":
                output = _out.Op("Mul", [x, x], node.Name);
                break;
            case "LogicalNot":
                output = _out.Op("Not", [x], node.Name);
                break;
            case "Cast":
                var target = node.Type("DstT");
                var (type, integer) = target switch
                {
                    "DT_FLOAT" => (OnnxType.Float, false),
                    "DT_INT32" or "DT_INT64" => (OnnxType.Int64, true),
                    "DT_BOOL" => (OnnxType.Bool, false),
                    _ => throw Unsupported(node, $"cast to {target}"),
                };
                output = _out.Op("Cast", [x], node.Name, Attribute("to", (long)type));
                var cast = TfValue.Dynamic(output, input.Rank, perm, integer, input.BatchLeading);
                cast.IsBoolean = type == OnnxType.Bool;
                return cast;
            default:
                output = _out.Op(onnxOp ?? node.Op, [x], node.Name);
                break;
        }
        return TfValue.Dynamic(output, input.Rank, perm, isInteger, input.BatchLeading);
    }

    private string Activation(TfNode node, string x, string activation, TfValue[] inputs, int alphaInput)
    {
        switch (activation)
        {
            case "Relu":
                return _out.Op("Relu", [x], node.Name + "/relu");
            case "Relu6":
                return _out.Op("Clip", [x, _out.Scalar(0), _out.Scalar(6)], node.Name + "/relu6");
            case "Elu":
                return _out.Op("Elu", [x], node.Name + "/elu");
            case "Sigmoid":
                return _out.Op("Sigmoid", [x], node.Name + "/sigmoid");
            case "Tanh":
                return _out.Op("Tanh", [x], node.Name + "/tanh");
            case "LeakyRelu":
                return _out.Op("LeakyRelu", [x], node.Name + "/leakyrelu", Attribute("alpha", node.Float("leakyrelu_alpha", 0.2f)));
            case "Prelu":
                var alpha = ConstantInput(node, inputs, alphaInput, "the PReLU slope");
                // ONNX PRelu broadcasts from the right: a per-channel slope in NCHW needs shape [C,1,1].
                var slope = alpha.Reshape([alpha.Count, 1, 1]);
                return _out.Op("PRelu", [x, ConstantName(slope, node.Name + "/alpha")], node.Name + "/prelu");
            default:
                throw Unsupported(node, $"fused activation '{activation}'");
        }
    }

    // ---- convolutions and pooling ----

    private static int[] LayoutOf(TfNode node) =>
        node.String("data_format", "NHWC") == "NCHW" ? [0, 1, 2, 3] : Permutation.NhwcToNchw;

    /// <summary>Spatial pairs (height, width) of a 4-element NHWC or NCHW attribute.</summary>
    private static long[] Spatial(TfNode node, string attribute, long fallback)
    {
        var values = node.Ints(attribute);
        if (values.Length != 4)
            return [fallback, fallback];
        return node.String("data_format", "NHWC") == "NCHW" ? [values[2], values[3]] : [values[1], values[2]];
    }

    private List<byte[]> PaddingAttributes(TfNode node)
    {
        var padding = node.String("padding", "VALID");
        switch (padding)
        {
            case "SAME":
                return [Attribute("auto_pad", "SAME_UPPER")];
            case "VALID":
                return [Attribute("pads", new long[] { 0, 0, 0, 0 })];
            case "EXPLICIT":
                var p = node.Ints("explicit_paddings");
                if (p.Length != 8)
                    throw Unsupported(node, "explicit padding without 8 values");
                var nchw = node.String("data_format", "NHWC") == "NCHW";
                var (h, w) = nchw ? (2, 3) : (1, 2);
                return [Attribute("pads", new[] { p[2 * h], p[2 * w], p[2 * h + 1], p[2 * w + 1] })];
            default:
                throw Unsupported(node, $"padding '{padding}'");
        }
    }

    private TfValue Convolution(TfNode node, TfValue[] inputs)
    {
        var layout = LayoutOf(node);
        var x = inputs[0].In(layout, _out);
        var filter = ConstantInput(node, inputs, 1, "the filter");
        if (filter.Rank != 4)
            throw Unsupported(node, $"filter of rank {filter.Rank}");
        var depthwise = node.Op.Contains("Depthwise", StringComparison.Ordinal);
        TfTensor weight;
        long group = 1;
        if (depthwise)
        {
            // [H, W, C, M] -> [C*M, 1, H, W]: output channel c*M + m, as TensorFlow orders them.
            var cm = filter.Transpose([2, 3, 0, 1]);
            weight = cm.Reshape([filter.Shape[2] * filter.Shape[3], 1, filter.Shape[0], filter.Shape[1]]);
            group = filter.Shape[2];
        }
        else
        {
            weight = filter.Transpose([3, 2, 0, 1]); // HWIO -> OIHW
        }
        var convInputs = new List<string> { x, ConstantName(weight, node.Name + "/weight") };
        var fused = node.Strings("fused_ops");
        var next = 0;
        if (fused.Length > 0 && fused[0] == "BiasAdd")
        {
            convInputs.Add(ConstantName(ConstantInput(node, inputs, 2, "the bias"), node.Name + "/bias"));
            next = 1;
        }
        else if (fused.Length > 0)
        {
            throw Unsupported(node, $"fused ops [{string.Join(", ", fused)}] not starting with BiasAdd");
        }
        var attributes = PaddingAttributes(node);
        attributes.Add(Attribute("strides", Spatial(node, "strides", 1)));
        attributes.Add(Attribute("dilations", Spatial(node, "dilations", 1)));
        attributes.Add(Attribute("kernel_shape", new[] { filter.Shape[0], filter.Shape[1] }));
        attributes.Add(Attribute("group", group));
        var output = _out.Op("Conv", convInputs, node.Name, [.. attributes]);
        for (var i = next; i < fused.Length; i++)
            output = Activation(node, output, fused[i], inputs, 2 + next);
        return TfValue.Dynamic(output, 4, layout, batchLeading: inputs[0].BatchLeading);
    }

    private TfValue TransposedConvolution(TfNode node, TfValue[] inputs)
    {
        var layout = LayoutOf(node);
        var outputShape = ConstantInput(node, inputs, 0, "the output shape").AsIntegers();
        var filter = ConstantInput(node, inputs, 1, "the filter"); // [H, W, out, in]
        var x = inputs[2].In(layout, _out);
        var stride = Spatial(node, "strides", 1);
        var kernel = new[] { filter.Shape[0], filter.Shape[1] };
        var nchw = node.String("data_format", "NHWC") == "NCHW";
        var size = nchw ? new[] { outputShape[2], outputShape[3] } : new[] { outputShape[1], outputShape[2] };
        // With SAME padding TensorFlow's output is input*stride, so the padding it cut is kernel-stride,
        // split like a forward convolution: the smaller half first. Slice the full result to match.
        var padding = node.String("padding", "VALID");
        if (padding is not ("SAME" or "VALID"))
            throw Unsupported(node, $"padding '{padding}'");
        var begin = padding == "SAME" ? kernel.Zip(stride, (k, s) => Math.Max(0, k - s) / 2).ToArray() : [0L, 0L];
        var full = _out.Op("ConvTranspose", [x, ConstantName(filter.Transpose([3, 2, 0, 1]), node.Name + "/weight")], node.Name + "/full",
            Attribute("strides", stride), Attribute("kernel_shape", kernel), Attribute("pads", new long[] { 0, 0, 0, 0 }));
        var output = _out.Op("Slice", [full, _out.Int64s(begin), _out.Int64s(begin[0] + size[0], begin[1] + size[1]), _out.Int64s(2, 3)], node.Name);
        return TfValue.Dynamic(output, 4, layout, batchLeading: inputs[2].BatchLeading);
    }

    private TfValue Pool(TfNode node, TfValue input)
    {
        var layout = LayoutOf(node);
        var attributes = PaddingAttributes(node);
        attributes.Add(Attribute("kernel_shape", Spatial(node, "ksize", 1)));
        attributes.Add(Attribute("strides", Spatial(node, "strides", 1)));
        var op = node.Op == "MaxPool" ? "MaxPool" : "AveragePool";
        var output = _out.Op(op, [input.In(layout, _out)], node.Name, [.. attributes]);
        return TfValue.Dynamic(output, 4, layout, batchLeading: input.BatchLeading);
    }

    private TfValue BatchNorm(TfNode node, TfValue[] inputs)
    {
        var layout = LayoutOf(node);
        var names = Enumerable.Range(1, 4).Select(i => ConstantName(ConstantInput(node, inputs, i, "batch-norm parameters"), node.Name + "/bn")).ToList();
        var output = _out.Op("BatchNormalization", [inputs[0].In(layout, _out), .. names], node.Name, Attribute("epsilon", node.Float("epsilon", 1e-3f)));
        return TfValue.Dynamic(output, 4, layout, batchLeading: inputs[0].BatchLeading);
    }

    // ---- layout-free ops that follow the stored order ----

    private TfValue Pad(TfNode node, TfValue[] inputs)
    {
        var input = inputs[0];
        var paddings = ConstantInput(node, inputs, 1, "the paddings").AsIntegers();
        var rank = paddings.Length / 2;
        var perm = input.Rank == rank ? input.PreferredForm() : Permutation.Identity(rank);
        var pads = perm.Select(p => paddings[2 * p]).Concat(perm.Select(p => paddings[2 * p + 1])).ToArray();
        var args = new List<string> { input.Constant is { } c ? ConstantName(c.Transpose(perm), node.Name + "/const") : input.In(perm, _out), _out.Int64s(pads) };
        var attributes = new List<byte[]>();
        if (node.Op == "PadV2")
            args.Add(ConstantName(ConstantInput(node, inputs, 2, "the pad value").Reshape([]), node.Name + "/value"));
        if (node.Op == "MirrorPad")
        {
            var mode = node.String("mode", "REFLECT");
            if (mode != "REFLECT")
                throw Unsupported(node, $"mirror mode {mode}");
            attributes.Add(Attribute("mode", "reflect"));
        }
        var output = _out.Op("Pad", args, node.Name, [.. attributes]);
        return TfValue.Dynamic(output, rank, perm, input.IsInteger, input.BatchLeading);
    }

    private TfValue Concat(TfNode node, TfValue[] inputs)
    {
        var parts = inputs[..^1];
        var rank = parts.Max(p => p.Rank);
        var axis = (int)ConstantInput(node, inputs, inputs.Length - 1, "the axis").AsIntegers()[0];
        if (axis < 0) axis += rank;
        var dynamic = parts.FirstOrDefault(p => p.Constant is null);
        var perm = dynamic is not null && parts.All(p => p.Rank == rank) ? dynamic.PreferredForm() : Permutation.Identity(rank);
        var names = parts.Select(p => p.Constant is { } c ? ConstantName(c.Transpose(perm), node.Name + "/const") : p.In(perm, _out)).ToArray();
        var output = _out.Op("Concat", names, node.Name, Attribute("axis", (long)Array.IndexOf(perm, axis)));
        return TfValue.Dynamic(output, rank, perm, parts.Any(p => p.IsInteger), parts.Any(p => p.BatchLeading) && axis != 0);
    }

    private TfValue Transpose(TfNode node, TfValue[] inputs)
    {
        var perm = ConstantInput(node, inputs, 1, "the permutation").AsIntegers().Select(p => (int)p).ToArray();
        var input = inputs[0];
        if (input.Rank != perm.Length)
            throw Unsupported(node, $"permutation of {perm.Length} axes for a value of rank {input.Rank}");
        var result = TfValue.Dynamic(null, perm.Length, isInteger: input.IsInteger, batchLeading: input.BatchLeading && perm[0] == 0);
        foreach (var (stored, name) in input.Forms)
            result.AddForm(Permutation.AfterTranspose(stored, perm), name);
        return result;
    }

    private TfValue Reshape(TfNode node, TfValue[] inputs)
    {
        var shape = ConstantInput(node, inputs, 1, "the target shape").AsIntegers();
        var input = inputs[0];
        var target = (long[])shape.Clone();
        var batch = false;
        // A graph exported for batch 1 hard-codes that 1; reading it from the input keeps batches working.
        if (_batchFree && input.BatchLeading && target.Length > 0 && target[0] == 1)
        {
            target[0] = 0;
            batch = true;
        }
        else if (target.Length > 0 && target[0] == -1 && input.BatchLeading)
        {
            batch = true;
        }
        else if (input.BatchLeading)
        {
            _batchBlocked = true;
        }
        var output = _out.Op("Reshape", [input.In(Permutation.Identity(input.Rank), _out), _out.Int64s(target)], node.Name);
        return TfValue.Dynamic(output, target.Length, isInteger: input.IsInteger, batchLeading: batch);
    }

    private TfValue Squeeze(TfNode node, TfValue input)
    {
        var axes = node.Ints("squeeze_dims");
        if (axes.Length == 0)
            throw Unsupported(node, "squeeze without explicit axes");
        var normal = axes.Select(a => a < 0 ? a + input.Rank : a).ToArray();
        var output = _out.Op("Squeeze", [input.In(Permutation.Identity(input.Rank), _out), _out.Int64s(normal)], node.Name);
        return TfValue.Dynamic(output, input.Rank - axes.Length, isInteger: input.IsInteger, batchLeading: input.BatchLeading && !normal.Contains(0));
    }

    private TfValue ExpandDims(TfNode node, TfValue[] inputs)
    {
        var input = inputs[0];
        var axis = ConstantInput(node, inputs, 1, "the axis").AsIntegers()[0];
        if (axis < 0) axis += input.Rank + 1;
        var output = _out.Op("Unsqueeze", [input.In(Permutation.Identity(input.Rank), _out), _out.Int64s(axis)], node.Name);
        return TfValue.Dynamic(output, input.Rank + 1, isInteger: input.IsInteger, batchLeading: input.BatchLeading && axis != 0);
    }

    private TfValue Reduce(TfNode node, TfValue[] inputs)
    {
        var input = inputs[0];
        var axes = ConstantInput(node, inputs, 1, "the axes").AsIntegers().Select(a => (int)(a < 0 ? a + input.Rank : a)).Distinct().ToArray();
        var keep = node.Bool("keep_dims");
        var perm = input.PreferredForm();
        var storedAxes = axes.Select(a => (long)Array.IndexOf(perm, a)).Order().ToArray();
        var op = node.Op switch { "Mean" => "ReduceMean", "Sum" => "ReduceSum", "Max" => "ReduceMax", "Min" => "ReduceMin", _ => "ReduceProd" };
        var output = _out.Op(op, [input.In(perm, _out), _out.Int64s(storedAxes)], node.Name, Attribute("keepdims", keep ? 1L : 0L));
        var outPerm = keep ? perm : Permutation.WithoutAxes(perm, axes);
        return TfValue.Dynamic(output, outPerm.Length, outPerm, input.IsInteger, input.BatchLeading && !axes.Contains(0));
    }

    private TfValue Softmax(TfNode node, TfValue input)
    {
        var perm = input.PreferredForm();
        var axis = Array.IndexOf(perm, input.Rank - 1);
        var output = _out.Op(node.Op, [input.In(perm, _out)], node.Name, Attribute("axis", (long)axis));
        return TfValue.Dynamic(output, input.Rank, perm, batchLeading: input.BatchLeading);
    }

    private TfValue MatMul(TfNode node, TfValue[] inputs)
    {
        if (inputs[0].Rank != 2 || inputs[1].Rank != 2)
            throw Unsupported(node, "only 2-D matrix products are supported");
        var a = inputs[0].Constant is { } ca ? ConstantName(ca, node.Name + "/a") : inputs[0].In([0, 1], _out);
        var b = inputs[1].Constant is { } cb ? ConstantName(cb, node.Name + "/b") : inputs[1].In([0, 1], _out);
        var fused = node.Strings("fused_ops");
        var args = new List<string> { a, b };
        var next = 0;
        if (fused.Length > 0 && fused[0] == "BiasAdd")
        {
            args.Add(ConstantName(ConstantInput(node, inputs, 2, "the bias"), node.Name + "/bias"));
            next = 1;
        }
        else if (fused.Length > 0)
        {
            throw Unsupported(node, $"fused ops [{string.Join(", ", fused)}] not starting with BiasAdd");
        }
        var output = _out.Op("Gemm", args, node.Name,
            Attribute("transA", node.Bool("transpose_a") ? 1L : 0L), Attribute("transB", node.Bool("transpose_b") ? 1L : 0L));
        for (var i = next; i < fused.Length; i++)
            output = Activation(node, output, fused[i], inputs, 2 + next);
        return TfValue.Dynamic(output, 2, batchLeading: inputs[0].BatchLeading);
    }

    private TfValue Resize(TfNode node, TfValue[] inputs)
    {
        var size = ConstantInput(node, inputs, 1, "the size").AsIntegers();
        var alignCorners = node.Bool("align_corners");
        var halfPixel = node.Bool("half_pixel_centers");
        var bilinear = node.Op == "ResizeBilinear";
        var attributes = new List<byte[]> { Attribute("axes", new long[] { 2, 3 }) };
        if (bilinear)
        {
            attributes.Add(Attribute("mode", "linear"));
            attributes.Add(Attribute("coordinate_transformation_mode", alignCorners ? "align_corners" : halfPixel ? "half_pixel" : "asymmetric"));
        }
        else
        {
            attributes.Add(Attribute("mode", "nearest"));
            attributes.Add(Attribute("coordinate_transformation_mode", alignCorners ? "align_corners" : halfPixel ? "tf_half_pixel_for_nn" : "asymmetric"));
            attributes.Add(Attribute("nearest_mode", alignCorners ? "round_prefer_ceil" : "floor"));
        }
        var output = _out.Op("Resize", [inputs[0].In(Permutation.NhwcToNchw, _out), "", "", _out.Int64s(size)], node.Name, [.. attributes]);
        return TfValue.Dynamic(output, 4, Permutation.NhwcToNchw, batchLeading: inputs[0].BatchLeading);
    }

    private TfValue DepthToSpace(TfNode node, TfValue input)
    {
        var layout = LayoutOf(node);
        var attributes = new List<byte[]> { Attribute("blocksize", node.Int("block_size", 2)) };
        if (node.Op == "DepthToSpace")
            attributes.Add(Attribute("mode", "DCR"));
        var output = _out.Op(node.Op, [input.In(layout, _out)], node.Name, [.. attributes]);
        return TfValue.Dynamic(output, 4, layout, batchLeading: input.BatchLeading);
    }

    private TfValue StridedSlice(TfNode node, TfValue[] inputs)
    {
        var input = inputs[0];
        var begin = ConstantInput(node, inputs, 1, "begin").AsIntegers();
        var end = ConstantInput(node, inputs, 2, "end").AsIntegers();
        var strides = ConstantInput(node, inputs, 3, "strides").AsIntegers();
        if (node.Int("ellipsis_mask", 0) != 0 || node.Int("new_axis_mask", 0) != 0)
            throw Unsupported(node, "ellipsis or new-axis masks");
        var beginMask = node.Int("begin_mask", 0);
        var endMask = node.Int("end_mask", 0);
        var shrinkMask = node.Int("shrink_axis_mask", 0);
        var starts = new long[begin.Length];
        var ends = new long[begin.Length];
        var shrink = new List<long>();
        for (var i = 0; i < begin.Length; i++)
        {
            var negative = strides[i] < 0;
            starts[i] = (beginMask >> i & 1) != 0 ? (negative ? long.MaxValue : 0) : begin[i];
            ends[i] = (endMask >> i & 1) != 0 ? (negative ? long.MinValue : long.MaxValue) : end[i];
            if ((shrinkMask >> i & 1) != 0)
            {
                starts[i] = begin[i];
                ends[i] = begin[i] == -1 ? long.MaxValue : begin[i] + 1;
                strides[i] = 1;
                shrink.Add(i);
            }
        }
        var x = input.Constant is { } c ? ConstantName(c, node.Name + "/const") : input.In(Permutation.Identity(input.Rank), _out);
        var output = _out.Op("Slice", [x, _out.Int64s(starts), _out.Int64s(ends), _out.Int64s(Enumerable.Range(0, begin.Length).Select(i => (long)i).ToArray()), _out.Int64s(strides)], node.Name);
        if (shrink.Count > 0)
            output = _out.Op("Squeeze", [output, _out.Int64s([.. shrink])], node.Name + "/shrink");
        return TfValue.Dynamic(output, input.Rank - shrink.Count, isInteger: input.IsInteger || input.Constant is { IsFloat: false },
            batchLeading: input.BatchLeading && !shrink.Contains(0) && (beginMask & 1) != 0 && (endMask & 1) != 0);
    }

    private TfValue Gather(TfNode node, TfValue[] inputs)
    {
        if (node.Int("batch_dims", 0) != 0)
            throw Unsupported(node, "batch_dims other than 0");
        var data = inputs[0];
        var indices = inputs[1];
        var axis = ConstantInput(node, inputs, 2, "the axis").AsIntegers()[0];
        var x = data.Constant is { } c ? ConstantName(c, node.Name + "/data") : data.In(Permutation.Identity(data.Rank), _out);
        var i = indices.Constant is { } ci ? ConstantName(TfTensor.Integer(ci.Shape, ci.AsIntegers()), node.Name + "/indices") : indices.In(Permutation.Identity(indices.Rank), _out);
        var output = _out.Op("Gather", [x, i], node.Name, Attribute("axis", axis));
        return TfValue.Dynamic(output, data.Rank - 1 + indices.Rank, isInteger: data.IsInteger || data.Constant is { IsFloat: false },
            batchLeading: data.BatchLeading && axis != 0);
    }

    private TfValue[] TopK(TfNode node, TfValue[] inputs)
    {
        var input = inputs[0];
        var k = ConstantInput(node, inputs, 1, "k").AsIntegers()[0];
        var outputs = _out.Ops("TopK", [input.In(Permutation.Identity(input.Rank), _out), _out.Int64s(k)], node.Name, 2,
            Attribute("axis", -1L), Attribute("largest", 1L), Attribute("sorted", 1L));
        return [TfValue.Dynamic(outputs[0], input.Rank, batchLeading: input.BatchLeading), TfValue.Dynamic(outputs[1], input.Rank, isInteger: true, batchLeading: input.BatchLeading)];
    }

    private TfValue[] Split(TfNode node, TfValue[] inputs)
    {
        var splitV = node.Op == "SplitV";
        var input = splitV ? inputs[0] : inputs[1];
        var axis = ConstantInput(node, inputs, splitV ? 2 : 0, "the axis").AsIntegers()[0];
        if (axis < 0) axis += input.Rank;
        var count = (int)node.Int("num_split", 1);
        var perm = input.PreferredForm();
        var storedAxis = Array.IndexOf(perm, (int)axis);
        var args = new List<string> { input.In(perm, _out) };
        var attributes = new List<byte[]> { Attribute("axis", (long)storedAxis) };
        if (splitV)
        {
            var sizes = ConstantInput(node, inputs, 1, "the split sizes").AsIntegers();
            if (sizes.Any(s => s < 0))
                throw Unsupported(node, "split sizes with -1");
            args.Add(_out.Int64s(sizes));
            count = sizes.Length;
        }
        else
        {
            attributes.Add(Attribute("num_outputs", (long)count));
        }
        var outputs = _out.Ops("Split", args, node.Name, count, [.. attributes]);
        return outputs.Select(o => TfValue.Dynamic(o, input.Rank, perm, input.IsInteger, input.BatchLeading && axis != 0)).ToArray();
    }

    private TfValue Pack(TfNode node, TfValue[] inputs)
    {
        var axis = node.Int("axis", 0);
        var rank = inputs[0].Rank + 1;
        if (axis < 0) axis += rank;
        var parts = inputs.Select(i =>
        {
            var x = i.Constant is { } c ? ConstantName(c, node.Name + "/const") : i.In(Permutation.Identity(i.Rank), _out);
            return _out.Op("Unsqueeze", [x, _out.Int64s(axis)], node.Name + "/unsqueeze");
        }).ToArray();
        var output = _out.Op("Concat", parts, node.Name, Attribute("axis", axis));
        return TfValue.Dynamic(output, rank, isInteger: inputs.Any(i => i.IsInteger || i.Constant is { IsFloat: false }));
    }
}
