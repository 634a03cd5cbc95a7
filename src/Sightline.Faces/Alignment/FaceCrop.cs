using Sightline.Imaging;
using Sightline.Vision.Detection;
using Sightline.Vision.Preprocessing;
using SkiaSharp;

namespace Sightline.Faces.Alignment;

/// <summary>
/// Face crops as the face networks take them: the box padded to a square around its centre (black where
/// the square reaches past the image, as face-api pads), resized to the network's input, written as
/// interleaved RGB values <c>pixel * scale + offset</c>.
/// </summary>
public static class FaceCrop
{
    /// <summary>The square around <paramref name="box"/>'s centre with side <c>max(width, height) * scale</c>.</summary>
    public static SKRect SquareAround(in BoundingBox box, float scale = 1f)
    {
        var side = Math.Max(1e-3f, Math.Max(box.Width, box.Height) * scale);
        return SKRect.Create(box.X + box.Width / 2 - side / 2, box.Y + box.Height / 2 - side / 2, side, side);
    }

    /// <summary>Writes one crop per region, each <paramref name="size"/> x <paramref name="size"/>, one after another into a new NHWC batch.</summary>
    public static float[] Batch(SKBitmap image, IReadOnlyList<SKRect> regions, int size, float scale = 1f, float offset = 0f)
    {
        var plane = size * size * 3;
        var values = new float[regions.Count * plane];
        for (var i = 0; i < regions.Count; i++)
        {
            using var crop = ImageResize.RenderRegion(image, regions[i], size, size, SKColors.Black);
            PixelTensor.WriteRgb(crop.GetPixelSpan(), size, size, values.AsSpan(i * plane, plane), channelsFirst: false, scale, offset);
        }
        return values;
    }

    /// <summary>One chip per transform (<see cref="FaceChip.Render"/>), written one after another into a new NHWC batch as <c>pixel * scale + offset</c>.</summary>
    public static float[] ChipBatch(SKBitmap image, IReadOnlyList<SKMatrix> toChips, int size, float scale = 1f, float offset = 0f)
    {
        var plane = size * size * 3;
        var values = new float[toChips.Count * plane];
        for (var i = 0; i < toChips.Count; i++)
        {
            using var chip = FaceChip.Render(image, toChips[i], size);
            PixelTensor.WriteRgb(chip.GetPixelSpan(), size, size, values.AsSpan(i * plane, plane), channelsFirst: false, scale, offset);
        }
        return values;
    }

    /// <summary>Greyscale (BT.601 luma) crops, one channel, <c>luma * scale + offset</c>.</summary>
    public static float[] GreyBatch(SKBitmap image, IReadOnlyList<SKRect> regions, int size, float scale = 1f, float offset = 0f)
    {
        var plane = size * size;
        var values = new float[regions.Count * plane];
        for (var i = 0; i < regions.Count; i++)
        {
            using var crop = ImageResize.RenderRegion(image, regions[i], size, size, SKColors.Black);
            var px = crop.GetPixelSpan();
            var dest = values.AsSpan(i * plane, plane);
            for (int p = 0, q = 0; p < plane; p++, q += 4)
                dest[p] = (0.299f * px[q] + 0.587f * px[q + 1] + 0.114f * px[q + 2]) * scale + offset;
        }
        return values;
    }

    /// <summary>A point given relative to a square region (0-1 on each axis) in image pixels.</summary>
    public static Detection.FacePoint FromRegion(SKRect region, float relativeX, float relativeY) =>
        new(region.Left + relativeX * region.Width, region.Top + relativeY * region.Height);
}
