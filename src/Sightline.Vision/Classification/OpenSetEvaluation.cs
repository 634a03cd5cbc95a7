namespace Sightline.Vision.Classification;

/// <summary>
/// One class played the unknown: the classifier was trained without it. Known-class figures are
/// cross-validated over the other classes; <see cref="KnownAccuracy"/> counts a rejected known image as
/// an error; <see cref="UnknownRejected"/> is the share of the held-out class answered "unknown".
/// </summary>
public sealed record OpenSetReport(
    string HoldoutClass,
    int KnownImages,
    int UnknownImages,
    double Tolerance,
    double ClosedSetAccuracy,
    double KnownAccuracy,
    double KnownRejected,
    double UnknownRejected)
{
    public double AccuracyDrop => ClosedSetAccuracy - KnownAccuracy;
}

/// <summary>Measures unknown-image rejection by holding a whole class out of training.</summary>
public static class OpenSetEvaluation
{
    public static OpenSetReport HoldOutClass(LabelledSet data, string holdoutClass, ClassifierTrainingOptions options, IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        var c = data.Classes.ToList().IndexOf(holdoutClass);
        if (c < 0)
            throw new ClassifierTrainingException($"there is no class '{holdoutClass}' (classes: {string.Join(", ", data.Classes)})");
        if (data.Classes.Count < 3)
            throw new ClassifierTrainingException("holding a class out needs at least three classes, so that two remain to train on");
        var known = data.Examples.Where(e => e.Label != c).Select(e => e with { Label = e.Label - (e.Label > c ? 1 : 0) }).ToArray();
        var unknown = data.Examples.Where(e => e.Label == c).ToArray();
        var classes = data.Classes.Where((_, i) => i != c).ToArray();
        var labels = known.Select(e => e.Label).ToArray();
        var split = StratifiedFolds.Assign(labels, options.Folds, options.Seed + 104729);
        int closedRight = 0, acceptedRight = 0, knownRejected = 0, unknownRejected = 0;
        for (var f = 0; f < options.Folds; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var train = new LabelledSet(classes, known.Where((_, i) => split[i] != f).ToArray());
            var trained = new ClassifierTrainer(options).Train(train, cancellationToken: cancellationToken);
            var counts = KnownCounts.Of(trained, known.Where((_, i) => split[i] == f));
            closedRight += counts.ClosedRight;
            acceptedRight += counts.AcceptedRight;
            knownRejected += counts.Rejected;
            // Every fold's classifier meets every unknown image; the rate is the mean over folds.
            unknownRejected += unknown.Count(e => trained.Unknown.IsUnknown(trained.Head.Logits(e.Features), e.Features));
            progress?.Report((f + 1, options.Folds));
        }
        double n = known.Length;
        return new OpenSetReport(holdoutClass, known.Length, unknown.Length, options.UnknownTolerance,
            closedRight / n, acceptedRight / n, knownRejected / n, unknown.Length == 0 ? 0 : (double)unknownRejected / (unknown.Length * options.Folds));
    }
}

/// <summary>The share of one set of out-of-distribution images answered "unknown".</summary>
public readonly record struct OutlierRejection(string Name, int Images, double Rejected);

/// <summary>
/// A classifier trained on <see cref="TrainPerClass"/> images of each class and tested on the rest, which
/// neither training nor its unknown rule saw: closed-set accuracy, accuracy with the rule (rejections count
/// as errors), the share of test images rejected against the share training estimated, and the share of
/// each outlier set answered "unknown".
/// </summary>
public sealed record HeldOutSplitReport(
    IReadOnlyList<string> Classes,
    int TrainPerClass,
    int TrainImages,
    int TestImages,
    double Tolerance,
    UnknownScore Score,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(ThresholdJsonConverter))] double? Threshold,
    string? UnknownOffReason,
    double ClosedSetAccuracy,
    double KnownAccuracy,
    double KnownRejected,
    double EstimatedKnownRejected,
    IReadOnlyList<OutlierRejection> Outliers)
{
    public double AccuracyDrop => ClosedSetAccuracy - KnownAccuracy;
}

/// <summary>Measures a classifier and its unknown rule on a per-class split that training never saw.</summary>
public static class HeldOutSplit
{
    /// <summary>
    /// Per class, a seeded shuffle puts <paramref name="trainPerClass"/> examples on the training side and
    /// the rest on the test side; every class must keep at least one test example.
    /// </summary>
    public static (LabelledSet Train, LabelledSet Test) Split(LabelledSet data, int trainPerClass, int seed)
    {
        if (trainPerClass < 1)
            throw new ClassifierTrainingException($"the training side needs at least one image per class (got {trainPerClass})");
        var counts = data.CountPerClass();
        for (var c = 0; c < counts.Length; c++)
            if (counts[c] <= trainPerClass)
                throw new ClassifierTrainingException($"class '{data.Classes[c]}' has {counts[c]} images; training on {trainPerClass} of them leaves none to test");
        var random = new Random(seed);
        var train = new List<LabelledExample>();
        var test = new List<LabelledExample>();
        for (var c = 0; c < counts.Length; c++)
        {
            var shuffled = data.Examples.Where(e => e.Label == c).OrderBy(_ => random.Next()).ToArray();
            train.AddRange(shuffled.Take(trainPerClass));
            test.AddRange(shuffled.Skip(trainPerClass));
        }
        return (new LabelledSet(data.Classes, train), new LabelledSet(data.Classes, test));
    }

    /// <summary>Keeps only the named classes (in that order), relabelled from 0.</summary>
    public static LabelledSet Subset(LabelledSet data, IReadOnlyList<string> classes)
    {
        var index = classes.Select(name => data.Classes.ToList().IndexOf(name)).ToArray();
        for (var i = 0; i < index.Length; i++)
            if (index[i] < 0)
                throw new ClassifierTrainingException($"there is no class '{classes[i]}' (classes: {string.Join(", ", data.Classes)})");
        if (index.Distinct().Count() != index.Length)
            throw new ClassifierTrainingException($"a class is named twice in {string.Join(", ", classes)}");
        return new LabelledSet(classes, data.Examples.Where(e => index.Contains(e.Label)).Select(e => e with { Label = Array.IndexOf(index, e.Label) }).ToArray());
    }

    /// <summary>Trains on the split's training side, then measures it on the test side and the outlier feature sets.</summary>
    public static HeldOutSplitReport Evaluate(LabelledSet data, int trainPerClass, IReadOnlyList<(string Name, IReadOnlyList<float[]> Features)> outliers,
        ClassifierTrainingOptions options, CancellationToken cancellationToken = default)
    {
        var (train, test) = Split(data, trainPerClass, options.Seed + 15485863);
        var trained = new ClassifierTrainer(options).Train(train, cancellationToken: cancellationToken);
        var (closedRight, acceptedRight, rejected) = KnownCounts.Of(trained, test.Examples);
        var operating = trained.Metrics.UnknownTradeOff.First(p => p.Tolerance == options.UnknownTolerance);
        var rates = outliers.Select(o => new OutlierRejection(o.Name, o.Features.Count,
            o.Features.Count == 0 ? 0 : (double)o.Features.Count(f => trained.Unknown.IsUnknown(trained.Head.Logits(f), f)) / o.Features.Count)).ToList();
        double n = test.Examples.Count;
        return new HeldOutSplitReport(data.Classes, trainPerClass, train.Examples.Count, test.Examples.Count, options.UnknownTolerance,
            trained.Unknown.Score, trained.Unknown.Threshold, trained.Metrics.UnknownOffReason,
            closedRight / n, acceptedRight / n, rejected / n, operating.KnownRejected, rates);
    }
}

/// <summary>How a trained classifier fares on known images: right before the unknown rule, right and accepted, rejected.</summary>
internal readonly record struct KnownCounts(int ClosedRight, int AcceptedRight, int Rejected)
{
    public static KnownCounts Of(TrainedHead trained, IEnumerable<LabelledExample> known)
    {
        int closedRight = 0, acceptedRight = 0, rejected = 0;
        foreach (var e in known)
        {
            var logits = trained.Head.Logits(e.Features);
            var right = ClassifierTrainer.ArgMax(logits) == e.Label;
            var unknown = trained.Unknown.IsUnknown(logits, e.Features);
            closedRight += right ? 1 : 0;
            acceptedRight += right && !unknown ? 1 : 0;
            rejected += unknown ? 1 : 0;
        }
        return new KnownCounts(closedRight, acceptedRight, rejected);
    }
}
