using Sightline.Vision.Classification;

namespace Sightline.Vision.Tests.Classification;

public sealed class UnknownCalibrationTests
{
    [Fact]
    public void The_threshold_is_the_quantile_of_held_out_scores_that_rejects_the_tolerated_share()
    {
        // 99 held-out scores 0.01 .. 0.99: a new score is equally likely to rank anywhere among the 100.
        var scores = Enumerable.Range(1, 99).Select(i => i / 100.0).Reverse().ToArray();
        Assert.Equal(0.05, UnknownCalibration.QuantileThreshold(scores, 0.05)!.Value, 9);
        // Between ranks the cut is interpolated: 0.035 * 100 = rank 3.5.
        Assert.Equal(0.035, UnknownCalibration.QuantileThreshold(scores, 0.035)!.Value, 9);
        Assert.Equal(4.0 / 99, UnknownCalibration.RejectionRate(scores, UnknownCalibration.QuantileThreshold(scores, 0.05)), 9);
        var (accuracy, rejected) = UnknownCalibration.AtThreshold([0.1, 0.2, 0.3, 0.4], [true, false, true, true], 0.25);
        Assert.Equal(0.5, accuracy, 9);
        Assert.Equal(0.5, rejected, 9);
        Assert.Equal(0.4, UnknownCalibration.RejectionRate([0.1, 0.35, 0.5, 0.9, 0.95], 0.4), 9);
        Assert.Equal(0, UnknownCalibration.RejectionRate([0.1, 0.35], null));
    }

    [Fact]
    public void Below_the_lowest_score_the_cut_comes_from_a_fitted_normal_and_too_few_scores_turn_the_rule_off()
    {
        // 20 scores ask for a 3 % cut below the lowest one (0.03 * 21 < 1): mean - 1.881 sd.
        var scores = Enumerable.Range(0, 20).Select(i => 0.8 + 0.01 * (i - 9.5)).ToArray();
        var mean = scores.Average();
        var sd = Math.Sqrt(scores.Sum(x => (x - mean) * (x - mean)) / 19);
        var threshold = UnknownCalibration.QuantileThreshold(scores, 0.03)!.Value;
        Assert.Equal(mean - 1.8808 * sd, threshold, 3);
        Assert.True(threshold < scores.Min());
        Assert.Null(UnknownCalibration.QuantileThreshold(scores.Take(UnknownCalibration.MinimumCalibrationScores - 1).ToArray(), 0.03));
        Assert.Null(UnknownCalibration.QuantileThreshold(Enumerable.Repeat(0.7, 20).ToArray(), 0.03));
        Assert.Null(UnknownCalibration.QuantileThreshold(scores, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => UnknownCalibration.QuantileThreshold(scores, 1));
        Assert.Equal(1.959964, UnknownCalibration.NormalQuantile(0.975), 5);
        Assert.Equal(-2.326348, UnknownCalibration.NormalQuantile(0.01), 5);
    }

    [Fact]
    public void Scores_read_the_logits()
    {
        float[] logits = [2f, 0f, -1f];
        var p = LinearHead.Softmax(logits);
        Assert.Equal(p.Max(), UnknownCalibration.Measure(UnknownScore.MaxProbability, logits), 5);
        Assert.Equal(2.0, UnknownCalibration.Measure(UnknownScore.MaxLogit, logits));
        var rule = new UnknownRule(UnknownScore.MaxLogit, 2.5);
        Assert.True(rule.IsUnknown(logits, default));
        Assert.False(rule.IsUnknown([3f, 0f, 0f], default));
        Assert.False(UnknownRule.Never.IsUnknown([0f, 0f, 0f], default));
        Assert.True(UnknownRule.Never.IsOff);
        Assert.Equal("off", UnknownRule.Never.ThresholdText);
        float[][] centroids = [[1f, 0f], [0f, 1f]];
        Assert.Equal(0.8, UnknownCalibration.Measure(UnknownScore.CentroidCosine, logits, [0.6f, 0.8f], centroids), 6);
        var near = new UnknownRule(UnknownScore.CentroidCosine, 0.9, centroids);
        Assert.True(near.IsUnknown(logits, [0.6f, 0.8f]));
        Assert.False(near.IsUnknown(logits, [0.1f, 0.995f]));
        Assert.Throws<ArgumentException>(() => UnknownCalibration.Measure(UnknownScore.CentroidCosine, logits, [1f, 0f]));
    }

    [Fact]
    public void The_raw_score_compares_the_backbone_embedding_the_features_came_from()
    {
        // Features are the square root of the embedding at unit length; squaring them gives its direction back.
        float[] embedding = [9f, 0f, 16f, 0f];
        var features = FeatureMap.Apply(embedding);
        var raw = UnknownCalibration.RawEmbedding(features);
        float[] direction = [9f / 18.3576f, 0f, 16f / 18.3576f, 0f];
        for (var i = 0; i < direction.Length; i++)
            Assert.Equal(direction[i], raw[i], 4);
        float[][] centroids = [[1f, 0f, 0f, 0f], [0f, 0f, 1f, 0f]];
        // Raw: the largest component, 16 / 18.36; on the square-rooted features it would be 4 / 5.
        Assert.Equal(16 / 18.3576, UnknownCalibration.Measure(UnknownScore.RawCentroidCosine, default, features, centroids), 4);
        Assert.Equal(0.8, UnknownCalibration.Measure(UnknownScore.CentroidCosine, default, features, centroids), 4);
        var rule = new UnknownRule(UnknownScore.RawCentroidCosine, 0.85, centroids);
        Assert.False(rule.IsUnknown(default, features));
        Assert.True(rule.IsUnknown(default, FeatureMap.Apply([1f, 1f, 1f, 1f])));
    }
}

public sealed class MahalanobisScoreTests
{
    private static (float[] Features, int Label)[] Samples(int n, double[] spread, double[] mean, int label, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (spread.Select((s, j) => (float)(mean[j] + s * Gaussian(random))).ToArray(), label)).ToArray();
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>v^T (a I + b X^T X)^-1 v by Gaussian elimination on the d x d matrix, independent of the Woodbury form.</summary>
    private static double DirectSquaredNorm((float[] Features, int Label)[] examples, float[][] means, double a, double b, float[] v)
    {
        var d = v.Length;
        var m = new double[d, d + 1];
        for (var i = 0; i < d; i++)
        {
            m[i, i] = a;
            m[i, d] = v[i];
        }
        foreach (var (features, label) in examples)
            for (var i = 0; i < d; i++)
                for (var j = 0; j < d; j++)
                    m[i, j] += b * (features[i] - means[label][i]) * (features[j] - means[label][j]);
        for (var p = 0; p < d; p++)
            for (var r = p + 1; r < d; r++)
            {
                var f = m[r, p] / m[p, p];
                for (var c = p; c <= d; c++)
                    m[r, c] -= f * m[p, c];
            }
        var y = new double[d];
        for (var i = d - 1; i >= 0; i--)
        {
            var s = m[i, d];
            for (var j = i + 1; j < d; j++)
                s -= m[i, j] * y[j];
            y[i] = s / m[i, i];
        }
        return Enumerable.Range(0, d).Sum(i => v[i] * y[i]);
    }

    [Theory]
    [InlineData(40, 4)]
    [InlineData(5, 12)]
    public void The_woodbury_precision_equals_the_inverse_of_the_shrunk_covariance(int perClass, int dimension)
    {
        var examples = Samples(perClass, Enumerable.Range(0, dimension).Select(j => 0.1 + 0.2 * j).ToArray(), new double[dimension], 0, 1)
            .Concat(Samples(perClass, Enumerable.Range(0, dimension).Select(j => 0.3).ToArray(), Enumerable.Repeat(1.0, dimension).ToArray(), 1, 2)).ToArray();
        var means = UnknownCalibration.ClassMeans(examples, 2, dimension);
        var precision = UnknownCalibration.ShrunkWithinClassPrecision(examples, means);
        Assert.InRange(precision.Shrinkage, 0, 1);
        var b = (1 - precision.Shrinkage) / examples.Length;
        var probe = Enumerable.Range(0, dimension).Select(j => (float)Math.Sin(j + 1)).ToArray();
        var expected = DirectSquaredNorm(examples, means, precision.IsotropicVariance, b, probe);
        Assert.Equal(expected, precision.SquaredNorm(probe), expected * 1e-4);
    }

    [Fact]
    public void Ledoit_wolf_shrinks_round_data_much_and_elongated_data_little()
    {
        var round = Samples(2000, [1, 1, 1], [0, 0, 0], 0, 3);
        var elongated = Samples(2000, [10, 1, 0.1], [0, 0, 0], 0, 4);
        Assert.True(UnknownCalibration.ShrunkWithinClassPrecision(round, UnknownCalibration.ClassMeans(round, 1, 3)).Shrinkage > 0.8);
        Assert.True(UnknownCalibration.ShrunkWithinClassPrecision(elongated, UnknownCalibration.ClassMeans(elongated, 1, 3)).Shrinkage < 0.05);
    }

    [Fact]
    public void A_step_along_a_direction_the_classes_do_not_vary_in_costs_more_than_one_along_their_spread()
    {
        // Both classes vary along the first axis and hardly along the second.
        var examples = Samples(50, [1, 0.05], [0, 0], 0, 5).Concat(Samples(50, [1, 0.05], [0, 3], 1, 6)).ToArray();
        var means = UnknownCalibration.ClassMeans(examples, 2, 2);
        var precision = UnknownCalibration.ShrunkWithinClassPrecision(examples, means);
        var alongSpread = UnknownCalibration.MahalanobisScore([1f, 0f], means, precision);
        var across = UnknownCalibration.MahalanobisScore([0f, 1f], means, precision);
        Assert.True(across < alongSpread, $"across {across}, along {alongSpread}");
        // The nearest class counts: a point at the second mean scores as well as one at the first.
        Assert.Equal(UnknownCalibration.MahalanobisScore(means[0], means, precision), UnknownCalibration.MahalanobisScore(means[1], means, precision), 1);
        var rule = new UnknownRule(UnknownScore.Mahalanobis, -4, means, Precision: precision);
        Assert.False(rule.IsUnknown(default, [0.5f, 0f]));
        Assert.True(rule.IsUnknown(default, [0f, 1.5f]));
    }

    [Fact]
    public void Bad_input_to_the_covariance_is_refused_with_the_reason()
    {
        (float[] Features, int Label)[] one = [([1f, 2f], 0)];
        Assert.Contains("at least two", Assert.Throws<ArgumentException>(() => UnknownCalibration.ShrunkWithinClassPrecision(one, UnknownCalibration.ClassMeans(one, 1, 2))).Message);
        (float[] Features, int Label)[] same = [([1f, 2f], 0), ([1f, 2f], 0)];
        Assert.Contains("do not vary", Assert.Throws<ArgumentException>(() => UnknownCalibration.ShrunkWithinClassPrecision(same, UnknownCalibration.ClassMeans(same, 1, 2))).Message);
        Assert.Throws<ArgumentException>(() => UnknownCalibration.MahalanobisScore([1f, 2f, 3f], [[0f, 0f]], new ShrunkPrecision(1, 1, [])));
    }
}
