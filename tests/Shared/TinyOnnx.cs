using System.Text;

namespace Sightline.Tests.Shared;

/// <summary>
/// Writes tiny ONNX models byte by byte (protobuf wire format, field numbers from onnx.proto), so that
/// tests exercise real ONNX Runtime sessions without any downloaded weights.
/// </summary>
public static class TinyOnnx
{
    /// <summary>y = Relu(x) * 2 with x, y of shape [batch, features]; <paramref name="batch"/> null leaves the axis free.</summary>
    public static byte[] ReluTimesTwo(int? batch, int features)
    {
        var two = Message(
            Varint(1, 1), // dims: [1]
            Varint(2, 1), // data_type FLOAT
            Bytes(9, BitConverter.GetBytes(2f)), // raw_data
            Text(8, "two")); // name
        var graph = Message(
            Bytes(1, Message(Text(1, "x"), Text(2, "r"), Text(3, "relu"), Text(4, "Relu"))),
            Bytes(1, Message(Text(1, "r"), Text(1, "two"), Text(2, "y"), Text(3, "mul"), Text(4, "Mul"))),
            Text(2, "tiny"),
            Bytes(5, two),
            Bytes(11, ValueInfo("x", batch, features)),
            Bytes(12, ValueInfo("y", batch, features)),
            Bytes(13, ValueInfo("r", batch, features)));
        return Model(graph);
    }

    /// <summary>
    /// Two inputs a, b and two outputs sum = a + b, product = a * b, all [batch, features] with a free batch axis:
    /// for runs with several inputs and a choice of outputs.
    /// </summary>
    public static byte[] SumAndProduct(int features)
    {
        var graph = Message(
            Bytes(1, Message(Text(1, "a"), Text(1, "b"), Text(2, "sum"), Text(3, "add"), Text(4, "Add"))),
            Bytes(1, Message(Text(1, "a"), Text(1, "b"), Text(2, "product"), Text(3, "mul"), Text(4, "Mul"))),
            Text(2, "tiny-two"),
            Bytes(11, ValueInfo("a", null, features)),
            Bytes(11, ValueInfo("b", null, features)),
            Bytes(12, ValueInfo("sum", null, features)),
            Bytes(12, ValueInfo("product", null, features)));
        return Model(graph);
    }

    private static byte[] Model(byte[] graph) => Message(
        Varint(1, 8), // ir_version
        Text(2, "sightline-tests"),
        Bytes(7, graph),
        Bytes(8, Message(Text(1, ""), Varint(2, 13)))); // opset 13

    private static byte[] ValueInfo(string name, int? batch, int features)
    {
        var first = batch is { } b ? Varint(1, (ulong)b) : Text(2, "batch");
        var shape = Message(Bytes(1, first), Bytes(1, Varint(1, (ulong)features)));
        return Message(Text(1, name), Bytes(2, Message(Bytes(1, Message(Varint(1, 1), Bytes(2, shape))))));
    }

    private static byte[] Message(params byte[][] fields) => fields.SelectMany(f => f).ToArray();

    private static byte[] Text(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    private static byte[] Bytes(int field, byte[] payload) => [.. Tag(field, 2), .. Raw((ulong)payload.Length), .. payload];

    private static byte[] Varint(int field, ulong value) => [.. Tag(field, 0), .. Raw(value)];

    private static byte[] Tag(int field, int wire) => Raw(((ulong)field << 3) | (uint)wire);

    private static byte[] Raw(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80) { bytes.Add((byte)(value | 0x80)); value >>= 7; }
        bytes.Add((byte)value);
        return [.. bytes];
    }
}
