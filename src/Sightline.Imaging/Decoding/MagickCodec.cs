using ImageMagick;
using SkiaSharp;

namespace Sightline.Imaging;

/// <summary>
/// TIFF, HEIC/HEIF, AVIF, JPEG XL and camera RAW through the codecs Magick.NET bundles (libtiff, libheif,
/// libjxl, libraw). The coder is always named from the sniffed format, never guessed by ImageMagick: left
/// to itself it hands videos to an external program and reads text as its own scripting formats.
/// </summary>
internal static class MagickCodec
{
    /// <summary>
    /// Size and orientation from a ping, which parses the header without decoding pixels; the pixel limit
    /// is enforced here, so a decompression bomb is refused before any pixel memory exists.
    /// </summary>
    public static CodecHeader ReadHeader(ReadOnlySpan<byte> data, ImageFormat format, string source, ImageLimits limits)
    {
        using var image = new MagickImage();
        try
        {
            image.Ping(data, Settings(format));
        }
        catch (MagickException e)
        {
            throw Failed(source, format, e, "header");
        }

        if (image.Width == 0 || image.Height == 0 || image.Width > int.MaxValue || image.Height > int.MaxValue)
        {
            throw ImageErrors.BadDimensions(source, format, (int)Math.Min(image.Width, int.MaxValue), (int)Math.Min(image.Height, int.MaxValue));
        }

        var header = new CodecHeader(format, new SKSizeI((int)image.Width, (int)image.Height), Orientation(image, data, format));
        if ((long)image.Width * image.Height > limits.MaxPixels)
        {
            throw ImageErrors.TooManyPixels(source, header.Upright.Width, header.Upright.Height, limits.MaxPixels);
        }

        return header;
    }

    /// <summary>The first page or frame in stored orientation, as sRGB RGBA8888 unpremultiplied pixels.</summary>
    public static SKBitmap DecodeStored(ReadOnlySpan<byte> data, CodecHeader header, string source)
    {
        using var image = new MagickImage();
        var warnings = new List<string>();
        image.Warning += (_, e) =>
        {
            if (e.Message is { } message && e.Exception is MagickCorruptImageWarningException)
            {
                warnings.Add(message);
            }
        };
        try
        {
            image.Read(data, Settings(header.Format));
        }
        catch (MagickException e)
        {
            throw Failed(source, header.Format, e, "data");
        }

        if (warnings.Count > 0)
        {
            // A damaged strip or tile decodes as filler; never hand that back as the picture.
            throw new ImageLoadException(source, ImageErrorKind.Corrupt,
                $"the file is corrupt (the {header.Format.DisplayName()} data could not be decoded: {FirstLine(warnings[0])})");
        }

        if (image.Width != header.Stored.Width || image.Height != header.Stored.Height)
        {
            throw new ImageLoadException(source, ImageErrorKind.Corrupt,
                $"the file is corrupt (the {header.Format.DisplayName()} header declares {header.Stored.Width}x{header.Stored.Height} but the data decodes to {image.Width}x{image.Height})");
        }

        ToSrgb(image);
        byte[] pixels = image.GetPixelsUnsafe().ToByteArray(PixelMapping.RGBA)
            ?? throw new ImageLoadException(source, ImageErrorKind.Corrupt, $"the file is corrupt (the {header.Format.DisplayName()} data has no pixels)");

        var info = new SKImageInfo(header.Stored.Width, header.Stored.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul, SKColorSpace.CreateSrgb());
        var bitmap = new SKBitmap();
        if (!bitmap.TryAllocPixels(info))
        {
            bitmap.Dispose();
            throw new ImageLoadException(source, ImageErrorKind.TooManyPixels,
                $"not enough memory to decode a {info.Width}x{info.Height} {header.Format.DisplayName()} image");
        }

        int rowBytes = info.Width * 4;
        Span<byte> target = bitmap.GetPixelSpan();
        for (int y = 0; y < info.Height; y++)
        {
            pixels.AsSpan(y * rowBytes, rowBytes).CopyTo(target.Slice(y * bitmap.RowBytes, rowBytes));
        }

        return bitmap;
    }

    private static MagickReadSettings Settings(ImageFormat format) => new()
    {
        Format = format switch
        {
            ImageFormat.Tiff => MagickFormat.Tiff,
            ImageFormat.Heif => MagickFormat.Heic,
            ImageFormat.Avif => MagickFormat.Avif,
            ImageFormat.JpegXl => MagickFormat.Jxl,
            ImageFormat.Netpbm => MagickFormat.Pnm,

            // One libraw coder reads every raw container; it recognises the camera from the data.
            ImageFormat.CameraRaw => MagickFormat.Dng,
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "SkiaSharp decodes this format."),
        },

        // Multi-page TIFF and image sequences: the first page only.
        FrameIndex = 0,
        FrameCount = 1,
    };

    /// <summary>
    /// EXIF orientation still to apply to the pixels the codec returns. libheif already applies a HEIF's
    /// own rotation and mirror boxes (and ImageMagick then reports "top-left"); only a file without them,
    /// such as early iPhone HEICs, relies on its EXIF orientation. libraw applies a RAW's orientation itself.
    /// </summary>
    private static int Orientation(MagickImage image, ReadOnlySpan<byte> data, ImageFormat format)
    {
        if (format is ImageFormat.Heif or ImageFormat.Avif)
        {
            if (HeifBoxes.HasTransform(data))
            {
                return ExifOrientation.Normal;
            }

            return image.GetExifProfile()?.GetValue(ExifTag.Orientation)?.Value is ushort exif && ExifOrientation.IsValid(exif)
                ? exif
                : ExifOrientation.Normal;
        }

        int value = (int)image.Orientation;
        return ExifOrientation.IsValid(value) ? value : ExifOrientation.Normal;
    }

    private static void ToSrgb(MagickImage image)
    {
        foreach (var name in new[] { "icc", "icm" })
            if (image.GetProfile(name) is { } icc && !IccProfileCheck.IsWellFormed(icc.ToByteArray()))
                image.RemoveProfile(name);
        if (ConvertibleProfile(image) is not null)
        {
            // Display P3, Adobe RGB, CMYK profiles: convert as the SkiaSharp path does, since models expect sRGB.
            try
            {
                image.TransformColorSpace(ColorProfiles.SRGB);
            }
            catch (MagickException)
            {
                // A profile whose tables lcms cannot build a transform from (found by fuzzing): ignored, as a broken one is.
                image.RemoveProfile("icc");
                image.RemoveProfile("icm");
            }
        }
        else if (image.ColorSpace is not (ColorSpace.sRGB or ColorSpace.Gray or ColorSpace.RGB or ColorSpace.Undefined))
        {
            image.ColorSpace = ColorSpace.sRGB;
        }
    }

    /// <summary>The image's colour profile when it is neither grey nor sRGB; a profile Magick.NET cannot read is dropped.</summary>
    private static IColorProfile? ConvertibleProfile(MagickImage image)
    {
        try
        {
            return image.GetColorProfile() is { } profile && profile.ColorSpace != ColorSpace.Gray
                && !(profile.Description ?? "").Contains("sRGB", StringComparison.OrdinalIgnoreCase)
                ? profile
                : null;
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            // Magick.NET's managed profile reader throws on values it has no name for (a colour space "RGB@").
            image.RemoveProfile("icc");
            image.RemoveProfile("icm");
            return null;
        }
    }

    private static ImageLoadException Failed(string source, ImageFormat format, MagickException e, string part)
    {
        string name = format.DisplayName();
        string detail = FirstLine(e.Message);
        if (detail.Contains("end of file", StringComparison.OrdinalIgnoreCase) || detail.Contains("premature", StringComparison.OrdinalIgnoreCase)
            || detail.Contains("truncated", StringComparison.OrdinalIgnoreCase) || detail.Contains("unexpected end", StringComparison.OrdinalIgnoreCase))
        {
            return new(source, ImageErrorKind.Truncated, $"the file is truncated ({name} {part} ends early: {detail})", e);
        }

        return new(source, ImageErrorKind.Corrupt, $"the file is corrupt (the {name} {part} could not be decoded: {detail})", e);
    }

    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        return (end < 0 ? message : message[..end]).Trim();
    }
}

/// <summary>Reads just enough of a HEIF/AVIF box tree to see whether the file rotates or mirrors its image itself.</summary>
internal static class HeifBoxes
{
    /// <summary>Whether the item properties (meta/iprp/ipco) hold an 'irot' or 'imir' box.</summary>
    public static bool HasTransform(ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> meta = Child(data, "meta"u8);
        if (meta.Length < 4)
        {
            return false;
        }

        // 'meta' is a full box: version and flags come before its children.
        ReadOnlySpan<byte> properties = Child(Child(meta[4..], "iprp"u8), "ipco"u8);
        return !Child(properties, "irot"u8).IsEmpty || !Child(properties, "imir"u8).IsEmpty;
    }

    /// <summary>The payload of the first box of that type among <paramref name="boxes"/>; empty when absent or malformed.</summary>
    internal static ReadOnlySpan<byte> Child(ReadOnlySpan<byte> boxes, ReadOnlySpan<byte> type)
    {
        int offset = 0;
        while (offset + 8 <= boxes.Length)
        {
            long size = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(boxes.Slice(offset, 4));
            int header = 8;
            if (size == 1)
            {
                if (offset + 16 > boxes.Length)
                {
                    return [];
                }

                size = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(boxes.Slice(offset + 8, 8));
                header = 16;
            }
            else if (size == 0)
            {
                size = boxes.Length - offset; // to the end
            }

            if (size < header || offset + size > boxes.Length)
            {
                return [];
            }

            if (boxes.Slice(offset + 4, 4).SequenceEqual(type))
            {
                return boxes.Slice(offset + header, (int)size - header);
            }

            offset += (int)size;
        }

        return [];
    }
}
