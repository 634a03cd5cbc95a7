using System.Buffers;
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
        var values = new float[region.Width * region.Height];
        var sampler = new MapSampler(map, placement);
        for (var y = 0; y < region.Height; y++)
            sampler.Row(map.Plane(channel), y, values.AsSpan(y * region.Width, region.Width));
        return new ProbabilityPatch(region, values);
    }

    /// <summary>
    /// Bilinear sampling of a model-resolution plane onto image pixels, one output row at a time. Bilinear
    /// sampling is separable: each output row blends two map rows once, at the map's width, and each output
    /// pixel then blends two values of that row; the taps of both axes are worked out once per map. This
    /// keeps upsampling a 256x256 map to a photo's size to a few operations per pixel, with no image-sized
    /// temporary per channel.
    /// </summary>
    private sealed class MapSampler
    {
        private readonly int _mapWidth;
        private readonly (int[] Lower, int[] Upper, float[] Weight) _x;
        private readonly (int[] Lower, int[] Upper, float[] Weight) _y;
        private readonly float[] _blend;

        public MapSampler(ScoreMap map, CropPlacement placement)
        {
            _mapWidth = map.Width;
            _x = Taps(placement.Region.Width, placement.Fit.ScaleX, placement.Fit.PadX, map.Width);
            _y = Taps(placement.Region.Height, placement.Fit.ScaleY, placement.Fit.PadY, map.Height);
            _blend = new float[map.Width];
        }

        /// <summary>Row <paramref name="y"/> of the region, sampled from <paramref name="plane"/> into <paramref name="output"/>.</summary>
        public void Row(ReadOnlySpan<float> plane, int y, Span<float> output)
        {
            var top = plane.Slice(_y.Lower[y] * _mapWidth, _mapWidth);
            var bottom = plane.Slice(_y.Upper[y] * _mapWidth, _mapWidth);
            var fy = _y.Weight[y];
            var blend = _blend.AsSpan();
            for (var k = 0; k < blend.Length; k++)
                blend[k] = top[k] + (bottom[k] - top[k]) * fy;
            var (lower, upper, weight) = _x;
            for (var x = 0; x < output.Length; x++)
            {
                var a = blend[lower[x]];
                output[x] = a + (blend[upper[x]] - a) * weight[x];
            }
        }
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

    /// <summary>
    /// The class of each pixel: the most probable channel of a whole-image map, sampled at image resolution
    /// (ties go to the lower class). Works row by row, so no image-sized float map is made.
    /// </summary>
    public static byte[] ArgMax(ScoreMap map, CropPlacement placement)
    {
        if (map.Channels > 256)
            throw new ArgumentException($"{map.Channels} classes do not fit a byte class map", nameof(map));
        if (map.Channels == 2)
        {
            var difference = ArrayPool<float>.Shared.Rent(map.Width * map.Height);
            try
            {
                Difference(map, difference);
                return Above(difference, map, placement, 0, inclusive: false);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(difference);
            }
        }
        var (width, height) = (placement.Region.Width, placement.Region.Height);
        var classes = new byte[width * height];
        var sampler = new MapSampler(map, placement);
        var best = new float[width];
        var values = new float[width];
        for (var y = 0; y < height; y++)
        {
            var row = classes.AsSpan(y * width, width);
            sampler.Row(map.Plane(0), y, best);
            for (var c = 1; c < map.Channels; c++)
            {
                sampler.Row(map.Plane(c), y, values);
                for (var x = 0; x < width; x++)
                    if (values[x] > best[x])
                    {
                        best[x] = values[x];
                        row[x] = (byte)c;
                    }
            }
        }
        return classes;
    }

    /// <summary>
    /// Class 1 where channel <paramref name="channel"/> of a whole-image map, sampled at image resolution,
    /// reaches <paramref name="threshold"/>, else 0 (row by row, as <see cref="ArgMax"/>).
    /// </summary>
    public static byte[] Threshold(ScoreMap map, int channel, CropPlacement placement, float threshold) =>
        Above(map.Plane(channel), map, placement, threshold, inclusive: true);

    // Channel 1 minus channel 0: sampling is linear, so the sampled difference is above zero exactly where
    // channel 1 wins, and one plane is sampled instead of two.
    private static void Difference(ScoreMap map, Span<float> difference)
    {
        var person = map.Plane(1);
        var background = map.Plane(0);
        for (var i = 0; i < person.Length; i++)
            difference[i] = person[i] - background[i];
    }

    // Class 1 where the sampled plane is above (or, inclusive, at) the threshold; branch-free per pixel.
    private static byte[] Above(ReadOnlySpan<float> plane, ScoreMap map, CropPlacement placement, float threshold, bool inclusive)
    {
        var (width, height) = (placement.Region.Width, placement.Region.Height);
        var classes = new byte[width * height];
        var sampler = new MapSampler(map, placement);
        var values = new float[width];
        for (var y = 0; y < height; y++)
        {
            sampler.Row(plane, y, values);
            var row = classes.AsSpan(y * width, width);
            if (inclusive)
                for (var x = 0; x < width; x++)
                    row[x] = values[x] >= threshold ? (byte)1 : (byte)0;
            else
                for (var x = 0; x < width; x++)
                    row[x] = values[x] > threshold ? (byte)1 : (byte)0;
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
        if (labels.Count == 2)
        {
            // Two classes (a mask): one vectorised count instead of a loop over every pixel.
            counts[0] = classMap.Count((byte)0);
            counts[1] = classMap.Count((byte)1);
        }
        else
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
