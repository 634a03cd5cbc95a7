using Sightline.Library.People.Evaluation;

namespace Sightline.Library.Tests.People.Clustering;

public class ClusteringMetricsTests
{
    [Fact]
    public void Scores_a_small_clustering_as_computed_by_hand()
    {
        // Cluster a = items 0,1,2 (X, X, Y); cluster b = items 3,4 (Y, Y); item 5 (Y) unassigned. |X| = 2, |Y| = 4.
        // BCubed precision per item: 2/3, 2/3, 1/3, 1, 1, 1 (alone)      -> 14/3 / 6 = 7/9
        // BCubed recall per item:    2/2, 2/2, 1/4, 2/4, 2/4, 1/4        -> 3.5 / 6 = 7/12
        // F1 = 2 (7/9)(7/12) / (7/9 + 7/12) = 2/3
        // Pairs: predicted 3 (a) + 1 (b) = 4, of them true (0,1) and (3,4) = 2 -> precision 1/2;
        //        true pairs 1 (X) + 6 (Y) = 7 -> recall 2/7; F1 = 2 (1/2)(2/7) / (1/2 + 2/7) = 4/11.
        // Placed 5/6, clusters of 2+: 2, identities 2, none seen once.
        var score = ClusteringMetrics.Score(["a", "a", "a", "b", "b", null], ["X", "X", "Y", "Y", "Y", "Y"]);

        Assert.Equal(7.0 / 9, score.BCubedPrecision, 1e-12);
        Assert.Equal(7.0 / 12, score.BCubedRecall, 1e-12);
        Assert.Equal(2.0 / 3, score.BCubedF1, 1e-12);
        Assert.Equal(0.5, score.PairPrecision, 1e-12);
        Assert.Equal(2.0 / 7, score.PairRecall, 1e-12);
        Assert.Equal(4.0 / 11, score.PairF1, 1e-12);
        Assert.Equal(5.0 / 6, score.Placed, 1e-12);
        Assert.Equal(2, score.Clusters);
        Assert.Equal(2, score.Identities);
        Assert.Equal(0, score.SeenOnce);
        Assert.Equal(0, score.SeenOnceApart);
    }

    [Fact]
    public void Counts_identities_seen_once_and_whether_they_were_left_apart()
    {
        // X and Y (seen once) share cluster a: not apart. Z unassigned and W alone in cluster c: apart. V twice in d.
        var score = ClusteringMetrics.Score(["a", "a", null, "c", "d", "d"], ["X", "Y", "Z", "W", "V", "V"]);

        Assert.Equal(5, score.Identities);
        Assert.Equal(4, score.SeenOnce);
        Assert.Equal(2, score.SeenOnceApart);
        Assert.Equal(2, score.Clusters);
        Assert.Equal(4.0 / 6, score.Placed, 1e-12);
        // Pairs: predicted (0,1) wrong and (4,5) right -> precision 1/2; the only true pair (4,5) found -> recall 1.
        Assert.Equal(0.5, score.PairPrecision, 1e-12);
        Assert.Equal(1.0, score.PairRecall, 1e-12);
    }

    [Fact]
    public void Nothing_assigned_is_precise_but_recalls_only_itself()
    {
        // Every item alone: precision 1 each; recall 1/2 for the two X items, 1 for Y -> 2/3.
        var score = ClusteringMetrics.Score([null, null, null], ["X", "X", "Y"]);

        Assert.Equal(1.0, score.BCubedPrecision, 1e-12);
        Assert.Equal(2.0 / 3, score.BCubedRecall, 1e-12);
        Assert.Equal(1.0, score.PairPrecision, 1e-12);
        Assert.Equal(0.0, score.PairRecall, 1e-12);
        Assert.Equal(0.0, score.Placed, 1e-12);
        Assert.Equal(0, score.Clusters);
        Assert.Equal(1, score.SeenOnceApart);
    }

    [Fact]
    public void Lists_of_different_lengths_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => ClusteringMetrics.Score(["a", "b"], ["X"]));
        Assert.Contains("2 cluster keys for 1 identities", error.Message);
    }
}
