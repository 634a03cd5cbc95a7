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
            foreach (var e in known.Where((_, i) => split[i] == f))
            {
                var logits = trained.Head.Logits(e.Features);
                var right = ClassifierTrainer.ArgMax(logits) == e.Label;
                var rejected = trained.Unknown.IsUnknown(logits, e.Features);
                closedRight += right ? 1 : 0;
                acceptedRight += right && !rejected ? 1 : 0;
                knownRejected += rejected ? 1 : 0;
            }
            // Every fold's classifier meets every unknown image; the rate is the mean over folds.
            unknownRejected += unknown.Count(e => trained.Unknown.IsUnknown(trained.Head.Logits(e.Features), e.Features));
            progress?.Report((f + 1, options.Folds));
        }
        double n = known.Length;
        return new OpenSetReport(holdoutClass, known.Length, unknown.Length, options.UnknownTolerance,
            closedRight / n, acceptedRight / n, knownRejected / n, unknown.Length == 0 ? 0 : (double)unknownRejected / (unknown.Length * options.Folds));
    }
}
