using Sightline.Vision.Detection;
using SkiaSharp;

namespace Sightline.Vision.Segmentation;

/// <summary>
/// The probability that each pixel of a detection box belongs to the object, from colour alone (GrabCut's
/// colour models without its graph cut): the colours of a ring around the box are background, the colours
/// inside the box, weighted towards its centre, are foreground, and a few rounds re-estimate the foreground
/// colours from the belief so far. The salient-object model falls back on it when the object it picks in a
/// crop is not the one detected.
/// </summary>
public static class BoxColorModel
{
    /// <summary>Bits kept of each colour channel: 16 levels each, 4096 colour bins.</summary>
    private const int BitsPerChannel = 4;

    /// <summary>Width of the background ring around the box, as a fraction of the box size per side.</summary>
    public const float RingFraction = 0.25f;

    /// <summary>
    /// Foreground probabilities over <paramref name="region"/> of <paramref name="image"/> (4 bytes per
    /// pixel, any channel order), zero outside <paramref name="box"/>.
    /// </summary>
    public static ProbabilityPatch Foreground(SKBitmap image, BoundingBox box, SKRectI region, int rounds = 3)
    {
        if (image.BytesPerPixel != 4)
            throw new ArgumentException($"a colour model needs 4 bytes per pixel, not {image.BytesPerPixel}", nameof(image));
        var width = image.Width;
        var height = image.Height;
        var pixels = image.GetPixelSpan();
        var values = new float[Math.Max(0, region.Width * region.Height)];
        var x0 = Math.Clamp((int)MathF.Floor(box.X), 0, width);
        var y0 = Math.Clamp((int)MathF.Floor(box.Y), 0, height);
        var x1 = Math.Clamp((int)MathF.Ceiling(box.Right), x0, width);
        var y1 = Math.Clamp((int)MathF.Ceiling(box.Bottom), y0, height);
        var (bw, bh) = (x1 - x0, y1 - y0);
        if (bw < 2 || bh < 2)
            return new ProbabilityPatch(region, values);

        var bins = new int[bw * bh];
        for (var y = 0; y < bh; y++)
            for (var x = 0; x < bw; x++)
                bins[y * bw + x] = Bin(pixels, ((y0 + y) * width + x0 + x) * 4);
        var ringHistogram = new float[1 << (3 * BitsPerChannel)];
        var ring = MaskComposition.Pad(box, RingFraction, width, height);
        float ringCount = 0;
        for (var y = ring.Top; y < ring.Bottom; y++)
            for (var x = ring.Left; x < ring.Right; x++)
                if (x < x0 || x >= x1 || y < y0 || y >= y1)
                {
                    ringHistogram[Bin(pixels, (y * width + x) * 4)]++;
                    ringCount++;
                }

        var belief = CentreWeights(bw, bh);
        var probability = new float[bw * bh];
        for (var round = 0; round < Math.Max(1, rounds); round++)
        {
            Estimate(bins, belief, ringHistogram, ringCount, probability);
            BoxBlur(probability, bw, bh, Math.Max(1, Math.Min(bw, bh) / 24));
            Array.Copy(probability, belief, belief.Length);
        }

        for (var y = Math.Max(y0, region.Top); y < Math.Min(y1, region.Bottom); y++)
            for (var x = Math.Max(x0, region.Left); x < Math.Min(x1, region.Right); x++)
                values[(y - region.Top) * region.Width + x - region.Left] = probability[(y - y0) * bw + x - x0];
        return new ProbabilityPatch(region, values);
    }

    private static int Bin(ReadOnlySpan<byte> pixels, int offset)
    {
        const int shift = 8 - BitsPerChannel;
        return (pixels[offset] >> shift) << (2 * BitsPerChannel) | (pixels[offset + 1] >> shift) << BitsPerChannel | (pixels[offset + 2] >> shift);
    }

    /// <summary>Before any colour is known: objects fill the middle of their box more than its corners.</summary>
    private static float[] CentreWeights(int width, int height)
    {
        var weights = new float[width * height];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var dx = (x + 0.5f) / width * 2 - 1;
                var dy = (y + 0.5f) / height * 2 - 1;
                weights[y * width + x] = Math.Clamp(1.2f - (dx * dx + dy * dy), 0.05f, 0.95f);
            }
        return weights;
    }

    /// <summary>
    /// One round: foreground colours from the box pixels weighted by <paramref name="belief"/>; background
    /// colours from the ring plus, at half weight, the box pixels believed background; Bayes per pixel.
    /// </summary>
    private static void Estimate(int[] bins, float[] belief, float[] ringHistogram, float ringCount, float[] probability)
    {
        const float smoothing = 0.5f;
        var foreground = new float[ringHistogram.Length];
        var background = (float[])ringHistogram.Clone();
        float foregroundCount = 0, backgroundCount = ringCount;
        for (var i = 0; i < bins.Length; i++)
        {
            foreground[bins[i]] += belief[i];
            foregroundCount += belief[i];
            var away = (1 - belief[i]) * 0.5f;
            background[bins[i]] += away;
            backgroundCount += away;
        }
        var prior = Math.Clamp(foregroundCount / bins.Length, 0.1f, 0.9f);
        var foregroundTotal = foregroundCount + smoothing * foreground.Length;
        var backgroundTotal = backgroundCount + smoothing * background.Length;
        for (var i = 0; i < bins.Length; i++)
        {
            var f = (foreground[bins[i]] + smoothing) / foregroundTotal * prior;
            var b = (background[bins[i]] + smoothing) / backgroundTotal * (1 - prior);
            probability[i] = f / (f + b);
        }
    }

    /// <summary>A separable box blur of radius <paramref name="radius"/>, in place (neighbouring pixels tend to share a label).</summary>
    internal static void BoxBlur(float[] values, int width, int height, int radius)
    {
        var rows = new float[values.Length];
        for (var y = 0; y < height; y++)
        {
            var row = y * width;
            for (var x = 0; x < width; x++)
            {
                var (from, to) = (Math.Max(0, x - radius), Math.Min(width - 1, x + radius));
                float sum = 0;
                for (var k = from; k <= to; k++)
                    sum += values[row + k];
                rows[row + x] = sum / (to - from + 1);
            }
        }
        for (var x = 0; x < width; x++)
            for (var y = 0; y < height; y++)
            {
                var (from, to) = (Math.Max(0, y - radius), Math.Min(height - 1, y + radius));
                float sum = 0;
                for (var k = from; k <= to; k++)
                    sum += rows[k * width + x];
                values[y * width + x] = sum / (to - from + 1);
            }
    }
}
