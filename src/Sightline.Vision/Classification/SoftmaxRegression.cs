using System.Numerics.Tensors;

namespace Sightline.Vision.Classification;

/// <summary>
/// Options of <see cref="SoftmaxRegression"/>. <see cref="L2"/> is the weight decay on standardised
/// features (the bias is not decayed); <see cref="BalanceClasses"/> weighs each class equally whatever
/// its number of examples, so a large folder does not swamp a small one.
/// </summary>
public sealed record SoftmaxRegressionOptions(double L2 = 1e-2, bool BalanceClasses = true, bool Standardize = true, int MaxIterations = 500, double GradientTolerance = 1e-5);

/// <summary>
/// Multinomial logistic regression trained full-batch with L-BFGS. Features are standardised per
/// dimension for the optimisation (so one L2 strength suits every dimension) and the scaling is folded
/// back into the returned head, which therefore takes raw features.
/// </summary>
public sealed class SoftmaxRegression(SoftmaxRegressionOptions? options = null)
{
    public SoftmaxRegressionOptions Options { get; } = options ?? new SoftmaxRegressionOptions();

    public LinearHead Fit(IReadOnlyList<float[]> features, IReadOnlyList<int> labels, int classes) =>
        Fit(Prepare(features, labels, classes), Options.L2, null).Head;

    /// <summary>Training data standardised once, so several L2 strengths can be fitted in a row.</summary>
    internal sealed class Problem
    {
        public required int Count { get; init; }
        public required int Dimension { get; init; }
        public required int Classes { get; init; }
        public required float[] Z { get; init; }
        public required int[] Labels { get; init; }
        public required double[] SampleWeights { get; init; }
        public required double[] Mean { get; init; }
        public required double[] Scale { get; init; }
    }

    internal Problem Prepare(IReadOnlyList<float[]> features, IReadOnlyList<int> labels, int classes)
    {
        if (features.Count == 0)
            throw new ArgumentException("no training examples");
        if (features.Count != labels.Count)
            throw new ArgumentException($"{features.Count} feature vectors for {labels.Count} labels");
        if (classes < 2)
            throw new ArgumentException($"a classifier needs at least two classes (got {classes})");
        var n = features.Count;
        var d = features[0].Length;
        if (features.Any(f => f.Length != d))
            throw new ArgumentException("feature vectors differ in length");
        if (labels.Any(l => l < 0 || l >= classes))
            throw new ArgumentException($"labels must lie in 0..{classes - 1}");

        var mean = new double[d];
        var scale = new double[d];
        if (Options.Standardize)
            Standardization(features, mean, scale);
        else
            Array.Fill(scale, 1.0);

        var z = new float[n * d];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < d; j++)
                z[i * d + j] = (float)((features[i][j] - mean[j]) / scale[j]);

        var counts = new int[classes];
        foreach (var l in labels)
            counts[l]++;
        var weights = labels.Select(l => Options.BalanceClasses ? (double)n / (classes * counts[l]) : 1.0).ToArray();
        return new Problem { Count = n, Dimension = d, Classes = classes, Z = z, Labels = labels.ToArray(), SampleWeights = weights, Mean = mean, Scale = scale };
    }

    private static void Standardization(IReadOnlyList<float[]> features, double[] mean, double[] scale)
    {
        var n = features.Count;
        var d = mean.Length;
        foreach (var f in features)
            for (var j = 0; j < d; j++)
                mean[j] += f[j];
        for (var j = 0; j < d; j++)
            mean[j] /= n;
        foreach (var f in features)
            for (var j = 0; j < d; j++)
                scale[j] += (f[j] - mean[j]) * (f[j] - mean[j]);
        var typical = 0.0;
        for (var j = 0; j < d; j++)
            typical += scale[j] = Math.Sqrt(scale[j] / n);
        // Near-constant dimensions would be blown up to noise: floor their scale.
        var floor = Math.Max(1e-3 * typical / d, 1e-12);
        for (var j = 0; j < d; j++)
            scale[j] = Math.Max(scale[j], floor);
    }

    /// <summary>Fits one L2 strength, optionally from the parameters of a previous fit on the same problem.</summary>
    internal (LinearHead Head, double[] Parameters, Lbfgs.Result Solver) Fit(Problem p, double l2, double[]? start)
    {
        int n = p.Count, d = p.Dimension, k = p.Classes;
        var totalWeight = p.SampleWeights.Sum();
        var weights = new float[k * d];
        var gradients = new float[k * d];
        var logits = new double[k];

        // The inner products run in single precision with SIMD (TensorPrimitives); sums over examples
        // and the optimiser state stay in double.
        double Objective(double[] w, double[] g)
        {
            for (var j = 0; j < k * d; j++)
                weights[j] = (float)w[j];
            Array.Clear(gradients);
            Array.Clear(g);
            double loss = 0;
            for (var i = 0; i < n; i++)
            {
                var row = p.Z.AsSpan(i * d, d);
                var max = double.NegativeInfinity;
                for (var c = 0; c < k; c++)
                {
                    logits[c] = w[k * d + c] + TensorPrimitives.Dot(weights.AsSpan(c * d, d), row);
                    max = Math.Max(max, logits[c]);
                }
                double norm = 0;
                for (var c = 0; c < k; c++)
                    norm += Math.Exp(logits[c] - max);
                var lse = max + Math.Log(norm);
                var weight = p.SampleWeights[i] / totalWeight;
                loss += weight * (lse - logits[p.Labels[i]]);
                for (var c = 0; c < k; c++)
                {
                    var residual = weight * (Math.Exp(logits[c] - lse) - (c == p.Labels[i] ? 1 : 0));
                    var gc = gradients.AsSpan(c * d, d);
                    TensorPrimitives.MultiplyAdd(row, (float)residual, gc, gc);
                    g[k * d + c] += residual;
                }
            }
            for (var j = 0; j < k * d; j++)
            {
                loss += 0.5 * l2 * w[j] * w[j];
                g[j] = gradients[j] + l2 * w[j];
            }
            return loss;
        }

        var solver = Lbfgs.Minimize(Objective, start ?? new double[k * d + k], Options.MaxIterations, Options.GradientTolerance);
        return (Unstandardise(p, solver.Solution), solver.Solution, solver);
    }

    // logits = W (x - mean) / scale + b = (W / scale) x + (b - W (mean / scale))
    private static LinearHead Unstandardise(Problem p, double[] w)
    {
        int d = p.Dimension, k = p.Classes;
        var weights = new float[k * d];
        var bias = new float[k];
        for (var c = 0; c < k; c++)
        {
            var b = w[k * d + c];
            for (var j = 0; j < d; j++)
            {
                weights[c * d + j] = (float)(w[c * d + j] / p.Scale[j]);
                b -= w[c * d + j] * p.Mean[j] / p.Scale[j];
            }
            bias[c] = (float)b;
        }
        return new LinearHead(k, d, weights, bias);
    }
}
