namespace Sightline.Models.Import;

/// <summary>The agreement bound: |ours - ref| &lt;= Absolute + Relative * |ref|, element by element.</summary>
public sealed record FidelityTolerance(double Absolute = 1e-4, double Relative = 1e-3);

/// <summary>How far one output (or a whole model) is from the reference.</summary>
public readonly record struct FidelityError(string Output, long Elements, double WorstAbsolute, double WorstRelative, double WorstBoundRatio, string? Problem)
{
    /// <summary>True when every element is within the tolerance (the bound ratio is at most 1).</summary>
    public bool WithinBounds => Problem is null && WorstBoundRatio <= 1;
}

/// <summary>
/// An output made by a top-k head: rows of <see cref="RowLength"/> values, the k best by the value in
/// <see cref="ScoreColumn"/>, whose first <see cref="CoordinateColumns"/> values are coordinates of one
/// frame (a box's corners, say). Near-equal scores may come out in another order, swap the last place, or
/// (where a peak test compares scores for exact equality) keep one or two of a pair of equal neighbours,
/// when the scores differ by less than the two runtimes' rounding, so such rows are compared as matched sets.
/// </summary>
public sealed record RankedRows(string Output, int RowLength, int ScoreColumn, int CoordinateColumns);

/// <summary>
/// How the rows of a <see cref="RankedRows"/> output pair up: <see cref="Pairs"/> (ours, reference) that
/// agree within the bound, how many of them sit at another index, and the rows of either side left without
/// a partner.
/// </summary>
public sealed record RankedRowMatch(IReadOnlyList<(int Ours, int Reference)> Pairs, int Reordered, IReadOnlyList<int> UnmatchedOurs, IReadOnlyList<int> UnmatchedReference);

/// <summary>Compares converted-model outputs with the reference's, by output name.</summary>
public static class FidelityComparison
{
    public static FidelityError Compare(string name, ReadOnlySpan<float> ours, ReadOnlySpan<float> reference, FidelityTolerance tolerance)
    {
        if (ours.Length != reference.Length)
            return new FidelityError(name, reference.Length, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity,
                $"{ours.Length} values, the reference has {reference.Length}");
        double worstAbs = 0, worstRel = 0, worstRatio = 0;
        for (var i = 0; i < ours.Length; i++)
            Accumulate(ours[i], reference[i], Math.Abs(reference[i]), tolerance, ref worstAbs, ref worstRel, ref worstRatio);
        return new FidelityError(name, ours.Length, worstAbs, worstRel, worstRatio, null);
    }

    /// <summary>One element's error against the bound taken at <paramref name="scale"/>, folded into the worst so far.</summary>
    private static void Accumulate(double o, double r, double scale, FidelityTolerance tolerance, ref double worstAbs, ref double worstRel, ref double worstRatio)
    {
        if (double.IsNaN(r) && double.IsNaN(o))
            return;
        var diff = Math.Abs(o - r);
        if (double.IsNaN(diff))
            diff = double.PositiveInfinity;
        worstAbs = Math.Max(worstAbs, diff);
        // Relative error is only meaningful away from zero, where the absolute term dominates.
        if (scale > tolerance.Absolute / tolerance.Relative)
            worstRel = Math.Max(worstRel, diff / scale);
        worstRatio = Math.Max(worstRatio, diff / (tolerance.Absolute + tolerance.Relative * scale));
    }

    /// <summary>
    /// The bound-relative error of one row against a reference row. A coordinate is judged against the
    /// largest coordinate of its row: a corner is a centre minus an extent, so a corner near zero carries
    /// the rounding of operands as large as the box (a relative bound on its own near-zero value would ask
    /// for more digits than the operands have).
    /// </summary>
    private static (double Absolute, double Relative, double Ratio) RowError(ReadOnlySpan<float> ours, ReadOnlySpan<float> reference, RankedRows rows, FidelityTolerance tolerance)
    {
        double coordinateScale = 0;
        for (var c = 0; c < rows.CoordinateColumns; c++)
            coordinateScale = Math.Max(coordinateScale, Math.Abs(reference[c]));
        double worstAbs = 0, worstRel = 0, worstRatio = 0;
        for (var c = 0; c < rows.RowLength; c++)
            Accumulate(ours[c], reference[c], c < rows.CoordinateColumns ? coordinateScale : Math.Abs(reference[c]), tolerance, ref worstAbs, ref worstRel, ref worstRatio);
        return (worstAbs, worstRel, worstRatio);
    }

    /// <summary>
    /// Pairs our rows with the reference's: a row at the same index first, else the closest free row
    /// within the bound. Rows left over on either side have no counterpart within the bound.
    /// </summary>
    public static RankedRowMatch MatchRankedRows(ReadOnlySpan<float> ours, ReadOnlySpan<float> reference, RankedRows rows, FidelityTolerance tolerance)
    {
        var count = reference.Length / rows.RowLength;
        var partnerOfReference = new int[count];
        var used = new bool[ours.Length / rows.RowLength];
        Array.Fill(partnerOfReference, -1);
        for (var i = 0; i < count && i < used.Length; i++)
            if (RowError(ours.Slice(i * rows.RowLength, rows.RowLength), reference.Slice(i * rows.RowLength, rows.RowLength), rows, tolerance).Ratio <= 1)
                (partnerOfReference[i], used[i]) = (i, true);
        for (var i = 0; i < count; i++)
        {
            if (partnerOfReference[i] >= 0)
                continue;
            var (best, bestRatio) = (-1, double.PositiveInfinity);
            for (var j = 0; j < used.Length; j++)
            {
                if (used[j])
                    continue;
                var ratio = RowError(ours.Slice(j * rows.RowLength, rows.RowLength), reference.Slice(i * rows.RowLength, rows.RowLength), rows, tolerance).Ratio;
                if (ratio < bestRatio)
                    (best, bestRatio) = (j, ratio);
            }
            if (best >= 0 && bestRatio <= 1)
                (partnerOfReference[i], used[best]) = (best, true);
        }
        var pairs = Enumerable.Range(0, count).Where(i => partnerOfReference[i] >= 0).Select(i => (partnerOfReference[i], i)).ToList();
        return new RankedRowMatch(pairs, pairs.Count(p => p.Item1 != p.i),
            Enumerable.Range(0, used.Length).Where(j => !used[j]).ToList(),
            Enumerable.Range(0, count).Where(i => partnerOfReference[i] < 0).ToList());
    }

    /// <summary>
    /// A top-k output compared as a matched set of rows (<see cref="MatchRankedRows"/>). A row without a
    /// counterpart passes only where it competes for the last places: its score is within the bound of the
    /// reference's k-th score, so the two runtimes' rounding decides which of near-equal rows is kept.
    /// </summary>
    public static FidelityError CompareRanked(string name, ReadOnlySpan<float> ours, ReadOnlySpan<float> reference, RankedRows rows, FidelityTolerance tolerance)
    {
        if (ours.Length != reference.Length || reference.Length % rows.RowLength != 0)
            return new FidelityError(name, reference.Length, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity,
                $"{ours.Length} values, the reference has {reference.Length} (rows of {rows.RowLength})");
        var match = MatchRankedRows(ours, reference, rows, tolerance);
        double worstAbs = 0, worstRel = 0, worstRatio = 0;
        foreach (var (o, r) in match.Pairs)
        {
            var e = RowError(ours.Slice(o * rows.RowLength, rows.RowLength), reference.Slice(r * rows.RowLength, rows.RowLength), rows, tolerance);
            (worstAbs, worstRel, worstRatio) = (Math.Max(worstAbs, e.Absolute), Math.Max(worstRel, e.Relative), Math.Max(worstRatio, e.Ratio));
        }
        var count = reference.Length / rows.RowLength;
        if (count == 0)
            return new FidelityError(name, 0, 0, 0, 0, null);
        var last = double.PositiveInfinity;
        for (var i = 0; i < count; i++)
            last = Math.Min(last, reference[i * rows.RowLength + rows.ScoreColumn]);
        // A leftover row must score as the reference's k-th does (it competed for the last place), or have a
        // twin of equal score and class on its own side: a plateau of two equal neighbouring heatmap cells,
        // which an exact peak test (value == 3x3 maximum) keeps both of, or one of when rounding splits them.
        var lastPlaceBound = tolerance.Absolute + tolerance.Relative * Math.Abs(last);
        string? problem = null;
        foreach (var i in match.UnmatchedReference)
            if (problem is null && Math.Abs(reference[i * rows.RowLength + rows.ScoreColumn] - last) > lastPlaceBound && !HasTwin(reference, i, rows, tolerance))
                problem = $"reference row {i} (score {reference[i * rows.RowLength + rows.ScoreColumn]:0.######}) has no counterpart within the bound";
        foreach (var j in match.UnmatchedOurs)
            if (problem is null && Math.Abs(ours[j * rows.RowLength + rows.ScoreColumn] - last) > lastPlaceBound && !HasTwin(ours, j, rows, tolerance))
                problem = $"our row {j} (score {ours[j * rows.RowLength + rows.ScoreColumn]:0.######}) has no counterpart within the bound";
        return new FidelityError(name, reference.Length, worstAbs, worstRel, problem is null ? worstRatio : double.PositiveInfinity, problem);
    }

    /// <summary>Whether another row of the same output has the same values, within the bound, in every column but the coordinates.</summary>
    private static bool HasTwin(ReadOnlySpan<float> values, int index, RankedRows rows, FidelityTolerance tolerance)
    {
        var row = values.Slice(index * rows.RowLength, rows.RowLength);
        for (var m = 0; m < values.Length / rows.RowLength; m++)
        {
            if (m == index)
                continue;
            var other = values.Slice(m * rows.RowLength, rows.RowLength);
            var same = true;
            for (var c = rows.CoordinateColumns; c < rows.RowLength && same; c++)
                same = Math.Abs(row[c] - other[c]) <= tolerance.Absolute + tolerance.Relative * Math.Abs(other[c]);
            if (same)
                return true;
        }
        return false;
    }

    /// <summary>Every reference output against ours with the same name (shapes must agree).</summary>
    public static IReadOnlyList<FidelityError> CompareAll(IReadOnlyList<NamedTensor> ours, IReadOnlyList<NamedTensor> reference, FidelityTolerance tolerance) =>
        CompareAll(ours, reference, tolerance, []);

    /// <summary>As above; outputs named in <paramref name="ranked"/> are compared as matched sets of rows.</summary>
    public static IReadOnlyList<FidelityError> CompareAll(IReadOnlyList<NamedTensor> ours, IReadOnlyList<NamedTensor> reference, FidelityTolerance tolerance, IReadOnlyList<RankedRows> ranked) =>
        reference.Select(r =>
        {
            var match = ours.FirstOrDefault(o => o.Name == r.Name);
            if (match is null)
                return new FidelityError(r.Name, r.Values.Length, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, "no output of that name in the converted model");
            if (!match.Shape.SequenceEqual(r.Shape))
                return new FidelityError(r.Name, r.Values.Length, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity,
                    $"shape [{string.Join(",", match.Shape)}], the reference has [{string.Join(",", r.Shape)}]");
            return ranked.FirstOrDefault(k => k.Output == r.Name) is { } rows
                ? CompareRanked(r.Name, match.Values, r.Values, rows, tolerance)
                : Compare(r.Name, match.Values, r.Values, tolerance);
        }).ToList();

    /// <summary>The worst of several results (per output, per image) as one row.</summary>
    public static FidelityError Worst(string name, IEnumerable<FidelityError> errors)
    {
        var list = errors.ToList();
        return new FidelityError(name, list.Sum(e => e.Elements),
            list.Count == 0 ? 0 : list.Max(e => e.WorstAbsolute),
            list.Count == 0 ? 0 : list.Max(e => e.WorstRelative),
            list.Count == 0 ? 0 : list.Max(e => e.WorstBoundRatio),
            list.FirstOrDefault(e => e.Problem is not null).Problem);
    }
}
