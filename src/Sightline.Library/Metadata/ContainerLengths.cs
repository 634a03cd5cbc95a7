using System.Buffers.Binary;

namespace Sightline.Library.Metadata;

/// <summary>
/// Checks the declared lengths of the chunk and box containers (PNG, RIFF/WebP, ISO media: HEIF, AVIF, MP4, MOV)
/// before MetadataExtractor reads them: it allocates a chunk's declared length before reading it, so a 709-byte PNG
/// whose chunk claimed 2 GB allocated 2 GB (found by fuzzing). The data handed on ends before the first chunk or
/// top-level box that does not fit, so what lies before it is still read.
/// </summary>
internal static class ContainerLengths
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Container boxes of ISO media whose children carry metadata (and lengths of their own).</summary>
    private static readonly HashSet<string> ParentBoxes = ["moov", "trak", "mdia", "minf", "stbl", "udta", "dinf", "edts", "iprp", "ipco", "meta", "moof", "traf"];

    /// <summary>
    /// <paramref name="data"/> itself when every length fits; otherwise the part before the first that does not, still a
    /// well-formed container, and the reason. Other formats are returned as they are.
    /// </summary>
    public static (ReadOnlyMemory<byte> Data, string? Cut) Fit(ReadOnlyMemory<byte> data)
    {
        var span = data.Span;
        if (span.StartsWith(PngSignature))
            return FitPng(data);
        if (span.Length >= 12 && span.StartsWith("RIFF"u8))
            return FitRiff(data);
        if (span.Length >= 8 && span.Slice(4, 4).SequenceEqual("ftyp"u8))
            return FitIsoMedia(data);
        return (data, null);
    }

    private static (ReadOnlyMemory<byte>, string?) FitPng(ReadOnlyMemory<byte> data)
    {
        var span = data.Span;
        long at = 8;
        // A chunk header (length and type) without room for its data and CRC counts: the reader allocates from it.
        while (at + 8 <= span.Length)
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(span[(int)at..]);
            if (at + 12 + length > span.Length)
            {
                // End the chunks where the lie starts, with the IEND chunk a reader stops at.
                byte[] cut = [.. span[..(int)at], 0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82];
                return (cut, $"the PNG chunk at byte {at} claims {length} bytes, {Math.Max(0, span.Length - at - 12)} remain");
            }
            if (span.Slice((int)at + 4, 4).SequenceEqual("IEND"u8))
                break;
            at += 12 + length;
        }
        return (data, null);
    }

    private static (ReadOnlyMemory<byte>, string?) FitRiff(ReadOnlyMemory<byte> data)
    {
        var span = data.Span;
        long end = Math.Min(span.Length, 8L + BinaryPrimitives.ReadUInt32LittleEndian(span[4..]));
        long at = 12;
        while (at + 8 <= end)
        {
            long length = BinaryPrimitives.ReadUInt32LittleEndian(span[((int)at + 4)..]);
            if (at + 8 + length > end)
            {
                var cut = span[..(int)at].ToArray();
                BinaryPrimitives.WriteUInt32LittleEndian(cut.AsSpan(4), (uint)(at - 8));
                return (cut, $"the RIFF chunk at byte {at} claims {length} bytes, {end - at - 8} remain");
            }
            at += 8 + length + (length & 1);
        }
        return (data, null);
    }

    private static (ReadOnlyMemory<byte>, string?) FitIsoMedia(ReadOnlyMemory<byte> data)
    {
        var span = data.Span;
        long at = 0;
        while (at + 8 <= span.Length)
        {
            var (size, header) = BoxSize(span, at, span.Length);
            string? lie = size < header || at + size > span.Length
                ? $"the box at byte {at} claims {size} bytes, {span.Length - at} remain"
                : Children(span, at, size, header);
            if (lie is not null)
                return (data[..(int)at], lie);
            at += size;
        }
        return (data, null);
    }

    /// <summary>The first child box (at any depth) of a parent box whose length does not fit its parent, or null.</summary>
    private static string? Children(ReadOnlySpan<byte> span, long start, long size, int header, int depth = 0)
    {
        var type = System.Text.Encoding.ASCII.GetString(span.Slice((int)start + 4, 4));
        if (!ParentBoxes.Contains(type) || depth > 16)
            return null;
        var end = start + size;
        // 'meta' is a full box: version and flags come before its children (in MP4; QuickTime's has none).
        long at = start + header + (type == "meta" && size >= header + 12 && !span.Slice((int)start + header + 4, 4).SequenceEqual("hdlr"u8) ? 4 : 0);
        while (at + 8 <= end)
        {
            var (child, childHeader) = BoxSize(span, at, end);
            if (child < childHeader || at + child > end)
                return $"the box at byte {at} inside '{type}' claims {child} bytes, {end - at} remain";
            if (Children(span, at, child, childHeader, depth + 1) is { } deeper)
                return deeper;
            at += child;
        }
        return null;
    }

    private static (long Size, int Header) BoxSize(ReadOnlySpan<byte> span, long at, long end)
    {
        long size = BinaryPrimitives.ReadUInt32BigEndian(span[(int)at..]);
        if (size == 0)
            return (end - at, 8); // to the end of its parent
        if (size != 1)
            return (size, 8);
        if (at + 16 > end)
            return (-1, 16);
        var large = BinaryPrimitives.ReadUInt64BigEndian(span[((int)at + 8)..]);
        return (large > long.MaxValue ? -1 : (long)large, 16);
    }
}
