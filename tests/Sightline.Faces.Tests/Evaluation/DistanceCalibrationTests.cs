using System.Text.Json;
using Sightline.Faces.Evaluation;

namespace Sightline.Faces.Tests.Evaluation;

public sealed class DistanceCalibrationTests
{
    [Fact]
    public void Two_distances_are_fitted_to_their_observed_frequencies()
    {
        // At 0.4: 3 same of 4; at 0.6: 1 same of 4. With two distinct distances the fit reproduces both
        // frequencies: logit(.75) = ln 3 at 0.4, -ln 3 at 0.6, so slope = -2 ln 3 / 0.2 and P = .5 at 0.5.
        (float, bool)[] pairs = [(0.4f, true), (0.4f, true), (0.4f, true), (0.4f, false), (0.6f, true), (0.6f, false), (0.6f, false), (0.6f, false)];
        var fit = DistanceCalibration.Fit(pairs);
        Assert.Equal(0.75, fit.Probability(0.4f), 3);
        Assert.Equal(0.25, fit.Probability(0.6f), 3);
        Assert.Equal(-10 * Math.Log(3), fit.Slope, 1);
        Assert.Equal(5 * Math.Log(3), fit.Intercept, 1);
        Assert.Equal(0.5f, fit.DistanceAt(0.5f), 3);
    }

    [Fact]
    public void Separable_pairs_give_a_finite_steep_fit_with_its_midpoint_in_the_gap()
    {
        var pairs = Enumerable.Range(0, 20).Select(i => (0.3f + i * 0.01f, true))
            .Concat(Enumerable.Range(0, 20).Select(i => (0.7f + i * 0.01f, false))).ToList();
        var fit = DistanceCalibration.Fit(pairs);
        Assert.True(float.IsFinite(fit.Slope) && float.IsFinite(fit.Intercept));
        Assert.True(fit.Slope < -20, $"slope {fit.Slope}");
        Assert.Equal(0.6f, fit.DistanceAt(0.5f), 2);
        Assert.True(fit.Probability(0.49f) > 0.95f);
        Assert.True(fit.Probability(0.7f) < 0.05f);
    }

    [Fact]
    public void Recovers_the_coefficients_that_generated_the_labels()
    {
        var random = new Random(5);
        const double intercept = 6, slope = -10;
        var pairs = Enumerable.Range(0, 20000).Select(_ =>
        {
            var distance = (float)(random.NextDouble() * 1.2);
            var p = 1 / (1 + Math.Exp(-(intercept + slope * distance)));
            return (distance, random.NextDouble() < p);
        }).ToList();
        var fit = DistanceCalibration.Fit(pairs);
        Assert.InRange(fit.Intercept, 5.6, 6.4);
        Assert.InRange(fit.Slope, -10.6, -9.4);
    }

    [Fact]
    public void Is_two_numbers_in_json()
    {
        var fit = new DistanceCalibration(5.5f, -11f);
        var json = JsonSerializer.Serialize(fit);
        Assert.Equal("""{"Intercept":5.5,"Slope":-11}""", json);
        Assert.Equal(fit, JsonSerializer.Deserialize<DistanceCalibration>(json));
        Assert.Equal(0.5f, fit.Probability(0.5f));
    }

    [Fact]
    public void Pairs_of_one_kind_only_cannot_be_calibrated()
    {
        Assert.Contains("0 same and 2 different", Assert.Throws<EvaluationException>(() => DistanceCalibration.Fit([(0.1f, false), (0.2f, false)])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistanceCalibration(1, -2).DistanceAt(1));
    }
}
