namespace Sightline.Vision.Text;

/// <summary>A text region the detector found, in the probability map's pixels, and the map's mean over it.</summary>
public readonly record struct TextRegion(Quadrilateral Corners, float Score);

/// <summary>
/// Rules of DB (differentiable binarisation) post-processing. The defaults are PaddleOCR's for its PP-OCR
/// detectors, the values the models were trained and published with.
/// </summary>
public sealed record TextRegionRules
{
    public static TextRegionRules Default { get; } = new();

    /// <summary>Probability above which a map pixel is text.</summary>
    public float PixelThreshold { get; init; } = 0.3f;

    /// <summary>Least mean probability of a region to keep it.</summary>
    public float RegionThreshold { get; init; } = 0.6f;

    /// <summary>How far a region grows back out: DB's text kernels are shrunk by this ratio of area to perimeter.</summary>
    public float UnclipRatio { get; init; } = 1.5f;

    /// <summary>Shortest side, in map pixels, of a region worth reading.</summary>
    public float MinSide { get; init; } = 3f;

    /// <summary>Most regions per image (the largest kept).</summary>
    public int MaxRegions { get; init; } = 1000;
}

/// <summary>
/// DB post-processing as pure functions: threshold the detector's probability map, take each 8-connected
/// component, fit its minimum-area rectangle (convex hull and rotating calipers), score it by the map's mean,
/// grow it back by the unclip distance (area x ratio / perimeter, as the training shrank it) and order its corners.
/// </summary>
public static class TextRegionDecoding
{
    public static IReadOnlyList<TextRegion> Decode(ReadOnlySpan<float> map, int width, int height, TextRegionRules? rules = null)
    {
        rules ??= TextRegionRules.Default;
        if (map.Length < width * height)
            throw new ArgumentException($"{map.Length} map values for {width}x{height}", nameof(map));
        var label = new int[width * height];
        var regions = new List<TextRegion>();
        var stack = new Stack<int>();
        var points = new List<PointF>();
        var next = 0;
        for (var start = 0; start < width * height; start++)
        {
            if (label[start] != 0 || map[start] <= rules.PixelThreshold)
                continue;
            next++;
            label[start] = next;
            stack.Push(start);
            points.Clear();
            double sum = 0;
            while (stack.Count > 0)
            {
                var index = stack.Pop();
                var x = index % width;
                var y = index / width;
                points.Add(new PointF(x, y));
                sum += map[index];
                for (var dy = -1; dy <= 1; dy++)
                for (var dx = -1; dx <= 1; dx++)
                {
                    var nx = x + dx;
                    var ny = y + dy;
                    if ((dx == 0 && dy == 0) || nx < 0 || ny < 0 || nx >= width || ny >= height)
                        continue;
                    var n = ny * width + nx;
                    if (label[n] == 0 && map[n] > rules.PixelThreshold)
                    {
                        label[n] = next;
                        stack.Push(n);
                    }
                }
            }
            var score = (float)(sum / points.Count);
            if (score < rules.RegionThreshold)
                continue;
            // Pixel centres span one pixel less than the pixels do: the rectangle covers the pixels' area.
            var rect = MinAreaRectangle(PixelCorners(points));
            if (Math.Min(rect.Width, rect.Height) < rules.MinSide)
                continue;
            var grown = Unclip(rect, rules.UnclipRatio);
            if (Math.Min(grown.Width, grown.Height) < rules.MinSide + 2)
                continue;
            regions.Add(new TextRegion(Quadrilateral.FromCorners(grown.Corners()), score));
        }
        return regions.OrderByDescending(r => r.Corners.Width * r.Corners.Height).Take(rules.MaxRegions).ToList();
    }

    /// <summary>A rotated rectangle: centre, side lengths along its axis and across it, and the axis's angle.</summary>
    public readonly record struct RotatedRect(PointF Center, float Width, float Height, float Angle)
    {
        public PointF[] Corners()
        {
            var (cos, sin) = (MathF.Cos(Angle), MathF.Sin(Angle));
            var (hx, hy) = (Width / 2, Height / 2);
            var center = Center;
            PointF At(float u, float v) => new(center.X + u * cos - v * sin, center.Y + u * sin + v * cos);
            return [At(-hx, -hy), At(hx, -hy), At(hx, hy), At(-hx, hy)];
        }
    }

    /// <summary>
    /// The rectangle grown by DB's unclip distance on every side. Offsetting a rectangle by d and fitting a
    /// rectangle to the result adds 2d to both sides, so this is exact for the rectangles the decoder makes.
    /// </summary>
    public static RotatedRect Unclip(RotatedRect rect, float ratio)
    {
        var perimeter = 2 * (rect.Width + rect.Height);
        if (perimeter <= 0)
            return rect;
        var distance = rect.Width * rect.Height * ratio / perimeter;
        return rect with { Width = rect.Width + 2 * distance, Height = rect.Height + 2 * distance };
    }

    /// <summary>The smallest-area rectangle holding every point: one of its sides lies along an edge of their convex hull.</summary>
    public static RotatedRect MinAreaRectangle(IReadOnlyList<PointF> points)
    {
        if (points.Count == 0)
            throw new ArgumentException("no points", nameof(points));
        var hull = ConvexHull(points);
        if (hull.Count == 1)
            return new RotatedRect(hull[0], 0, 0, 0);
        var best = new RotatedRect(default, float.MaxValue, float.MaxValue, 0);
        var bestArea = double.MaxValue;
        for (var i = 0; i < hull.Count; i++)
        {
            var a = hull[i];
            var b = hull[(i + 1) % hull.Count];
            var angle = MathF.Atan2(b.Y - a.Y, b.X - a.X);
            var (cos, sin) = (MathF.Cos(angle), MathF.Sin(angle));
            float minU = float.MaxValue, maxU = float.MinValue, minV = float.MaxValue, maxV = float.MinValue;
            foreach (var p in hull)
            {
                var u = p.X * cos + p.Y * sin;
                var v = -p.X * sin + p.Y * cos;
                minU = Math.Min(minU, u);
                maxU = Math.Max(maxU, u);
                minV = Math.Min(minV, v);
                maxV = Math.Max(maxV, v);
            }
            var area = (double)(maxU - minU) * (maxV - minV);
            if (area < bestArea - 1e-6)
            {
                bestArea = area;
                var (cu, cv) = ((minU + maxU) / 2, (minV + maxV) / 2);
                best = new RotatedRect(new PointF(cu * cos - cv * sin, cu * sin + cv * cos), maxU - minU, maxV - minV, angle);
            }
        }
        return best;
    }

    /// <summary>Convex hull by the monotone chain, counter-clockwise in image coordinates, without collinear points.</summary>
    public static IReadOnlyList<PointF> ConvexHull(IReadOnlyList<PointF> points)
    {
        var sorted = points.Distinct().OrderBy(p => p.X).ThenBy(p => p.Y).ToArray();
        if (sorted.Length < 3)
            return sorted;
        var hull = new PointF[sorted.Length * 2];
        var k = 0;
        static float Cross(PointF o, PointF a, PointF b) => (a.X - o.X) * (b.Y - o.Y) - (a.Y - o.Y) * (b.X - o.X);
        foreach (var p in sorted)
        {
            while (k >= 2 && Cross(hull[k - 2], hull[k - 1], p) <= 0)
                k--;
            hull[k++] = p;
        }
        for (int i = sorted.Length - 2, lower = k + 1; i >= 0; i--)
        {
            while (k >= lower && Cross(hull[k - 2], hull[k - 1], sorted[i]) <= 0)
                k--;
            hull[k++] = sorted[i];
        }
        return hull[..(k - 1)];
    }

    // Only a component's outline decides its rectangle: per row, the corners of its leftmost and rightmost pixels.
    private static List<PointF> PixelCorners(List<PointF> pixels)
    {
        var corners = new List<PointF>();
        foreach (var row in pixels.GroupBy(p => p.Y))
        {
            var left = row.Min(p => p.X);
            var right = row.Max(p => p.X) + 1;
            var y = row.Key;
            corners.Add(new PointF(left, y));
            corners.Add(new PointF(left, y + 1));
            corners.Add(new PointF(right, y));
            corners.Add(new PointF(right, y + 1));
        }
        return corners;
    }
}
