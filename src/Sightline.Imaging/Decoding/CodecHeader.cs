using SkiaSharp;

namespace Sightline.Imaging;

/// <summary>Header facts needed before any pixel is decoded.</summary>
/// <param name="Stored">Size as encoded, before orientation.</param>
internal readonly record struct CodecHeader(ImageFormat Format, SKSizeI Stored, int Orientation)
{
    public SKSizeI Upright => ExifOrientation.UprightSize(Stored, Orientation);

    public ImageInfo ToInfo() => new(Upright.Width, Upright.Height, Format, Orientation);
}

/// <summary>Format gating, codec creation and header checks shared by every entry point.</summary>
internal static class CodecOpener
{
    /// <summary>Returns the supported format the bytes announce, or throws the matching load error.</summary>
    public static ImageFormat Sniff(ReadOnlySpan<byte> head, string source)
    {
        if (head.IsEmpty)
        {
            throw ImageErrors.Empty(source);
        }

        FormatGuess guess = FormatSniffer.Detect(head[..Math.Min(head.Length, FormatSniffer.HeadLength)]);
        if (guess.Format is { } format)
        {
            if (guess.CutShort)
            {
                throw ImageErrors.SignatureCutShort(source, format);
            }

            if (FormatSniffer.DeclaredSize(head, format) is var (width, height) && (width == 0 || height == 0))
            {
                throw ImageErrors.BadDimensions(source, format, width, height);
            }

            return format;
        }

        throw guess.UnsupportedName is { } name
            ? ImageErrors.Unsupported(source, name)
            : ImageErrors.Unrecognised(source, head);
    }

    /// <summary>Whether the container declares more bytes than <paramref name="actualLength"/>.</summary>
    public static bool ShorterThanDeclared(ReadOnlySpan<byte> head, ImageFormat format, long actualLength) =>
        FormatSniffer.DeclaredLength(head, format) is { } declared && declared > actualLength;

    /// <summary>Creates the codec; the codec takes ownership of <paramref name="stream"/>.</summary>
    public static SKCodec Open(SKStream stream, ImageFormat sniffed, string source, bool shorterThanDeclared)
    {
        SKCodec? codec = SKCodec.Create(stream, out SKCodecResult result);
        if (codec is null)
        {
            result = result == SKCodecResult.Success ? SKCodecResult.ErrorInInput : result;
            throw ImageErrors.FromHeaderResult(source, sniffed, result, shorterThanDeclared);
        }

        return codec;
    }

    /// <summary>
    /// Validates format and size from the header alone. The pixel limit is enforced here, before any
    /// pixel memory is allocated, which is what makes decompression bombs cheap to refuse.
    /// </summary>
    public static CodecHeader ReadHeader(SKCodec codec, ImageFormat sniffed, string source, ImageLimits limits)
    {
        ImageFormat format = ImageFormatNames.FromEncoded(codec.EncodedFormat)
            ?? throw ImageErrors.Unsupported(source, codec.EncodedFormat.ToString().ToUpperInvariant());

        SKImageInfo info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw ImageErrors.BadDimensions(source, sniffed, info.Width, info.Height);
        }

        int orientation = ExifOrientation.FromEncodedOrigin(codec.EncodedOrigin);
        var header = new CodecHeader(format, new SKSizeI(info.Width, info.Height), orientation);
        if ((long)info.Width * info.Height > limits.MaxPixels)
        {
            throw ImageErrors.TooManyPixels(source, header.Upright.Width, header.Upright.Height, limits.MaxPixels);
        }

        return header;
    }
}
