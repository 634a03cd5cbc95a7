using static Sightline.Models.Onnx.ProtoWire;

namespace Sightline.Models.Onnx;

/// <summary>
/// Small, exact edits of an ONNX model file: everything not edited is copied byte for byte.
/// Field numbers are those of onnx.proto (ModelProto, GraphProto, ValueInfoProto, TypeProto, TensorShapeProto).
/// </summary>
public static class OnnxModelEditor
{
    // ModelProto
    private const int ModelGraph = 7, ModelMetadataProps = 14;
    // GraphProto
    private const int GraphInitializer = 5, GraphInput = 11, GraphOutput = 12, GraphValueInfo = 13;
    // TensorProto.name, ValueInfoProto.name/type, TypeProto.tensor_type, Tensor.shape, Shape.dim, Dimension.dim_param
    private const int TensorName = 8, ValueName = 1, ValueType = 2, TypeTensor = 1, TensorShape = 2, ShapeDim = 1, DimParam = 2;
    // StringStringEntryProto
    private const int EntryKey = 1, EntryValue = 2;

    /// <summary>
    /// Replaces the first dimension of every graph input (not initializer) and output with the free
    /// dimension <paramref name="name"/>, and drops the recorded intermediate shapes so that the runtime
    /// infers them again for any batch size.
    /// </summary>
    public static byte[] FreeBatchAxis(byte[] model, string name = "N")
    {
        try
        {
            return Write(Parse(model).Select(field => field.Number == ModelGraph && field.WireType == LengthDelimited
                ? Bytes(ModelGraph, RewriteGraph(field.Payload, name))
                : field));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"not a readable ONNX model: {e.Message}", e);
        }
    }

    private static byte[] RewriteGraph(ReadOnlyMemory<byte> graph, string name)
    {
        var fields = Parse(graph);
        var initializers = fields.Where(f => f.Number == GraphInitializer)
            .Select(f => Parse(f.Payload).FirstOrDefault(t => t.Number == TensorName).AsString())
            .ToHashSet(StringComparer.Ordinal);
        var rewritten = new List<Field>(fields.Count);
        foreach (var field in fields)
        {
            if (field.Number == GraphValueInfo)
                continue;
            if (field.Number is GraphInput or GraphOutput)
            {
                var valueName = Parse(field.Payload).FirstOrDefault(f => f.Number == ValueName).AsString();
                if (!initializers.Contains(valueName))
                {
                    rewritten.Add(Bytes(field.Number, RewriteFirstDim(field.Payload, name)));
                    continue;
                }
            }
            rewritten.Add(field);
        }
        return Write(rewritten);
    }

    // ValueInfoProto.type -> TypeProto.tensor_type -> Tensor.shape: rewrite the innermost, copy the rest.
    private static byte[] RewriteFirstDim(ReadOnlyMemory<byte> valueInfo, string name) =>
        RewriteChild(valueInfo, ValueType, type =>
            RewriteChild(type, TypeTensor, tensor =>
                RewriteChild(tensor, TensorShape, shape => ReplaceFirst(shape, name))));

    private static byte[] RewriteChild(ReadOnlyMemory<byte> message, int number, Func<ReadOnlyMemory<byte>, byte[]> rewrite) =>
        Write(Parse(message).Select(f => f.Number == number && f.WireType == LengthDelimited ? Bytes(number, rewrite(f.Payload)) : f));

    private static byte[] ReplaceFirst(ReadOnlyMemory<byte> shape, string name)
    {
        var dims = Parse(shape);
        var first = dims.FindIndex(d => d.Number == ShapeDim);
        if (first >= 0)
            dims[first] = Bytes(ShapeDim, Write([String(DimParam, name)]));
        return Write(dims);
    }

    /// <summary>Sets (adds or replaces) entries of the model's metadata_props.</summary>
    public static byte[] SetMetadata(byte[] model, IReadOnlyDictionary<string, string> properties)
    {
        var fields = Parse(model);
        var kept = fields.Where(f => f.Number != ModelMetadataProps
            || !properties.ContainsKey(Parse(f.Payload).FirstOrDefault(e => e.Number == EntryKey).AsString()));
        var added = properties.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => Bytes(ModelMetadataProps, Write([String(EntryKey, p.Key), String(EntryValue, p.Value)])));
        return Write(kept.Concat(added));
    }

    /// <summary>The model's metadata_props; a key given twice is an <see cref="InvalidDataException"/> (which value holds is unclear).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(byte[] model)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in Parse(model).Where(f => f.Number == ModelMetadataProps).Select(f => Parse(f.Payload)))
        {
            var key = entry.FirstOrDefault(x => x.Number == EntryKey).AsString();
            if (!metadata.TryAdd(key, entry.FirstOrDefault(x => x.Number == EntryValue).AsString()))
                throw new InvalidDataException($"the model's metadata names the key '{key}' twice");
        }
        return metadata;
    }
}
