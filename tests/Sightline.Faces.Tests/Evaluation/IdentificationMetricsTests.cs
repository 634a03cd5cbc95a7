using Sightline.Faces.Descriptors;
using Sightline.Faces.Evaluation;
using Sightline.Faces.Tests.Gallery;

namespace Sightline.Faces.Tests.Evaluation;

public sealed class IdentificationMetricsTests
{
    private static (string, FaceDescriptor) Item(string identity, float x, float y) => (identity, SyntheticFaces.Descriptor([x, y]));

    // Two tight clusters, one "b" face sitting nearer the "a" cluster, and a "c" face alone.
    private static readonly (string Identity, FaceDescriptor Descriptor)[] Items =
    [
        Item("a", 0, 0), Item("a", 0.1f, 0), Item("a", 0, 0.1f),
        Item("b", 1, 0), Item("b", 1.1f, 0), Item("b", 0.3f, 0.3f),
        Item("c", 5, 5),
    ];

    [Fact]
    public void Leave_one_out_finds_the_one_face_nearer_another_identity()
    {
        var result = IdentificationMetrics.LeaveOneOut(Items);
        Assert.Equal((6, 5, 1), (result.Queries, result.Correct, result.Unanswerable));
        Assert.Equal(5.0 / 6, result.Accuracy);
        Assert.Equal([new IdentityAccuracy("a", 3, 3), new IdentityAccuracy("b", 3, 2)], result.PerIdentity);
        var miss = Assert.Single(result.Misses);
        // (0.3, 0.3) is equally near (0.1, 0) and (0, 0.1): the first wins.
        Assert.Equal((5, "b", 1, "a"), (miss.Index, miss.Identity, miss.PredictedIndex, miss.Predicted));
        Assert.Equal(MathF.Sqrt(0.13f), miss.Distance, 5);
        Assert.Equal(MathF.Sqrt(0.58f), miss.NearestSameDistance, 5);
    }

    [Fact]
    public void All_pairs_lists_each_pair_once_in_order_with_its_distance_and_same_flag()
    {
        var pairs = IdentificationMetrics.AllPairs(Items);
        Assert.Equal(21, pairs.Count);
        Assert.Equal(6, pairs.Count(p => p.Same));
        Assert.Equal(new ScoredPair(0, 1, 0.1f, true), pairs[0]);
        Assert.Equal((5, 6, false), (pairs[^1].First, pairs[^1].Second, pairs[^1].Same));
        Assert.Equal(4.7f * MathF.Sqrt(2), pairs[^1].Distance, 4);
        Assert.True(pairs.All(p => p.First < p.Second));
    }

    [Fact]
    public void Descriptors_of_different_models_cannot_be_evaluated_together()
    {
        (string, FaceDescriptor)[] mixed = [Item("a", 0, 0), ("a", SyntheticFaces.Descriptor([0, 1], "other-model"))];
        Assert.Throws<DescriptorMismatchException>(() => IdentificationMetrics.LeaveOneOut(mixed));
        Assert.Throws<EvaluationException>(() => IdentificationMetrics.LeaveOneOut([Item("a", 0, 0)]));
    }
}
