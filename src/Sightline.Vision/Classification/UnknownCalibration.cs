namespace Sightline.Vision.Classification;

/// <summary>How confident the head is that an image shows one of its classes; low means "unknown".</summary>
public enum UnknownScore
{
    /// <summary>The largest softmax probability.</summary>
    MaxProbability,
    /// <summary>The largest logit: unlike the probability it does not saturate when one class merely wins by far.</summary>
    MaxLogit,
    /// <summary>
    /// The cosine similarity of the head's features to the nearest class centre: it sees how far an
    /// image lies from everything trained on, which a linear head, confident far along its directions, does not.
    /// </summary>
    CentroidCosine,
}

/// <summary>
/// An image whose <see cref="Score"/> falls below <see cref="Threshold"/> is answered "unknown".
/// <see cref="Centroids"/> (unit class centres in head-feature space, one per class) serve
/// <see cref="UnknownScore.CentroidCosine"/>.
/// </summary>
public sealed record UnknownRule(UnknownScore Score, double Threshold, float[][]? Centroids = null)
{
    /// <summary>A rule that never rejects.</summary>
    public static UnknownRule Never { get; } = new(UnknownScore.MaxProbability, 0);

    public double Measure(ReadOnlySpan<float> logits, ReadOnlySpan<float> features) => UnknownCalibration.Measure(Score, logits, features, Centroids);

    public bool IsUnknown(ReadOnlySpan<float> logits, ReadOnlySpan<float> features) => Measure(logits, features) < Threshold;
}

/// <summary>
/// One row of the rejection trade-off: allowing known-class accuracy to drop by <see cref="Tolerance"/>
/// gives <see cref="Threshold"/>, with the measured known-class accuracy (rejections count as errors)
/// and share of known images rejected, and the estimated share of images of an unseen class rejected.
/// </summary>
public readonly record struct OperatingPoint(double Tolerance, double Threshold, double KnownAccuracy, double KnownRejected, double? UnknownRejected);

/// <summary>Pure functions that pick and measure rejection thresholds from held-out scores.</summary>
public static class UnknownCalibration
{
    public static double Measure(UnknownScore score, ReadOnlySpan<float> logits, ReadOnlySpan<float> features = default, IReadOnlyList<float[]>? centroids = null)
    {
        if (score == UnknownScore.CentroidCosine)
        {
            if (centroids is null || centroids.Count == 0)
                throw new ArgumentException("the centroid score needs class centres", nameof(centroids));
            var best = double.NegativeInfinity;
            foreach (var c in centroids)
                best = Math.Max(best, System.Numerics.Tensors.TensorPrimitives.Dot(c, features));
            return best;
        }
        var max = float.NegativeInfinity;
        foreach (var l in logits)
            max = Math.Max(max, l);
        if (score == UnknownScore.MaxLogit)
            return max;
        double sum = 0;
        foreach (var l in logits)
            sum += Math.Exp(l - max);
        return 1 / sum;
    }

    /// <summary>
    /// The highest threshold (reject when score &lt; threshold) that keeps the share of examples both
    /// accepted and correctly classified within <paramref name="tolerance"/> of the share correctly
    /// classified with no rejection. Raising the threshold can only reject more, of known and unknown
    /// images alike, so the highest admissible one rejects the most unknown images for that price.
    /// </summary>
    public static double Threshold(IReadOnlyList<double> scores, IReadOnlyList<bool> correct, double tolerance)
    {
        if (scores.Count != correct.Count)
            throw new ArgumentException($"{scores.Count} scores for {correct.Count} outcomes");
        if (tolerance < 0)
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "the tolerance cannot be negative");
        if (scores.Count == 0)
            return double.NegativeInfinity;
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        var totalCorrect = correct.Count(c => c);
        // Allowed loss of correct answers, with a little slack so that 0.03 * 200 really allows 6.
        var allowed = tolerance * scores.Count + 1e-9;
        var best = double.NegativeInfinity;
        var lost = 0;
        for (var m = 0; m < order.Length; m++)
        {
            // Cutting before position m rejects order[0..m); only cut between distinct scores.
            if (m > 0 && scores[order[m - 1]] < scores[order[m]] && lost <= allowed)
                best = scores[order[m]];
            if (correct[order[m]])
                lost++;
            if (lost > allowed)
                break;
        }
        return best;
    }

    /// <summary>Accuracy counting rejections as errors, and the share rejected, at a threshold.</summary>
    public static (double Accuracy, double Rejected) AtThreshold(IReadOnlyList<double> scores, IReadOnlyList<bool> correct, double threshold)
    {
        if (scores.Count == 0)
            return (0, 0);
        var accepted = 0;
        var right = 0;
        for (var i = 0; i < scores.Count; i++)
        {
            if (scores[i] < threshold)
                continue;
            accepted++;
            if (correct[i])
                right++;
        }
        return ((double)right / scores.Count, 1 - (double)accepted / scores.Count);
    }

    /// <summary>Unit-length mean feature vector of each class.</summary>
    public static float[][] Centroids(IEnumerable<(float[] Features, int Label)> examples, int classes, int dimension)
    {
        var sums = Enumerable.Range(0, classes).Select(_ => new float[dimension]).ToArray();
        foreach (var (features, label) in examples)
            System.Numerics.Tensors.TensorPrimitives.Add(sums[label], features, sums[label]);
        return sums.Select(s => Embeddings.VectorMath.Normalized(s)).ToArray();
    }

    public static double RejectionRate(IReadOnlyList<double> scores, double threshold) =>
        scores.Count == 0 ? 0 : (double)scores.Count(s => s < threshold) / scores.Count;
}
