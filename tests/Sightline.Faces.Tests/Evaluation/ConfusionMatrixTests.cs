using Sightline.Faces.Evaluation;

namespace Sightline.Faces.Tests.Evaluation;

public sealed class ConfusionMatrixTests
{
    private static readonly string[] Expected = ["happy", "happy", "sad", "sad", "sad", "angry"];
    private static readonly string[] Predicted = ["happy", "sad", "sad", "sad", "happy", "angry"];

    [Fact]
    public void Counts_expected_against_predicted_with_accuracy_and_per_class_recall()
    {
        var matrix = ConfusionMatrix.From(Expected, Predicted);
        Assert.Equal(["angry", "happy", "sad"], matrix.Labels);
        Assert.Equal((6, 4), (matrix.Total, matrix.Correct));
        Assert.Equal(4.0 / 6, matrix.Accuracy);
        Assert.Equal(1, matrix["happy", "sad"]);
        Assert.Equal(1, matrix["sad", "happy"]);
        Assert.Equal(2, matrix["sad", "sad"]);
        Assert.Equal(0, matrix["angry", "sad"]);
        Assert.Equal(0, matrix["surprised", "sad"]);
        Assert.Equal(2, matrix.Count(2, 2));
        Assert.Equal(
            [new ClassScore("angry", 1, 1, 1), new ClassScore("happy", 2, 1, 2), new ClassScore("sad", 3, 2, 3)],
            matrix.PerClass);
        Assert.Equal(0.5, matrix.PerClass[1].Recall);
        Assert.Equal(2.0 / 3, matrix.PerClass[2].Precision);
        Assert.Equal((1 + 0.5 + 2.0 / 3) / 3, matrix.MeanRecall, 12);
    }

    [Fact]
    public void Given_labels_come_first_in_their_order_and_unseen_ones_count_zero()
    {
        var matrix = ConfusionMatrix.From(Expected, Predicted, ["sad", "happy", "neutral"]);
        Assert.Equal(["sad", "happy", "neutral", "angry"], matrix.Labels);
        Assert.Equal(new ClassScore("neutral", 0, 0, 0), matrix.PerClass[2]);
        Assert.Equal(0, matrix.PerClass[2].Recall);
        // Mean recall leaves out labels never expected.
        Assert.Equal((2.0 / 3 + 0.5 + 1) / 3, matrix.MeanRecall, 12);
    }

    [Fact]
    public void Lists_of_different_lengths_are_refused() =>
        Assert.Throws<ArgumentException>(() => ConfusionMatrix.From(["a"], ["a", "b"]));
}
