using Sightline.Vision.Classification;

namespace Sightline.Vision.Tests.Classification;

public sealed class ClassifierTrainerTests
{
    private static readonly float[][] Centres = Synthetic.Centres(5, 24, seed: 11);

    /// <summary>
    /// Synthetic features have signed components, which the raw-embedding score (it squares them back into
    /// the non-negative embedding real features come from) would fold together; the calibration these tests
    /// check is the same for every class-centre score, so they use the head-space cosine.
    /// </summary>
    private const UnknownScore SignedFeatureScore = UnknownScore.CentroidCosine;

    [Fact]
    public void Separable_classes_reach_high_cross_validated_accuracy_and_every_example_is_validated_once()
    {
        var data = Synthetic.Clusters(Centres[..4], 20, noise: 0.2, seed: 12);
        var trained = new ClassifierTrainer(new ClassifierTrainingOptions(Folds: 4, UnknownScore: SignedFeatureScore)).Train(data);
        Assert.Equal(80, trained.Metrics.Report.Examples);
        Assert.True(trained.Metrics.Accuracy >= 0.95, $"accuracy {trained.Metrics.Accuracy:P1}");
        Assert.Contains(trained.Metrics.L2, ClassifierTrainingOptions.DefaultL2Grid);
        Assert.Equal(ClassifierTrainer.ReportedTolerances.Count, trained.Metrics.UnknownTradeOff.Count);
        // More tolerance can only raise the threshold and reject more, among the rows whose cut lies within the
        // 80 validated scores (a share of at least 1 / 81; smaller shares extrapolate a fitted normal tail).
        var points = trained.Metrics.UnknownTradeOff;
        Assert.Null(points[0].Threshold);
        for (var i = 1; i < points.Count; i++)
        {
            if (points[i - 1].Tolerance >= 0.02)
            {
                Assert.True(points[i].Threshold >= points[i - 1].Threshold);
                Assert.True(points[i].UnknownRejected >= points[i - 1].UnknownRejected - 1e-9);
            }
            // The rule rejects the tolerated share of validated images (one image more at most), so accuracy falls no further.
            Assert.True(points[i].KnownRejected <= points[i].Tolerance + 1.0 / 80 + 1e-9, $"rejected {points[i].KnownRejected:P1} at {points[i].Tolerance:P0}");
            Assert.True(trained.Metrics.Accuracy - points[i].KnownAccuracy <= points[i].Tolerance + 1.0 / 80 + 1e-9);
        }
    }

    [Fact]
    public void Noisy_classes_score_lower_than_clean_ones()
    {
        var clean = new ClassifierTrainer().Train(Synthetic.Clusters(Centres[..3], 20, 0.1, 13)).Metrics.Accuracy;
        var noisy = new ClassifierTrainer().Train(Synthetic.Clusters(Centres[..3], 20, 1.5, 13)).Metrics.Accuracy;
        Assert.True(noisy < clean, $"noisy {noisy:P1}, clean {clean:P1}");
    }

    [Fact]
    public void Images_of_an_unseen_class_are_rejected_more_often_than_known_ones()
    {
        var data = Synthetic.Clusters(Centres[..4], 25, noise: 0.35, seed: 14);
        var options = new ClassifierTrainingOptions(UnknownTolerance: 0.05, UnknownScore: SignedFeatureScore);
        var trained = new ClassifierTrainer(options).Train(data);
        var known = Synthetic.Clusters(Centres[..4], 25, noise: 0.35, seed: 15).Examples;
        var unseen = Synthetic.Clusters(Centres[4..], 50, noise: 0.35, seed: 16).Examples;
        double Rejected(IEnumerable<LabelledExample> examples) => examples.Average(e => trained.Unknown.IsUnknown(trained.Head.Logits(e.Features), e.Features) ? 1.0 : 0.0);
        var knownRejected = Rejected(known);
        var unseenRejected = Rejected(unseen);
        Assert.True(unseenRejected > knownRejected + 0.2, $"unseen {unseenRejected:P0}, known {knownRejected:P0}");
        Assert.NotNull(trained.Unknown.Threshold);
    }

    [Fact]
    public void A_small_folder_gets_a_calibrated_rule_that_answers_far_away_images_unknown()
    {
        // Three classes of ten, as a new user's first folder: too few for the old accuracy-drop rule to cut anywhere.
        var data = Synthetic.Clusters(Centres[..3], 10, noise: 0.25, seed: 21);
        var trained = new ClassifierTrainer(new ClassifierTrainingOptions(UnknownScore: SignedFeatureScore)).Train(data);
        var far = Synthetic.Clusters(Centres[3..], 40, noise: 0.25, seed: 22).Examples;
        var known = Synthetic.Clusters(Centres[..3], 100, noise: 0.25, seed: 23).Examples;
        double Rejected(IEnumerable<LabelledExample> examples) => examples.Average(e => trained.Unknown.IsUnknown(trained.Head.Logits(e.Features), e.Features) ? 1.0 : 0.0);
        Assert.True(Rejected(far) >= 0.8, $"far-away images answered unknown: {Rejected(far):P0}");
        Assert.True(Rejected(known) <= 0.08, $"new known images rejected: {Rejected(known):P0}");
    }

    [Theory]
    [InlineData(UnknownScore.Mahalanobis)]
    [InlineData(UnknownScore.NearestExample)]
    public void The_candidate_scores_are_calibrated_on_held_out_known_images_like_the_centroid_cosine(UnknownScore score)
    {
        var data = Synthetic.Clusters(Centres[..3], 30, noise: 0.25, seed: 24);
        var trained = new ClassifierTrainer(new ClassifierTrainingOptions(UnknownScore: score)).Train(data);
        Assert.Equal(score, trained.Unknown.Score);
        Assert.Equal(score, trained.Metrics.UnknownScore);
        var far = Synthetic.Clusters(Centres[3..], 40, noise: 0.25, seed: 25).Examples;
        var known = Synthetic.Clusters(Centres[..3], 100, noise: 0.25, seed: 26).Examples;
        double Rejected(IEnumerable<LabelledExample> examples) => examples.Average(e => trained.Unknown.IsUnknown(trained.Head.Logits(e.Features), e.Features) ? 1.0 : 0.0);
        // Random centres in 24 dimensions lie nearer each other than the flowers' do to a bus: most, not all, are caught.
        Assert.True(Rejected(far) >= 0.5, $"far-away images answered unknown: {Rejected(far):P0}");
        Assert.True(Rejected(known) <= 0.08, $"new known images rejected: {Rejected(known):P0}");
        // Neither is a rule a classifier file holds.
        var backbone = new BackboneInfo("test-backbone", "1", new string('a', 64), data.Dimension, 224, 224, "224x224");
        Assert.Throws<ArgumentException>(() => ClassifierModel.Create(trained, backbone, new TrainingSummary("/data", data.CountPerClass(), [], false, 0, 1, 0, 0)));
    }

    [Fact]
    public void Training_refuses_an_unknown_score_it_cannot_calibrate()
    {
        var data = Synthetic.Clusters(Centres[..3], 10, noise: 0.25, seed: 27);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClassifierTrainer(new ClassifierTrainingOptions(UnknownScore: UnknownScore.MaxLogit)).Train(data));
    }

    [Fact]
    public void A_folder_too_small_to_calibrate_gets_its_rule_off_with_a_plain_reason()
    {
        var data = Synthetic.Clusters(Centres[..2], 4, noise: 0.25, seed: 24);
        var trained = new ClassifierTrainer(new ClassifierTrainingOptions(Folds: 2)).Train(data);
        Assert.True(trained.Unknown.IsOff);
        Assert.Null(trained.Unknown.Threshold);
        Assert.Contains("off", trained.Metrics.UnknownOffReason);
        Assert.Contains($"at least {UnknownCalibration.MinimumCalibrationScores} validated images and there are 8", trained.Metrics.UnknownOffReason);
        Assert.False(trained.Unknown.IsUnknown(trained.Head.Logits(data.Examples[0].Features), Synthetic.Unit(Centres[4])));
    }

    [Fact]
    public void Held_out_known_rejection_matches_the_estimate_printed_at_training()
    {
        var data = Synthetic.Clusters(Centres[..4], 60, noise: 0.5, seed: 25);
        var options = new ClassifierTrainingOptions(UnknownTolerance: 0.05);
        var trained = new ClassifierTrainer(options).Train(data);
        var estimate = trained.Metrics.UnknownTradeOff.Single(p => p.Tolerance == 0.05).KnownRejected;
        var fresh = Synthetic.Clusters(Centres[..4], 500, noise: 0.5, seed: 26).Examples;
        var measured = fresh.Average(e => trained.Unknown.IsUnknown(trained.Head.Logits(e.Features), e.Features) ? 1.0 : 0.0);
        Assert.InRange(estimate, 0.03, 0.07);
        Assert.True(Math.Abs(measured - estimate) <= 0.025, $"measured {measured:P1}, estimated {estimate:P1}");
    }

    [Fact]
    public void The_operating_tolerance_has_its_own_trade_off_row()
    {
        var trained = new ClassifierTrainer(new ClassifierTrainingOptions(UnknownTolerance: 0.04)).Train(Synthetic.Clusters(Centres[..3], 20, 0.3, 27));
        Assert.Equal(trained.Unknown.Threshold, trained.Metrics.UnknownTradeOff.Single(p => p.Tolerance == 0.04).Threshold);
    }

    [Fact]
    public void A_held_out_split_trains_on_n_per_class_and_tests_on_the_rest()
    {
        var data = Synthetic.Clusters(Centres[..3], 15, noise: 0.25, seed: 28);
        var (train, test) = HeldOutSplit.Split(data, 10, seed: 3);
        Assert.Equal([10, 10, 10], train.CountPerClass());
        Assert.Equal([5, 5, 5], test.CountPerClass());
        Assert.Empty(train.Examples.Select(e => e.Source).Intersect(test.Examples.Select(e => e.Source)));
        Assert.Throws<ClassifierTrainingException>(() => HeldOutSplit.Split(data, 15, seed: 3));
        var subset = HeldOutSplit.Subset(data, ["class2", "class0"]);
        Assert.Equal(["class2", "class0"], subset.Classes);
        Assert.All(subset.Examples, e => Assert.StartsWith(subset.Classes[e.Label], e.Source));
        Assert.Throws<ClassifierTrainingException>(() => HeldOutSplit.Subset(data, ["class0", "nope"]));

        var far = Synthetic.Clusters(Centres[3..4], 30, noise: 0.25, seed: 29).Examples.Select(e => e.Features).ToList();
        var report = HeldOutSplit.Evaluate(data, 10, [("far", far)], new ClassifierTrainingOptions(UnknownScore: SignedFeatureScore));
        Assert.Equal(30, report.TrainImages);
        Assert.Equal(15, report.TestImages);
        Assert.True(report.KnownAccuracy <= report.ClosedSetAccuracy);
        Assert.True(report.Outliers.Single().Rejected >= 0.8, $"far rejected {report.Outliers.Single().Rejected:P0}");
    }

    [Fact]
    public void Holding_a_class_out_reports_its_rejection_and_the_cost_on_known_classes()
    {
        var data = Synthetic.Clusters(Centres, 20, noise: 0.35, seed: 17);
        var report = OpenSetEvaluation.HoldOutClass(data, "class4", new ClassifierTrainingOptions(Folds: 4));
        Assert.Equal(80, report.KnownImages);
        Assert.Equal(20, report.UnknownImages);
        Assert.True(report.KnownAccuracy <= report.ClosedSetAccuracy);
        Assert.True(report.UnknownRejected > report.KnownRejected, $"unknown {report.UnknownRejected:P0}, known {report.KnownRejected:P0}");
        Assert.Throws<ClassifierTrainingException>(() => OpenSetEvaluation.HoldOutClass(data, "nope", new ClassifierTrainingOptions()));
    }

    [Fact]
    public void Augmented_views_of_a_validation_image_never_leak_into_its_training_split()
    {
        // Pure noise with random labels, each view an exact copy: 60 points in 64-d can be memorised,
        // so a leaked copy would make held-out accuracy near perfect instead of near chance.
        var random = new Random(18);
        var examples = Enumerable.Range(0, 60).Select(i =>
        {
            var features = Synthetic.Unit(Enumerable.Range(0, 64).Select(_ => (float)random.NextDouble() - 0.5f).ToArray());
            return new LabelledExample($"n{i}", i % 3, features, [features.ToArray()]);
        }).ToList();
        var trained = new ClassifierTrainer(new ClassifierTrainingOptions(Folds: 3)).Train(new LabelledSet(["a", "b", "c"], examples));
        Assert.Equal(60, trained.Metrics.Report.Examples);
        Assert.True(trained.Metrics.Accuracy < 0.7, $"accuracy {trained.Metrics.Accuracy:P0} on noise");
        var training = examples.Count(e => ClassifierTrainer.ArgMax(trained.Head.Logits(e.Features)) == e.Label);
        Assert.True(training > 54, $"the final head should fit its own noise ({training}/60)");
    }

    [Fact]
    public void Too_few_classes_or_an_empty_class_is_refused_with_its_name()
    {
        var one = Synthetic.Clusters(Centres[..1], 5, 0.1, 19);
        var e1 = Assert.Throws<ClassifierTrainingException>(() => new ClassifierTrainer().Train(one));
        Assert.Contains("class0", e1.Message);
        var empty = Synthetic.Clusters(Centres[..2], 5, 0.1, 20) with { Classes = ["class0", "class1", "lonely"] };
        var e2 = Assert.Throws<ClassifierTrainingException>(() => new ClassifierTrainer().Train(empty));
        Assert.Contains("lonely", e2.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClassifierTrainer(new ClassifierTrainingOptions(Folds: 1)).Train(Synthetic.Clusters(Centres[..2], 5, 0.1, 21)));
    }

    [Fact]
    public void Hold_out_validation_scores_only_the_held_out_share()
    {
        var data = Synthetic.Clusters(Centres[..3], 20, 0.2, 22);
        var trained = new ClassifierTrainer(new ClassifierTrainingOptions(ValidationFraction: 0.25)).Train(data);
        Assert.Equal(15, trained.Metrics.Report.Examples);
        Assert.Contains("hold-out", trained.Metrics.Validation);
    }
}
