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
    /// <summary>
    /// Minus the squared Mahalanobis distance to the nearest class mean, under the classes' shared
    /// within-class covariance shrunk towards a multiple of the identity (Ledoit-Wolf). A known image
    /// strays from its class mean only along the directions its class varies in; a far-away photo strays
    /// along directions no class varies in, which the plain cosine weighs no more than any other.
    /// </summary>
    Mahalanobis,
    /// <summary>
    /// The cosine similarity of the features to the nearest training image's: a known image has a close
    /// neighbour among the training images of its class, however spread the class; a far-away photo has none.
    /// </summary>
    NearestExample,
    /// <summary>
    /// The centroid cosine in the backbone's own embedding space (the head's features squared, then unit
    /// length), where the largest activations weigh as the backbone made them rather than square-rooted.
    /// Those few strong channels say what a photo shows; the square root that helps the head raises the
    /// many weak ones every photo shares, which kept a bus or a cat close to flowers. What classifiers use
    /// since format version 2: held-out sanity photos answered unknown went from 67-69 % to 95-100 %.
    /// </summary>
    RawCentroidCosine,
}

/// <summary>
/// An image whose <see cref="Score"/> falls below <see cref="Threshold"/> is answered "unknown"; a null
/// threshold means the rule is off (it could not be calibrated) and never fires.
/// <see cref="Centroids"/> (unit class centres in head-feature space, one per class) serve
/// <see cref="UnknownScore.CentroidCosine"/> (in the raw embedding space for <see cref="UnknownScore.RawCentroidCosine"/>); for <see cref="UnknownScore.Mahalanobis"/> they are the plain class
/// means and <see cref="Precision"/> the shared shrunk precision; for <see cref="UnknownScore.NearestExample"/>
/// they are the training images' features.
/// </summary>
public sealed record UnknownRule(UnknownScore Score, [property: System.Text.Json.Serialization.JsonConverter(typeof(ThresholdJsonConverter))] double? Threshold, float[][]? Centroids = null, ShrunkPrecision? Precision = null)
{
    /// <summary>A rule that never rejects.</summary>
    public static UnknownRule Never { get; } = new(UnknownScore.MaxProbability, null);

    public bool IsOff => Threshold is null;

    /// <summary>The threshold as people and JSON see it: its value, or "off".</summary>
    public string ThresholdText => Threshold is { } t ? t.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture) : ThresholdJsonConverter.Off;

    /// <summary>The threshold for JSON output: a finite number, or the string "off".</summary>
    public object ThresholdJson => Threshold is { } t ? t : ThresholdJsonConverter.Off;

    public double Measure(ReadOnlySpan<float> logits, ReadOnlySpan<float> features) => Score == UnknownScore.Mahalanobis
        ? UnknownCalibration.MahalanobisScore(features, Centroids ?? throw new InvalidOperationException("the Mahalanobis rule has no class means"), Precision ?? throw new InvalidOperationException("the Mahalanobis rule has no precision"))
        : UnknownCalibration.Measure(Score, logits, features, Centroids);

    public bool IsUnknown(ReadOnlySpan<float> logits, ReadOnlySpan<float> features) => IsUnknown(Measure(logits, features));

    public bool IsUnknown(double score) => Threshold is { } t && score < t;
}

/// <summary>
/// The inverse of a shrunk covariance <c>a I + X^T X (1 - alpha) / n</c> in the form the Woodbury identity
/// gives it: <c>v^T Sigma^-1 v = |v|^2 / a - |W v|^2</c>, with <see cref="Whitening"/> W (one row per
/// training example, n x d) and <see cref="IsotropicVariance"/> a. Stored this way it costs n x d values,
/// not d x d, and the distance needs no matrix inverse at run time.
/// </summary>
public sealed record ShrunkPrecision(double IsotropicVariance, double Shrinkage, float[][] Whitening)
{
    /// <summary>v^T Sigma^-1 v.</summary>
    public double SquaredNorm(ReadOnlySpan<float> v)
    {
        double squared = System.Numerics.Tensors.TensorPrimitives.Dot(v, v) / IsotropicVariance;
        foreach (var row in Whitening)
        {
            double projected = System.Numerics.Tensors.TensorPrimitives.Dot(row, v);
            squared -= projected * projected;
        }
        // Rounding can take a tiny true value below zero.
        return Math.Max(squared, 0);
    }
}

/// <summary>
/// Writes a threshold as a finite number or "off", never NaN or Infinity (which JSON cannot hold).
/// Reads numbers, "off", and the "-Infinity" of older files (a rule that never fired) as off.
/// </summary>
public sealed class ThresholdJsonConverter : System.Text.Json.Serialization.JsonConverter<double?>
{
    public const string Off = "off";

    public override bool HandleNull => true;

    public override double? Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case System.Text.Json.JsonTokenType.Null:
                return null;
            case System.Text.Json.JsonTokenType.Number:
                return reader.GetDouble();
            case System.Text.Json.JsonTokenType.String:
                var text = reader.GetString();
                if (text is Off or "-Infinity")
                    return null;
                if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
                    return value;
                throw new System.Text.Json.JsonException($"the unknown threshold '{text}' is neither a finite number nor \"{Off}\"");
            default:
                throw new System.Text.Json.JsonException($"the unknown threshold is a {reader.TokenType}, not a number or \"{Off}\"");
        }
    }

    public override void Write(System.Text.Json.Utf8JsonWriter writer, double? value, System.Text.Json.JsonSerializerOptions options)
    {
        if (value is { } v && double.IsFinite(v))
            writer.WriteNumberValue(v);
        else
            writer.WriteStringValue(Off);
    }
}

/// <summary>
/// One row of the rejection trade-off: allowing known-class accuracy to drop by <see cref="Tolerance"/>
/// gives <see cref="Threshold"/>, with the measured known-class accuracy (rejections count as errors)
/// and share of known images rejected, and the estimated share of images of an unseen class rejected.
/// </summary>
public readonly record struct OperatingPoint(double Tolerance, [property: System.Text.Json.Serialization.JsonConverter(typeof(ThresholdJsonConverter))] double? Threshold, double KnownAccuracy, double KnownRejected, double? UnknownRejected);

/// <summary>Pure functions that pick and measure rejection thresholds from held-out scores.</summary>
public static class UnknownCalibration
{
    /// <summary>
    /// The score of one image. The cosine scores take the largest dot product of the unit features with
    /// <paramref name="centroids"/>: unit class centres (<see cref="UnknownScore.CentroidCosine"/>) or the training
    /// images' features (<see cref="UnknownScore.NearestExample"/>). <see cref="UnknownScore.Mahalanobis"/> needs
    /// its precision: see <see cref="MahalanobisScore"/>.
    /// </summary>
    public static double Measure(UnknownScore score, ReadOnlySpan<float> logits, ReadOnlySpan<float> features = default, IReadOnlyList<float[]>? centroids = null)
    {
        if (score == UnknownScore.Mahalanobis)
            throw new ArgumentException("the Mahalanobis score needs a precision: use MahalanobisScore", nameof(score));
        if (score == UnknownScore.RawCentroidCosine)
            return Measure(UnknownScore.CentroidCosine, logits, RawEmbedding(features), centroids);
        if (score is UnknownScore.CentroidCosine or UnknownScore.NearestExample)
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

    /// <summary>Fewest held-out known scores from which a rejection threshold is taken; with fewer the rule is off.</summary>
    public const int MinimumCalibrationScores = 10;

    /// <summary>
    /// The threshold that rejects a share <paramref name="rejectShare"/> of known images, taken from held-out
    /// known scores (scores of images the scorer did not see), so that new known images are rejected at that
    /// rate (the split-conformal argument). With enough scores it is the interpolated empirical quantile; when
    /// the share asks for a cut below the lowest score (fewer than 1 / share scores), it is the quantile of a
    /// normal fitted to them, since the sample says nothing about its own tail. Null (off) with fewer than
    /// <see cref="MinimumCalibrationScores"/> scores, with scores that do not vary, or a share of zero.
    /// </summary>
    public static double? QuantileThreshold(IReadOnlyList<double> scores, double rejectShare)
    {
        if (rejectShare is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(rejectShare), rejectShare, "the rejected share lies in [0, 1)");
        var sorted = scores.Where(double.IsFinite).Order().ToArray();
        var n = sorted.Length;
        if (rejectShare == 0 || n < MinimumCalibrationScores)
            return null;
        // Rank (1-based) of the cut among n + 1 exchangeable scores: the new image is the (n + 1)-th.
        var position = rejectShare * (n + 1);
        if (position >= 1)
        {
            var below = (int)Math.Floor(position) - 1;
            var above = Math.Min(below + 1, n - 1);
            return sorted[below] + (sorted[above] - sorted[below]) * (position - Math.Floor(position));
        }
        var mean = sorted.Average();
        var sd = Math.Sqrt(sorted.Sum(s => (s - mean) * (s - mean)) / (n - 1));
        // Scores that do not vary (beyond rounding) have no spread to extrapolate from.
        if (!(sd > 1e-9 * Math.Max(1, Math.Abs(mean))))
            return null;
        return mean + NormalQuantile(rejectShare) * sd;
    }

    /// <summary>The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9).</summary>
    public static double NormalQuantile(double p)
    {
        if (p is <= 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(p), p, "a probability strictly between 0 and 1");
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double low = 0.02425;
        if (p < low || p > 1 - low)
        {
            var q = Math.Sqrt(-2 * Math.Log(p < low ? p : 1 - p));
            var x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
            return p < low ? x : -x;
        }
        var r = p - 0.5;
        var s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }

    /// <summary>Accuracy counting rejections as errors, and the share rejected, at a threshold (null: off).</summary>
    public static (double Accuracy, double Rejected) AtThreshold(IReadOnlyList<double> scores, IReadOnlyList<bool> correct, double? threshold)
    {
        if (scores.Count == 0)
            return (0, 0);
        var accepted = 0;
        var right = 0;
        for (var i = 0; i < scores.Count; i++)
        {
            if (threshold is { } t && scores[i] < t)
                continue;
            accepted++;
            if (correct[i])
                right++;
        }
        return ((double)right / scores.Count, 1 - (double)accepted / scores.Count);
    }

    /// <summary>Minus the squared Mahalanobis distance from <paramref name="features"/> to the nearest of <paramref name="means"/>.</summary>
    public static double MahalanobisScore(ReadOnlySpan<float> features, IReadOnlyList<float[]> means, ShrunkPrecision precision)
    {
        if (means.Count == 0)
            throw new ArgumentException("the Mahalanobis score needs class means", nameof(means));
        var offset = new float[features.Length];
        var nearest = double.PositiveInfinity;
        foreach (var mean in means)
        {
            if (mean.Length != features.Length)
                throw new ArgumentException($"a class mean has {mean.Length} values for {features.Length} features", nameof(means));
            System.Numerics.Tensors.TensorPrimitives.Subtract(features, mean, offset);
            nearest = Math.Min(nearest, precision.SquaredNorm(offset));
        }
        return -nearest;
    }

    /// <summary>
    /// The shared within-class covariance of <paramref name="examples"/> (each minus its class mean), shrunk
    /// towards a multiple of the identity by the Ledoit-Wolf amount (as scikit-learn's ledoit_wolf_shrinkage
    /// computes it), and inverted through the n x n Woodbury system: with fewer examples than dimensions the
    /// plain covariance is singular, and the shrinkage is what the data say it should be, not a chosen constant.
    /// </summary>
    public static ShrunkPrecision ShrunkWithinClassPrecision(IReadOnlyList<(float[] Features, int Label)> examples, IReadOnlyList<float[]> means)
    {
        var n = examples.Count;
        if (n < 2)
            throw new ArgumentException($"a covariance needs at least two examples (got {n})", nameof(examples));
        var d = means[0].Length;
        var x = examples.Select(e =>
        {
            var row = new float[d];
            System.Numerics.Tensors.TensorPrimitives.Subtract(e.Features, means[e.Label], row);
            return row;
        }).ToArray();
        // Gram matrix G = X X^T (n x n): |X^T X|_F^2 = |G|_F^2 and tr(X^T X) = tr(G).
        var gram = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
                gram[i, j] = gram[j, i] = System.Numerics.Tensors.TensorPrimitives.Dot(x[i], x[j]);
        double trace = 0, frobenius = 0, fourth = 0;
        for (var i = 0; i < n; i++)
        {
            trace += gram[i, i];
            fourth += gram[i, i] * gram[i, i];
            for (var j = 0; j < n; j++)
                frobenius += gram[i, j] * gram[i, j];
        }
        // Ledoit-Wolf, as sklearn.covariance.ledoit_wolf_shrinkage: mu = tr(S) / d with S = X^T X / n.
        var mu = trace / n / d;
        var deltaRaw = frobenius / ((double)n * n);
        // beta_ of sklearn is the sum of (X^2)^T X^2 = sum over rows of |x_i|^4.
        var beta = (fourth / n - deltaRaw) / ((double)d * n);
        var delta = (deltaRaw - 2 * mu * (trace / n) + d * mu * mu) / d;
        beta = Math.Min(beta, delta);
        var shrinkage = beta <= 0 || delta <= 0 ? 0 : beta / delta;
        if (!(mu > 0))
            throw new ArgumentException("the examples do not vary about their class means, so no covariance can be estimated", nameof(examples));
        // Shrunk covariance a I + b X^T X; a floor on the shrinkage keeps it invertible when n >= d.
        shrinkage = Math.Max(shrinkage, 1e-6);
        var a = shrinkage * mu;
        var b = (1 - shrinkage) / n;
        // Woodbury: (a I + b X^T X)^-1 = (I - X^T M^-1 X) / a with M = (a / b) I + G = L L^T; W = L^-1 X / sqrt(a).
        var m = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                m[i, j] = gram[i, j] + (i == j ? a / b : 0);
        var lower = Cholesky(m);
        var whitening = new float[n][];
        var solved = new double[n][];
        for (var i = 0; i < n; i++)
        {
            // Forward substitution, row by row: W_i = (X_i - sum_j<i L_ij W_j) / L_ii, in units of 1 / sqrt(a).
            var row = new double[d];
            for (var t = 0; t < d; t++)
                row[t] = x[i][t];
            for (var j = 0; j < i; j++)
            {
                var l = lower[i, j];
                if (l != 0)
                    for (var t = 0; t < d; t++)
                        row[t] -= l * solved[j][t];
            }
            for (var t = 0; t < d; t++)
                row[t] /= lower[i, i];
            solved[i] = row;
            whitening[i] = row.Select(v => (float)(v / Math.Sqrt(a))).ToArray();
        }
        return new ShrunkPrecision(a, shrinkage, whitening);
    }

    /// <summary>Lower-triangular L with L L^T = <paramref name="matrix"/> (symmetric positive definite).</summary>
    internal static double[,] Cholesky(double[,] matrix)
    {
        var n = matrix.GetLength(0);
        var lower = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
            {
                var sum = matrix[i, j];
                for (var t = 0; t < j; t++)
                    sum -= lower[i, t] * lower[j, t];
                if (i == j)
                {
                    if (!(sum > 0))
                        throw new ArgumentException("the matrix is not positive definite", nameof(matrix));
                    lower[i, i] = Math.Sqrt(sum);
                }
                else
                    lower[i, j] = sum / lower[j, j];
            }
        return lower;
    }

    /// <summary>The unit backbone embedding behind head features (the inverse of the square-root feature map).</summary>
    public static float[] RawEmbedding(ReadOnlySpan<float> features)
    {
        var squared = new float[features.Length];
        System.Numerics.Tensors.TensorPrimitives.Multiply(features, features, squared);
        return Embeddings.VectorMath.Normalized(squared);
    }

    /// <summary>Mean feature vector of each class (zero for a class without examples).</summary>
    public static float[][] ClassMeans(IEnumerable<(float[] Features, int Label)> examples, int classes, int dimension)
    {
        var sums = Enumerable.Range(0, classes).Select(_ => new float[dimension]).ToArray();
        var counts = new int[classes];
        foreach (var (features, label) in examples)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(sums[label], features, sums[label]);
            counts[label]++;
        }
        for (var c = 0; c < classes; c++)
            if (counts[c] > 0)
                System.Numerics.Tensors.TensorPrimitives.Divide(sums[c], counts[c], sums[c]);
        return sums;
    }

    /// <summary>Unit-length mean feature vector of each class.</summary>
    public static float[][] Centroids(IEnumerable<(float[] Features, int Label)> examples, int classes, int dimension)
    {
        var sums = Enumerable.Range(0, classes).Select(_ => new float[dimension]).ToArray();
        foreach (var (features, label) in examples)
            System.Numerics.Tensors.TensorPrimitives.Add(sums[label], features, sums[label]);
        return sums.Select(s => Embeddings.VectorMath.Normalized(s)).ToArray();
    }

    public static double RejectionRate(IReadOnlyList<double> scores, double? threshold) =>
        scores.Count == 0 || threshold is not { } t ? 0 : (double)scores.Count(s => s < t) / scores.Count;
}
