using Sightline.Vision.Classification;

namespace Sightline.Vision.Tests.Classification;

public sealed class SoftmaxRegressionTests
{
    [Fact]
    public void Separable_clusters_are_learned_and_new_samples_classified()
    {
        var centres = Synthetic.Centres(4, 32, seed: 1);
        var train = Synthetic.Clusters(centres, 30, noise: 0.15, seed: 2);
        var test = Synthetic.Clusters(centres, 30, noise: 0.15, seed: 3);
        var head = new SoftmaxRegression(new SoftmaxRegressionOptions(L2: 1e-3)).Fit(train.Examples.Select(e => e.Features).ToList(), train.Examples.Select(e => e.Label).ToList(), 4);
        Assert.Equal(4, head.Classes);
        Assert.Equal(32, head.Dimension);
        var right = test.Examples.Count(e => ClassifierTrainer.ArgMax(head.Logits(e.Features)) == e.Label);
        Assert.True(right >= test.Examples.Count - 2, $"{right} of {test.Examples.Count} right");
    }

    [Fact]
    public void Probabilities_sum_to_one_and_follow_the_logits()
    {
        var head = new LinearHead(3, 2, [1, 0, 0, 1, -1, -1], [0, 0.5f, 0]);
        var p = head.Probabilities([2f, 1f]);
        Assert.Equal(1f, p.Sum(), 5);
        Assert.True(p[0] > p[1] && p[1] > p[2]);
        var big = LinearHead.Softmax([1000f, 999f]);
        Assert.All(big, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1 / (1 + MathF.Exp(-1)), big[0], 5);
    }

    [Fact]
    public void Stronger_decay_gives_smaller_weights_and_softer_probabilities()
    {
        var data = Synthetic.Clusters(Synthetic.Centres(3, 16, 5), 20, 0.2, 6);
        var x = data.Examples.Select(e => e.Features).ToList();
        var y = data.Examples.Select(e => e.Label).ToList();
        var weak = new SoftmaxRegression(new SoftmaxRegressionOptions(L2: 1e-4)).Fit(x, y, 3);
        var strong = new SoftmaxRegression(new SoftmaxRegressionOptions(L2: 1)).Fit(x, y, 3);
        Assert.True(strong.Weights.Sum(w => w * w) < weak.Weights.Sum(w => w * w));
        Assert.True(x.Average(f => strong.Probabilities(f).Max()) < x.Average(f => weak.Probabilities(f).Max()));
    }

    [Fact]
    public void Standardised_and_raw_training_agree_on_easy_data()
    {
        var data = Synthetic.Clusters(Synthetic.Centres(3, 8, 9), 25, 0.1, 10);
        var x = data.Examples.Select(e => e.Features).ToList();
        var y = data.Examples.Select(e => e.Label).ToList();
        var raw = new SoftmaxRegression(new SoftmaxRegressionOptions(L2: 1e-3, Standardize: false)).Fit(x, y, 3);
        var standardised = new SoftmaxRegression(new SoftmaxRegressionOptions(L2: 1e-3, Standardize: true)).Fit(x, y, 3);
        // The folded standardisation must give a head that takes raw features.
        Assert.All(x.Zip(y), p =>
        {
            Assert.Equal(p.Second, ClassifierTrainer.ArgMax(raw.Logits(p.First)));
            Assert.Equal(p.Second, ClassifierTrainer.ArgMax(standardised.Logits(p.First)));
        });
    }

    [Fact]
    public void Bad_training_input_is_refused()
    {
        var regression = new SoftmaxRegression();
        Assert.Throws<ArgumentException>(() => regression.Fit([[1f, 0f]], [0], 1));
        Assert.Throws<ArgumentException>(() => regression.Fit([[1f, 0f], [0f, 1f]], [0, 2], 2));
        Assert.Throws<ArgumentException>(() => regression.Fit([[1f, 0f], [0f]], [0, 1], 2));
        Assert.Throws<ArgumentException>(() => new LinearHead(2, 2, [1, 2, 3], [0, 0]).Validate());
        Assert.Throws<ArgumentException>(() => new LinearHead(2, 1, [1, float.NaN], [0, 0]).Validate());
    }

    [Fact]
    public void Lbfgs_finds_the_minimum_of_a_convex_quadratic()
    {
        // f(x) = sum_i (i + 1) (x_i - i)^2: minimum at x_i = i.
        var result = Lbfgs.Minimize((x, g) =>
        {
            double f = 0;
            for (var i = 0; i < x.Length; i++)
            {
                f += (i + 1) * (x[i] - i) * (x[i] - i);
                g[i] = 2 * (i + 1) * (x[i] - i);
            }
            return f;
        }, new double[6], gradientTolerance: 1e-9);
        Assert.True(result.Converged);
        for (var i = 0; i < 6; i++)
            Assert.Equal(i, result.Solution[i], 6);
    }
}
