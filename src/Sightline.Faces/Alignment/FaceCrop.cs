using Sightline.Imaging;
using Sightline.Imaging.Tensors;
using Sightline.Vision.Detection;
using SkiaSharp;

namespace Sightline.Faces.Alignment;

/// <summary>
/// Face crops as the face networks take them: the box padded to a square around its centre (black where
/// the square reaches past the image, as face-api pads), resized to the network's input, written as the
/// network's <see cref="TensorFormat"/> (interleaved RGB <c>pixel * scale + offset</c>, or grey).
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
        using var crops = new FaceCrops(image);
        return crops.Batch(regions, size, TensorFormat.Uniform(PixelColours.Rgb, false, scale, offset));
    }

    /// <summary>Greyscale (BT.601 luma) crops, one channel, <c>luma * scale + offset</c>.</summary>
    public static float[] GreyBatch(SKBitmap image, IReadOnlyList<SKRect> regions, int size, float scale = 1f, float offset = 0f)
    {
        using var crops = new FaceCrops(image);
        return crops.Batch(regions, size, TensorFormat.Uniform(PixelColours.Grey, false, scale, offset));
    }

    /// <summary>A point given relative to a square region (0-1 on each axis) in image pixels.</summary>
    public static Detection.FacePoint FromRegion(SKRect region, float relativeX, float relativeY) =>
        new(region.Left + relativeX * region.Width, region.Top + relativeY * region.Height);
}

/// <summary>
/// The face crops of one image, each rendered once per (region, size) and shared by every network that
/// takes it: the expression, age and gender nets and the quality score all read the same 112x112 crop of
/// the aligned box. Owns the crops; dispose after the image's analysis. Not thread-safe.
/// </summary>
public sealed class FaceCrops(SKBitmap image) : IDisposable
{
    private readonly Dictionary<(SKRect Region, int Size), SKBitmap> _regions = [];
    private readonly Dictionary<(SKMatrix ToChip, int Size), SKBitmap> _chips = [];

    public SKBitmap Image { get; } = image ?? throw new ArgumentNullException(nameof(image));

    /// <summary>How many crops were rendered (each distinct region and size once).</summary>
    public int Rendered => _regions.Count + _chips.Count;

    /// <summary>The square <paramref name="region"/> (image pixels) at <paramref name="size"/> x <paramref name="size"/>, black beyond the image.</summary>
    public SKBitmap Region(SKRect region, int size)
    {
        if (!_regions.TryGetValue((region, size), out var crop))
            _regions[(region, size)] = crop = ImageResize.RenderRegion(Image, region, size, size, SKColors.Black);
        return crop;
    }

    /// <summary>The chip that <paramref name="toChip"/> frames (<see cref="FaceChip.Render"/>).</summary>
    public SKBitmap Chip(SKMatrix toChip, int size)
    {
        if (!_chips.TryGetValue((toChip, size), out var chip))
            _chips[(toChip, size)] = chip = FaceChip.Render(Image, toChip, size);
        return chip;
    }

    /// <summary>One crop per region, written one after another into a new batch as <paramref name="format"/> says.</summary>
    public float[] Batch(IReadOnlyList<SKRect> regions, int size, TensorFormat format) =>
        Write(regions.Count, size, format, i => Region(regions[i], size));

    /// <summary>One chip per transform, written one after another into a new batch as <paramref name="format"/> says.</summary>
    public float[] ChipBatch(IReadOnlyList<SKMatrix> toChips, int size, TensorFormat format) =>
        Write(toChips.Count, size, format, i => Chip(toChips[i], size));

    private static float[] Write(int count, int size, TensorFormat format, Func<int, SKBitmap> crop)
    {
        var item = format.ItemLength(size, size);
        var values = new float[count * item];
        for (var i = 0; i < count; i++)
            TensorWriter.Write(crop(i).GetPixelSpan(), size, size, values.AsSpan(i * item, item), format);
        return values;
    }

    public void Dispose()
    {
        foreach (var crop in _regions.Values.Concat(_chips.Values))
            crop.Dispose();
        _regions.Clear();
        _chips.Clear();
    }
}
