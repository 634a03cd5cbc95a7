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

    private static List<ScoredBox> Greedy(IEnumerable<ScoredBox> candidates, float iouThreshold)
    {
        // Stable order: equal scores keep their input order, so results do not depend on sorting details.
        var sorted = candidates.Select((c, i) => (c, i)).OrderByDescending(p => p.c.Score).ThenBy(p => p.i).Select(p => p.c).ToList();
        var kept = new List<ScoredBox>();
        foreach (var candidate in sorted)
        {
            var suppressed = false;
            foreach (var k in kept)
                if (BoundingBox.IoU(k.Box, candidate.Box) > iouThreshold)
                {
                    suppressed = true;
                    break;
                }
            if (!suppressed)
                kept.Add(candidate);
        }
        return kept;
    }
}
