namespace Sightline.Vision.Segmentation.Masks;

/// <summary>
/// Polygons to masks: a pixel is inside when its centre is (even-odd rule), which is what COCO's
/// polygon annotations mean up to pycocotools' sub-pixel rounding on the border.
/// </summary>
public static class PolygonRaster
{
    /// <summary>The union of <paramref name="polygons"/>, each a flat list x0, y0, x1, y1, ... in pixels.</summary>
    public static BinaryMask Fill(IEnumerable<IReadOnlyList<float>> polygons, int width, int height)
    {
        var mask = new BinaryMask(width, height);
        var crossings = new List<float>();
        foreach (var polygon in polygons)
        {
            var n = polygon.Count / 2;
            if (n < 3)
                continue;
            var minY = float.MaxValue;
            var maxY = float.MinValue;
            for (var i = 0; i < n; i++)
            {
                minY = Math.Min(minY, polygon[2 * i + 1]);
                maxY = Math.Max(maxY, polygon[2 * i + 1]);
            }
            var yStart = Math.Max(0, (int)MathF.Floor(minY - 0.5f));
            var yEnd = Math.Min(height - 1, (int)MathF.Ceiling(maxY - 0.5f));
            for (var y = yStart; y <= yEnd; y++)
            {
                var cy = y + 0.5f;
                crossings.Clear();
                for (int i = 0, j = n - 1; i < n; j = i++)
                {
                    float xi = polygon[2 * i], yi = polygon[2 * i + 1], xj = polygon[2 * j], yj = polygon[2 * j + 1];
                    // Half-open in y, so a vertex on the scan line counts once.
                    if ((yi <= cy) != (yj <= cy))
                        crossings.Add(xi + (cy - yi) / (yj - yi) * (xj - xi));
                }
                crossings.Sort();
                var row = y * width;
                for (var k = 0; k + 1 < crossings.Count; k += 2)
                {
                    // Pixels whose centre x + 0.5 lies in [left, right).
                    var x1 = Math.Max(0, (int)MathF.Ceiling(crossings[k] - 0.5f));
                    var x2 = Math.Min(width - 1, (int)MathF.Ceiling(crossings[k + 1] - 0.5f) - 1);
                    for (var x = x1; x <= x2; x++)
                        mask.Data[row + x] = 1;
                }
            }
        }
        return mask;
    }
}
