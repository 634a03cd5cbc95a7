using Sightline.Vision.Detection;
using SkiaSharp;

namespace Sightline.Vision.Segmentation;

/// <summary>
/// A connected group of confident pixels of a model-resolution probability plane: its bounding rectangle
/// (map pixels, right and bottom exclusive) and the plane indices of its pixels.
/// </summary>
public sealed record MapComponent(SKRectI Bounds, int[] Pixels);

/// <summary>
/// A person crop found from a whole-image mask: the padded region of the image and the whole-image map's
/// confident pixels it was made from (plane indices), against which the crop's own mask is checked.
/// </summary>
public sealed record MaskRegion(SKRectI Region, int[] SeedPixels);

/// <summary>
/// Pure functions that find person crops without a detector: the confident pixels of a whole-image person
/// map, grouped into connected components, boxed, padded and merged; and the check that the crop model agrees
/// with the whole-image model on a region's pixels.
/// </summary>
public static class PersonRegions
{
    /// <summary>
    /// The 8-connected components of the pixels of <paramref name="plane"/> (width x height, row-major) at or
    /// above <paramref name="threshold"/>, with at least <paramref name="minPixels"/> pixels, largest first.
    /// </summary>
    public static IReadOnlyList<MapComponent> Components(ReadOnlySpan<float> plane, int width, int height, float threshold, int minPixels)
    {
        if (width < 1 || height < 1 || plane.Length != width * height)
            throw new ArgumentException($"a {width}x{height} plane needs {width * height} values, got {plane.Length}", nameof(plane));
        var visited = new bool[plane.Length];
        var stack = new Stack<int>();
        var members = new List<int>();
        var components = new List<MapComponent>();
        for (var start = 0; start < plane.Length; start++)
        {
            if (visited[start] || !(plane[start] >= threshold))
                continue;
            visited[start] = true;
            stack.Push(start);
            members.Clear();
            int left = width, top = height, right = -1, bottom = -1;
            while (stack.Count > 0)
            {
                var p = stack.Pop();
                members.Add(p);
                int x = p % width, y = p / width;
                left = Math.Min(left, x);
                right = Math.Max(right, x);
                top = Math.Min(top, y);
                bottom = Math.Max(bottom, y);
                for (var ny = Math.Max(0, y - 1); ny <= Math.Min(height - 1, y + 1); ny++)
                    for (var nx = Math.Max(0, x - 1); nx <= Math.Min(width - 1, x + 1); nx++)
                    {
                        var q = ny * width + nx;
                        if (!visited[q] && plane[q] >= threshold)
                        {
                            visited[q] = true;
                            stack.Push(q);
                        }
                    }
            }
            if (members.Count >= minPixels)
                components.Add(new MapComponent(new SKRectI(left, top, right + 1, bottom + 1), [.. members]));
        }
        return components.OrderByDescending(c => c.Pixels.Length).ToList();
    }

    /// <summary>
    /// Crops of the image (<paramref name="imageWidth"/> x <paramref name="imageHeight"/>) for the components of
    /// a map placed on it by <paramref name="placement"/> (a map of <paramref name="mapWidth"/> x
    /// <paramref name="mapHeight"/> over the model input): each component's box in image pixels grown by
    /// <paramref name="padding"/> times its size per side. A crop that covers at least half of another is
    /// merged with it (a fragment of one person, such as an arm cut off by a bag, joins that person's crop rather
    /// than getting a crop of its own).
    /// </summary>
    public static IReadOnlyList<MaskRegion> Crops(IReadOnlyList<MapComponent> components, int mapWidth, int mapHeight, Letterbox placement,
        int imageWidth, int imageHeight, float padding)
    {
        var toInputX = (float)placement.InputWidth / mapWidth;
        var toInputY = (float)placement.InputHeight / mapHeight;
        var regions = new List<MaskRegion>();
        foreach (var component in components)
        {
            var b = component.Bounds;
            var box = placement.ToSource(new BoundingBox(b.Left * toInputX, b.Top * toInputY, b.Width * toInputX, b.Height * toInputY));
            if (box.Width <= 0 || box.Height <= 0)
                continue;
            regions.Add(new MaskRegion(MaskComposition.Pad(box, padding, imageWidth, imageHeight), component.Pixels));
        }
        for (var merged = true; merged;)
        {
            merged = false;
            for (var i = 0; i < regions.Count && !merged; i++)
                for (var j = i + 1; j < regions.Count && !merged; j++)
                {
                    if (!CoversHalf(regions[i].Region, regions[j].Region))
                        continue;
                    var union = SKRectI.Union(regions[i].Region, regions[j].Region);
                    regions[i] = new MaskRegion(union, [.. regions[i].SeedPixels, .. regions[j].SeedPixels]);
                    regions.RemoveAt(j);
                    merged = true;
                }
        }
        return regions;
    }

    /// <summary>True when the overlap of two rectangles is at least half of the smaller one.</summary>
    public static bool CoversHalf(SKRectI a, SKRectI b)
    {
        var overlap = SKRectI.Intersect(a, b);
        if (overlap.IsEmpty)
            return false;
        long smaller = Math.Min((long)a.Width * a.Height, (long)b.Width * b.Height);
        return 2L * overlap.Width * overlap.Height >= smaller;
    }

    /// <summary>
    /// The crop model's mean probability over a region's seed pixels (whole-image map indices, the map
    /// <paramref name="mapWidth"/> wide over the model input of <paramref name="placement"/>), read from the
    /// crop's patch at each seed pixel's centre in the image. Seeds outside the patch count as 0. A person
    /// the whole-image model saw is confirmed when the crop model, seeing it close up, agrees on most of it;
    /// whole-image false positives (a cat, a coat on a chair) fall apart once the crop model looks closer.
    /// </summary>
    public static float Agreement(ProbabilityPatch crop, MaskRegion region, int mapWidth, int mapHeight, Letterbox placement)
    {
        if (region.SeedPixels.Length == 0)
            return 0;
        var toInputX = (float)placement.InputWidth / mapWidth;
        var toInputY = (float)placement.InputHeight / mapHeight;
        var r = crop.Region;
        double sum = 0;
        foreach (var p in region.SeedPixels)
        {
            var x = (int)MathF.Floor(((p % mapWidth + 0.5f) * toInputX - placement.PadX) / placement.ScaleX) - r.Left;
            var y = (int)MathF.Floor(((p / mapWidth + 0.5f) * toInputY - placement.PadY) / placement.ScaleY) - r.Top;
            if (x >= 0 && y >= 0 && x < r.Width && y < r.Height)
                sum += crop.Values[y * r.Width + x];
        }
        return (float)(sum / region.SeedPixels.Length);
    }
}
