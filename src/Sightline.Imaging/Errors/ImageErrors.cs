using System.Globalization;
using SkiaSharp;

namespace Sightline.Imaging;

/// <summary>Builds the exceptions, so wording stays consistent across entry points.</summary>
internal static class ImageErrors
{
    private const string SupportedList = "JPEG, PNG, WebP, GIF, BMP, TIFF, HEIC/HEIF, AVIF, JPEG XL, camera RAW";

    public static ImageLoadException NotFound(string source) =>
        new(source, ImageErrorKind.NotFound, "the file does not exist");

    public static ImageLoadException IsDirectory(string source) =>
        new(source, ImageErrorKind.NotFound, "the path is a directory, not an image file");

    public static ImageLoadException CannotOpen(string source, Exception inner) =>
        new(source, ImageErrorKind.NotFound, $"the file cannot be opened ({inner.Message})", inner);

    public static ImageLoadException Empty(string source) =>
        new(source, ImageErrorKind.Empty, "the file is empty (0 bytes)");

    public static ImageLoadException TooLarge(string source, long? actualBytes, long maxBytes)
    {
        string detail = actualBytes is { } n
            ? $"{FormatBytes(n)}; the limit is {FormatBytes(maxBytes)}"
            : $"more than the {FormatBytes(maxBytes)} limit";
        return new(source, ImageErrorKind.FileTooLarge, $"the file is too large ({detail})");
    }

    public static ImageLoadException TooManyPixels(string source, int width, int height, long maxPixels) =>
        new(source, ImageErrorKind.TooManyPixels,
            $"the image is too large ({width}x{height} = {FormatPixels((long)width * height)}; " +
            $"the limit is {FormatPixels(maxPixels)})");

    public static ImageLoadException Unsupported(string source, string what) =>
        new(source, ImageErrorKind.UnsupportedFormat, $"{what} is not supported (supported formats: {SupportedList})");

    public static ImageLoadException Unrecognised(string source, ReadOnlySpan<byte> head) =>
        new(source, ImageErrorKind.UnsupportedFormat,
            $"the data is not a recognised image format (starts with {Hex(head)}; supported formats: {SupportedList})");

    public static ImageLoadException SignatureCutShort(string source, ImageFormat format) =>
        new(source, ImageErrorKind.Truncated, $"the file is truncated ({format.DisplayName()} data ends inside its signature)");

    /// <summary>
    /// Maps a failed codec creation (header parse) to a load error. <paramref name="shorterThanDeclared"/>
    /// overrides the codec's verdict, since e.g. the WebP codec calls a cut-short file "invalid".
    /// </summary>
    public static ImageLoadException FromHeaderResult(string source, ImageFormat format, SKCodecResult result, bool shorterThanDeclared = false)
    {
        string name = format.DisplayName();
        if (result == SKCodecResult.Unimplemented)
        {
            return new(source, ImageErrorKind.UnsupportedFormat, $"this {name} variant is not supported by the decoder");
        }

        if (result == SKCodecResult.IncompleteInput || shorterThanDeclared)
        {
            return new(source, ImageErrorKind.Truncated, $"the file is truncated ({name} header ends early)");
        }

        return new(source, ImageErrorKind.Corrupt, $"the file is corrupt (the {name} header is invalid: {Describe(result)})");
    }

    /// <summary>Maps a failed pixel decode to a load error; a partial image is never returned.</summary>
    public static ImageLoadException FromDecodeResult(string source, ImageFormat format, SKCodecResult result, bool shorterThanDeclared = false)
    {
        string name = format.DisplayName();
        if (result == SKCodecResult.IncompleteInput || shorterThanDeclared)
        {
            return new(source, ImageErrorKind.Truncated, $"the file is truncated ({name} data ends early)");
        }

        return new(source, ImageErrorKind.Corrupt, $"the file is corrupt (the {name} data could not be decoded: {Describe(result)})");
    }

    public static ImageLoadException BadDimensions(string source, ImageFormat format, long width, long height) =>
        new(source, ImageErrorKind.Corrupt, width == 0 || height == 0
            ? $"the image has zero width or height (the {format.DisplayName()} header declares {width}x{height})"
            : $"the file is corrupt (the {format.DisplayName()} header declares a {width}x{height} image)");

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.ErrorInInput => "invalid data",
        SKCodecResult.InvalidInput => "invalid input",
        SKCodecResult.CouldNotRewind => "the data could not be re-read",
        SKCodecResult.InvalidConversion => "unsupported pixel layout",
        SKCodecResult.InvalidScale => "unsupported scale",
        SKCodecResult.InvalidParameters => "invalid parameters",
        SKCodecResult.Unimplemented => "unsupported feature",
        SKCodecResult.InternalError => "internal decoder error",
        _ => result.ToString(),
    };

    internal static string FormatBytes(long bytes)
    {
        const double Mb = 1024 * 1024;
        if (bytes < 1024)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes");
        }

        if (bytes < 1024 * 1024)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{bytes / Mb:0.#} MB");
    }

    internal static string FormatPixels(long pixels) =>
        pixels >= 1_000_000
            ? string.Create(CultureInfo.InvariantCulture, $"{pixels / 1e6:0.#} megapixels")
            : string.Create(CultureInfo.InvariantCulture, $"{pixels:N0} pixels");

    private static string Hex(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty)
        {
            return "nothing";
        }

        string hex = Convert.ToHexString(head[..Math.Min(head.Length, 8)]);
        return string.Join(' ', Enumerable.Range(0, hex.Length / 2).Select(i => hex.Substring(i * 2, 2)));
    }
}
