namespace Sightline.Vision.Text;

/// <summary>
/// Lines put in reading order: turned upright by the page's rotation, lines side by side whose vertical extents overlap
/// by more than half the shorter line's height share a row (read left to right), rows read top to bottom, and a
/// vertical gap wider than one and a half line heights, or no horizontal overlap, starts a new block.
/// </summary>
public static class ReadingOrder
{
    /// <summary>The order to read <paramref name="lines"/> in, and each one's block and row (0-based), for a page turned by <paramref name="rotation"/> degrees clockwise.</summary>
    public static IReadOnlyList<(int Index, int Block, int Row)> Arrange(IReadOnlyList<Quadrilateral> lines, int rotation)
    {
        var upright = lines.Select((q, i) => (Index: i, Box: Upright(q, rotation))).ToList();
        var rows = new List<List<(int Index, float X0, float Y0, float X1, float Y1)>>();
        foreach (var line in upright.OrderBy(l => (l.Box.Y0 + l.Box.Y1) / 2))
        {
            var (x0, y0, x1, y1) = line.Box;
            // The row it joins: the one its nearest neighbour across shares most of its height with, among rows it sits
            // beside, covering no more than half the width of any of their lines (dense print, a receipt's, has boxes
            // taller than the line pitch, and a price belongs to a row begun further up).
            var best = -1;
            var bestShare = 0.5f;
            for (var r = rows.Count - 1; r >= 0; r--)
            {
                var row = rows[r];
                if (row.Max(l => l.Y1) <= y0)
                    continue;
                if (row.Any(l => Overlap(l.X0, l.X1, x0, x1) > 0.5f * Math.Min(l.X1 - l.X0, x1 - x0)))
                    continue;
                var nearest = row.MinBy(l => Math.Max(l.X0 - x1, x0 - l.X1));
                var share = Overlap(nearest.Y0, nearest.Y1, y0, y1) / Math.Max(1e-3f, Math.Min(nearest.Y1 - nearest.Y0, y1 - y0));
                if (share > bestShare)
                    (best, bestShare) = (r, share);
            }
            if (best >= 0)
                rows[best].Add((line.Index, x0, y0, x1, y1));
            else
                rows.Add([(line.Index, x0, y0, x1, y1)]);
        }
        var order = new List<(int, int, int)>(lines.Count);
        var block = 0;
        for (var r = 0; r < rows.Count; r++)
        {
            if (r > 0)
            {
                var above = rows[r - 1];
                var gap = rows[r].Min(l => l.Y0) - above.Max(l => l.Y1);
                var height = Math.Max(above.Average(l => l.Y1 - l.Y0), rows[r].Average(l => l.Y1 - l.Y0));
                var overlaps = Overlap(above.Min(l => l.X0), above.Max(l => l.X1), rows[r].Min(l => l.X0), rows[r].Max(l => l.X1)) > 0;
                if (gap > 1.5 * height || !overlaps)
                    block++;
            }
            foreach (var line in rows[r].OrderBy(l => l.X0))
                order.Add((line.Index, block, r));
        }
        return order;
    }

    /// <summary>The page's rotation, clockwise in quarter turns (0, 90, 180, 270): the direction most lines run in, weighted by length.</summary>
    public static int PageRotation(IReadOnlyList<Quadrilateral> lines)
    {
        if (lines.Count == 0)
            return 0;
        var votes = new double[4];
        foreach (var line in lines)
        {
            var angle = Math.Atan2(line.TopRight.Y - line.TopLeft.Y, line.TopRight.X - line.TopLeft.X) * 180 / Math.PI;
            var quarter = (int)Math.Round(((angle % 360) + 360) % 360 / 90) % 4;
            votes[quarter] += line.Width;
        }
        return Array.IndexOf(votes, votes.Max()) * 90;
    }

    private static float Overlap(float a0, float a1, float b0, float b1) => Math.Min(a1, b1) - Math.Max(a0, b0);

    // The line's box in a frame where the page reads upright: points turned back by the page's rotation.
    private static (float X0, float Y0, float X1, float Y1) Upright(Quadrilateral q, int rotation)
    {
        var points = q.Points.Select(p => rotation switch
        {
            90 => new PointF(p.Y, -p.X),
            180 => new PointF(-p.X, -p.Y),
            270 => new PointF(-p.Y, p.X),
            _ => p,
        }).ToArray();
        return (points.Min(p => p.X), points.Min(p => p.Y), points.Max(p => p.X), points.Max(p => p.Y));
    }
}
