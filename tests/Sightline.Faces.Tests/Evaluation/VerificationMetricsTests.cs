using Sightline.Faces.Evaluation;
using Sightline.Faces.Tests.Gallery;

namespace Sightline.Faces.Tests.Evaluation;

public sealed class VerificationMetricsTests
{
    [Fact]
    public void Perfectly_separated_distances_give_auc_1_and_a_best_accuracy_of_1()
    {
        (float, bool)[] pairs = [(0.2f, true), (0.3f, true), (0.4f, true), (0.7f, false), (0.8f, false)];
        var result = VerificationMetrics.Compute(pairs, 0.6f);
        Assert.Equal(1.0, result.Auc);
        Assert.Equal(1.0, result.Best.Accuracy);
        Assert.Equal(0.55f, result.Best.Threshold);
        Assert.Equal(new ThresholdAccuracy(0.6f, 1.0, 1.0, 0.0), result.AtDefault);
        Assert.Equal((3, 2), (result.SamePairs, result.DifferentPairs));
    }

    [Fact]
    public void Reversed_distances_give_auc_0()
    {
        (float, bool)[] pairs = [(0.2f, false), (0.3f, false), (0.7f, true), (0.8f, true)];
        var result = VerificationMetrics.Compute(pairs, 0.5f);
        Assert.Equal(0.0, result.Auc);
        Assert.Equal(0.0, result.AtDefault.Accuracy);
        // Best is to call everything one thing: half right, and equally so either way.
        Assert.Equal(0.5, result.Best.Accuracy);
    }

    [Fact]
    public void All_tied_distances_give_auc_one_half()
    {
        (float, bool)[] pairs = [(0.5f, true), (0.5f, false), (0.5f, false), (0.5f, true), (0.5f, false)];
        var result = VerificationMetrics.Compute(pairs, 0.6f);
        Assert.Equal(0.5, result.Auc);
        Assert.Equal(0.6, result.Best.Accuracy, 10);
        Assert.Equal([new RocPoint(0, 0, 0.5f), new RocPoint(1, 1, MathF.BitIncrement(0.5f))], result.Roc);
    }

    [Fact]
    public void Ties_between_a_same_and_a_different_pair_count_half()
    {
        // Pairs (same, different): (0.1, 0.3) right, (0.3, 0.3) half, so AUC = 1.5 / 2.
        (float, bool)[] pairs = [(0.1f, true), (0.3f, true), (0.3f, false)];
        Assert.Equal(0.75, VerificationMetrics.Compute(pairs, 0.5f).Auc);
    }

    /// <summary>
    /// Same: 0.1, 0.2, 0.3, 0.4. Different: 0.25 and 99 at 1.00, 1.01, ... (100 in all).
    /// Sweeping the threshold up: TAR .25 and .5 at FAR 0; the different pair at 0.25 gives FAR .01;
    /// TAR .75 and 1 follow at FAR .01 (threshold between 0.4 and 1.0: 0.7).
    /// TAR@FAR 1e-2 = 1 at 0.7; TAR@FAR 1e-3 allows no false accept: .5 at 0.225, unresolved with 100 < 1000 different pairs.
    /// AUC: 0.1 and 0.2 beat all 100 different pairs, 0.3 and 0.4 beat 99: 398 / 400.
    /// Best accuracy at 0.7: 4 same + 99 different right = 103 / 104. At the default 0.35: 3 + 99 = 102 / 104.
    /// </summary>
    [Fact]
    public void A_small_case_worked_by_hand()
    {
        var pairs = new List<(float Distance, bool Same)> { (0.1f, true), (0.2f, true), (0.3f, true), (0.4f, true), (0.25f, false) };
        pairs.AddRange(Enumerable.Range(0, 99).Select(i => (1f + i * 0.01f, false)));
        var result = VerificationMetrics.Compute(pairs, 0.35f);

        Assert.Equal(398.0 / 400, result.Auc, 12);
        Assert.Equal(new ThresholdAccuracy(0.35f, 102.0 / 104, 0.75, 0.01), result.AtDefault);
        Assert.Equal(new ThresholdAccuracy(0.7f, 103.0 / 104, 1.0, 0.01), result.Best);
        Assert.Equal(2, result.TarAtFar.Count);
        Assert.Equal(new TarAtFar(1e-2, 1.0, 0.01, 0.7f, Resolved: true), result.TarAtFar[0]);
        Assert.Equal(new TarAtFar(1e-3, 0.5, 0.0, 0.225f, Resolved: false), result.TarAtFar[1]);
        Assert.Equal(1000, result.TarAtFar[1].DifferentPairsNeeded);
        Assert.Equal(
            [new(0, 0, 0.1f), new(0, 0.25, 0.15f), new(0, 0.5, 0.225f), new(0.01, 0.5, 0.275f), new(0.01, 0.75, VerificationMetrics.Midpoint(0.3f, 0.4f)), new(0.01, 1, 0.7f)],
            result.Roc.Take(6));
        Assert.Equal(new RocPoint(1, 1, MathF.BitIncrement(1.98f)), result.Roc[^1]);
    }

    [Fact]
    public void The_best_threshold_among_equals_is_the_one_nearest_the_default()
    {
        // Every threshold between 0.2 and 0.8 separates perfectly; the midpoints offered are 0.25 .. 0.75.
        (float, bool)[] pairs = [(0.1f, true), (0.2f, true), (0.3f, false), (0.8f, false)];
        Assert.Equal(0.25f, VerificationMetrics.Compute(pairs, 0.26f).Best.Threshold);
        (float, bool)[] wide = [(0.1f, true), (0.2f, true), (0.7f, false), (0.8f, false)];
        Assert.Equal(0.45f, VerificationMetrics.Compute(wide, 0.6f).Best.Threshold);
    }

    [Fact]
    public void The_roc_curve_is_thinned_to_the_asked_number_of_points_keeping_both_ends()
    {
        var random = new Random(3);
        var pairs = Enumerable.Range(0, 5000).Select(i => (Distance: (float)random.NextDouble() + (i % 2 == 0 ? 0 : 0.3f), Same: i % 2 == 0)).ToList();
        var result = VerificationMetrics.Compute(pairs, 0.6f, maxRocPoints: 50);
        Assert.InRange(result.Roc.Count, 40, 50);
        Assert.Equal((0.0, 0.0), (result.Roc[0].Far, result.Roc[0].Tar));
        Assert.Equal((1.0, 1.0), (result.Roc[^1].Far, result.Roc[^1].Tar));
        Assert.True(result.Roc.Zip(result.Roc.Skip(1)).All(p => p.First.Far <= p.Second.Far && p.First.Tar <= p.Second.Tar && p.First.Threshold < p.Second.Threshold));
        // Thinning touches only the output curve.
        Assert.Equal(result.Auc, VerificationMetrics.Compute(pairs, 0.6f, maxRocPoints: 10000).Auc);
    }

    [Fact]
    public void A_midpoint_of_adjacent_floats_still_separates_them()
    {
        var low = 0.5f;
        var high = MathF.BitIncrement(low);
        var mid = VerificationMetrics.Midpoint(low, high);
        Assert.True(low < mid && mid <= high);
        Assert.Equal(1.0, VerificationMetrics.Compute([(low, true), (high, false)], 0.1f).Best.Accuracy);
    }

    [Fact]
    public void Pairs_of_one_kind_only_are_refused()
    {
        var error = Assert.Throws<EvaluationException>(() => VerificationMetrics.Compute([(0.1f, true), (0.2f, true)], 0.5f));
        Assert.Contains("2 same and 0 different", error.Message);
        Assert.Throws<ArgumentException>(() => VerificationMetrics.Compute([(float.NaN, true), (0.2f, false)], 0.5f));
    }

    [Fact]
    public void Synthetic_faces_all_pairs_separate_almost_perfectly()
    {
        var faces = new SyntheticFaces(seed: 11);
        var items = Enumerable.Range(0, 10).SelectMany(p =>
        {
            var person = faces.Person();
            return Enumerable.Range(0, 4).Select(_ => ($"p{p}", faces.Face(person)));
        }).ToList();
        var pairs = IdentificationMetrics.AllPairs(items);
        var result = VerificationMetrics.Compute(pairs.Select(p => (p.Distance, p.Same)).ToList(), 0.6f);
        Assert.Equal((60, 720), (result.SamePairs, result.DifferentPairs));
        Assert.Equal(1.0, result.Auc);
        Assert.Equal(1.0, result.AtDefault.Accuracy);
    }
}
