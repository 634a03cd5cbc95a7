using Sightline.Vision.Similarity;

namespace Sightline.Vision.Tests.Similarity;

public sealed class NeighbourEvaluationTests
{
    [Fact]
    public void Counts_a_query_right_when_its_nearest_other_item_shares_its_label()
    {
        // Two tight clusters and one "b" item sitting inside cluster "a".
        string[] labels = ["a", "a", "a", "b", "b", "b"];
        float[][] vectors = [[1, 0], [0.9f, 0.1f], [0.9f, -0.1f], [0, 1], [0.1f, 0.9f], [1f, 0.3f]];
        var result = NeighbourEvaluation.LeaveOneOut(labels, vectors);
        Assert.Equal(6, result.Queries);
        Assert.Equal(5, result.Correct);
        Assert.Equal(new ClassAccuracy("a", 3, 3), result.PerClass[0]);
        Assert.Equal(new ClassAccuracy("b", 3, 2), result.PerClass[1]);
    }

    [Fact]
    public void Refuses_labels_and_vectors_of_different_counts() =>
        Assert.Throws<ArgumentException>(() => NeighbourEvaluation.LeaveOneOut(["a"], [[1f], [2f]]));
}
