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

        if (CameraRawSignature(head))
        {
            return new FormatGuess(ImageFormat.CameraRaw, null, false);
        }

        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8) || head.StartsWith("II+\0"u8) || head.StartsWith("MM\0+"u8))
        {
            // Most camera RAW files are TIFF containers too; Refine tells them apart once the first IFD is at hand.
            return new FormatGuess(ImageFormat.Tiff, null, false);
        }

        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8) && IsoImageFormat(head) is { } iso)
        {
            return new FormatGuess(iso, null, false);
        }

        if (head.StartsWith(JpegXlContainer) || head.StartsWith(JpegXlCodestream))
        {
            return new FormatGuess(ImageFormat.JpegXl, null, false);
        }

        if (NetpbmHeader(head) is { } cutShort)
        {
            return new FormatGuess(ImageFormat.Netpbm, null, cutShort);
        }

        return null;
    }

    /// <summary>
    /// "P1" to "P6", whitespace, then the width's first digit (comments may come between): a Netpbm header. Requiring
    /// the digit keeps a text file that starts "P1 " from passing for one. Null when it is not one; true when the head
    /// ends before the digit.
    /// </summary>
    private static bool? NetpbmHeader(ReadOnlySpan<byte> head)
    {
        if (head.Length < 3 || head[0] != (byte)'P' || head[1] is < (byte)'1' or > (byte)'6' || !IsSpace(head[2]))
        {
            return null;
        }

        int at = 2;
        while (at < head.Length)
        {
            if (IsSpace(head[at]))
            {
                at++;
            }
            else if (head[at] == (byte)'#')
            {
                while (at < head.Length && head[at] is not ((byte)'\n' or (byte)'\r'))
                {
                    at++;
                }
            }
            else
            {
                return head[at] is >= (byte)'1' and <= (byte)'9' ? false : null;
            }
        }

        return true;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)'\v' or (byte)'\f';

    /// <summary>Raw containers with a signature of their own: Canon CR2, Olympus ORF, Panasonic RW2, Fujifilm RAF.</summary>
    private static bool CameraRawSignature(ReadOnlySpan<byte> head) =>
        (head.Length >= 10 && head.StartsWith("II*\0"u8) && head[8..10].SequenceEqual("CR"u8))
        || head.StartsWith("IIRO"u8) || head.StartsWith("IIRS"u8) || head.StartsWith("MMOR"u8)
        || head.StartsWith("IIU\0"u8)
        || head.StartsWith("FUJIFILMCCD-RAW"u8);

    /// <summary>
    /// A TIFF that is really a camera's raw file: a DNG (its first IFD carries DNGVersion), or a NEF, ARW,
    /// PEF and the like, whose first page is a reduced-resolution preview with the sensor data in sub-IFDs.
    /// Needs the data up to the end of the first IFD; anything shorter or malformed stays a TIFF.
    /// </summary>
    public static ImageFormat Refine(ReadOnlySpan<byte> data, ImageFormat format)
    {
        if (format != ImageFormat.Tiff)
        {
            return format;
        }

        (bool dng, bool reducedResolution, bool subIfds) = FirstIfdTags(data);
        return dng || (reducedResolution && subIfds) ? ImageFormat.CameraRaw : format;
    }

    /// <summary>What the first IFD of a TIFF-like file says: DNGVersion present, a reduced-resolution first page, sub-IFDs.</summary>
    private static (bool Dng, bool ReducedResolution, bool SubIfds) FirstIfdTags(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8 || !(data.StartsWith("II"u8) || data.StartsWith("MM"u8)))
        {
            return default;
        }

        bool little = data[0] == (byte)'I';

        if (Read16(data, 2, little) != 42)
        {
            return default; // BigTIFF: no camera writes RAW in it
        }

        long ifd = Read32(data, 4, little);
        if (ifd < 8 || ifd + 2 > data.Length)
        {
            return default;
        }

        int entries = Read16(data, (int)ifd, little);
        bool reducedResolution = false;
        bool subIfds = false;
        for (int i = 0; i < entries; i++)
        {
            long entry = ifd + 2 + 12L * i;
            if (entry + 12 > data.Length)
            {
                break;
            }

            ushort tag = Read16(data, (int)entry, little);
            if (tag == DngVersionTag)
            {
                return (true, reducedResolution, subIfds);
            }

            if (tag == NewSubfileTypeTag)
            {
                uint value = Read16(data, (int)entry + 2, little) == 3 ? Read16(data, (int)entry + 8, little) : Read32(data, (int)entry + 8, little);
                reducedResolution = (value & 1) != 0;
            }

            subIfds |= tag == SubIfdsTag;
        }

        return (false, reducedResolution, subIfds);
    }

    private static ushort Read16(ReadOnlySpan<byte> data, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(at, 2)) : BinaryPrimitives.ReadUInt16BigEndian(data.Slice(at, 2));

    private static uint Read32(ReadOnlySpan<byte> data, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(at, 4)) : BinaryPrimitives.ReadUInt32BigEndian(data.Slice(at, 4));

    private const ushort NewSubfileTypeTag = 0x00FE;

    private const ushort SubIfdsTag = 0x014A;

    private const ushort DngVersionTag = 0xC612;

    /// <summary>The still-image kind an ISO media file's brands announce; null for video.</summary>
    private static ImageFormat? IsoImageFormat(ReadOnlySpan<byte> head)
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
                return ImageFormat.Avif;
            }

            if (brand.SequenceEqual("crx "u8))
            {
                return ImageFormat.CameraRaw;
            }

            heif |= brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("hevc"u8) || brand.SequenceEqual("hevx"u8)
                || brand.SequenceEqual("heim"u8) || brand.SequenceEqual("heis"u8) || brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8);
        }

        return heif ? ImageFormat.Heif : null;
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
        if (VideoName(head) is { } video)
        {
            return video;
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

        if (head.Length >= 3 && head[0] == (byte)'P' && head[1] == (byte)'7' && IsSpace(head[2]))
        {
            return "PAM (Netpbm's arbitrary map)";
        }

        if (StartsWithText(head, "<svg") || StartsWithText(head, "<?xml"))
        {
            return "SVG/XML";
        }

        return null;
    }

    /// <summary>Matroska/WebM's EBML magic.</summary>
    private static ReadOnlySpan<byte> Ebml => [0x1A, 0x45, 0xDF, 0xA3];

    /// <summary>The kind of video the data holds, worded for users ("... video (not an image)"); null when not a video.</summary>
    public static string? VideoName(ReadOnlySpan<byte> head) => VideoFormat(head) switch
    {
        null => null,
        "mov" when !(head.Length >= 8 && head[4..8].SequenceEqual("ftyp"u8)) => "QuickTime video (not an image)",
        "mp4" or "mov" or "m4v" or "3gp" => "MP4/QuickTime video (not an image)",
        "avi" => "AVI video (not an image)",
        _ => "Matroska/WebM video (not an image)",
    };

    /// <summary>
    /// The video container, lower-case ("mp4", "mov", "m4v", "3gp", "avi", "mkv", "webm"), from its magic bytes;
    /// null when the data is not a video (an ISO file whose brands announce a still image is not).
    /// </summary>
    public static string? VideoFormat(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            if (IsoImageFormat(head[..Math.Min(head.Length, HeadLength)]) is not null)
            {
                return null;
            }

            ReadOnlySpan<byte> brand = head[8..12];
            if (brand.SequenceEqual("qt  "u8))
            {
                return "mov";
            }

            if (brand.StartsWith("M4V"u8))
            {
                return "m4v";
            }

            return brand.StartsWith("3g"u8) ? "3gp" : "mp4";
        }

        // QuickTime files older than the ftyp box start with their first atom.
        if (head.Length >= 8 && (head[4..8].SequenceEqual("moov"u8) || head[4..8].SequenceEqual("mdat"u8) || head[4..8].SequenceEqual("wide"u8)))
        {
            return "mov";
        }

        if (head.StartsWith("RIFF"u8) && head.Length >= 12 && head[8..12].SequenceEqual("AVI "u8))
        {
            return "avi";
        }

        if (head.StartsWith(Ebml))
        {
            // The EBML header names its document type near the start.
            return head.IndexOf("webm"u8) >= 0 ? "webm" : "mkv";
        }

        return null;
    }

    /// <summary>Whether a TIFF-like file is a DNG: its first IFD carries DNGVersion (needs the data up to the end of that IFD).</summary>
    public static bool IsDng(ReadOnlySpan<byte> data) => FirstIfdTags(data).Dng;

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
