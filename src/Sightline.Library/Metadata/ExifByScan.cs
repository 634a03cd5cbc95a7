using System.Runtime.InteropServices;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.IO;
using Directory = MetadataExtractor.Directory;

namespace Sightline.Library.Metadata;

/// <summary>Finds an EXIF block by its "Exif\0\0" + TIFF header bytes when the container around it cannot be parsed.</summary>
internal static class ExifByScan
{
    private static ReadOnlySpan<byte> ExifMarker => "Exif\0\0"u8;

    /// <summary>Little- and big-endian TIFF headers whose first IFD starts right after them, at offset 8.</summary>
    private static readonly byte[][] TiffHeaders = [[0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00], [0x4D, 0x4D, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08]];

    public static IReadOnlyList<Directory> Read(ReadOnlyMemory<byte> data, ICollection<string> warnings)
    {
        var span = data.Span;
        // "Exif" also names the item type in a HEIF item table, so a marker counts only with a TIFF header after it.
        for (var at = span.IndexOf(ExifMarker); at >= 0;)
        {
            var tiff = at + ExifMarker.Length;
            if (tiff + 4 <= span.Length && (span.Slice(tiff, 4).SequenceEqual("II*\0"u8) || span.Slice(tiff, 4).SequenceEqual("MM\0*"u8)))
                return Extract(data, tiff, warnings);
            var next = span[(at + 1)..].IndexOf(ExifMarker);
            at = next < 0 ? -1 : at + 1 + next;
        }
        // HEIF Exif items may hold the TIFF block without the marker; its first IFD follows the 8-byte header.
        foreach (var header in TiffHeaders)
            if (span.IndexOf(header) is var found and >= 0)
                return Extract(data, found, warnings);
        return [];
    }

    private static IReadOnlyList<Directory> Extract(ReadOnlyMemory<byte> data, int tiffStart, ICollection<string> warnings)
    {
        try
        {
            var (array, offset) = MemoryMarshal.TryGetArray(data, out var segment) && segment.Array is not null
                ? (segment.Array, segment.Offset + tiffStart)
                : (data.ToArray(), tiffStart);
            return new ExifReader().Extract(new ByteArrayReader(array, offset));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            warnings.Add($"EXIF block is damaged: {ex.Message}");
            return [];
        }
    }
}
