using Sightline.Imaging;
using Sightline.Vision.Segmentation.Masks;
using SkiaSharp;

namespace Sightline.Vision.Segmentation.Rendering;

/// <summary>Pictures of segmentation results: the class-index mask, a colour overlay, a cut-out, and instances drawn.</summary>
public static class SegmentationRendering
{
    private const float Opacity = 0.5f;

    /// <summary>An 8-bit greyscale bitmap whose value is the class index of each pixel (0 = background).</summary>
    public static SKBitmap ClassMask(SemanticSegmentation result)
    {
        var bitmap = new SKBitmap(new SKImageInfo(result.Width, result.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        result.ClassMap.AsSpan().CopyTo(bitmap.GetPixelSpan());
        return bitmap;
    }

    /// <summary>The image with every non-background class tinted in its colour.</summary>
    public static SKBitmap Overlay(SKBitmap image, SemanticSegmentation result)
    {
        CheckSize(image, result.Width, result.Height);
        var colors = result.Labels.Select(l => Annotator.ColorFor(l)).ToArray();
        var output = Copy(image);
        var pixels = output.GetPixelSpan();
        for (var i = 0; i < result.ClassMap.Length; i++)
            if (result.ClassMap[i] is var c and not 0)
                Blend(pixels, i, colors[c]);
        return output;
    }

    /// <summary>The image with the background transparent (alpha 0 outside <paramref name="foreground"/>): background removal.</summary>
    public static SKBitmap Cutout(SKBitmap image, BinaryMask foreground)
    {
        CheckSize(image, foreground.Width, foreground.Height);
        var output = Copy(image);
        var pixels = output.GetPixelSpan();
        for (var i = 0; i < foreground.Data.Length; i++)
            pixels[4 * i + 3] = foreground.Data[i] != 0 ? (byte)255 : (byte)0;
        return output;
    }

    /// <summary>
    /// Each instance tinted in its own colour, with its box and label. Where masks of different classes
    /// overlap (a person in front of a bus), the smaller one's colour is shown: it is usually the one in front.
    /// </summary>
    public static SKBitmap Instances(SKBitmap image, InstanceSegmentation result)
    {
        CheckSize(image, result.Width, result.Height);
        using var tinted = Copy(image);
        var pixels = tinted.GetPixelSpan();
        var keys = result.Instances.Select((inst, i) => $"{inst.ClassName}#{i}").ToArray();
        var owner = new int[result.Width * result.Height];
        Array.Fill(owner, -1);
        foreach (var k in Enumerable.Range(0, result.Instances.Count).OrderByDescending(k => result.Instances[k].Area))
        {
            var data = result.Instances[k].Mask.Data;
            for (var i = 0; i < data.Length; i++)
                if (data[i] != 0)
                    owner[i] = k;
        }
        var colors = keys.Select(Annotator.ColorFor).ToArray();
        for (var i = 0; i < owner.Length; i++)
            if (owner[i] >= 0)
                Blend(pixels, i, colors[owner[i]]);
        var sx = (float)result.Width / Math.Max(1, image.Width);
        return Annotator.Draw(tinted, result.Instances.Select((inst, k) =>
            new BoxAnnotation(inst.Box.X / sx, inst.Box.Y / sx, inst.Box.Width / sx, inst.Box.Height / sx, $"{inst.ClassName} {inst.Score:0.00}", keys[k])));
    }

    private static void Blend(Span<byte> rgba, int pixel, SKColor color)
    {
        var p = 4 * pixel;
        rgba[p] = (byte)(rgba[p] * (1 - Opacity) + color.Red * Opacity);
        rgba[p + 1] = (byte)(rgba[p + 1] * (1 - Opacity) + color.Green * Opacity);
        rgba[p + 2] = (byte)(rgba[p + 2] * (1 - Opacity) + color.Blue * Opacity);
    }

    private static SKBitmap Copy(SKBitmap image)
    {
        var copy = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        if (!image.CopyTo(copy, SKColorType.Rgba8888) && !image.ScalePixels(copy, SKSamplingOptions.Default))
            throw new InvalidOperationException("cannot copy the image");
        return copy;
    }

    private static void CheckSize(SKBitmap image, int width, int height)
    {
        if (image.Width != width || image.Height != height)
            throw new ArgumentException($"the result is {width}x{height} but the image is {image.Width}x{image.Height}");
    }
}
