using System.Buffers.Binary;

namespace Sightline.Models.Import;

/// <summary>
/// Reads the weight shards a model.json lists and decodes every weight the way TensorFlow.js does:
/// shards of a group are one byte stream; uint8/uint16 quantised values become q * scale + min,
/// float16 values become floats. Any size disagreement between manifest and shards is an error.
/// </summary>
public static class TfjsWeightReader
{
    /// <summary>Weights by name, reading shard files relative to <paramref name="directory"/>.</summary>
    public static IReadOnlyDictionary<string, TfTensor> Read(TfjsModelFile model, string directory) =>
        Decode(model, path =>
        {
            var file = Path.Combine(directory, path);
            if (!File.Exists(file))
                throw new TfjsImportException(TfjsImportErrorKind.BadWeights, $"weight shard '{path}' is missing (looked for {file})");
            return File.ReadAllBytes(file);
        });

    /// <summary>Weights by name, with shards supplied by <paramref name="readShard"/> (by manifest path).</summary>
    public static IReadOnlyDictionary<string, TfTensor> Decode(TfjsModelFile model, Func<string, byte[]> readShard)
    {
        var weights = new Dictionary<string, TfTensor>(StringComparer.Ordinal);
        foreach (var group in model.WeightGroups)
        {
            var data = group.Paths.SelectMany(readShard).ToArray();
            var shards = string.Join(", ", group.Paths);
            long offset = 0;
            foreach (var spec in group.Weights)
            {
                if (spec.Shape.Any(d => d < 0))
                    throw new TfjsImportException(TfjsImportErrorKind.BadWeights, $"weight '{spec.Name}' has a negative dimension [{string.Join(",", spec.Shape)}]");
                var count = TfTensor.ElementCount(spec.Shape);
                var size = count * BytesPerElement(spec);
                if (offset + size > data.Length)
                    throw new TfjsImportException(TfjsImportErrorKind.BadWeights,
                        $"weight '{spec.Name}' [{string.Join(",", spec.Shape)}] needs bytes {offset}..{offset + size} but the shards ({shards}) hold {data.Length}: truncated shard or wrong shapes");
                weights[spec.Name] = DecodeOne(spec, data.AsSpan((int)offset, (int)size), (int)count);
                offset += size;
            }
            if (offset != data.Length)
                throw new TfjsImportException(TfjsImportErrorKind.BadWeights,
                    $"the manifest's shapes account for {offset} bytes, the shards ({shards}) hold {data.Length}: shapes do not match the data");
        }
        return weights;
    }

    internal static int BytesPerElement(TfWeightSpec spec) => spec.Quantization?.Dtype switch
    {
        "uint8" => 1,
        "uint16" or "float16" => 2,
        null => spec.Dtype switch
        {
            "float32" or "int32" => 4,
            "bool" => 1,
            _ => throw new TfjsImportException(TfjsImportErrorKind.BadWeights, $"weight '{spec.Name}' has dtype '{spec.Dtype}', which is not supported"),
        },
        var other => throw new TfjsImportException(TfjsImportErrorKind.BadWeights, $"weight '{spec.Name}' is quantised as '{other}', which is not supported"),
    };

    internal static TfTensor DecodeOne(TfWeightSpec spec, ReadOnlySpan<byte> bytes, int count)
    {
        var q = spec.Quantization;
        if (q is null)
        {
            switch (spec.Dtype)
            {
                case "float32":
                    var floats = new float[count];
                    for (var i = 0; i < count; i++) floats[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
                    return TfTensor.Float(spec.Shape, floats);
                case "int32":
                    var ints = new long[count];
                    for (var i = 0; i < count; i++) ints[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(i * 4)..]);
                    return TfTensor.Integer(spec.Shape, ints, TfDataType.Int32);
                default: // bool
                    return TfTensor.Integer(spec.Shape, bytes[..count].ToArray().Select(b => (long)(b != 0 ? 1 : 0)).ToArray(), TfDataType.Bool);
            }
        }
        var values = new float[count];
        switch (q.Dtype)
        {
            case "float16":
                for (var i = 0; i < count; i++) values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(i * 2)..]);
                break;
            case "uint8":
                for (var i = 0; i < count; i++) values[i] = (float)(bytes[i] * q.Scale + q.Min);
                break;
            default: // uint16
                for (var i = 0; i < count; i++) values[i] = (float)(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(i * 2)..]) * q.Scale + q.Min);
                break;
        }
        if (spec.Dtype == "int32")
            return TfTensor.Integer(spec.Shape, values.Select(v => (long)Math.Round((double)v, MidpointRounding.AwayFromZero)).ToArray(), TfDataType.Int32);
        return TfTensor.Float(spec.Shape, values);
    }
}
