namespace Sightline.Models.Import;

/// <summary>The agreement bound: |ours - ref| &lt;= Absolute + Relative * |ref|, element by element.</summary>
public sealed record FidelityTolerance(double Absolute = 1e-4, double Relative = 1e-3);

/// <summary>How far one output (or a whole model) is from the reference.</summary>
public readonly record struct FidelityError(string Output, long Elements, double WorstAbsolute, double WorstRelative, double WorstBoundRatio, string? Problem)
{
    /// <summary>True when every element is within the tolerance (the bound ratio is at most 1).</summary>
    public bool WithinBounds => Problem is null && WorstBoundRatio <= 1;
}

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
        {
            double r = reference[i], o = ours[i];
            if (double.IsNaN(r) && double.IsNaN(o))
                continue;
            var diff = Math.Abs(o - r);
            if (double.IsNaN(diff))
                diff = double.PositiveInfinity;
            worstAbs = Math.Max(worstAbs, diff);
            // Relative error is only meaningful away from zero, where the absolute term dominates.
            if (Math.Abs(r) > tolerance.Absolute / tolerance.Relative)
                worstRel = Math.Max(worstRel, diff / Math.Abs(r));
            worstRatio = Math.Max(worstRatio, diff / (tolerance.Absolute + tolerance.Relative * Math.Abs(r)));
        }
        return new FidelityError(name, ours.Length, worstAbs, worstRel, worstRatio, null);
    }

    /// <summary>Every reference output against ours with the same name (shapes must agree).</summary>
    public static IReadOnlyList<FidelityError> CompareAll(IReadOnlyList<NamedTensor> ours, IReadOnlyList<NamedTensor> reference, FidelityTolerance tolerance) =>
        reference.Select(r =>
        {
            var match = ours.FirstOrDefault(o => o.Name == r.Name);
            if (match is null)
                return new FidelityError(r.Name, r.Values.Length, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, "no output of that name in the converted model");
            if (!match.Shape.SequenceEqual(r.Shape))
                return new FidelityError(r.Name, r.Values.Length, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity,
                    $"shape [{string.Join(",", match.Shape)}], the reference has [{string.Join(",", r.Shape)}]");
            return Compare(r.Name, match.Values, r.Values, tolerance);
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
