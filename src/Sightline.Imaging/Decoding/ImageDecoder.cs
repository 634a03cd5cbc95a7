using SkiaSharp;

namespace Sightline.Imaging;

/// <summary>
/// Entry points for reading images. Every failure caused by the input (missing file, bad bytes,
/// limits exceeded) surfaces as <see cref="ImageLoadException"/>; argument misuse (null, a
/// non-positive size) throws the usual argument exceptions. All methods are thread-safe.
/// </summary>
public static class ImageDecoder
{
    private static readonly HashSet<string> SupportedExtensions =
        new([".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".heif", ".avif", ".jxl", ".pbm", ".pgm", ".ppm", ".pnm",
            ".dng", ".cr2", ".cr3", ".nef", ".nrw", ".arw", ".orf", ".rw2", ".raf", ".pef"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads format, upright size and orientation from the header only; applies the limits.</summary>
    public static ImageInfo ReadInfo(string path, ImageLimits? limits = null)
    {
        limits = Checked(limits);
        long length = InputReader.CheckFile(path, limits);

        Span<byte> head = stackalloc byte[FormatSniffer.HeadLength];
        int read = InputReader.ReadHead(path, head);
        ImageFormat sniffed = CodecOpener.Sniff(head[..read], path);
        if (!sniffed.DecodedBySkia())
        {
            // ImageMagick pings from memory; the file is within the byte limit already.
            ReadOnlyMemory<byte> data = InputReader.ReadFile(path, limits);
            ImageFormat format = FormatSniffer.Refine(data.Span, sniffed);
            return MagickCodec.ReadHeader(data.Span, format, path, limits).ToInfo();
        }

        // A native file stream lets the codec pull only the header, however large the file is.
        using var stream = new SKFileStream(path);
        if (!stream.IsValid)
        {
            throw ImageErrors.CannotOpen(path, new IOException("the file could not be opened for decoding"));
        }

        using SKCodec codec = CodecOpener.Open(stream, sniffed, path, CodecOpener.ShorterThanDeclared(head[..read], sniffed, length));
        return CodecOpener.ReadHeader(codec, sniffed, path, limits).ToInfo();
    }

    public static DecodedImage Decode(string path, DecodeSize? size = null, ImageLimits? limits = null)
    {
        limits = Checked(limits);
        size?.Validate();
        ReadOnlyMemory<byte> data = InputReader.ReadFile(path, limits);
        return DecodeCore.Decode(data.Span, path, size, limits);
    }

    /// <param name="source">Name used in errors and on the result, e.g. the upload's file name.</param>
    public static DecodedImage Decode(ReadOnlySpan<byte> data, string source, DecodeSize? size = null, ImageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        limits = Checked(limits);
        size?.Validate();
        return DecodeCore.Decode(data, source, size, limits);
    }

    /// <summary>Reads the stream to its end, at most MaxFileBytes + 1 bytes, refusing anything longer.</summary>
    /// <param name="source">Name used in errors and on the result.</param>
    public static DecodedImage Decode(Stream stream, string source, DecodeSize? size = null, ImageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        limits = Checked(limits);
        size?.Validate();
        ReadOnlyMemory<byte> data = InputReader.ReadBounded(stream, source, limits);
        return DecodeCore.Decode(data.Span, source, size, limits);
    }

    /// <summary>Whether the extension is one Sightline decodes; used to pick files from folders.</summary>
    public static bool IsSupportedExtension(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return SupportedExtensions.Contains(Path.GetExtension(path));
    }

    private static ImageLimits Checked(ImageLimits? limits)
    {
        limits ??= ImageLimits.Default;
        limits.Validate();
        return limits;
    }
}
