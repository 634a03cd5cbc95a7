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
}
