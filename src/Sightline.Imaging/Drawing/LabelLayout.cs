using SkiaSharp;

namespace Sightline.Imaging;

/// <summary>
/// Where box labels go so that none covers another: each label takes the first free spot of its box
/// (above it, inside its top, below it, inside its bottom), then further above or below, stacked one label
/// height at a time. Labels are placed in priority order, so the first (strongest) label gets its best spot.
/// </summary>
public static class LabelLayout
{
    /// <summary>
    /// One rectangle per label, in the order given: <paramref name="labels"/> pairs each box with its label's
    /// size. A label that finds no free spot inside the image takes the one it overlaps least.
    /// </summary>
    public static IReadOnlyList<SKRect> Place(IReadOnlyList<(SKRect Box, SKSize Label)> labels, int imageWidth, int imageHeight)
    {
        var placed = new List<SKRect>(labels.Count);
        foreach (var (box, size) in labels)
        {
            var left = Math.Clamp(box.Left, 0, Math.Max(0, imageWidth - size.Width));
            SKRect? best = null;
            var bestOverlap = float.PositiveInfinity;
            foreach (var top in CandidateTops(box, size.Height, imageHeight))
            {
                var spot = SKRect.Create(left, top, size.Width, size.Height);
                var overlap = placed.Sum(p => OverlapArea(p, spot));
                if (overlap < bestOverlap)
                {
                    (best, bestOverlap) = (spot, overlap);
                    if (overlap == 0)
                        break;
                }
            }
            placed.Add(best ?? SKRect.Create(left, Math.Clamp(box.Top, 0, Math.Max(0, imageHeight - size.Height)), size.Width, size.Height));
        }
        return placed;
    }

    /// <summary>Tops to try, best first, each keeping the label inside the image.</summary>
    private static IEnumerable<float> CandidateTops(SKRect box, float height, int imageHeight)
    {
        var fits = (float top) => top >= 0 && top + height <= imageHeight;
        float[] near = [box.Top - height, box.Top, box.Bottom, box.Bottom - height];
        foreach (var top in near.Where(fits))
            yield return top;
        // Stacked further out: above first (where a reader looks for a box's label), then below.
        for (var step = 2; box.Top - step * height >= 0; step++)
            yield return box.Top - step * height;
        for (var step = 1; box.Bottom + step * height + height <= imageHeight; step++)
            yield return box.Bottom + step * height;
    }

    private static float OverlapArea(SKRect a, SKRect b)
    {
        var w = Math.Min(a.Right, b.Right) - Math.Max(a.Left, b.Left);
        var h = Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Top, b.Top);
        return w <= 0 || h <= 0 ? 0 : w * h;
    }
}
