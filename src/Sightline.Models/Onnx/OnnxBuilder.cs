using System.Runtime.InteropServices;
using static Sightline.Models.Onnx.ProtoWire;

namespace Sightline.Models.Onnx;

/// <summary>ONNX tensor element types (TensorProto.DataType).</summary>
public enum OnnxType { Float = 1, UInt8 = 2, Int8 = 3, Int32 = 6, Int64 = 7, Bool = 9, Float16 = 10 }

/// <summary>
/// Writes ONNX protobuf messages directly (field numbers of onnx.proto), so graphs can be built and
/// extended in code with no generated schema. Each method returns one serialized message.
/// </summary>
public static class OnnxBuilder
{
    public const int DefaultOpset = 17;
    public const int DefaultIrVersion = 8;

    // AttributeProto.AttributeType
    private const int AttrFloat = 1, AttrInt = 2, AttrString = 3, AttrTensor = 4, AttrFloats = 6, AttrInts = 7;

    public static byte[] Node(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, string? name = null, params byte[][] attributes)
    {
        var fields = new List<Field>();
        fields.AddRange(inputs.Select(i => String(1, i)));
        fields.AddRange(outputs.Select(o => String(2, o)));
        if (name is not null) fields.Add(String(3, name));
        fields.Add(String(4, opType));
        fields.AddRange(attributes.Select(a => Bytes(5, a)));
        return Write(fields);
    }

    public static byte[] Attribute(string name, long value) => Write([String(1, name), Integer(3, value), Integer(20, AttrInt)]);

    public static byte[] Attribute(string name, float value) =>
        Write([String(1, name), new Field(2, Fixed32, BitConverter.GetBytes(value), 0), Integer(20, AttrFloat)]);

    public static byte[] Attribute(string name, string value) => Write([String(1, name), String(4, value), Integer(20, AttrString)]);

    public static byte[] Attribute(string name, IReadOnlyList<long> values) =>
        Write([String(1, name), .. values.Select(v => Integer(8, v)), Integer(20, AttrInts)]);

    public static byte[] Attribute(string name, IReadOnlyList<float> values) =>
        Write([String(1, name), .. values.Select(v => new Field(7, Fixed32, BitConverter.GetBytes(v), 0)), Integer(20, AttrFloats)]);

    public static byte[] TensorAttribute(string name, byte[] tensor) => Write([String(1, name), Bytes(5, tensor), Integer(20, AttrTensor)]);

    /// <summary>A float tensor with its data as raw little-endian bytes.</summary>
    public static byte[] Tensor(string name, IReadOnlyList<long> dims, ReadOnlySpan<float> data) =>
        Tensor(name, OnnxType.Float, dims, MemoryMarshal.AsBytes(data).ToArray());

    public static byte[] Tensor(string name, IReadOnlyList<long> dims, ReadOnlySpan<long> data) =>
        Tensor(name, OnnxType.Int64, dims, MemoryMarshal.AsBytes(data).ToArray());

    public static byte[] Tensor(string name, OnnxType type, IReadOnlyList<long> dims, byte[] rawData)
    {
        var expected = dims.Aggregate(1L, (a, d) => a * d) * ElementSize(type);
        if (rawData.Length != expected)
            throw new ArgumentException($"tensor '{name}' [{string.Join(",", dims)}] of {type} needs {expected} bytes, got {rawData.Length}");
        return Write([.. dims.Select(d => Integer(1, d)), Integer(2, (int)type), String(8, name), Bytes(9, rawData)]);
    }

    /// <summary>A graph input or output; a dimension is an int (fixed) or a string (free, named).</summary>
    public static byte[] Value(string name, OnnxType type, params object[] dims)
    {
        var shape = Write(dims.Select(d => Bytes(1, d switch
        {
            int i => Write([Integer(1, i)]),
            long l => Write([Integer(1, l)]),
            string s => Write([String(2, s)]),
            _ => throw new ArgumentException($"dimension {d} of '{name}' is neither a number nor a name"),
        })));
        var tensorType = Write([Integer(1, (int)type), Bytes(2, shape)]);
        return Write([String(1, name), Bytes(2, Write([Bytes(1, tensorType)]))]);
    }

    public static byte[] Graph(string name, IEnumerable<byte[]> nodes, IEnumerable<byte[]> initializers, IEnumerable<byte[]> inputs, IEnumerable<byte[]> outputs) =>
        Write([
            .. nodes.Select(n => Bytes(1, n)),
            String(2, name),
            .. initializers.Select(t => Bytes(5, t)),
            .. inputs.Select(i => Bytes(11, i)),
            .. outputs.Select(o => Bytes(12, o)),
        ]);

    public static byte[] Model(byte[] graph, int opset = DefaultOpset, string producer = "sightline", IReadOnlyDictionary<string, string>? metadata = null) =>
        Write([
            Integer(1, DefaultIrVersion),
            String(2, producer),
            Bytes(7, graph),
            Bytes(8, Write([String(1, ""), Integer(2, opset)])),
            .. (metadata ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => Bytes(14, Write([String(1, p.Key), String(2, p.Value)]))),
        ]);

    public static int ElementSize(OnnxType type) => type switch
    {
        OnnxType.Float or OnnxType.Int32 => 4,
        OnnxType.Int64 => 8,
        OnnxType.Float16 => 2,
        OnnxType.UInt8 or OnnxType.Int8 or OnnxType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
