using System.Buffers.Binary;
using System.Text;

namespace Sightline.Imaging;

/// <summary>What the leading bytes say about the data.</summary>
/// <param name="Format">A supported format, when recognised.</param>
/// <param name="UnsupportedName">Name of a recognised but unsupported container, e.g. "TIFF".</param>
/// <param name="CutShort">The data ends inside the format's signature.</param>
internal readonly record struct FormatGuess(ImageFormat? Format, string? UnsupportedName, bool CutShort)
{
    public static FormatGuess Unknown => default;
}

/// <summary>
/// Detects the format from magic bytes, never from the file extension. This gates which data reaches
/// the native codecs: Skia also understands ICO, WBMP, DNG and others that Sightline does not support,
/// and WBMP has no magic at all, so random bytes must be refused here.
/// </summary>
internal static class FormatSniffer
{
    /// <summary>Bytes needed to tell every known signature apart.</summary>
    public const int HeadLength = 32;

    private static ReadOnlySpan<byte> Png => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> Jpeg => [0xFF, 0xD8, 0xFF];

    private static ReadOnlySpan<byte> JpegXlContainer => [0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20, 0x0D, 0x0A, 0x87, 0x0A];

    private static ReadOnlySpan<byte> Jpeg2000Container => [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A];

    private static ReadOnlySpan<byte> JpegXlCodestream => [0xFF, 0x0A];

    private static ReadOnlySpan<byte> Jpeg2000Codestream => [0xFF, 0x4F, 0xFF, 0x51];

    private static ReadOnlySpan<byte> OpenExr => [0x76, 0x2F, 0x31, 0x01];

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public static FormatGuess Detect(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty)
        {
            return FormatGuess.Unknown;
        }

        if (Supported(head) is { } supported)
        {
            return supported;
        }

        return UnsupportedName(head) is { } name
            ? new FormatGuess(null, name, false)
            : FormatGuess.Unknown;
    }

    private static FormatGuess? Supported(ReadOnlySpan<byte> head)
    {
        if (Matches(head, Jpeg, minPrefix: 2) is { } jpeg)
        {
            return new FormatGuess(ImageFormat.Jpeg, null, jpeg);
        }

        if (Matches(head, Png, minPrefix: 4) is { } png)
        {
            return new FormatGuess(ImageFormat.Png, null, png);
        }

        if (Matches(head, "GIF87a"u8, minPrefix: 4) is { } gif87)
        {
            return new FormatGuess(ImageFormat.Gif, null, gif87);
        }

        if (Matches(head, "GIF89a"u8, minPrefix: 4) is { } gif89)
        {
            return new FormatGuess(ImageFormat.Gif, null, gif89);
        }

        if (head.StartsWith("RIFF"u8))
        {
            if (head.Length < 12)
            {
                return new FormatGuess(ImageFormat.WebP, null, true);
            }

            if (head[8..12].SequenceEqual("WEBP"u8))
            {
                return new FormatGuess(ImageFormat.WebP, null, false);
            }
        }

        if (head.StartsWith("BM"u8))
        {
            if (head.Length < 18)
            {
                return new FormatGuess(ImageFormat.Bmp, null, true);
            }

            // "BM" alone is too weak (plain text starts with it); require a known DIB header size.
            uint dibSize = BinaryPrimitives.ReadUInt32LittleEndian(head[14..18]);
            if (dibSize is 12 or 16 or 40 or 52 or 56 or 64 or 108 or 124)
            {
                return new FormatGuess(ImageFormat.Bmp, null, false);
            }
        }

        return null;
    }

    /// <summary>
    /// Total length the container itself declares (WebP's RIFF size, BMP's file size), when it has one.
    /// Some codecs report a cut-short file as merely invalid; this tells the two apart.
    /// </summary>
    public static long? DeclaredLength(ReadOnlySpan<byte> head, ImageFormat format) => format switch
    {
        ImageFormat.WebP when head.Length >= 8 => BinaryPrimitives.ReadUInt32LittleEndian(head[4..8]) + 8L,
        ImageFormat.Bmp when head.Length >= 6 => BinaryPrimitives.ReadUInt32LittleEndian(head[2..6]),
        _ => null,
    };

    /// <summary>
    /// Width and height a PNG's IHDR declares, when the head holds it. The codec refuses a zero size
    /// without saying why, so it is read here to name the reason.
    /// </summary>
    public static (long Width, long Height)? DeclaredSize(ReadOnlySpan<byte> head, ImageFormat format) =>
        format == ImageFormat.Png && head.Length >= 24 && head[12..16].SequenceEqual("IHDR"u8)
            ? (BinaryPrimitives.ReadUInt32BigEndian(head[16..20]), BinaryPrimitives.ReadUInt32BigEndian(head[20..24]))
            : null;

    /// <summary>True when complete, false when the data is a proper prefix (cut short), null otherwise.</summary>
    private static bool? Matches(ReadOnlySpan<byte> head, ReadOnlySpan<byte> signature, int minPrefix)
    {
        if (head.StartsWith(signature))
        {
            return false;
        }

        return head.Length >= minPrefix && head.Length < signature.Length && signature.StartsWith(head)
            ? true
            : null;
    }

    private static string? UnsupportedName(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8) || head.StartsWith("II+\0"u8) || head.StartsWith("MM\0+"u8))
        {
            return "TIFF";
        }

        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            return IsoMediaName(head);
        }

        if (head.StartsWith(JpegXlContainer) || head.StartsWith(JpegXlCodestream))
        {
            return "JPEG XL";
        }

        if (head.StartsWith(Jpeg2000Container) || head.StartsWith(Jpeg2000Codestream))
        {
            return "JPEG 2000";
        }

        if (head.Length >= 6 && head[0] == 0 && head[1] == 0)
        {
            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(head[2..4]);
            ushort count = BinaryPrimitives.ReadUInt16LittleEndian(head[4..6]);
            if (type == 1 && count > 0)
            {
                return "ICO";
            }

            if (type == 2 && count > 0)
            {
                return "CUR";
            }
        }

        if (head.StartsWith("8BPS"u8))
        {
            return "PSD";
        }

        if (head.StartsWith("%PDF"u8))
        {
            return "PDF";
        }

        if (head.StartsWith("RIFF"u8) && head.Length >= 12)
        {
            return $"RIFF '{Encoding.ASCII.GetString(head[8..12])}' data";
        }

        if (head.StartsWith("qoif"u8))
        {
            return "QOI";
        }

        if (head.StartsWith(OpenExr))
        {
            return "OpenEXR";
        }

        if (head.StartsWith("#?RADIANCE"u8) || head.StartsWith("#?RGBE"u8))
        {
            return "Radiance HDR";
        }

        if (head.StartsWith("DDS "u8))
        {
            return "DDS";
        }

        if (head.StartsWith("PK\u0003\u0004"u8))
        {
            return "A ZIP archive";
        }

        if (head.Length >= 3 && head[0] == (byte)'P' && head[1] is >= (byte)'1' and <= (byte)'7' && head[2] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            return "PNM (PBM/PGM/PPM)";
        }

        if (StartsWithText(head, "<svg") || StartsWithText(head, "<?xml"))
        {
            return "SVG/XML";
        }

        return null;
    }

    private static string IsoMediaName(ReadOnlySpan<byte> head)
    {
        // Major brand at 8, then the compatible brands; any of them may identify the image kind.
        bool heif = false;
        for (int offset = 8; offset + 4 <= head.Length; offset += 4)
        {
            if (offset == 12)
            {
                continue; // minor version, not a brand
            }

            ReadOnlySpan<byte> brand = head.Slice(offset, 4);
            if (brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8))
            {
                return "AVIF";
            }

            if (brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("hevc"u8) || brand.SequenceEqual("hevx"u8)
                || brand.SequenceEqual("heim"u8) || brand.SequenceEqual("heis"u8))
            {
                return "HEIC";
            }

            if (brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8))
            {
                heif = true;
            }

            if (brand.SequenceEqual("crx "u8))
            {
                return "Canon CR3 (camera RAW)";
            }
        }

        return heif ? "HEIF" : "MP4/QuickTime (ISO media)";
    }

    private static bool StartsWithText(ReadOnlySpan<byte> head, string text)
    {
        // Tolerate a UTF-8 byte-order mark and leading whitespace, common in hand-edited SVG.
        if (head.StartsWith(Utf8Bom))
        {
            head = head[3..];
        }

        int start = 0;
        while (start < head.Length && head[start] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            start++;
        }

        return head[start..].StartsWith(Encoding.ASCII.GetBytes(text));
    }
}
