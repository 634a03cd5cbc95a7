using ImageMagick;
using Sightline.Imaging;
using SkiaSharp;

namespace Sightline.Fuzz.Targets;

/// <summary>The image decoders behind <see cref="ImageDecoder"/>: format sniffing, the header checks and the scaled decode.</summary>
public static class ImageTargets
{
    /// <summary>Tighter than the defaults, so one input's pixels stay within the allocation bound.</summary>
    public static readonly ImageLimits Limits = new(MaxFileBytes: 4L * 1024 * 1024, MaxPixels: 4_000_000);

    private static readonly DecodeSize Thumbnail = DecodeSize.Within(160, 160);

    public static FuzzTarget Decoder { get; } = new(
        "image",
        "ImageDecoder.Decode (every format: sniffing, header checks, orientation, scaled and full decode)",
        Decode,
        data => MadeInCode().Concat(data.SmallestOf(
            [".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".avif", ".jxl", ".dng", ".pgm", ".ppm"], 3, 256 * 1024)),
        // The full decode of the largest accepted image (4 M pixels, 4 bytes each) and its copies while oriented.
        length => 96L * 1024 * 1024 + 4L * length);

    private static void Decode(byte[] input)
    {
        foreach (var size in new[] { Thumbnail, DecodeSize.Original })
        {
            DecodedImage image;
            try
            {
                image = ImageDecoder.Decode(input, "fuzz input", size, Limits);
            }
            catch (ImageLoadException)
            {
                return; // refused with a reason: what the decoder promises for bad input
            }
            using (image)
            {
                if (image.Width <= 0 || image.Height <= 0 || image.OriginalWidth <= 0 || image.OriginalHeight <= 0)
                    throw new FuzzFindingException($"decoded to {image.Width}x{image.Height} from {image.OriginalWidth}x{image.OriginalHeight}");
                if ((long)image.OriginalWidth * image.OriginalHeight > Limits.MaxPixels)
                    throw new FuzzFindingException($"decoded {image.OriginalWidth}x{image.OriginalHeight}, over the pixel limit {Limits.MaxPixels}");
                if (image.Orientation is < 1 or > 8)
                    throw new FuzzFindingException($"orientation {image.Orientation} is not an EXIF orientation");
                // A scaled decode may round up to the codec's nearest step, never to more than twice the asked size.
                if (size == Thumbnail && Math.Min(image.Width, image.Height) > 2 * 160 && Math.Max(image.Width, image.Height) > 2 * 160)
                    throw new FuzzFindingException($"asked for at most 160x160, got {image.Width}x{image.Height}");
            }
        }
    }

    /// <summary>A small picture in each format the encoders here write.</summary>
    internal static IEnumerable<Seed> MadeInCode()
    {
        using var bitmap = new SKBitmap(24, 16);
        for (var y = 0; y < bitmap.Height; y++)
            for (var x = 0; x < bitmap.Width; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 10), (byte)(y * 15), (byte)((x + y) * 6)));
        using var picture = SKImage.FromBitmap(bitmap);
        foreach (var (name, format) in new[] { ("png", SKEncodedImageFormat.Png), ("jpg", SKEncodedImageFormat.Jpeg), ("webp", SKEncodedImageFormat.Webp) })
        {
            using var encoded = picture.Encode(format, 80);
            yield return new Seed($"made.{name}", encoded.ToArray());
        }
        using var png = picture.Encode(SKEncodedImageFormat.Png, 100);
        foreach (var (name, format) in new[] { ("tif", MagickFormat.Tiff), ("gif", MagickFormat.Gif), ("bmp", MagickFormat.Bmp), ("ppm", MagickFormat.Ppm), ("pgm", MagickFormat.Pgm) })
        {
            using var magick = new MagickImage(png.ToArray());
            yield return new Seed($"made.{name}", magick.ToByteArray(format));
        }
    }
}
