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
}
