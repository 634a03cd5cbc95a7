using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Sightline.Models.Import;

namespace Sightline.Models.Tests.Import;

/// <summary>
/// Writes small TensorFlow.js graph models (model.json text plus one weight shard) in code, so the
/// converter is tested on graphs whose every op and weight the test chose.
/// </summary>
internal sealed class TfGraphBuilder
{
    private readonly JsonArray _nodes = [];
    private readonly JsonArray _weights = [];
    private readonly List<byte> _data = [];
    private readonly List<string> _outputs = [];

    public string Input(string name, params long[] shape)
    {
        _nodes.Add(new JsonObject
        {
            ["name"] = name,
            ["op"] = "Placeholder",
            ["attr"] = new JsonObject
            {
                ["dtype"] = new JsonObject { ["type"] = "DT_FLOAT" },
                ["shape"] = new JsonObject { ["shape"] = new JsonObject { ["dim"] = new JsonArray(shape.Select(d => (JsonNode)new JsonObject { ["size"] = d.ToString(CultureInfo.InvariantCulture) }).ToArray()) } },
            },
        });
        return name;
    }

    public string Const(string name, long[] shape, float[] values)
    {
        AddConstNode(name, shape, "DT_FLOAT");
        _weights.Add(new JsonObject { ["name"] = name, ["shape"] = Shape(shape), ["dtype"] = "float32" });
        _data.AddRange(MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
        return name;
    }

    public string Ints(string name, params int[] values)
    {
        long[] shape = [values.Length];
        AddConstNode(name, shape, "DT_INT32");
        _weights.Add(new JsonObject { ["name"] = name, ["shape"] = Shape(shape), ["dtype"] = "int32" });
        _data.AddRange(MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
        return name;
    }

    /// <summary>A float constant stored as uint8 with TensorFlow.js's affine quantisation.</summary>
    public string QuantizedConst(string name, long[] shape, byte[] quantized, double scale, double min)
    {
        AddConstNode(name, shape, "DT_FLOAT");
        _weights.Add(new JsonObject
        {
            ["name"] = name, ["shape"] = Shape(shape), ["dtype"] = "float32",
            ["quantization"] = new JsonObject { ["dtype"] = "uint8", ["scale"] = scale, ["min"] = min },
        });
        _data.AddRange(quantized);
        return name;
    }

    /// <summary>A float constant stored as IEEE half floats.</summary>
    public string HalfConst(string name, long[] shape, Half[] values)
    {
        AddConstNode(name, shape, "DT_FLOAT");
        _weights.Add(new JsonObject
        {
            ["name"] = name, ["shape"] = Shape(shape), ["dtype"] = "float32",
            ["quantization"] = new JsonObject { ["dtype"] = "float16" },
        });
        _data.AddRange(MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
        return name;
    }

    public string Op(string op, string name, string[] inputs, JsonObject? attributes = null)
    {
        _nodes.Add(new JsonObject
        {
            ["name"] = name,
            ["op"] = op,
            ["input"] = new JsonArray(inputs.Select(i => (JsonNode)JsonValue.Create(i)!).ToArray()),
            ["attr"] = attributes ?? [],
        });
        return name;
    }

    public TfGraphBuilder Output(string name)
    {
        _outputs.Add(name);
        return this;
    }

    public string Json()
    {
        var signature = new JsonObject();
        foreach (var o in _outputs)
            signature[o] = new JsonObject { ["name"] = o + ":0", ["dtype"] = "DT_FLOAT" };
        return new JsonObject
        {
            ["format"] = "graph-model",
            ["generatedBy"] = "sightline tests",
            ["modelTopology"] = new JsonObject { ["node"] = _nodes.DeepClone(), ["versions"] = new JsonObject() },
            ["signature"] = new JsonObject { ["outputs"] = signature },
            ["weightsManifest"] = new JsonArray(new JsonObject { ["paths"] = new JsonArray("group1-shard1of1.bin"), ["weights"] = _weights.DeepClone() }),
        }.ToJsonString();
    }

    public byte[] Shard => [.. _data];

    public TfjsModelFile Model => TfjsModelFile.Parse(Json(), "test model.json");

    /// <summary>Writes model.json and its shard into <paramref name="directory"/> and returns the model.json path.</summary>
    public string WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "model.json"), Json(), Encoding.UTF8);
        File.WriteAllBytes(Path.Combine(directory, "group1-shard1of1.bin"), Shard);
        return Path.Combine(directory, "model.json");
    }

    public TfjsImportResult Import(TfjsImportOptions? options = null)
    {
        var model = Model;
        var weights = TfjsWeightReader.Decode(model, _ => Shard);
        return TfjsImporter.Import(model, weights, Encoding.UTF8.GetBytes(Json()), [Shard], options);
    }

    public static JsonObject Attrs(params (string Key, JsonNode Value)[] attributes)
    {
        var o = new JsonObject();
        foreach (var (k, v) in attributes) o[k] = v.DeepClone();
        return o;
    }

    public static JsonNode IntList(params long[] values) =>
        new JsonObject { ["list"] = new JsonObject { ["i"] = new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(v.ToString(CultureInfo.InvariantCulture))!).ToArray()) } };

    public static JsonNode StringValue(string value) => new JsonObject { ["s"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) };

    public static JsonNode StringList(params string[] values) =>
        new JsonObject { ["list"] = new JsonObject { ["s"] = new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(v)))!).ToArray()) } };

    public static JsonNode FloatValue(float value) => new JsonObject { ["f"] = value };

    private void AddConstNode(string name, long[] shape, string dtype) =>
        _nodes.Add(new JsonObject
        {
            ["name"] = name,
            ["op"] = "Const",
            ["attr"] = new JsonObject
            {
                ["dtype"] = new JsonObject { ["type"] = dtype },
                ["value"] = new JsonObject { ["tensor"] = new JsonObject { ["dtype"] = dtype, ["tensorShape"] = new JsonObject { ["dim"] = new JsonArray(shape.Select(d => (JsonNode)new JsonObject { ["size"] = d.ToString(CultureInfo.InvariantCulture) }).ToArray()) } } },
            },
        });

    private static JsonArray Shape(long[] shape) => new(shape.Select(d => (JsonNode)JsonValue.Create(d)).ToArray());
}
