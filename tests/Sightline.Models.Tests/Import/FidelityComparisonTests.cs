using Sightline.Models.Import;

namespace Sightline.Models.Tests.Import;

public sealed class FidelityComparisonTests
{
    private static readonly FidelityTolerance Bound = new(1e-4, 1e-3);

    [Fact]
    public void The_bound_grows_with_the_reference_magnitude()
    {
        // 1e-4 + 1e-3 * 100 = 0.1001: an error of 0.1 at 100 passes, the same error at 1 does not.
        Assert.True(FidelityComparison.Compare("y", [100.1f], [100f], Bound).WithinBounds);
        Assert.False(FidelityComparison.Compare("y", [1.1f], [1f], Bound).WithinBounds);
    }

    [Fact]
    public void Worst_errors_are_reported_per_kind()
    {
        var error = FidelityComparison.Compare("y", [0.00005f, 2.002f, 10f], [0f, 2f, 10f], Bound);
        Assert.Equal(0.002, error.WorstAbsolute, 5);
        Assert.Equal(0.001, error.WorstRelative, 5);
        Assert.Equal(3, error.Elements);
    }

    [Fact]
    public void A_nan_where_the_reference_has_a_number_fails()
    {
        Assert.False(FidelityComparison.Compare("y", [float.NaN], [1f], Bound).WithinBounds);
        Assert.True(FidelityComparison.Compare("y", [float.NaN], [float.NaN], Bound).WithinBounds);
    }

    [Fact]
    public void Missing_outputs_and_other_shapes_fail_with_a_reason()
    {
        NamedTensor reference = new("a", [1, 2], [1, 2]);
        var missing = FidelityComparison.CompareAll([new NamedTensor("b", [1, 2], [1, 2])], [reference], Bound).Single();
        Assert.False(missing.WithinBounds);
        Assert.Contains("no output", missing.Problem);
        var reshaped = FidelityComparison.CompareAll([new NamedTensor("a", [2, 1], [1, 2])], [reference], Bound).Single();
        Assert.False(reshaped.WithinBounds);
        Assert.Contains("shape", reshaped.Problem);
    }

    [Fact]
    public void A_model_is_as_bad_as_its_worst_output()
    {
        var good = FidelityComparison.Compare("a", [1f], [1f], Bound);
        var bad = FidelityComparison.Compare("b", [2f], [1f], Bound);
        var model = new ModelFidelity("m", 1, [good, bad]);
        Assert.False(model.WithinBounds);
        Assert.Equal(bad.WorstAbsolute, model.Worst.WorstAbsolute);
    }

    // CenterNet-like rows: x1, y1, x2, y2, score, class.
    private static readonly RankedRows Rows = new("detections", 6, ScoreColumn: 4, CoordinateColumns: 4);

    [Fact]
    public void Top_k_rows_with_near_equal_scores_in_another_order_agree_as_a_set()
    {
        float[] reference = [10, 20, 110, 220, 0.4000002f, 0, 300, 40, 380, 90, 0.4000001f, 74, 5, 5, 50, 50, 0.1f, 2];
        float[] ours = [300, 40, 380, 90, 0.4000001f, 74, 10, 20, 110, 220, 0.4000002f, 0, 5, 5, 50, 50, 0.1f, 2];
        // Element by element, the swapped rows look like a class 74 where the reference says 0.
        Assert.False(FidelityComparison.Compare("detections", ours, reference, Bound).WithinBounds);
        var error = FidelityComparison.CompareRanked("detections", ours, reference, Rows, Bound);
        Assert.True(error.WithinBounds, error.Problem);
        Assert.Equal(2, FidelityComparison.MatchRankedRows(ours, reference, Rows, Bound).Reordered);
    }

    [Fact]
    public void A_row_without_counterpart_passes_only_where_it_competes_for_the_last_place()
    {
        float[] reference = [10, 20, 110, 220, 0.9f, 0, 300, 40, 380, 90, 0.2000001f, 74];
        // Our last place went to another peak of the same score (within the bound): top-k's choice among equals.
        float[] tie = [10, 20, 110, 220, 0.9f, 0, 50, 50, 90, 90, 0.2f, 3];
        Assert.True(FidelityComparison.CompareRanked("detections", tie, reference, Rows, Bound).WithinBounds);
        // A row that should rank above the last place but is missing is a real difference.
        float[] missing = [300, 40, 380, 90, 0.2000001f, 74, 50, 50, 90, 90, 0.2f, 3];
        var error = FidelityComparison.CompareRanked("detections", missing, reference, Rows, Bound);
        Assert.False(error.WithinBounds);
        Assert.Contains("reference row 0", error.Problem);
    }

    [Fact]
    public void A_plateau_peak_that_rounding_splits_may_be_missing_and_the_rows_below_move_up()
    {
        // As on flowers-5 roses/130685347_afbffe3afa_n.jpg: the reference keeps two neighbouring cells of equal
        // score (both equal their 3x3 maximum); ours rounds one a little lower, so only the other is a peak,
        // every row below moves up one place and a new row takes the last place.
        float[] reference = [0, 0, 100, 100, 0.9f, 1, -6.74f, 7.13f, 515.3f, 497.8f, 0.0467025f, 58, -7.33f, 6.96f, 520.2f, 498.7f, 0.0467025f, 58, 300, 40, 380, 90, 0.0303f, 75];
        float[] ours = [0, 0, 100, 100, 0.9f, 1, -7.33f, 6.96f, 520.2f, 498.7f, 0.0467026f, 58, 300, 40, 380, 90, 0.0303f, 75, 10, 0, 112, 10, 0.03029f, 49];
        var error = FidelityComparison.CompareRanked("detections", ours, reference, Rows, Bound);
        Assert.True(error.WithinBounds, error.Problem);
        // Without a twin of equal score and class, the same missing row is a real difference.
        float[] lone = [.. reference];
        lone[17] = 59;
        Assert.False(FidelityComparison.CompareRanked("detections", ours, lone, Rows, Bound).WithinBounds);
    }

    [Fact]
    public void A_corner_near_zero_is_judged_on_the_scale_of_its_box_and_a_wrong_box_or_class_still_fails()
    {
        // x1 = centre - half width: 0.01 = 64.01 - 64; rounding of the 64s leaves 0.01 off by 1e-3.
        float[] reference = [0.01f, 20, 128, 220, 0.5f, 1, 300, 40, 380, 90, 0.2f, 3];
        float[] rounded = [0.011f, 20, 128, 220, 0.5f, 1, 300, 40, 380, 90, 0.2f, 3];
        Assert.False(FidelityComparison.Compare("detections", rounded, reference, Bound).WithinBounds);
        Assert.True(FidelityComparison.CompareRanked("detections", rounded, reference, Rows, Bound).WithinBounds);
        Assert.False(FidelityComparison.CompareRanked("detections", [1.5f, 20, 128, 220, 0.5f, 1, 300, 40, 380, 90, 0.2f, 3], reference, Rows, Bound).WithinBounds);
        Assert.False(FidelityComparison.CompareRanked("detections", [0.01f, 20, 128, 220, 0.5f, 2, 300, 40, 380, 90, 0.2f, 3], reference, Rows, Bound).WithinBounds);
        // A leftover row of ours must compete for the last place too, not score far below it.
        Assert.False(FidelityComparison.CompareRanked("detections", [0.01f, 20, 128, 220, 0.5f, 1, 50, 50, 90, 90, 0.01f, 3], reference, Rows, Bound).WithinBounds);
        Assert.False(FidelityComparison.CompareRanked("detections", [.. rounded, 0, 0, 0, 0, 0, 0], reference, Rows, Bound).WithinBounds);
    }

    [Fact]
    public void Only_outputs_named_as_ranked_are_compared_as_sets()
    {
        float[] reference = [10, 20, 110, 220, 0.4000002f, 0, 300, 40, 380, 90, 0.4000001f, 74];
        float[] swapped = [300, 40, 380, 90, 0.4000001f, 74, 10, 20, 110, 220, 0.4000002f, 0];
        NamedTensor Tensor(string name, float[] values) => new(name, [1, 2, 6], values);
        var errors = FidelityComparison.CompareAll([Tensor("detections", swapped), Tensor("other", swapped)], [Tensor("detections", reference), Tensor("other", reference)], Bound, [Rows]);
        Assert.True(errors[0].WithinBounds);
        Assert.False(errors[1].WithinBounds);
    }
}
