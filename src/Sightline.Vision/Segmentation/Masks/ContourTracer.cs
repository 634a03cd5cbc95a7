namespace Sightline.Vision.Segmentation.Masks;

/// <summary>
/// Masks to polygons: the outer border of each connected region (8-connected), traced along pixel
/// corners so that filling the polygon gives the region back (holes are filled), then simplified.
/// </summary>
public static class ContourTracer
{
    /// <summary>
    /// One polygon per region of at least <paramref name="minArea"/> pixels, as flat x0, y0, x1, y1, ... in
    /// pixel-corner coordinates, largest region first; corners closer than <paramref name="tolerance"/>
    /// pixels to the simplified outline are dropped (Douglas-Peucker).
    /// </summary>
    public static IReadOnlyList<float[]> Trace(BinaryMask mask, int minArea = 4, float tolerance = 0.75f)
    {
        int w = mask.Width, h = mask.Height;
        var labels = new int[w * h];
        var regions = new List<(int Start, int Area)>();
        var stack = new Stack<int>();
        for (var i = 0; i < labels.Length; i++)
        {
            if (mask.Data[i] == 0 || labels[i] != 0)
                continue;
            var id = regions.Count + 1;
            var area = 0;
            labels[i] = id;
            stack.Push(i);
            while (stack.Count > 0)
            {
                var p = stack.Pop();
                area++;
                int px = p % w, py = p / w;
                for (var dy = -1; dy <= 1; dy++)
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        int nx = px + dx, ny = py + dy;
                        if ((uint)nx >= (uint)w || (uint)ny >= (uint)h) continue;
                        var q = ny * w + nx;
                        if (mask.Data[q] == 0 || labels[q] != 0) continue;
                        labels[q] = id;
                        stack.Push(q);
                    }
            }
            // Row-major scan: the start is the region's top-left pixel, so its top edge is on the border.
            regions.Add((i, area));
        }

        var polygons = new List<(float[] Points, int Area)>();
        for (var r = 0; r < regions.Count; r++)
        {
            if (regions[r].Area < minArea)
                continue;
            var outline = Outline(labels, w, h, r + 1, regions[r].Start);
            var simplified = Simplify(outline, tolerance);
            if (simplified.Count < 3)
                continue;
            polygons.Add((simplified.SelectMany(p => new[] { (float)p.X, (float)p.Y }).ToArray(), regions[r].Area));
        }
        return polygons.OrderByDescending(p => p.Area).Select(p => p.Points).ToList();
    }

    /// <summary>
    /// Walks the crack edges between the region and the rest, clockwise (image y down), keeping the region
    /// on the right; at a corner touched diagonally it turns so that 8-connected pixels stay in one outline.
    /// </summary>
    private static List<(int X, int Y)> Outline(int[] labels, int w, int h, int id, int start)
    {
        bool Inside(int x, int y) => (uint)x < (uint)w && (uint)y < (uint)h && labels[y * w + x] == id;
        // Directions: 0 right, 1 down, 2 left, 3 up. Start at the top-left corner of the start pixel, heading right.
        int[] dx = [1, 0, -1, 0], dy = [0, 1, 0, -1];
        int sx = start % w, sy = start / w;
        int x = sx, y = sy, dir = 0;
        var points = new List<(int X, int Y)>();
        var limit = 4 * (w + 1) * (h + 1);
        do
        {
            points.Add((x, y));
            x += dx[dir];
            y += dy[dir];
            // At corner (x, y), the pixels ahead-left and ahead-right of the heading decide the turn.
            var (leftX, leftY, rightX, rightY) = dir switch
            {
                0 => (x, y - 1, x, y),
                1 => (x, y, x - 1, y),
                2 => (x - 1, y, x - 1, y - 1),
                _ => (x - 1, y - 1, x, y - 1),
            };
            var left = Inside(leftX, leftY);
            var right = Inside(rightX, rightY);
            if (left) dir = (dir + 3) % 4; // turn left (toward the region pixel ahead-left)
            else if (!right) dir = (dir + 1) % 4; // turn right
            if (--limit < 0)
                throw new InvalidOperationException("contour tracing did not close");
        }
        while (x != sx || y != sy || dir != 0);
        // Keep corners only.
        var corners = new List<(int X, int Y)>();
        for (var i = 0; i < points.Count; i++)
        {
            var prev = points[(i + points.Count - 1) % points.Count];
            var next = points[(i + 1) % points.Count];
            var p = points[i];
            if ((p.X - prev.X) * (next.Y - p.Y) - (p.Y - prev.Y) * (next.X - p.X) != 0)
                corners.Add(p);
        }
        return corners;
    }

    /// <summary>Douglas-Peucker on a closed outline.</summary>
    internal static List<(int X, int Y)> Simplify(List<(int X, int Y)> points, float tolerance)
    {
        if (points.Count <= 4 || tolerance <= 0)
            return points;
        // Split at the point farthest from the first, and simplify both halves as open chains.
        var far = 0;
        long best = -1;
        for (var i = 1; i < points.Count; i++)
        {
            long d = (long)(points[i].X - points[0].X) * (points[i].X - points[0].X) + (long)(points[i].Y - points[0].Y) * (points[i].Y - points[0].Y);
            if (d > best) { best = d; far = i; }
        }
        var keep = new bool[points.Count];
        keep[0] = keep[far] = true;
        Mark(points, 0, far, tolerance, keep);
        Mark(points, far, points.Count, tolerance, keep);
        return points.Where((_, i) => keep[i]).ToList();
    }

    private static void Mark(List<(int X, int Y)> points, int first, int last, float tolerance, bool[] keep)
    {
        var (ax, ay) = points[first];
        var (bx, by) = points[last % points.Count];
        double length = Math.Sqrt((double)(bx - ax) * (bx - ax) + (double)(by - ay) * (by - ay));
        var index = -1;
        double best = tolerance;
        for (var i = first + 1; i < last; i++)
        {
            var (px, py) = points[i];
            var d = length == 0
                ? Math.Sqrt((double)(px - ax) * (px - ax) + (double)(py - ay) * (py - ay))
                : Math.Abs((double)(bx - ax) * (ay - py) - (double)(ax - px) * (by - ay)) / length;
            if (d > best) { best = d; index = i; }
        }
        if (index < 0)
            return;
        keep[index] = true;
        Mark(points, first, index, tolerance, keep);
        Mark(points, index, last, tolerance, keep);
    }
}
