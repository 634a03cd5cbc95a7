namespace Sightline.Models.Onnx;

/// <summary>
/// The protobuf wire format, just enough to walk and rewrite ONNX files field by field without a
/// generated schema: a message is a sequence of (field number, wire type, payload).
/// </summary>
internal static class ProtoWire
{
    public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    public readonly record struct Field(int Number, int WireType, ReadOnlyMemory<byte> Payload, ulong Value)
    {
        public string AsString() => System.Text.Encoding.UTF8.GetString(Payload.Span);
    }

    public static List<Field> Parse(ReadOnlyMemory<byte> message)
    {
        var fields = new List<Field>();
        var span = message.Span;
        var pos = 0;
        while (pos < span.Length)
        {
            var tag = ReadVarint(span, ref pos);
            var number = (int)(tag >> 3);
            var wire = (int)(tag & 7);
            if (number <= 0)
                throw new InvalidDataException($"protobuf field number {number} at byte {pos}");
            switch (wire)
            {
                case Varint:
                    fields.Add(new Field(number, wire, default, ReadVarint(span, ref pos)));
                    break;
                case Fixed64:
                    Need(span, pos, 8);
                    fields.Add(new Field(number, wire, message.Slice(pos, 8), 0));
                    pos += 8;
                    break;
                case Fixed32:
                    Need(span, pos, 4);
                    fields.Add(new Field(number, wire, message.Slice(pos, 4), 0));
                    pos += 4;
                    break;
                case LengthDelimited:
                    var length = ReadVarint(span, ref pos);
                    if (length > (ulong)(span.Length - pos))
                        throw new InvalidDataException($"protobuf field {number} claims {length} bytes, {span.Length - pos} remain");
                    fields.Add(new Field(number, wire, message.Slice(pos, (int)length), 0));
                    pos += (int)length;
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {wire} (field {number}) is not supported");
            }
        }
        return fields;
    }

    public static byte[] Write(IEnumerable<Field> fields)
    {
        using var stream = new MemoryStream();
        foreach (var field in fields)
            WriteField(stream, field);
        return stream.ToArray();
    }

    public static void WriteField(Stream stream, Field field)
    {
        WriteVarint(stream, ((ulong)field.Number << 3) | (uint)field.WireType);
        switch (field.WireType)
        {
            case Varint:
                WriteVarint(stream, field.Value);
                break;
            case LengthDelimited:
                WriteVarint(stream, (ulong)field.Payload.Length);
                stream.Write(field.Payload.Span);
                break;
            default:
                stream.Write(field.Payload.Span);
                break;
        }
    }

    public static Field Bytes(int number, ReadOnlyMemory<byte> payload) => new(number, LengthDelimited, payload, 0);

    public static Field String(int number, string value) => Bytes(number, System.Text.Encoding.UTF8.GetBytes(value));

    public static Field Integer(int number, long value) => new(number, Varint, default, unchecked((ulong)value));

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int pos)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (pos >= span.Length)
                throw new InvalidDataException("protobuf varint runs past the end of the data");
            var b = span[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return result;
        }
        throw new InvalidDataException("protobuf varint longer than 10 bytes");
    }

    private static void WriteVarint(Stream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        stream.WriteByte((byte)value);
    }

    private static void Need(ReadOnlySpan<byte> span, int pos, int count)
    {
        if (pos + count > span.Length)
            throw new InvalidDataException("protobuf fixed-width field runs past the end of the data");
    }
}
