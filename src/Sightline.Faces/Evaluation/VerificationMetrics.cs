namespace Sightline.Faces.Evaluation;

/// <summary>One point of the ROC curve: pairs closer than <see cref="Threshold"/> are called "same".</summary>
public readonly record struct RocPoint(double Far, double Tar, float Threshold);

/// <summary>Verification at one threshold (same ⇔ distance &lt; threshold): accuracy, true and false accept rates.</summary>
public readonly record struct ThresholdAccuracy(float Threshold, double Accuracy, double Tar, double Far);

/// <summary>
/// The largest true accept rate whose false accept rate stays within <see cref="TargetFar"/>, and the
/// threshold giving it. <see cref="Resolved"/> is false when there are fewer than 1/TargetFar
/// different pairs: then one false accept already exceeds the target and the figure is really TAR at FAR 0.
/// </summary>
public readonly record struct TarAtFar(double TargetFar, double Tar, double Far, float Threshold, bool Resolved)
{
    /// <summary>Different pairs needed to resolve <see cref="TargetFar"/>.</summary>
    public int DifferentPairsNeeded => VerificationMetrics.PairsToResolve(TargetFar);
}

/// <summary>Face verification figures over labelled pairs; <see cref="Roc"/> is thinned for output, the other figures use every pair.</summary>
public sealed record VerificationResult(
    int SamePairs,
    int DifferentPairs,
    ThresholdAccuracy AtDefault,
    ThresholdAccuracy Best,
    double Auc,
    IReadOnlyList<TarAtFar> TarAtFar,
    IReadOnlyList<RocPoint> Roc);

/// <summary>Verification metrics over (distance, same person) pairs, where a smaller distance means more alike.</summary>
public static class VerificationMetrics
{
    /// <summary>The false accept rates at which <see cref="Compute(IReadOnlyList{ValueTuple{float, bool}}, float, int)"/> reports the true accept rate.</summary>
    public static IReadOnlyList<double> FarTargets { get; } = [1e-2, 1e-3];

    /// <summary>Accuracy at <paramref name="defaultThreshold"/> and at the best threshold, ROC AUC, TAR at <see cref="FarTargets"/>, and the ROC curve thinned to at most <paramref name="maxRocPoints"/> points.</summary>
    /// <exception cref="EvaluationException">The pairs are not both same and different.</exception>
    public static VerificationResult Compute(IReadOnlyList<(float Distance, bool Same)> pairs, float defaultThreshold, int maxRocPoints = 200)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (!float.IsFinite(defaultThreshold))
            throw new ArgumentOutOfRangeException(nameof(defaultThreshold), defaultThreshold, "the threshold must be a finite number");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRocPoints, 3);
        var sorted = pairs.ToArray();
        foreach (var pair in sorted)
            if (!float.IsFinite(pair.Distance))
                throw new ArgumentException($"pair distance {pair.Distance} is not a finite number", nameof(pairs));
        var same = sorted.Count(p => p.Same);
        var different = sorted.Length - same;
        if (same == 0 || different == 0)
            throw new EvaluationException($"verification needs both same-person and different-person pairs; got {same} same and {different} different");
        Array.Sort(sorted, (x, y) => x.Distance.CompareTo(y.Distance));

        var groups = Groups(sorted);
        var roc = Curve(groups, same, different);
        var n = (double)sorted.Length;
        var best = roc.Select(p => Accuracy(p, same, different, n))
            .OrderByDescending(a => a.Accuracy)
            .ThenBy(a => Math.Abs(a.Threshold - defaultThreshold))
            .ThenBy(a => a.Threshold)
            .First();
        var atDefault = new RocPoint(
            (double)sorted.Count(p => !p.Same && p.Distance < defaultThreshold) / different,
            (double)sorted.Count(p => p.Same && p.Distance < defaultThreshold) / same,
            defaultThreshold);
        return new VerificationResult(
            same, different,
            Accuracy(atDefault, same, different, n),
            best,
            Auc(groups, same, different),
            FarTargets.Select(target => TarAt(roc, different, target)).ToList(),
            Thin(roc, maxRocPoints));
    }

    /// <summary>Different pairs needed before a false accept rate of <paramref name="far"/> can be told from zero.</summary>
    public static int PairsToResolve(double far) => (int)Math.Ceiling(1 / far - 1e-9);

    private readonly record struct Group(float Distance, int Same, int Different);

    // Equal distances form one group: no threshold can separate them.
    private static List<Group> Groups((float Distance, bool Same)[] sorted)
    {
        var groups = new List<Group>();
        for (var i = 0; i < sorted.Length;)
        {
            int s = 0, d = 0, j = i;
            for (; j < sorted.Length && sorted[j].Distance == sorted[i].Distance; j++)
                if (sorted[j].Same) s++; else d++;
            groups.Add(new Group(sorted[i].Distance, s, d));
            i = j;
        }
        return groups;
    }

    // One point below every distance, then one after each group, at the midpoint to the next distance.
    private static List<RocPoint> Curve(List<Group> groups, int same, int different)
    {
        var points = new List<RocPoint>(groups.Count + 1) { new(0, 0, groups[0].Distance) };
        int acceptedSame = 0, acceptedDifferent = 0;
        for (var g = 0; g < groups.Count; g++)
        {
            acceptedSame += groups[g].Same;
            acceptedDifferent += groups[g].Different;
            var threshold = g + 1 < groups.Count ? Midpoint(groups[g].Distance, groups[g + 1].Distance) : MathF.BitIncrement(groups[g].Distance);
            points.Add(new RocPoint((double)acceptedDifferent / different, (double)acceptedSame / same, threshold));
        }
        return points;
    }

    /// <summary>A threshold strictly above <paramref name="low"/> and at most <paramref name="high"/>, halfway where floats allow.</summary>
    internal static float Midpoint(float low, float high)
    {
        var mid = (float)(((double)low + high) / 2);
        return mid > low ? mid : high;
    }

    private static ThresholdAccuracy Accuracy(RocPoint point, int same, int different, double n) =>
        new(point.Threshold, (point.Tar * same + (1 - point.Far) * different) / n, point.Tar, point.Far);

    // Mann-Whitney U from average ranks: the chance a random same pair is closer than a random different pair, ties counting half.
    private static double Auc(List<Group> groups, int same, int different)
    {
        double rankSumDifferent = 0;
        long before = 0;
        foreach (var group in groups)
        {
            var size = group.Same + group.Different;
            var averageRank = before + (size + 1) / 2.0;
            rankSumDifferent += group.Different * averageRank;
            before += size;
        }
        var u = rankSumDifferent - (double)different * (different + 1) / 2;
        return u / ((double)same * different);
    }

    private static TarAtFar TarAt(List<RocPoint> roc, int different, double target)
    {
        // Compare in counts: FAR ≤ target ⇔ accepted different pairs ≤ target·n.
        var allowed = Math.Floor(target * different + 1e-9);
        var best = roc[0];
        foreach (var point in roc)
            if (Math.Round(point.Far * different) <= allowed && point.Tar > best.Tar)
                best = point;
        return new TarAtFar(target, best.Tar, best.Far, best.Threshold, different >= PairsToResolve(target));
    }

    /// <summary>
    /// At most <paramref name="max"/> points of <paramref name="curve"/>, keeping both ends and spacing
    /// the rest evenly along the curve (by FAR + TAR travelled), so steep and flat parts both keep their shape.
    /// </summary>
    internal static IReadOnlyList<RocPoint> Thin(IReadOnlyList<RocPoint> curve, int max)
    {
        if (curve.Count <= max)
            return curve.ToList();
        // The curve travels at most 2 (FAR and TAR each rise from 0 to 1), so this step keeps at most max - 2 inner points.
        var step = 2.0 / (max - 2);
        var kept = new List<RocPoint> { curve[0] };
        for (var i = 1; i < curve.Count - 1; i++)
        {
            var last = kept[^1];
            if (curve[i].Far - last.Far + (curve[i].Tar - last.Tar) >= step)
                kept.Add(curve[i]);
        }
        kept.Add(curve[^1]);
        return kept;
    }
}
