using Sightline.Vision.Classification;

namespace Sightline.Vision.Tests.Classification;

public sealed class UnknownCalibrationTests
{
    [Fact]
    public void Threshold_is_the_highest_that_keeps_accuracy_within_the_tolerance()
    {
        // Ten known images, eight right. Scores ascending; the wrong ones are at 0.2 and 0.5.
        double[] scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
        bool[] correct = [true, false, true, true, false, true, true, true, true, true];
        // No loss allowed: rejecting 0.1 (right) already costs; rejecting nothing is the only choice.
        Assert.Equal(double.NegativeInfinity, UnknownCalibration.Threshold(scores, correct, 0));
        // One right answer may go: reject 0.1 and 0.2 -> threshold 0.3.
        Assert.Equal(0.3, UnknownCalibration.Threshold(scores, correct, 0.1));
        // Two may go: reject up to 0.3, and the wrong 0.5 after 0.4? 0.4 is a third right one, so stop at 0.4.
        Assert.Equal(0.4, UnknownCalibration.Threshold(scores, correct, 0.2));
        var (accuracy, rejected) = UnknownCalibration.AtThreshold(scores, correct, 0.4);
        Assert.Equal(0.6, accuracy, 9);
        Assert.Equal(0.3, rejected, 9);
        Assert.Equal(0.4, UnknownCalibration.RejectionRate([0.1, 0.35, 0.5, 0.9, 0.95], 0.4), 9);
    }

    [Fact]
    public void Ties_are_never_split()
    {
        double[] scores = [0.5, 0.5, 0.5, 0.9];
        bool[] correct = [false, true, true, true];
        // Rejecting one 0.5 would cost nothing, but all three go together and two are right.
        Assert.Equal(double.NegativeInfinity, UnknownCalibration.Threshold(scores, correct, 0.25));
        Assert.Equal(0.9, UnknownCalibration.Threshold(scores, correct, 0.5));
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
        float[][] centroids = [[1f, 0f], [0f, 1f]];
        Assert.Equal(0.8, UnknownCalibration.Measure(UnknownScore.CentroidCosine, logits, [0.6f, 0.8f], centroids), 6);
        var near = new UnknownRule(UnknownScore.CentroidCosine, 0.9, centroids);
        Assert.True(near.IsUnknown(logits, [0.6f, 0.8f]));
        Assert.False(near.IsUnknown(logits, [0.1f, 0.995f]));
        Assert.Throws<ArgumentException>(() => UnknownCalibration.Measure(UnknownScore.CentroidCosine, logits, [1f, 0f]));
    }
}
