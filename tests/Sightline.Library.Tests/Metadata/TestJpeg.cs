using System.Text;

namespace Sightline.Library.Tests.Metadata;

/// <summary>One TIFF/EXIF directory entry: its tag, TIFF type, value count and value bytes (little-endian).</summary>
internal sealed record ExifEntry(ushort Tag, ushort Type, uint Count, byte[] Value)
{
    public static ExifEntry Ascii(ushort tag, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text + "\0");
        return new ExifEntry(tag, 2, (uint)bytes.Length, bytes);
    }

    public static ExifEntry Short(ushort tag, ushort value) => new(tag, 3, 1, BitConverter.GetBytes(value));

    public static ExifEntry Long(ushort tag, uint value) => new(tag, 4, 1, BitConverter.GetBytes(value));

    public static ExifEntry Rationals(ushort tag, params (uint Numerator, uint Denominator)[] values) =>
        new(tag, 5, (uint)values.Length, values.SelectMany(v => BitConverter.GetBytes(v.Numerator).Concat(BitConverter.GetBytes(v.Denominator))).ToArray());
}

/// <summary>Builds small JPEG files byte by byte: an EXIF APP1 segment, an XMP APP1 segment, no image data.</summary>
internal static class TestJpeg
{
    public const ushort Make = 0x010F, Model = 0x0110, Orientation = 0x0112, DateTime = 0x0132, ImageDescription = 0x010E;
    public const ushort ExifPointer = 0x8769, GpsPointer = 0x8825;
    public const ushort DateTimeOriginal = 0x9003, OffsetTimeOriginal = 0x9011;
    public const ushort GpsLatitudeRef = 1, GpsLatitude = 2, GpsLongitudeRef = 3, GpsLongitude = 4;

    /// <summary>A JPEG with the given EXIF (TIFF bytes, may be null) and XMP packet (may be null).</summary>
    public static byte[] Build(byte[]? tiff = null, string? xmp = null)
    {
        var jpeg = new MemoryStream();
        jpeg.Write([0xFF, 0xD8]);
        if (tiff is not null)
            WriteSegment(jpeg, 0xE1, [.. "Exif\0\0"u8, .. tiff]);
        if (xmp is not null)
            WriteSegment(jpeg, 0xE1, [.. Encoding.ASCII.GetBytes("http://ns.adobe.com/xap/1.0/\0"), .. Encoding.UTF8.GetBytes(xmp)]);
        jpeg.Write([0xFF, 0xD9]);
        return jpeg.ToArray();
    }

    /// <summary>Little-endian TIFF bytes with IFD0 and, when given, an EXIF sub-IFD and a GPS IFD.</summary>
    public static byte[] Tiff(IEnumerable<ExifEntry> ifd0, IEnumerable<ExifEntry>? exif = null, IEnumerable<ExifEntry>? gps = null)
    {
        var main = ifd0.ToList();
        var subs = new List<(ushort Pointer, List<ExifEntry> Entries)>();
        if (exif is not null)
            subs.Add((ExifPointer, exif.OrderBy(e => e.Tag).ToList()));
        if (gps is not null)
            subs.Add((GpsPointer, gps.OrderBy(e => e.Tag).ToList()));
        // Pointers take four bytes whatever they point at, so IFD0's size is known before the offsets are.
        main.AddRange(subs.Select(s => ExifEntry.Long(s.Pointer, 0)));
        var offset = 8 + IfdSize(main);
        foreach (var (pointer, entries) in subs)
        {
            main[main.FindIndex(e => e.Tag == pointer)] = ExifEntry.Long(pointer, (uint)offset);
            offset += IfdSize(entries);
        }
        main.Sort((a, b) => a.Tag.CompareTo(b.Tag));

        var tiff = new MemoryStream();
        var writer = new BinaryWriter(tiff);
        writer.Write("II"u8);
        writer.Write((ushort)42);
        writer.Write(8u);
        WriteIfd(writer, main, 8);
        var at = 8 + IfdSize(main);
        foreach (var (_, entries) in subs)
        {
            WriteIfd(writer, entries, at);
            at += IfdSize(entries);
        }
        return tiff.ToArray();
    }

    private static int IfdSize(List<ExifEntry> entries) =>
        2 + 12 * entries.Count + 4 + entries.Where(e => e.Value.Length > 4).Sum(e => Padded(e.Value.Length));

    private static int Padded(int length) => (length + 1) & ~1;

    private static void WriteIfd(BinaryWriter writer, List<ExifEntry> entries, int start)
    {
        var data = start + 2 + 12 * entries.Count + 4;
        writer.Write((ushort)entries.Count);
        foreach (var entry in entries)
        {
            writer.Write(entry.Tag);
            writer.Write(entry.Type);
            writer.Write(entry.Count);
            if (entry.Value.Length <= 4)
            {
                writer.Write(entry.Value);
                writer.Write(new byte[4 - entry.Value.Length]);
            }
            else
            {
                writer.Write((uint)data);
                data += Padded(entry.Value.Length);
            }
        }
        writer.Write(0u);
        foreach (var entry in entries.Where(e => e.Value.Length > 4))
        {
            writer.Write(entry.Value);
            if (entry.Value.Length % 2 == 1)
                writer.Write((byte)0);
        }
    }

    private static void WriteSegment(Stream jpeg, byte marker, byte[] payload)
    {
        var length = payload.Length + 2;
        jpeg.Write([0xFF, marker, (byte)(length >> 8), (byte)length]);
        jpeg.Write(payload);
    }
}
