namespace Sightline.Vision.Classification;

/// <summary>Splits labelled items into folds that each keep the classes' proportions.</summary>
public static class StratifiedFolds
{
    /// <summary>
    /// The fold (0..<paramref name="folds"/>-1) of each item: each class is shuffled with
    /// <paramref name="seed"/> and dealt round-robin, starting where the previous class stopped so fold
    /// sizes stay within one of each other.
    /// </summary>
    public static int[] Assign(IReadOnlyList<int> labels, int folds, int seed)
    {
        if (folds < 2)
            throw new ArgumentOutOfRangeException(nameof(folds), folds, "cross-validation needs at least two folds");
        var assignment = new int[labels.Count];
        var random = new Random(seed);
        var next = 0;
        foreach (var group in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var members = group.ToArray();
            random.Shuffle(members);
            foreach (var i in members)
                assignment[i] = next++ % folds;
        }
        return assignment;
    }

    /// <summary>A stratified hold-out split: true marks the items kept for validation (at least one per class with two or more items).</summary>
    public static bool[] Holdout(IReadOnlyList<int> labels, double fraction, int seed)
    {
        if (fraction is <= 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "the validation fraction must lie strictly between 0 and 1");
        var held = new bool[labels.Count];
        var random = new Random(seed);
        foreach (var group in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var members = group.ToArray();
            random.Shuffle(members);
            var take = members.Length < 2 ? 0 : Math.Clamp((int)Math.Round(fraction * members.Length), 1, members.Length - 1);
            foreach (var i in members.Take(take))
                held[i] = true;
        }
        return held;
    }
}
