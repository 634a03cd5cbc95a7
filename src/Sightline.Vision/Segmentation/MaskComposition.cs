using Sightline.Vision.Segmentation.Masks;
using SkiaSharp;

namespace Sightline.Vision.Segmentation;

/// <summary>A probability for each pixel of a rectangle of an image (row-major, <see cref="Region"/>-sized).</summary>
public sealed record ProbabilityPatch(SKRectI Region, float[] Values);

/// <summary>Pure functions that turn model-resolution score maps into image-resolution maps and masks.</summary>
public static class MaskComposition
{
    /// <summary>
    /// One channel of <paramref name="map"/> sampled (bilinear, pixel centres) onto the image pixels of the
    /// region it was computed from.
    /// </summary>
    public static ProbabilityPatch Sample(ScoreMap map, int channel, CropPlacement placement)
    {
        var region = placement.Region;
        var plane = map.Plane(channel);
        var values = new float[region.Width * region.Height];
        var (x0, x1, wx) = Taps(region.Width, placement.Fit.ScaleX, placement.Fit.PadX, map.Width);
        var (y0, y1, wy) = Taps(region.Height, placement.Fit.ScaleY, placement.Fit.PadY, map.Height);
        for (var y = 0; y < region.Height; y++)
        {
            var top = y0[y] * map.Width;
            var bottom = y1[y] * map.Width;
            var fy = wy[y];
            var row = y * region.Width;
            for (var x = 0; x < region.Width; x++)
            {
                var a = plane[top + x0[x]] + (plane[top + x1[x]] - plane[top + x0[x]]) * wx[x];
                var b = plane[bottom + x0[x]] + (plane[bottom + x1[x]] - plane[bottom + x0[x]]) * wx[x];
                values[row + x] = a + (b - a) * fy;
            }
        }
        return new ProbabilityPatch(region, values);
    }

    // For each output pixel along one axis: the two source samples around its centre and the weight of the second.
    private static (int[] Lower, int[] Upper, float[] Weight) Taps(int length, float scale, float pad, int sourceLength)
    {
        var lower = new int[length];
        var upper = new int[length];
        var weight = new float[length];
        for (var i = 0; i < length; i++)
        {
            var s = Math.Clamp((i + 0.5f) * scale + pad - 0.5f, 0, sourceLength - 1);
            var l = (int)s;
            lower[i] = l;
            upper[i] = Math.Min(l + 1, sourceLength - 1);
            weight[i] = s - l;
        }
        return (lower, upper, weight);
    }

    /// <summary>Writes the per-pixel maximum of <paramref name="patch"/> and <paramref name="target"/> (a width-wide map) into the target.</summary>
    public static void MaxInto(ProbabilityPatch patch, float[] target, int width)
    {
        var r = patch.Region;
        for (var y = 0; y < r.Height; y++)
        {
            var from = y * r.Width;
            var to = (r.Top + y) * width + r.Left;
            for (var x = 0; x < r.Width; x++)
                if (patch.Values[from + x] > target[to + x])
                    target[to + x] = patch.Values[from + x];
        }
    }

    /// <summary>The class of each pixel: the most probable channel of a whole-image map, sampled at image resolution.</summary>
    public static byte[] ArgMax(ScoreMap map, CropPlacement placement)
    {
        if (map.Channels > 256)
            throw new ArgumentException($"{map.Channels} classes do not fit a byte class map", nameof(map));
        var region = placement.Region;
        var classes = new byte[region.Width * region.Height];
        var best = Sample(map, 0, placement).Values;
        for (var c = 1; c < map.Channels; c++)
        {
            var values = Sample(map, c, placement).Values;
            for (var i = 0; i < values.Length; i++)
                if (values[i] > best[i])
                {
                    best[i] = values[i];
                    classes[i] = (byte)c;
                }
        }
        return classes;
    }

    /// <summary>Class 1 where the probability reaches <paramref name="threshold"/>, else 0.</summary>
    public static byte[] Threshold(ReadOnlySpan<float> probability, float threshold)
    {
        var classes = new byte[probability.Length];
        for (var i = 0; i < probability.Length; i++)
            if (probability[i] >= threshold)
                classes[i] = 1;
        return classes;
    }

    /// <summary>
    /// One mask per patch. A pixel at or above <paramref name="threshold"/> in several patches of the same
    /// group (the same class) goes to the earliest of them, so order patches best detection first (on
    /// coco128 this scores higher mask AP than giving it to the most probable one: a weak duplicate
    /// detection no longer cuts holes in the strong one); patches of different groups may share pixels (a
    /// person on a horse). Without <paramref name="groups"/> all patches are one group; without
    /// <paramref name="resolve"/>, each patch is just thresholded.
    /// </summary>
    public static BinaryMask[] Assign(IReadOnlyList<ProbabilityPatch> patches, int width, int height, float threshold, bool resolve = true,
        IReadOnlyList<int>? groups = null)
    {
        if (groups is not null && groups.Count != patches.Count)
            throw new ArgumentException($"{groups.Count} groups for {patches.Count} patches", nameof(groups));
        var masks = new BinaryMask[patches.Count];
        for (var i = 0; i < patches.Count; i++)
            masks[i] = new BinaryMask(width, height);
        var members = Enumerable.Range(0, patches.Count).GroupBy(i => groups?[i] ?? 0);
        int[]? owner = null;
        foreach (var group in members)
        {
            var indices = group.ToList();
            if (!resolve || indices.Count == 1)
            {
                foreach (var i in indices)
                {
                    var data = masks[i].Data;
                    Each(patches[i], width, (to, p) => { if (p >= threshold) data[to] = 1; });
                }
                continue;
            }
            // One owner map for every group, each group clearing what it wrote.
            if (owner is null)
            {
                owner = new int[width * height];
                Array.Fill(owner, -1);
            }
            var claims = owner;
            foreach (var i in indices)
                Each(patches[i], width, (to, p) =>
                {
                    if (p >= threshold && claims[to] < 0)
                        claims[to] = i;
                });
            foreach (var i in indices)
            {
                var data = masks[i].Data;
                var r = patches[i].Region;
                for (var y = r.Top; y < r.Bottom; y++)
                    for (var x = r.Left; x < r.Right; x++)
                        if (claims[y * width + x] == i)
                            data[y * width + x] = 1;
            }
            foreach (var i in indices)
            {
                var r = patches[i].Region;
                for (var y = r.Top; y < r.Bottom; y++)
                    claims.AsSpan(y * width + r.Left, r.Width).Fill(-1);
            }
        }
        return masks;
    }

    /// <summary>
    /// How well the pixels of <paramref name="patch"/> at or above <paramref name="threshold"/> span
    /// <paramref name="box"/>: the IoU of their bounding rectangle with the box (0 when there are none). A
    /// detection box is tight around its object, so a mask of the right object spans it.
    /// </summary>
    public static float ExtentAgreement(ProbabilityPatch patch, float threshold, Detection.BoundingBox box) =>
        ExtentAgreement(patch.Region, (x, y) => patch.Values[y * patch.Region.Width + x] >= threshold, box);

    /// <summary>The same for the pixels of <paramref name="mask"/>, which all lie in <paramref name="region"/>.</summary>
    public static float ExtentAgreement(BinaryMask mask, SKRectI region, Detection.BoundingBox box) =>
        ExtentAgreement(region, (x, y) => mask.Data[(region.Top + y) * mask.Width + region.Left + x] != 0, box);

    private static float ExtentAgreement(SKRectI r, Func<int, int, bool> inside, Detection.BoundingBox box)
    {
        int x1 = int.MaxValue, y1 = int.MaxValue, x2 = -1, y2 = -1;
        for (var y = 0; y < r.Height; y++)
            for (var x = 0; x < r.Width; x++)
                if (inside(x, y))
                {
                    x1 = Math.Min(x1, x);
                    x2 = Math.Max(x2, x);
                    y1 = Math.Min(y1, y);
                    y2 = y;
                }
        return x2 < 0 ? 0 : Detection.BoundingBox.IoU(new Detection.BoundingBox(r.Left + x1, r.Top + y1, x2 - x1 + 1, y2 - y1 + 1), box);
    }

    private static void Each(ProbabilityPatch patch, int width, Action<int, float> visit)
    {
        var r = patch.Region;
        for (var y = 0; y < r.Height; y++)
            for (var x = 0; x < r.Width; x++)
                visit((r.Top + y) * width + r.Left + x, patch.Values[y * r.Width + x]);
    }

    /// <summary>Each class's share of the pixels, for the classes present, most pixels first.</summary>
    public static IReadOnlyList<ClassShare> Shares(ReadOnlySpan<byte> classMap, IReadOnlyList<string> labels)
    {
        var counts = new int[Math.Max(256, labels.Count)];
        foreach (var c in classMap)
            counts[c]++;
        var total = Math.Max(1, classMap.Length);
        return Enumerable.Range(0, labels.Count).Where(c => counts[c] > 0)
            .Select(c => new ClassShare(c, labels[c], counts[c], (double)counts[c] / total))
            .OrderByDescending(s => s.Pixels).ThenBy(s => s.ClassId).ToList();
    }

    /// <summary>A detection box grown by <paramref name="padding"/> times its size on every side, in whole pixels, clipped to the image.</summary>
    public static SKRectI Pad(Detection.BoundingBox box, float padding, int width, int height)
    {
        var dx = box.Width * padding;
        var dy = box.Height * padding;
        var left = Math.Clamp((int)MathF.Floor(box.X - dx), 0, width - 1);
        var top = Math.Clamp((int)MathF.Floor(box.Y - dy), 0, height - 1);
        var right = Math.Clamp((int)MathF.Ceiling(box.Right + dx), left + 1, width);
        var bottom = Math.Clamp((int)MathF.Ceiling(box.Bottom + dy), top + 1, height);
        return new SKRectI(left, top, right, bottom);
    }
}
