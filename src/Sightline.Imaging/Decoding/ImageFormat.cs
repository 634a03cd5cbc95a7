using SkiaSharp;

namespace Sightline.Imaging;

/// <summary>The encoded formats Sightline decodes.</summary>
public enum ImageFormat
{
    Jpeg,
    Png,
    WebP,
    Gif,
    Bmp,
    Tiff,

    /// <summary>HEIC or HEIF (HEVC in the ISO image container), as phones write.</summary>
    Heif,
    Avif,
    JpegXl,

    /// <summary>A camera's raw sensor data: DNG, CR2, CR3, NEF, ARW and the other TIFF-like containers.</summary>
    CameraRaw,

    /// <summary>Not encoded: pixels decoded elsewhere and handed over as they are (a video frame).</summary>
    Pixels,

    /// <summary>Netpbm's PBM, PGM and PPM (binary or plain), as scanners and document tools write.</summary>
    Netpbm,
}

internal static class ImageFormatNames
{
    public static string DisplayName(this ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "JPEG",
        ImageFormat.Png => "PNG",
        ImageFormat.WebP => "WebP",
        ImageFormat.Gif => "GIF",
        ImageFormat.Bmp => "BMP",
        ImageFormat.Tiff => "TIFF",
        ImageFormat.Heif => "HEIC/HEIF",
        ImageFormat.Avif => "AVIF",
        ImageFormat.JpegXl => "JPEG XL",
        ImageFormat.CameraRaw => "camera RAW",
        ImageFormat.Pixels => "decoded pixels",
        ImageFormat.Netpbm => "Netpbm (PBM/PGM/PPM)",
        _ => format.ToString(),
    };

    /// <summary>Formats SkiaSharp decodes (fast, with DCT scaling for JPEG); the others go through ImageMagick.</summary>
    public static bool DecodedBySkia(this ImageFormat format) =>
        format is ImageFormat.Jpeg or ImageFormat.Png or ImageFormat.WebP or ImageFormat.Gif or ImageFormat.Bmp;

    public static ImageFormat? FromEncoded(SKEncodedImageFormat format) => format switch
    {
        SKEncodedImageFormat.Jpeg => ImageFormat.Jpeg,
        SKEncodedImageFormat.Png => ImageFormat.Png,
        SKEncodedImageFormat.Webp => ImageFormat.WebP,
        SKEncodedImageFormat.Gif => ImageFormat.Gif,
        SKEncodedImageFormat.Bmp => ImageFormat.Bmp,
        _ => null,
    };
}
