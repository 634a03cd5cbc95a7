using Sightline.Vision.Detection;
using Sightline.Vision.Detection.Evaluation;

namespace Sightline.Vision.Tests.Detection;

public sealed class CocoEvaluatorTests
{
    private static GroundTruthBox Gt(long image, int category, float x, float y, float w, float h, bool crowd = false) =>
        new(image, category, new BoundingBox(x, y, w, h), w * h, crowd);

    private static ScoredDetection Dt(long image, int category, float x, float y, float w, float h, float score) =>
        new(image, category, new BoundingBox(x, y, w, h), score);

    [Fact]
    public void Ground_truth_as_detections_scores_one_everywhere()
    {
        GroundTruthBox[] gts = [Gt(1, 1, 10, 10, 50, 40), Gt(1, 2, 100, 100, 120, 150), Gt(2, 1, 0, 0, 20, 20), Gt(2, 1, 30, 30, 25, 25)];
        var metrics = CocoEvaluator.Evaluate(gts, gts.Select(g => new ScoredDetection(g.ImageId, g.CategoryId, g.Box, 0.9f)).ToList());
        Assert.Equal(1.0, metrics.AP, 6);
        Assert.Equal(1.0, metrics.AP50, 6);
        Assert.Equal(1.0, metrics.AP75, 6);
        Assert.Equal(1.0, metrics.AR100, 6);
        Assert.Equal(1.0, metrics.PerCategoryAP[1], 6);
        Assert.Equal(1.0, metrics.PerCategoryAP[2], 6);
    }

    [Fact]
    public void A_box_shifted_to_iou_0_626_counts_at_thresholds_up_to_0_6_only()
    {
        // 100x100 box shifted by 23 px: IoU = 77*100 / (2*100*100 - 77*100) = 0.626.
        var metrics = CocoEvaluator.Evaluate([Gt(1, 1, 0, 0, 100, 100)], [Dt(1, 1, 23, 0, 100, 100, 0.8f)]);
        Assert.Equal(0.3, metrics.AP, 6); // 0.50, 0.55, 0.60 of ten thresholds
        Assert.Equal(1.0, metrics.AP50, 6);
        Assert.Equal(0.0, metrics.AP75, 6);
    }

    [Fact]
    public void A_false_positive_between_two_hits_gives_the_interpolated_precision()
    {
        // Ranked: hit, miss, hit. Recall 0.5 at precision 1, recall 1 at precision 2/3.
        GroundTruthBox[] gts = [Gt(1, 1, 0, 0, 50, 50), Gt(1, 1, 200, 200, 50, 50)];
        ScoredDetection[] dts = [Dt(1, 1, 0, 0, 50, 50, 0.9f), Dt(1, 1, 400, 400, 50, 50, 0.8f), Dt(1, 1, 200, 200, 50, 50, 0.7f)];
        var metrics = CocoEvaluator.Evaluate(gts, dts);
        Assert.Equal((51 * 1.0 + 50 * (2.0 / 3)) / 101, metrics.AP, 6);
    }

    [Fact]
    public void Detections_on_crowd_regions_are_neither_hits_nor_false_positives()
    {
        GroundTruthBox[] gts = [Gt(1, 1, 0, 0, 40, 40), Gt(1, 1, 100, 100, 300, 300, crowd: true)];
        ScoredDetection[] dts = [Dt(1, 1, 150, 150, 30, 30, 0.95f), Dt(1, 1, 200, 200, 30, 30, 0.9f), Dt(1, 1, 0, 0, 40, 40, 0.5f)];
        Assert.Equal(1.0, CocoEvaluator.Evaluate(gts, dts).AP, 6);
        // Without the crowd flag the two are false positives ranked above the hit.
        var plain = CocoEvaluator.Evaluate([gts[0], gts[1] with { IsCrowd = false }], dts);
        Assert.True(plain.AP < 0.5);
    }

    [Fact]
    public void Categories_without_ground_truth_stay_out_of_the_mean_and_size_ranges_split_objects()
    {
        GroundTruthBox[] gts = [Gt(1, 1, 0, 0, 20, 20), Gt(1, 1, 100, 100, 200, 200)];
        ScoredDetection[] dts = [Dt(1, 1, 0, 0, 20, 20, 0.9f), Dt(1, 7, 300, 300, 10, 10, 0.99f)];
        var metrics = CocoEvaluator.Evaluate(gts, dts);
        Assert.False(metrics.PerCategoryAP.ContainsKey(7));
        Assert.Equal(1.0, metrics.APSmall, 6);
        Assert.Equal(0.0, metrics.APLarge, 6);
        Assert.Equal(-1.0, metrics.APMedium, 6);
        Assert.Equal(0.5, metrics.AP, 2);
    }

    [Fact]
    public void Only_the_hundred_best_detections_per_image_and_category_count()
    {
        var gts = new[] { Gt(1, 1, 0, 0, 10, 10) };
        var decoys = Enumerable.Range(0, 100).Select(i => Dt(1, 1, 1000 + i * 20, 0, 10, 10, 0.9f));
        var metrics = CocoEvaluator.Evaluate(gts, [.. decoys, Dt(1, 1, 0, 0, 10, 10, 0.1f)]);
        Assert.Equal(0.0, metrics.AP, 6);
    }
}
