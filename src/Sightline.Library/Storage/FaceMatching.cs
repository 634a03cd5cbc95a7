namespace Sightline.Library.Storage;

/// <summary>
/// Which face of a new analysis is which face of the previous one: the pairs whose boxes overlap by at least
/// <see cref="MinIou"/>, greedily by overlap (largest first; ties by the previous, then the new face's index), each
/// face in at most one pair. Deterministic, so that a re-scan keeps the same rows whatever the detector's order.
/// </summary>
internal static class FaceMatching
{
    public const float MinIou = 0.5f;

    public readonly record struct Box(int Index, float X, float Y, float Width, float Height);

    /// <summary>(previous index, new index) pairs.</summary>
    public static IReadOnlyList<(int Previous, int New)> Match(IReadOnlyList<Box> previous, IReadOnlyList<Box> current)
    {
        var candidates = new List<(float Iou, int Previous, int New)>();
        foreach (var p in previous)
            foreach (var n in current)
                if (Iou(p, n) is var iou and >= MinIou)
                    candidates.Add((iou, p.Index, n.Index));
        candidates.Sort((a, b) => b.Iou != a.Iou ? b.Iou.CompareTo(a.Iou) : a.Previous != b.Previous ? a.Previous.CompareTo(b.Previous) : a.New.CompareTo(b.New));
        var usedPrevious = new HashSet<int>();
        var usedNew = new HashSet<int>();
        var pairs = new List<(int, int)>();
        foreach (var (_, p, n) in candidates)
            if (!usedPrevious.Contains(p) && !usedNew.Contains(n))
            {
                usedPrevious.Add(p);
                usedNew.Add(n);
                pairs.Add((p, n));
            }
        return pairs;
    }

    /// <summary>Intersection over union of two boxes; 0 when either has no area.</summary>
    public static float Iou(Box a, Box b)
    {
        var width = Math.Min(a.X + a.Width, b.X + b.Width) - Math.Max(a.X, b.X);
        var height = Math.Min(a.Y + a.Height, b.Y + b.Height) - Math.Max(a.Y, b.Y);
        if (width <= 0 || height <= 0)
            return 0;
        var intersection = width * height;
        var union = a.Width * a.Height + b.Width * b.Height - intersection;
        return union <= 0 ? 0 : intersection / union;
    }
}
