using System.Globalization;
using System.Text.Json;

namespace Sightline.Models.Import;

/// <summary>
/// Rewrites a TensorFlow.js layers model (Keras topology) as the equivalent TensorFlow graph: each layer
/// becomes the ops TensorFlow.js runs for it, with weights named as in the manifest, so the one graph
/// converter handles both formats. Channels-last layers only.
/// </summary>
internal sealed class KerasLayersTranslator
{
    private readonly List<TfNode> _nodes = [];
    private readonly Dictionary<string, TfTensor> _constants = new(StringComparer.Ordinal);
    private readonly HashSet<string> _weightNames;
    private readonly string _source;

    private KerasLayersTranslator(IReadOnlyList<TfWeightGroup> groups, string source)
    {
        var specs = groups.SelectMany(g => g.Weights).ToList();
        _weightNames = specs.Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var spec in specs)
            _weightShapes[spec.Name] = spec.Shape.Length > 0 ? spec.Shape[^1] : 1;
        _source = source;
    }

    public static TfjsModelFile Translate(JsonElement root, IReadOnlyList<TfWeightGroup> groups, string source)
    {
        var topology = root.GetProperty("modelTopology");
        var modelConfig = topology.TryGetProperty("model_config", out var mc) ? mc : topology;
        var className = modelConfig.GetProperty("class_name").GetString();
        var config = modelConfig.GetProperty("config");
        var translator = new KerasLayersTranslator(groups, source);
        var outputs = className == "Sequential" ? translator.Sequential(config) : translator.Functional(config);
        return new TfjsModelFile("layers-model",
            root.TryGetProperty("generatedBy", out var g) ? g.GetString() : null,
            root.TryGetProperty("convertedBy", out var c) ? c.GetString() : null,
            translator._nodes, groups, outputs, translator._constants);
    }

    private string[] Functional(JsonElement config)
    {
        foreach (var layer in config.GetProperty("layers").EnumerateArray())
        {
            var inbound = layer.GetProperty("inbound_nodes");
            if (inbound.GetArrayLength() > 1)
                throw Unsupported(layer, "a layer used more than once (shared layers)");
            var inputs = inbound.GetArrayLength() == 0 ? [] : inbound[0].EnumerateArray().Select(i => i[0].RequiredString()).ToArray();
            Layer(layer, inputs);
        }
        return config.GetProperty("output_layers").EnumerateArray().Select(o => o[0].RequiredString()).ToArray();
    }

    private string[] Sequential(JsonElement config)
    {
        var layers = config.ValueKind == JsonValueKind.Array ? config : config.GetProperty("layers");
        string? previous = null;
        foreach (var layer in layers.EnumerateArray())
        {
            var cfg = layer.GetProperty("config");
            if (previous is null && layer.GetProperty("class_name").GetString() != "InputLayer")
            {
                previous = "input";
                AddPlaceholder(previous, cfg.GetProperty("batch_input_shape"));
            }
            previous = Layer(layer, previous is null ? [] : [previous]);
        }
        return [previous ?? throw new TfjsImportException(TfjsImportErrorKind.BadModelFile, $"{_source}: a Sequential model without layers")];
    }

    private string Layer(JsonElement layer, string[] inputs)
    {
        var name = layer.GetProperty("config").GetProperty("name").RequiredString();
        var cfg = layer.GetProperty("config");
        var kind = layer.GetProperty("class_name").RequiredString();
        if (cfg.TryGetProperty("data_format", out var format) && format.GetString() is "channels_first")
            throw Unsupported(layer, "channels_first data");
        switch (kind)
        {
            case "InputLayer":
                AddPlaceholder(name, cfg.GetProperty("batch_input_shape"));
                return name;
            case "ZeroPadding2D":
            {
                var (top, bottom, left, right) = Padding(cfg.GetProperty("padding"));
                var paddings = Constant(name + "/paddings", TfTensor.Integer([4, 2], [0, 0, top, bottom, left, right, 0, 0], TfDataType.Int32));
                return Node("Pad", name, [inputs[0], paddings]);
            }
            case "Conv2D" or "DepthwiseConv2D":
            {
                var depthwise = kind == "DepthwiseConv2D";
                var kernel = Weight(layer, depthwise ? "depthwise_kernel" : "kernel");
                var strides = Pair(cfg.GetProperty("strides"));
                var dilation = cfg.TryGetProperty("dilation_rate", out var d) ? Pair(d) : (1, 1);
                var conv = Node(depthwise ? "DepthwiseConv2dNative" : "Conv2D", name + "/~conv", [inputs[0], kernel],
                    ("strides", Ints(1, strides.Item1, strides.Item2, 1)), ("dilations", Ints(1, dilation.Item1, dilation.Item2, 1)),
                    ("padding", Str(cfg.GetProperty("padding").RequiredString().ToUpperInvariant())), ("data_format", Str("NHWC")));
                if (cfg.TryGetProperty("use_bias", out var useBias) && useBias.GetBoolean())
                    conv = Node("BiasAdd", name + "/~bias_add", [conv, Weight(layer, "bias")]);
                return Activation(layer, conv, name);
            }
            case "BatchNormalization":
            {
                var axis = cfg.TryGetProperty("axis", out var a) ? (a.ValueKind == JsonValueKind.Array ? a[0].GetInt32() : a.GetInt32()) : -1;
                if (axis is not (-1 or 3))
                    throw Unsupported(layer, $"normalisation over axis {axis}");
                var mean = Weight(layer, "moving_mean");
                var channels = ChannelsOf(mean);
                var gamma = cfg.GetProperty("scale").GetBoolean() ? Weight(layer, "gamma") : Constant(name + "/ones", TfTensor.Float([channels], Enumerable.Repeat(1f, (int)channels).ToArray()));
                var beta = cfg.GetProperty("center").GetBoolean() ? Weight(layer, "beta") : Constant(name + "/zeros", TfTensor.Float([channels], new float[channels]));
                return Node("FusedBatchNormV3", name, [inputs[0], gamma, beta, mean, Weight(layer, "moving_variance")],
                    ("epsilon", Float(cfg.GetProperty("epsilon").GetSingle())), ("data_format", Str("NHWC")));
            }
            case "ReLU":
            {
                var max = cfg.TryGetProperty("max_value", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetDouble() : (double?)null;
                var slope = cfg.TryGetProperty("negative_slope", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : 0;
                var threshold = cfg.TryGetProperty("threshold", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : 0;
                if (threshold != 0 || (max is not null && max != 6) || (slope != 0 && max is not null))
                    throw Unsupported(layer, "ReLU settings other than plain, capped at 6, or leaky");
                return slope != 0 ? Node("LeakyRelu", name, [inputs[0]], ("alpha", Float((float)slope)))
                    : Node(max is null ? "Relu" : "Relu6", name, [inputs[0]]);
            }
            case "Activation":
                return Activation(layer, inputs[0], name, required: true);
            case "Add":
                return Node("AddN", name, inputs);
            case "Multiply":
                return inputs.Skip(1).Aggregate(inputs[0], (acc, next) => Node("Mul", $"{name}/{next}", [acc, next]));
            case "Concatenate":
            {
                var axis = cfg.TryGetProperty("axis", out var a) ? a.GetInt32() : -1;
                return Node("ConcatV2", name, [.. inputs, Constant(name + "/axis", TfTensor.Integer([], [axis], TfDataType.Int32))]);
            }
            case "AveragePooling2D" or "MaxPooling2D":
            {
                var size = Pair(cfg.GetProperty("pool_size"));
                var strides = cfg.TryGetProperty("strides", out var st) && st.ValueKind != JsonValueKind.Null ? Pair(st) : size;
                return Node(kind == "MaxPooling2D" ? "MaxPool" : "AvgPool", name, [inputs[0]],
                    ("ksize", Ints(1, size.Item1, size.Item2, 1)), ("strides", Ints(1, strides.Item1, strides.Item2, 1)),
                    ("padding", Str(cfg.GetProperty("padding").RequiredString().ToUpperInvariant())), ("data_format", Str("NHWC")));
            }
            case "GlobalAveragePooling2D" or "GlobalMaxPooling2D":
                return Node(kind == "GlobalMaxPooling2D" ? "Max" : "Mean", name,
                    [inputs[0], Constant(name + "/axes", TfTensor.Integer([2], [1, 2], TfDataType.Int32))], ("keep_dims", Bool(false)));
            case "Flatten":
                return Node("Flatten", name, [inputs[0]]);
            case "Reshape":
            {
                var target = cfg.GetProperty("target_shape").EnumerateArray().Select(v => v.GetInt64()).Prepend(-1).ToArray();
                return Node("Reshape", name, [inputs[0], Constant(name + "/shape", TfTensor.Integer([target.Length], target, TfDataType.Int32))]);
            }
            case "Dense":
            {
                var product = Node("MatMul", name + "/~matmul", [inputs[0], Weight(layer, "kernel")]);
                if (cfg.TryGetProperty("use_bias", out var useBias) && useBias.GetBoolean())
                    product = Node("BiasAdd", name + "/~bias_add", [product, Weight(layer, "bias")]);
                return Activation(layer, product, name);
            }
            case "Dropout" or "SpatialDropout2D" or "GaussianNoise" or "ActivityRegularization":
                return Node("Identity", name, [inputs[0]]);
            default:
                throw Unsupported(layer, "no translation for this layer class");
        }
    }

    private string Activation(JsonElement layer, string input, string name, bool required = false)
    {
        var activation = layer.GetProperty("config").TryGetProperty("activation", out var a) ? a.GetString() : null;
        var op = activation switch
        {
            null or "linear" => null,
            "relu" => "Relu",
            "relu6" => "Relu6",
            "sigmoid" => "Sigmoid",
            "tanh" => "Tanh",
            "softmax" => "Softmax",
            "elu" => "Elu",
            "selu" => "Selu",
            "softplus" => "Softplus",
            _ => throw Unsupported(layer, $"activation '{activation}'"),
        };
        if (op is null)
            return required ? Node("Identity", name, [input]) : Rename(input, name);
        return Node(op, name, [input]);
    }

    // The layer's name must name its output tensor, as later layers refer to it.
    private string Rename(string tensor, string name) => tensor == name ? name : Node("Identity", name, [tensor]);

    private void AddPlaceholder(string name, JsonElement batchShape)
    {
        var dims = batchShape.EnumerateArray().Select(d => d.ValueKind == JsonValueKind.Null ? -1L : d.GetInt64()).ToArray();
        var shape = JsonSerializer.SerializeToElement(new { shape = new { dim = dims.Select(d => new { size = d.ToString(CultureInfo.InvariantCulture) }) } });
        _nodes.Add(new TfNode(name, "Placeholder", [], new Dictionary<string, JsonElement> { ["shape"] = shape, ["dtype"] = JsonSerializer.SerializeToElement(new { type = "DT_FLOAT" }) }));
    }

    private string Weight(JsonElement layer, string parameter)
    {
        var layerName = layer.GetProperty("config").GetProperty("name").RequiredString();
        var exact = $"{layerName}/{parameter}";
        var name = _weightNames.Contains(exact) ? exact : _weightNames.FirstOrDefault(w => w.EndsWith("/" + exact, StringComparison.Ordinal))
            ?? throw new TfjsImportException(TfjsImportErrorKind.BadWeights, $"{_source}: layer '{layerName}' needs weight '{exact}', which the manifest does not list");
        if (!_nodes.Any(n => n.Name == name))
            _nodes.Add(new TfNode(name, "Const", [], new Dictionary<string, JsonElement>()));
        return name;
    }

    private long ChannelsOf(string weight) => _weightShapes.TryGetValue(weight, out var shape) ? shape : 0;

    private readonly Dictionary<string, long> _weightShapes = new(StringComparer.Ordinal);

    private string Constant(string name, TfTensor value)
    {
        _constants[name] = value;
        _nodes.Add(new TfNode(name, "Const", [], new Dictionary<string, JsonElement>()));
        return name;
    }

    private string Node(string op, string name, string[] inputs, params (string Key, JsonElement Value)[] attributes)
    {
        _nodes.Add(new TfNode(name, op, inputs, attributes.ToDictionary(a => a.Key, a => a.Value)));
        return name;
    }

    private static JsonElement Ints(params long[] values) =>
        JsonSerializer.SerializeToElement(new { list = new { i = values.Select(v => v.ToString(CultureInfo.InvariantCulture)) } });

    private static JsonElement Str(string value) => JsonSerializer.SerializeToElement(new { s = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(value)) });

    private static JsonElement Float(float value) => JsonSerializer.SerializeToElement(new { f = value });

    private static JsonElement Bool(bool value) => JsonSerializer.SerializeToElement(new { b = value });

    private static (long, long) Pair(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? (e[0].GetInt64(), e[1].GetInt64()) : (e.GetInt64(), e.GetInt64());

    private static (long Top, long Bottom, long Left, long Right) Padding(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Number)
            return (e.GetInt64(), e.GetInt64(), e.GetInt64(), e.GetInt64());
        var (h, w) = (e[0], e[1]);
        return h.ValueKind == JsonValueKind.Array
            ? (h[0].GetInt64(), h[1].GetInt64(), w[0].GetInt64(), w[1].GetInt64())
            : (h.GetInt64(), h.GetInt64(), w.GetInt64(), w.GetInt64());
    }

    private TfjsImportException Unsupported(JsonElement layer, string why) =>
        new(TfjsImportErrorKind.UnsupportedOp,
            $"{_source}: layer '{layer.GetProperty("config").GetProperty("name").GetString()}' ({layer.GetProperty("class_name").GetString()}): {why}");
}
