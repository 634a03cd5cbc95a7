using System.Text.Unicode;
using System.Text.RegularExpressions;

namespace Sightline.Imaging;

/// <summary>What a file holds, told by its first bytes (and, for sidecars, its name).</summary>
public enum ContentKind
{
    /// <summary>A supported image, whatever its extension.</summary>
    Image,

    /// <summary>A video container (MP4, QuickTime, AVI, Matroska/WebM, ...).</summary>
    Video,

    /// <summary>Metadata that belongs to a photo or video: XMP, Apple AAE, a camera's THM, a Google Takeout JSON beside its media.</summary>
    Sidecar,

    /// <summary>No bytes at all.</summary>
    Empty,

    /// <summary>An image format Sightline does not decode (PSD, ICO, JPEG 2000, SVG, ...).</summary>
    UnsupportedImage,

    /// <summary>An archive or document (ZIP, gzip, PDF, Office files).</summary>
    Archive,

    /// <summary>Plain text (notes, JSON without its media, YAML, Markdown).</summary>
    Text,

    /// <summary>Bytes of no kind recognised.</summary>
    Unknown,

    /// <summary>The file cannot be opened or read, or is not a regular file (a named pipe, a socket, a device).</summary>
    Unreadable,
}

/// <summary>
/// What a file holds. <see cref="Format"/> is the lower-case format of images and videos ("jpeg", "heic", "dng", "raw",
/// "mp4", "mov"); <see cref="Name"/> says in words what the rest is ("XMP", "PSD", "ZIP archive", "text"), or for
/// <see cref="ContentKind.Unreadable"/> why ("Permission denied", "named pipe, not a regular file").
/// </summary>
public readonly record struct ContentGuess(ContentKind Kind, string? Format = null, string? Name = null, ImageFormat? ImageFormat = null);

/// <summary>
/// One classification of files for every part of Sightline that meets folders of them: the image commands (which
/// process the images and list the rest) and the photo library (which also keeps videos and sidecars). Content is told
/// by magic bytes, never by extension; only sidecars, which are text, are told by name.
/// </summary>
public static partial class FileContent
{
    /// <summary>Bytes read from the start of a file: enough for every signature, a DNG's first IFD and a fair look at text.</summary>
    public const int HeadLength = 4096;

    private static readonly HashSet<string> NamedSidecarExtensions = new([".xmp", ".aae"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads the head of <paramref name="path"/> and identifies it; see <see cref="Identify"/>. Never throws for a bad file.</summary>
    /// <param name="mediaBeside">Whether a JSON file has its photo or video beside it; null looks in its folder.</param>
    public static ContentGuess OfFile(string path, Func<string, bool>? mediaBeside = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] head = new byte[HeadLength];
        if (ReadHead(path, head, out int read) is { } unreadable)
            return new ContentGuess(ContentKind.Unreadable, Name: unreadable);
        return Identify(head.AsSpan(0, read), path, mediaBeside ?? HasMediaBeside);
    }

    /// <summary>
    /// Reads up to <paramref name="head"/>'s length from the start of the file; null on success, otherwise why it
    /// cannot be read, in the system's words. A named pipe, socket or device is refused before it is opened, so that
    /// reading never blocks.
    /// </summary>
    public static string? ReadHead(string path, Span<byte> head, out int read)
    {
        read = 0;
        try
        {
            if (FileNodes.Of(path) is { Type: not FileNodeType.Regular } node)
                return $"{node.TypeName}, not a regular file";
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return null;
        }
        catch (UnauthorizedAccessException e)
        {
            // .NET words this with the path; the system's own words are in the inner exception.
            return e.InnerException?.Message ?? "permission denied";
        }
        catch (Exception e) when (e is IOException or NotSupportedException or ArgumentException)
        {
            return WithoutPath(e.Message, path);
        }
    }

    /// <summary>.NET appends " : 'path'" to the system's words; the reason is kept per file already, and counted by its words.</summary>
    private static string WithoutPath(string message, string path)
    {
        string suffix = $" : '{path}'";
        return message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }

    /// <summary>What <paramref name="head"/> (the first bytes of the file at <paramref name="path"/>) holds.</summary>
    /// <param name="mediaBeside">For a JSON file: whether its photo or video lies beside it (Google Takeout's layout).</param>
    public static ContentGuess Identify(ReadOnlySpan<byte> head, string path, Func<string, bool> mediaBeside)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(mediaBeside);
        if (head.IsEmpty)
            return new ContentGuess(ContentKind.Empty);

        string extension = Path.GetExtension(path);
        // A THM is a camera's JPEG thumbnail of the video beside it: metadata of that video, not a photo of its own.
        if (extension.Equals(".thm", StringComparison.OrdinalIgnoreCase))
            return new ContentGuess(ContentKind.Sidecar, Name: "THM");

        ReadOnlySpan<byte> signature = head[..Math.Min(head.Length, FormatSniffer.HeadLength)];
        FormatGuess guess = FormatSniffer.Detect(signature);
        if (guess.Format is { } format)
        {
            format = FormatSniffer.Refine(head, format);
            return new ContentGuess(ContentKind.Image, FormatName(format, head), ImageFormat: format);
        }

        if (FormatSniffer.VideoFormat(signature) is { } video)
            return new ContentGuess(ContentKind.Video, video);

        if (NamedSidecarExtensions.Contains(extension))
            return new ContentGuess(ContentKind.Sidecar, Name: extension.TrimStart('.').ToUpperInvariant());

        if (extension.Equals(".json", StringComparison.OrdinalIgnoreCase) && LooksLikeText(head))
            return mediaBeside(path)
                ? new ContentGuess(ContentKind.Sidecar, Name: "JSON")
                : new ContentGuess(ContentKind.Text, Name: "JSON with no photo or video beside it");

        if (ArchiveName(head) is { } archive)
            return new ContentGuess(ContentKind.Archive, Name: archive);

        if (guess.UnsupportedName is { } unsupported)
            return new ContentGuess(ContentKind.UnsupportedImage, Name: unsupported);

        return LooksLikeText(head) ? new ContentGuess(ContentKind.Text, Name: "text") : new ContentGuess(ContentKind.Unknown, Name: "unknown content");
    }

    /// <summary>The lower-case name of a supported image format; DNG is told apart from other camera raw files.</summary>
    public static string FormatName(ImageFormat format, ReadOnlySpan<byte> head) => format switch
    {
        ImageFormat.Jpeg => "jpeg",
        ImageFormat.Png => "png",
        ImageFormat.WebP => "webp",
        ImageFormat.Gif => "gif",
        ImageFormat.Bmp => "bmp",
        ImageFormat.Tiff => "tiff",
        ImageFormat.Heif => "heic",
        ImageFormat.Avif => "avif",
        ImageFormat.JpegXl => "jxl",
        ImageFormat.Netpbm => "pnm",
        ImageFormat.CameraRaw => FormatSniffer.IsDng(head) ? "dng" : "raw",
        _ => format.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// The names of the media a Google Takeout JSON can belong to: "IMG_1.jpg.json", "IMG_1.jpg.supplemental-metadata.json"
    /// (or that suffix cut short, as Takeout cuts long names) and "IMG_1.jpg(1).json" name the file exactly; "IMG_1.json"
    /// names any file whose name without extension is "IMG_1". A file beside it is its subject when its name, or its
    /// name without extension, is what this returns.
    /// </summary>
    public static string SidecarSubject(string jsonFileName)
    {
        ArgumentNullException.ThrowIfNull(jsonFileName);
        string name = Path.GetFileNameWithoutExtension(jsonFileName);
        string last = Path.GetExtension(name).TrimStart('.');
        if (last.Length > 0 && "supplemental-metadata".StartsWith(last, StringComparison.Ordinal))
            name = Path.GetFileNameWithoutExtension(name);
        Match numbered = NumberedCopy().Match(name);
        if (numbered.Success)
            name = $"{numbered.Groups["stem"].Value}({numbered.Groups["n"].Value}){numbered.Groups["ext"].Value}";
        return name;
    }

    /// <summary>Whether the JSON file at <paramref name="jsonPath"/> has a photo or video beside it, looking in its folder.</summary>
    public static bool HasMediaBeside(string jsonPath)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(jsonPath)) ?? ".";
        string subject = SidecarSubject(Path.GetFileName(jsonPath));
        try
        {
            return Directory.EnumerateFiles(folder)
                .Where(f => !string.Equals(f, jsonPath, StringComparison.Ordinal))
                .Any(f => IsSubject(Path.GetFileName(f), subject) && IsMedia(OfFile(f, _ => false)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Whether the file named <paramref name="fileName"/> is what a sidecar's <see cref="SidecarSubject"/> names.</summary>
    public static bool IsSubject(string fileName, string subject) =>
        fileName == subject || Path.GetFileNameWithoutExtension(fileName) == subject;

    /// <summary>A photo or a video.</summary>
    public static bool IsMedia(ContentGuess content) => content.Kind is ContentKind.Image or ContentKind.Video;

    [GeneratedRegex(@"^(?<stem>.+)(?<ext>\.[^.()]+)\((?<n>\d+)\)$")]
    private static partial Regex NumberedCopy();

    private static string? ArchiveName(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("PK\u0003\u0004"u8) || head.StartsWith("PK\u0005\u0006"u8))
            return head.IndexOf("[Content_Types].xml"u8) >= 0 ? "Office document" : "ZIP archive";
        if (head.StartsWith("%PDF"u8))
            return "PDF document";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
            return "gzip archive";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]))
            return "7-Zip archive";
        if (head.StartsWith("Rar!\u001A\u0007"u8))
            return "RAR archive";
        if (head.StartsWith("BZh"u8))
            return "bzip2 archive";
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]))
            return "xz archive";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x28, 0xB5, 0x2F, 0xFD]))
            return "zstd archive";
        if (head.Length >= 262 && head[257..262].SequenceEqual("ustar"u8))
            return "tar archive";
        return null;
    }

    /// <summary>Valid UTF-8 (a character cut at the end of the head allowed) without control bytes other than whitespace.</summary>
    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            return true; // UTF-16 with its byte-order mark
        foreach (byte b in head)
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C) || b == 0x7F)
                return false;
        // A head cut inside a multi-byte character is still text: drop up to three trailing bytes that start one.
        for (int trim = 0; trim <= Math.Min(3, head.Length); trim++)
            if (Utf8.IsValid(head[..^trim]))
                return true;
        return false;
    }
}
