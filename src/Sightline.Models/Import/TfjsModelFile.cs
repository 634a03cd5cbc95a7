using System.Text;
using System.Text.Json;

namespace Sightline.Models.Import;

/// <summary>One node of a TensorFlow GraphDef as TensorFlow.js stores it in model.json.</summary>
public sealed record TfNode(string Name, string Op, IReadOnlyList<string> Inputs, IReadOnlyDictionary<string, JsonElement> Attributes)
{
    public bool Has(string attribute) => Attributes.ContainsKey(attribute);

    public long Int(string attribute, long fallback) =>
        Attributes.TryGetValue(attribute, out var a) && a.TryGetProperty("i", out var i) ? ParseLong(i) : fallback;

    public float Float(string attribute, float fallback) =>
        Attributes.TryGetValue(attribute, out var a) && a.TryGetProperty("f", out var f) ? f.GetSingle() : fallback;

    public bool Bool(string attribute, bool fallback = false) =>
        Attributes.TryGetValue(attribute, out var a) && a.TryGetProperty("b", out var b) ? b.GetBoolean() : fallback;

    public string String(string attribute, string fallback) =>
        Attributes.TryGetValue(attribute, out var a) && a.TryGetProperty("s", out var s)
            ? Encoding.UTF8.GetString(Convert.FromBase64String(s.GetString() ?? "")) : fallback;

    public string? Type(string attribute) =>
        Attributes.TryGetValue(attribute, out var a) && a.TryGetProperty("type", out var t) ? t.GetString() : null;

    public long[] Ints(string attribute) =>
        Attributes.TryGetValue(attribute, out var a) && a.TryGetProperty("list", out var l) && l.TryGetProperty("i", out var i)
            ? i.EnumerateArray().Select(ParseLong).ToArray() : [];

    public string[] Strings(string attribute) =>
        Attributes.TryGetValue(attribute, out var a) && a.TryGetProperty("list", out var l) && l.TryGetProperty("s", out var s)
            ? s.EnumerateArray().Select(e => Encoding.UTF8.GetString(Convert.FromBase64String(e.GetString() ?? ""))).ToArray() : [];

    /// <summary>The dimensions of a shape attribute ("shape" on Placeholder); -1 for unknown.</summary>
    public long[]? Shape(string attribute)
    {
        if (!Attributes.TryGetValue(attribute, out var a) || !a.TryGetProperty("shape", out var shape))
            return null;
        if (shape.TryGetProperty("unknownRank", out var unknown) && unknown.GetBoolean())
            return null;
        return shape.TryGetProperty("dim", out var dims)
            ? dims.EnumerateArray().Select(d => d.TryGetProperty("size", out var s) ? ParseLong(s) : 0).ToArray()
            : [];
    }

    // Protobuf JSON writes 64-bit integers as strings.
    private static long ParseLong(JsonElement e) => e.ValueKind == JsonValueKind.String ? long.Parse(e.RequiredString(), System.Globalization.CultureInfo.InvariantCulture) : e.GetInt64();
}

/// <summary>How a weight is quantised in the shards: value = q * Scale + Min, or IEEE half floats.</summary>
// JavaScript reads scale and min as doubles and dequantises in double precision, so do we.
public sealed record TfQuantization(string Dtype, double Scale, double Min);

public sealed record TfWeightSpec(string Name, long[] Shape, string Dtype, TfQuantization? Quantization);

public sealed record TfWeightGroup(IReadOnlyList<string> Paths, IReadOnlyList<TfWeightSpec> Weights);

/// <summary>
/// A parsed TensorFlow.js model.json as a TensorFlow graph. Layers models arrive translated into graph
/// nodes; <see cref="InlineConstants"/> holds the constants that translation adds (paddings, axes).
/// </summary>
public sealed record TfjsModelFile(
    string Format,
    string? GeneratedBy,
    string? ConvertedBy,
    IReadOnlyList<TfNode> Nodes,
    IReadOnlyList<TfWeightGroup> WeightGroups,
    IReadOnlyList<string> OutputNames,
    IReadOnlyDictionary<string, TfTensor>? InlineConstants = null)
{
    /// <summary>True when the graph mixes batch items in its arithmetic, so its batch axis must stay 1.</summary>
    public bool KeepBatchOne { get; init; }

    public static TfjsModelFile Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new TfjsImportException(TfjsImportErrorKind.BadModelFile, $"{source}: not JSON ({e.Message})", e);
        }
        using (document)
        {
            try
            {
                return Read(document.RootElement.Clone(), source);
            }
            // The walk below takes the fields it needs as it finds them: a missing one or one of the wrong JSON kind
            // (a number where an object belongs), or a key given twice, surfaces here, as what it is: a model file this
            // importer cannot read.
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
            {
                throw new TfjsImportException(TfjsImportErrorKind.BadModelFile,
                    $"{source}: not a TensorFlow.js model this importer reads (a field is missing or of the wrong kind: {e.Message})", e);
            }
        }
    }

    private static TfjsModelFile Read(JsonElement root, string source)
    {
        // face-api: a bare weights manifest (an array of groups); the architecture comes from code.
        if (root.ValueKind == JsonValueKind.Array)
            return FaceApiNetworks.Build(source, root.EnumerateArray().Select(ParseGroup).ToList());
        var format = root.TryGetProperty("format", out var f) ? f.GetString() ?? "" : "graph-model";
        var groups = new List<TfWeightGroup>();
        if (root.TryGetProperty("weightsManifest", out var manifest))
            groups.AddRange(manifest.EnumerateArray().Select(ParseGroup));
        if (root.TryGetProperty("modelTopology", out var keras) && (format == "layers-model" || keras.TryGetProperty("model_config", out _)))
            return KerasLayersTranslator.Translate(root, groups, source);
        if (!root.TryGetProperty("modelTopology", out var topology) || !topology.TryGetProperty("node", out var nodeArray))
            throw new TfjsImportException(TfjsImportErrorKind.BadModelFile, $"{source}: no modelTopology.node: not a TensorFlow.js graph model");
        if (topology.TryGetProperty("library", out var library) && library.TryGetProperty("function", out var functions) && functions.GetArrayLength() > 0)
            throw new TfjsImportException(TfjsImportErrorKind.UnsupportedOp, $"{source}: graph has control-flow functions, which the converter does not handle");

        var nodes = nodeArray.EnumerateArray().Select(n => new TfNode(
            n.GetProperty("name").RequiredString(),
            n.GetProperty("op").RequiredString(),
            n.TryGetProperty("input", out var inputs)
                ? inputs.EnumerateArray().Select(i => i.RequiredString()).Where(i => !i.StartsWith('^')).ToArray()
                : [],
            n.TryGetProperty("attr", out var attrs)
                ? attrs.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone())
                : new Dictionary<string, JsonElement>())).ToList();

        return new TfjsModelFile(format,
            root.TryGetProperty("generatedBy", out var g) ? g.GetString() : null,
            root.TryGetProperty("convertedBy", out var c) ? c.GetString() : null,
            nodes, groups, OutputsOf(root, nodes));
    }

    private static TfWeightGroup ParseGroup(JsonElement group) => new(
        group.GetProperty("paths").EnumerateArray().Select(p => p.RequiredString()).ToArray(),
        group.GetProperty("weights").EnumerateArray().Select(ParseSpec).ToArray());

    private static TfWeightSpec ParseSpec(JsonElement w)
    {
        TfQuantization? quantization = null;
        if (w.TryGetProperty("quantization", out var q))
            quantization = new TfQuantization(q.GetProperty("dtype").RequiredString(),
                q.TryGetProperty("scale", out var s) ? s.GetDouble() : 1.0,
                q.TryGetProperty("min", out var m) ? m.GetDouble() : 0.0);
        return new TfWeightSpec(w.GetProperty("name").RequiredString(),
            w.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray(),
            w.GetProperty("dtype").RequiredString(), quantization);
    }

    // The signature names the outputs; without one, TensorFlow.js takes the nodes nothing consumes.
    private static string[] OutputsOf(JsonElement root, IReadOnlyList<TfNode> nodes)
    {
        var signature = root.TryGetProperty("signature", out var s) ? s : default;
        if (signature.ValueKind == JsonValueKind.Object && signature.TryGetProperty("outputs", out var outputs))
            return outputs.EnumerateObject().Select(o => StripIndex(o.Value.GetProperty("name").RequiredString())).ToArray();
        var consumed = nodes.SelectMany(n => n.Inputs).Select(i => StripIndex(i)).ToHashSet(StringComparer.Ordinal);
        return nodes.Where(n => n.Op is not ("Const" or "Placeholder") && !consumed.Contains(n.Name)).Select(n => n.Name).ToArray();
    }

    /// <summary>"node:0" and "node" name the same tensor; other indices stay.</summary>
    public static string StripIndex(string name) => name.EndsWith(":0", StringComparison.Ordinal) ? name[..^2] : name;
}
