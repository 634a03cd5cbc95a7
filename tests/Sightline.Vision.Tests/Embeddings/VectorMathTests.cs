using Sightline.Vision.Embeddings;

namespace Sightline.Vision.Tests.Embeddings;

public sealed class VectorMathTests
{
    [Fact]
    public void Normalized_has_unit_length_and_keeps_direction()
    {
        var unit = VectorMath.Normalized([3f, 4f]);
        Assert.Equal([0.6f, 0.8f], unit);
        Assert.Equal([0f, 0f], VectorMath.Normalized([0f, 0f]));
    }

    [Fact]
    public void TopK_returns_the_largest_best_first_with_ties_in_index_order()
    {
        float[] scores = [0.1f, 0.9f, 0.5f, 0.9f, -1f, 0.7f];
        Assert.Equal([1, 3, 5], VectorMath.TopK(scores, 3));
        Assert.Equal([1, 3, 5, 2, 0, 4], VectorMath.TopK(scores, 100));
        Assert.Empty(VectorMath.TopK(scores, 0));
    }

    [Fact]
    public void Cosine_is_one_for_same_direction_and_minus_one_for_opposite() =>
        Assert.Equal(-1f, VectorMath.Cosine([1f, 2f], [-2f, -4f]), 5);
}
