using System.Runtime.InteropServices;
using SkiaSharp;

namespace Sightline.Imaging;

/// <summary>
/// EXIF orientation (tag 0x0112) as pure pixel mappings. Values: 1 normal, 2 mirrored horizontally,
/// 3 rotated 180, 4 mirrored vertically, 5 transposed, 6 needs 90 clockwise, 7 transversed,
/// 8 needs 90 counter-clockwise. Applying is an exact pixel permutation, no resampling.
/// </summary>
public static class ExifOrientation
{
    public const int Normal = 1;

    public static bool IsValid(int orientation) => orientation is >= 1 and <= 8;

    /// <summary>Orientations 5-8 turn the image a quarter, so width and height swap.</summary>
    public static bool SwapsDimensions(int orientation) => orientation is >= 5 and <= 8;

    /// <summary>EXIF value for Skia's origin; the enums share the numbering, unknown values read as 1.</summary>
    public static int FromEncodedOrigin(SKEncodedOrigin origin) => IsValid((int)origin) ? (int)origin : Normal;

    public static SKSizeI UprightSize(SKSizeI stored, int orientation) =>
        SwapsDimensions(orientation) ? new SKSizeI(stored.Height, stored.Width) : stored;

    /// <summary>
    /// For the upright pixel (<paramref name="x"/>, <paramref name="y"/>), the stored pixel that lands there.
    /// <paramref name="storedWidth"/> and <paramref name="storedHeight"/> are the stored (encoded) size.
    /// </summary>
    public static (int X, int Y) UprightToStored(int orientation, int x, int y, int storedWidth, int storedHeight) =>
        orientation switch
        {
            1 => (x, y),
            2 => (storedWidth - 1 - x, y),
            3 => (storedWidth - 1 - x, storedHeight - 1 - y),
            4 => (x, storedHeight - 1 - y),
            5 => (y, x),
            6 => (y, storedHeight - 1 - x),
            7 => (storedWidth - 1 - y, storedHeight - 1 - x),
            8 => (storedWidth - 1 - y, x),
            _ => throw new ArgumentOutOfRangeException(nameof(orientation), orientation, "EXIF orientation must be 1-8."),
        };

    /// <summary>
    /// Returns a new upright bitmap (the caller owns it) with the same colour and alpha type.
    /// Works for any colour type of 1, 2, 4 or 8 bytes per pixel.
    /// </summary>
    public static SKBitmap Apply(SKBitmap stored, int orientation)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (!IsValid(orientation))
        {
            throw new ArgumentOutOfRangeException(nameof(orientation), orientation, "EXIF orientation must be 1-8.");
        }

        SKImageInfo info = stored.Info;
        SKSizeI upright = UprightSize(new SKSizeI(info.Width, info.Height), orientation);
        var result = new SKBitmap(info.WithSize(upright.Width, upright.Height));
        try
        {
            switch (info.BytesPerPixel)
            {
                case 1: Remap<byte>(stored, result, orientation); break;
                case 2: Remap<ushort>(stored, result, orientation); break;
                case 4: Remap<uint>(stored, result, orientation); break;
                case 8: Remap<ulong>(stored, result, orientation); break;
                default:
                    throw new ArgumentException($"Colour type {info.ColorType} is not supported for orientation.", nameof(stored));
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }

        return result;
    }

    private static void Remap<T>(SKBitmap stored, SKBitmap upright, int orientation)
        where T : unmanaged
    {
        int storedWidth = stored.Width;
        int storedHeight = stored.Height;
        int srcStride = stored.RowBytes / stored.BytesPerPixel;
        int dstStride = upright.RowBytes / upright.BytesPerPixel;
        ReadOnlySpan<T> src = MemoryMarshal.Cast<byte, T>(stored.GetPixelSpan());
        Span<T> dst = MemoryMarshal.Cast<byte, T>(upright.GetPixelSpan());

        for (int y = 0; y < upright.Height; y++)
        {
            Span<T> row = dst.Slice(y * dstStride, upright.Width);
            for (int x = 0; x < row.Length; x++)
            {
                (int sx, int sy) = UprightToStored(orientation, x, y, storedWidth, storedHeight);
                row[x] = src[sy * srcStride + sx];
            }
        }
    }
}
