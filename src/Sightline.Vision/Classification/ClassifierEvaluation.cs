namespace Sightline.Vision.Classification;

/// <summary>Precision, recall and F1 of one class; <see cref="Support"/> is its number of true examples.</summary>
public readonly record struct ClassMetrics(string Label, int Support, double Precision, double Recall, double F1);

/// <summary>
/// Figures of a classifier on labelled examples. <see cref="Confusion"/>[truth][predicted]; when some
/// examples were answered "unknown", each row has one more column, the last, counting them.
/// </summary>
public sealed record EvaluationReport(
    IReadOnlyList<string> Classes,
    int Examples,
    int Correct,
    int Rejected,
    IReadOnlyList<ClassMetrics> PerClass,
    int[][] Confusion)
{
    public double Accuracy => Examples == 0 ? 0 : (double)Correct / Examples;
    public double MacroF1 => PerClass.Count == 0 ? 0 : PerClass.Average(c => c.F1);
    public bool HasUnknownColumn => Confusion.Length > 0 && Confusion[0].Length > Classes.Count;
}

/// <summary>Pure scoring of predictions against the truth.</summary>
public static class ClassifierEvaluation
{
    /// <summary>The prediction index that stands for "none of the classes".</summary>
    public const int Unknown = -1;

    public static EvaluationReport Evaluate(IReadOnlyList<string> classes, IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        if (truth.Count != predicted.Count)
            throw new ArgumentException($"{truth.Count} true labels for {predicted.Count} predictions");
        var k = classes.Count;
        if (truth.Any(t => t < 0 || t >= k))
            throw new ArgumentException($"true labels must lie in 0..{k - 1}");
        if (predicted.Any(p => p != Unknown && (p < 0 || p >= k)))
            throw new ArgumentException($"predictions must lie in 0..{k - 1} or be {Unknown} (unknown)");
        var rejected = predicted.Count(p => p == Unknown);
        var columns = rejected > 0 ? k + 1 : k;
        var confusion = Enumerable.Range(0, k).Select(_ => new int[columns]).ToArray();
        for (var i = 0; i < truth.Count; i++)
            confusion[truth[i]][predicted[i] == Unknown ? k : predicted[i]]++;

        var perClass = new List<ClassMetrics>(k);
        var correct = 0;
        for (var c = 0; c < k; c++)
        {
            var tp = confusion[c][c];
            correct += tp;
            var support = confusion[c].Sum();
            var predictedAs = confusion.Sum(row => row[c]);
            var precision = predictedAs == 0 ? 0 : (double)tp / predictedAs;
            var recall = support == 0 ? 0 : (double)tp / support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.Add(new ClassMetrics(classes[c], support, precision, recall, f1));
        }
        return new EvaluationReport(classes.ToArray(), truth.Count, correct, rejected, perClass, confusion);
    }
}
