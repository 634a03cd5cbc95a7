using SkiaSharp;

namespace Sightline.Imaging;

/// <summary>
/// Transparent pixels as a viewer shows them: over a background colour. Decoded images keep their alpha and most
/// tasks read colour alone, but a transparent PNG page often stores black text on fully transparent black, which
/// reads as a black page unless composited (as Leptonica, Tesseract's image library, composites over white).
/// </summary>
public static class Transparency
{
    /// <summary>Whether any pixel of an RGBA8888 bitmap is less than opaque.</summary>
    public static bool HasAny(SKBitmap bitmap)
    {
        if (bitmap.AlphaType == SKAlphaType.Opaque)
            return false;
        var pixels = bitmap.GetPixelSpan();
        for (var i = 3; i < pixels.Length; i += 4)
            if (pixels[i] != 255)
                return true;
        return false;
    }

    /// <summary>
    /// A copy of an unpremultiplied RGBA8888 bitmap composited over <paramref name="background"/>, every pixel opaque;
    /// null when every pixel is opaque already (the bitmap can be used as it is).
    /// </summary>
    public static SKBitmap? OverBackground(SKBitmap bitmap, SKColor background)
    {
        if (bitmap.ColorType != SKColorType.Rgba8888 || bitmap.AlphaType == SKAlphaType.Premul)
            throw new ArgumentException($"bitmap is {bitmap.ColorType}/{bitmap.AlphaType}; RGBA8888 unpremultiplied is needed", nameof(bitmap));
        if (!HasAny(bitmap))
            return null;
        var flat = new SKBitmap(new SKImageInfo(bitmap.Width, bitmap.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul, bitmap.ColorSpace));
        var from = bitmap.GetPixelSpan();
        var to = flat.GetPixelSpan();
        ReadOnlySpan<byte> back = [background.Red, background.Green, background.Blue];
        for (var i = 0; i < from.Length; i += 4)
        {
            var a = from[i + 3];
            for (var c = 0; c < 3; c++)
                to[i + c] = (byte)((from[i + c] * a + back[c] * (255 - a) + 127) / 255);
            to[i + 3] = 255;
        }
        return flat;
    }
}
