namespace Sightline.Faces.Evaluation;

/// <summary>How one class fared: items expected of it, those predicted right, items predicted as it, and the rates these give.</summary>
public readonly record struct ClassScore(string Label, int Expected, int Correct, int Predicted)
{
    /// <summary>Correct / Expected: how many of this class were found; 0 when none were expected.</summary>
    public double Recall => Expected == 0 ? 0 : (double)Correct / Expected;

    /// <summary>Correct / Predicted: how many predictions of this class were right; 0 when none were made.</summary>
    public double Precision => Predicted == 0 ? 0 : (double)Correct / Predicted;
}

/// <summary>Counts of (expected, predicted) label pairs; rows are expected labels, columns predicted ones.</summary>
public sealed class ConfusionMatrix
{
    private readonly int[,] _counts;
    private readonly Dictionary<string, int> _index;

    private ConfusionMatrix(IReadOnlyList<string> labels, int[,] counts)
    {
        Labels = labels;
        _counts = counts;
        _index = labels.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => p.i, StringComparer.Ordinal);
        Total = counts.Cast<int>().Sum();
        Correct = Enumerable.Range(0, labels.Count).Sum(i => counts[i, i]);
        PerClass = labels.Select((label, i) => new ClassScore(label,
            Enumerable.Range(0, labels.Count).Sum(j => counts[i, j]),
            counts[i, i],
            Enumerable.Range(0, labels.Count).Sum(j => counts[j, i]))).ToList();
    }

    /// <summary>Row and column labels, in order.</summary>
    public IReadOnlyList<string> Labels { get; }

    public int Total { get; }
    public int Correct { get; }
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;

    /// <summary>Recall and precision per label, in <see cref="Labels"/> order.</summary>
    public IReadOnlyList<ClassScore> PerClass { get; }

    /// <summary>Mean recall over labels that were expected at least once (balanced accuracy).</summary>
    public double MeanRecall => PerClass.Where(c => c.Expected > 0).Select(c => c.Recall).DefaultIfEmpty(0).Average();

    /// <summary>Items expected as <paramref name="expected"/> and predicted as <paramref name="predicted"/>; 0 for labels never seen.</summary>
    public int this[string expected, string predicted] =>
        _index.TryGetValue(expected, out var row) && _index.TryGetValue(predicted, out var column) ? _counts[row, column] : 0;

    /// <summary>The count at row <paramref name="expected"/>, column <paramref name="predicted"/> (indices into <see cref="Labels"/>).</summary>
    public int Count(int expected, int predicted) => _counts[expected, predicted];

    /// <summary>
    /// Counts the pairs (<paramref name="expected"/>[i], <paramref name="predicted"/>[i]). Labels are
    /// <paramref name="labels"/> in the given order followed by any others seen, sorted; compared ordinally.
    /// </summary>
    public static ConfusionMatrix From(IReadOnlyList<string> expected, IReadOnlyList<string> predicted, IEnumerable<string>? labels = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(predicted);
        if (expected.Count != predicted.Count)
            throw new ArgumentException($"{expected.Count} expected labels for {predicted.Count} predictions");
        var order = (labels ?? []).Distinct(StringComparer.Ordinal).ToList();
        var known = order.ToHashSet(StringComparer.Ordinal);
        order.AddRange(expected.Concat(predicted).Where(l => !known.Contains(l)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        var index = order.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => p.i, StringComparer.Ordinal);
        var counts = new int[order.Count, order.Count];
        for (var i = 0; i < expected.Count; i++)
            counts[index[expected[i]], index[predicted[i]]]++;
        return new ConfusionMatrix(order, counts);
    }
}
