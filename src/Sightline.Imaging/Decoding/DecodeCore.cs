using SkiaSharp;

namespace Sightline.Imaging;

/// <summary>The decode pipeline: sniff, header checks, scaled decode, orientation, final resize.</summary>
internal static class DecodeCore
{
    public static unsafe DecodedImage Decode(ReadOnlySpan<byte> data, string source, DecodeSize? size, ImageLimits limits)
    {
        if (data.IsEmpty)
        {
            throw ImageErrors.Empty(source);
        }

        if (data.Length > limits.MaxFileBytes)
        {
            throw ImageErrors.TooLarge(source, data.Length, limits.MaxFileBytes);
        }

        ImageFormat sniffed = FormatSniffer.Refine(data, CodecOpener.Sniff(data, source));
        if (!sniffed.DecodedBySkia())
        {
            return DecodeWithMagick(data, sniffed, source, size, limits);
        }

        bool shorterThanDeclared = CodecOpener.ShorterThanDeclared(data, sniffed, data.Length);

        CodecHeader header;
        DecodePlan plan;
        SKBitmap stored;

        // The codec reads the caller's bytes in place; pinning is enough because the codec and
        // everything referencing the data are disposed before the pin is released.
        fixed (byte* pointer = data)
        {
            using SKData skData = SKData.Create((IntPtr)pointer, data.Length);
            using SKCodec codec = CodecOpener.Open(new SKMemoryStream(skData), sniffed, source, shorterThanDeclared);
            header = CodecOpener.ReadHeader(codec, sniffed, source, limits);
            plan = DecodePlanner.Plan(header.Stored, header.Orientation, size, codec.GetScaledDimensions);
            stored = DecodePixels(codec, header, size, ref plan, source, shorterThanDeclared);
        }

        return Finish(stored, header, plan, source);
    }

    private static DecodedImage DecodeWithMagick(ReadOnlySpan<byte> data, ImageFormat format, string source, DecodeSize? size, ImageLimits limits)
    {
        CodecHeader header = MagickCodec.ReadHeader(data, format, source, limits);

        // These codecs decode at full size only; the final resize gives the requested size.
        DecodePlan plan = DecodePlanner.Plan(header.Stored, header.Orientation, size, _ => header.Stored);
        SKBitmap stored = MagickCodec.DecodeStored(data, header, source);
        return Finish(stored, header, plan, source);
    }

    private static SKBitmap DecodePixels(
        SKCodec codec, CodecHeader header, DecodeSize? size, ref DecodePlan plan, string source, bool shorterThanDeclared)
    {
        SKCodecResult result = TryDecode(codec, header, plan, source, out SKBitmap? bitmap);
        if (result == SKCodecResult.InvalidScale && plan.Scale < 1f)
        {
            // A codec may advertise a scale it then refuses; plan again as if it could not scale.
            plan = DecodePlanner.Plan(header.Stored, header.Orientation, size, _ => header.Stored);
            result = TryDecode(codec, header, plan, source, out bitmap);
        }

        if (result != SKCodecResult.Success || bitmap is null)
        {
            // Never hand back a partially decoded image: the rest of it is filler, not the picture.
            bitmap?.Dispose();
            throw ImageErrors.FromDecodeResult(source, header.Format, result, shorterThanDeclared);
        }

        return bitmap;
    }

    private static SKCodecResult TryDecode(SKCodec codec, CodecHeader header, DecodePlan plan, string source, out SKBitmap? bitmap)
    {
        // sRGB target: embedded profiles (Display P3, Adobe RGB) are converted, as models expect sRGB.
        var info = new SKImageInfo(
            plan.CodecSize.Width,
            plan.CodecSize.Height,
            SKColorType.Rgba8888,
            SKAlphaType.Unpremul,
            SKColorSpace.CreateSrgb());

        bitmap = new SKBitmap();
        if (!bitmap.TryAllocPixels(info))
        {
            bitmap.Dispose();
            bitmap = null;
            throw new ImageLoadException(source, ImageErrorKind.TooManyPixels,
                $"not enough memory to decode a {plan.CodecSize.Width}x{plan.CodecSize.Height} {header.Format.DisplayName()} image");
        }

        SKCodecResult result = codec.GetPixels(info, bitmap.GetPixels(), bitmap.RowBytes, SKCodecOptions.Default);
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            bitmap = null;
        }

        return result;
    }

    private static DecodedImage Finish(SKBitmap bitmap, CodecHeader header, DecodePlan plan, string source)
    {
        try
        {
            if (header.Orientation != ExifOrientation.Normal)
            {
                SKBitmap upright = ExifOrientation.Apply(bitmap, header.Orientation);
                bitmap.Dispose();
                bitmap = upright;
            }

            if (bitmap.Width != plan.FinalSize.Width || bitmap.Height != plan.FinalSize.Height)
            {
                SKBitmap resized = ImageResize.Resize(bitmap, plan.FinalSize.Width, plan.FinalSize.Height);
                bitmap.Dispose();
                bitmap = resized;
            }
        }
        catch
        {
            bitmap.Dispose();
            throw;
        }

        return new DecodedImage(bitmap, header.Upright.Width, header.Upright.Height, header.Format, header.Orientation, source, plan.CodecSize);
    }
}
