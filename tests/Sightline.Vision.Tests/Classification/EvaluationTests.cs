using Sightline.Vision.Classification;

namespace Sightline.Vision.Tests.Classification;

public sealed class EvaluationTests
{
    [Fact]
    public void Precision_recall_and_F1_come_from_the_confusion_counts()
    {
        // a: 3 true, 2 found, 1 taken for b; b: 2 true, both found; one b-labelled a. Then an unknown.
        var report = ClassifierEvaluation.Evaluate(["a", "b"], [0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 1, ClassifierEvaluation.Unknown]);
        Assert.Equal(6, report.Examples);
        Assert.Equal(4, report.Correct);
        Assert.Equal(1, report.Rejected);
        Assert.True(report.HasUnknownColumn);
        Assert.Equal([2, 1, 0], report.Confusion[0]);
        Assert.Equal([0, 2, 1], report.Confusion[1]);
        var a = report.PerClass[0];
        Assert.Equal(1.0, a.Precision, 9);
        Assert.Equal(2 / 3.0, a.Recall, 9);
        Assert.Equal(0.8, a.F1, 9);
        var b = report.PerClass[1];
        Assert.Equal(2 / 3.0, b.Precision, 9);
        Assert.Equal(2 / 3.0, b.Recall, 9);
        Assert.Equal(4 / 6.0, report.Accuracy, 9);
    }

    [Fact]
    public void Without_rejections_the_matrix_is_square_and_a_never_predicted_class_has_zero_precision()
    {
        var report = ClassifierEvaluation.Evaluate(["a", "b", "c"], [0, 1, 2], [0, 0, 0]);
        Assert.False(report.HasUnknownColumn);
        Assert.All(report.Confusion, row => Assert.Equal(3, row.Length));
        Assert.Equal(0, report.PerClass[1].Precision);
        Assert.Equal(0, report.PerClass[1].F1);
        Assert.Throws<ArgumentException>(() => ClassifierEvaluation.Evaluate(["a"], [0, 1], [0, 0]));
        Assert.Throws<ArgumentException>(() => ClassifierEvaluation.Evaluate(["a"], [0], [0, 0]));
    }

    [Fact]
    public void Stratified_folds_keep_class_proportions_and_depend_on_the_seed()
    {
        var labels = Enumerable.Range(0, 50).Select(i => i < 40 ? 0 : 1).ToArray();
        var folds = StratifiedFolds.Assign(labels, 5, seed: 3);
        for (var f = 0; f < 5; f++)
        {
            Assert.Equal(8, Enumerable.Range(0, 50).Count(i => folds[i] == f && labels[i] == 0));
            Assert.Equal(2, Enumerable.Range(0, 50).Count(i => folds[i] == f && labels[i] == 1));
        }
        Assert.NotEqual(folds, StratifiedFolds.Assign(labels, 5, seed: 4));
        Assert.Equal(folds, StratifiedFolds.Assign(labels, 5, seed: 3));
        var held = StratifiedFolds.Holdout(labels, 0.2, 1);
        Assert.Equal(8, Enumerable.Range(0, 50).Count(i => held[i] && labels[i] == 0));
        Assert.Equal(2, Enumerable.Range(0, 50).Count(i => held[i] && labels[i] == 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => StratifiedFolds.Assign(labels, 1, 0));
    }

    [Fact]
    public void Confusion_plot_is_a_png_whose_size_grows_with_the_classes()
    {
        var small = ConfusionMatrixPlot.Png(ClassifierEvaluation.Evaluate(["a", "b"], [0, 1], [0, 1]));
        var large = ConfusionMatrixPlot.Png(ClassifierEvaluation.Evaluate(["a", "b", "c", "d"], [0, 1, 2, 3], [0, 1, 3, ClassifierEvaluation.Unknown]));
        using var smallImage = SkiaSharp.SKBitmap.Decode(small);
        using var largeImage = SkiaSharp.SKBitmap.Decode(large);
        Assert.NotNull(smallImage);
        Assert.True(largeImage.Width > smallImage.Width && largeImage.Height > smallImage.Height);
    }
}
