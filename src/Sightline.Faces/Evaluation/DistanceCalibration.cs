namespace Sightline.Faces.Evaluation;

/// <summary>
/// P(same person | distance) = 1 / (1 + e^-(Intercept + Slope·distance)): a logistic fit on labelled
/// pairs that turns a descriptor distance into a calibrated confidence. Two numbers, so a fit can be
/// stored as constants beside a model's default threshold.
/// </summary>
public sealed record DistanceCalibration(float Intercept, float Slope)
{
    /// <summary>The weight of the L2 term on the standardised coefficients: enough to keep separable data finite, too small to move a fit on overlapping data.</summary>
    public const double DefaultL2 = 1e-4;

    /// <summary>The probability that two faces at <paramref name="distance"/> are of the same person.</summary>
    public float Probability(float distance) => (float)Sigmoid(Intercept + (double)Slope * distance);

    /// <summary>The distance at which <see cref="Probability"/> is <paramref name="probability"/>; NaN when the slope is 0.</summary>
    public float DistanceAt(float probability)
    {
        if (!(probability > 0 && probability < 1))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "the probability must lie strictly between 0 and 1");
        return Slope == 0 ? float.NaN : (float)((Math.Log(probability / (1.0 - probability)) - Intercept) / Slope);
    }

    /// <summary>
    /// Fits the two coefficients by Newton's method (IRLS) on the mean log-loss plus
    /// <paramref name="l2"/>/2·(a² + b²), on distances standardised to mean 0 and deviation 1 so the
    /// penalty weighs the same whatever the scale and offset of a model's distances.
    /// </summary>
    /// <exception cref="EvaluationException">The pairs are not both same and different.</exception>
    public static DistanceCalibration Fit(IReadOnlyList<(float Distance, bool Same)> pairs, double l2 = DefaultL2)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (!(l2 > 0))
            throw new ArgumentOutOfRangeException(nameof(l2), l2, "the L2 weight must be positive");
        var same = pairs.Count(p => p.Same);
        if (same == 0 || same == pairs.Count)
            throw new EvaluationException($"calibration needs both same-person and different-person pairs; got {same} same and {pairs.Count - same} different");
        if (pairs.Any(p => !float.IsFinite(p.Distance)))
            throw new ArgumentException("every pair distance must be a finite number", nameof(pairs));

        var n = pairs.Count;
        var mean = pairs.Average(p => (double)p.Distance);
        var deviation = Math.Sqrt(pairs.Average(p => (p.Distance - mean) * (p.Distance - mean)));
        if (deviation == 0)
            throw new EvaluationException($"calibration needs pairs at different distances; all {n} are at {mean}");
        var x = pairs.Select(p => (p.Distance - mean) / deviation).ToArray();
        var y = pairs.Select(p => p.Same ? 1.0 : 0.0).ToArray();
        double a = Math.Log((double)same / (n - same)), b = 0;
        var loss = Loss(a, b);
        for (var iteration = 0; iteration < 100; iteration++)
        {
            double ga = l2 * a, gb = l2 * b, haa = l2, hab = 0, hbb = l2;
            for (var i = 0; i < n; i++)
            {
                var p = Sigmoid(a + b * x[i]);
                var w = p * (1 - p) / n;
                ga += (p - y[i]) / n;
                gb += (p - y[i]) * x[i] / n;
                haa += w;
                hab += w * x[i];
                hbb += w * x[i] * x[i];
            }
            // The Hessian is positive definite (the L2 term sees to it), so the Newton step is a descent direction.
            var det = haa * hbb - hab * hab;
            var da = (hbb * ga - hab * gb) / det;
            var db = (haa * gb - hab * ga) / det;
            // Halve the step until the loss falls: far from the optimum of near-separable data a full step can overshoot.
            var scale = 1.0;
            double next;
            while ((next = Loss(a - scale * da, b - scale * db)) > loss && scale > 1e-10)
                scale /= 2;
            if (next > loss)
                break;
            a -= scale * da;
            b -= scale * db;
            var improvement = loss - next;
            loss = next;
            if (Math.Abs(scale * da) + Math.Abs(scale * db) < 1e-12 || improvement < 1e-15)
                break;
        }
        return new DistanceCalibration((float)(a - b * mean / deviation), (float)(b / deviation));

        double Loss(double a, double b)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                var z = a + b * x[i];
                sum += Softplus(z) - y[i] * z;
            }
            return sum / n + l2 / 2 * (a * a + b * b);
        }
    }

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    // log(1 + e^z) without overflow.
    private static double Softplus(double z) => z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z));
}
