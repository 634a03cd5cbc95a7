using Sightline.Imaging.Tensors;
using SkiaSharp;

namespace Sightline.Vision.Classification;

/// <summary>
/// Training-time augmentation: <see cref="Views"/> altered copies of each training image. The first copy
/// is the mirror image; later ones take a random crop covering <see cref="MinCropArea"/> to 1 of the
/// image (mirrored half the time) with brightness, contrast and saturation each scaled by up to
/// ±<see cref="Jitter"/>.
/// </summary>
public sealed record AugmentationOptions(int Views = 2, bool Flip = true, bool Crop = true, double MinCropArea = 0.6, double Jitter = 0.15)
{
    public static AugmentationOptions Default { get; } = new();
}

/// <summary>Pure bitmap transforms for augmentation; the caller owns the returned bitmaps.</summary>
public static class ImageAugmentation
{
    public static SKBitmap Mirror(SKBitmap source)
    {
        var result = new SKBitmap(source.Info);
        using var canvas = new SKCanvas(result);
        canvas.Scale(-1, 1, source.Width / 2f, 0);
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
        return result;
    }

    /// <summary>The <paramref name="view"/>-th copy (0-based); <paramref name="random"/> drives crops and jitter.</summary>
    public static SKBitmap View(SKBitmap source, int view, Random random, AugmentationOptions options)
    {
        if (view == 0 && options.Flip)
            return Mirror(source);

        var area = options.Crop ? options.MinCropArea + random.NextDouble() * (1 - options.MinCropArea) : 1;
        var aspect = Math.Exp((random.NextDouble() * 2 - 1) * Math.Log(4.0 / 3)); // 3:4 to 4:3
        var w = Math.Clamp((int)Math.Round(source.Width * Math.Sqrt(area * aspect)), 1, source.Width);
        var h = Math.Clamp((int)Math.Round(source.Height * Math.Sqrt(area / aspect)), 1, source.Height);
        var x = random.Next(source.Width - w + 1);
        var y = random.Next(source.Height - h + 1);
        var mirror = options.Flip && random.Next(2) == 1;

        var result = new SKBitmap(new SKImageInfo(w, h, source.ColorType, source.AlphaType));
        using var canvas = new SKCanvas(result);
        if (mirror)
            canvas.Scale(-1, 1, w / 2f, 0);
        using var paint = new SKPaint();
        if (options.Jitter > 0)
        {
            float Factor() => (float)(1 + (random.NextDouble() * 2 - 1) * options.Jitter);
            paint.ColorFilter = SKColorFilter.CreateColorMatrix(ColourMatrix(Factor(), Factor(), Factor()));
        }
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, new SKRect(x, y, x + w, y + h), new SKRect(0, 0, w, h), new SKSamplingOptions(SKFilterMode.Linear), paint);
        return result;
    }

    /// <summary>
    /// One 4x5 colour matrix (offsets in 0-1 units, as Skia expects) that scales brightness, then
    /// contrast around mid-grey, then saturation around the Rec. 601 luma.
    /// </summary>
    public static float[] ColourMatrix(float brightness, float contrast, float saturation)
    {
        const float lr = TensorFormat.LumaR, lg = TensorFormat.LumaG, lb = TensorFormat.LumaB;
        var s = saturation;
        float[,] sat =
        {
            { lr * (1 - s) + s, lg * (1 - s), lb * (1 - s) },
            { lr * (1 - s), lg * (1 - s) + s, lb * (1 - s) },
            { lr * (1 - s), lg * (1 - s), lb * (1 - s) + s },
        };
        var gain = brightness * contrast;
        var offset = 0.5f * (1 - contrast);
        var m = new float[20];
        for (var r = 0; r < 3; r++)
        {
            for (var c = 0; c < 3; c++)
                m[r * 5 + c] = sat[r, c] * gain;
            // Offsets pass through the saturation rows too, whose entries sum to 1.
            m[r * 5 + 4] = offset;
        }
        m[18] = 1;
        return m;
    }
}
