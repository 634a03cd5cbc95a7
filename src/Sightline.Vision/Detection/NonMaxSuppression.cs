namespace Sightline.Vision.Detection;

/// <summary>A candidate box before suppression.</summary>
public readonly record struct ScoredBox(BoundingBox Box, float Score, int ClassId);

/// <summary>Greedy non-maximum suppression, the usual way: highest score first, drop what overlaps a kept box too much.</summary>
public static class NonMaxSuppression
{
    /// <summary>
    /// Keeps, for each class separately, boxes that overlap no higher-scoring box of the same class by more
    /// than <paramref name="iouThreshold"/>; returns at most <paramref name="maxDetections"/>, best first.
    /// </summary>
    public static IReadOnlyList<ScoredBox> PerClass(IEnumerable<ScoredBox> candidates, float iouThreshold, int maxDetections = int.MaxValue)
    {
        var kept = new List<ScoredBox>();
        foreach (var group in candidates.GroupBy(c => c.ClassId))
            kept.AddRange(Greedy(group, iouThreshold));
        return kept.OrderByDescending(b => b.Score).ThenBy(b => b.ClassId).Take(maxDetections).ToList();
    }

    /// <summary>
    /// Per-class NMS, then one object seen as several classes keeps only its strongest class: a box whose IoU
    /// with a stronger box of another class exceeds <paramref name="sameObjectIou"/> is dropped. The bound is
    /// IoU, not overlap of the smaller box, so an object inside another (a cup on a table, a rider on a
    /// horse) keeps its own box.
    /// </summary>
    public static IReadOnlyList<ScoredBox> StrongestClassPerObject(IEnumerable<ScoredBox> candidates, float iouThreshold, float sameObjectIou, int maxDetections = int.MaxValue) =>
        // After per-class NMS no two boxes of one class overlap by more than iouThreshold, so a class-agnostic
        // pass at the higher sameObjectIou bound only ever removes boxes of other classes.
        Greedy(PerClass(candidates, iouThreshold), Math.Max(iouThreshold, sameObjectIou)).Take(maxDetections).ToList();

    /// <summary>One suppression over all classes together (a box suppresses overlapping boxes of any class).</summary>
    public static IReadOnlyList<ScoredBox> ClassAgnostic(IEnumerable<ScoredBox> candidates, float iouThreshold, int maxDetections = int.MaxValue) =>
        Greedy(candidates, iouThreshold).Take(maxDetections).ToList();

    private static List<ScoredBox> Greedy(IEnumerable<ScoredBox> candidates, float iouThreshold) =>
        Greedy(candidates, c => c.Score, c => c.Box, IoUAbove(iouThreshold));

    /// <summary>Two boxes overlap when their IoU exceeds <paramref name="threshold"/>.</summary>
    public static Func<BoundingBox, BoundingBox, bool> IoUAbove(float threshold) => (kept, candidate) => BoundingBox.IoU(kept, candidate) > threshold;

    /// <summary>
    /// Two boxes overlap when their IoU exceeds <paramref name="iouThreshold"/> or the smaller lies more than
    /// <paramref name="containment"/> inside the other (a tile cut through a face yields a small box inside the real one).
    /// </summary>
    public static Func<BoundingBox, BoundingBox, bool> IoUOrContainmentAbove(float iouThreshold, float containment) => (kept, candidate) =>
        BoundingBox.IoU(kept, candidate) > iouThreshold || BoundingBox.Containment(kept, candidate) > containment;

    /// <summary>
    /// The greedy core every suppression here and in the face detectors shares: highest score first (equal
    /// scores in input order, so results do not depend on sorting details), a candidate is dropped when it
    /// <paramref name="overlaps"/> a kept one; stops once <paramref name="maxKept"/> are kept.
    /// </summary>
    public static List<T> Greedy<T>(IEnumerable<T> candidates, Func<T, float> score, Func<T, BoundingBox> box,
        Func<BoundingBox, BoundingBox, bool> overlaps, int maxKept = int.MaxValue)
    {
        var sorted = candidates.Select((c, i) => (c, i)).OrderByDescending(p => score(p.c)).ThenBy(p => p.i).Select(p => p.c).ToList();
        var kept = new List<T>();
        var keptBoxes = new List<BoundingBox>();
        foreach (var candidate in sorted)
        {
            if (kept.Count >= maxKept)
                break;
            var b = box(candidate);
            var suppressed = false;
            foreach (var k in keptBoxes)
                if (overlaps(k, b))
                {
                    suppressed = true;
                    break;
                }
            if (suppressed)
                continue;
            kept.Add(candidate);
            keptBoxes.Add(b);
        }
        return kept;
    }
}
