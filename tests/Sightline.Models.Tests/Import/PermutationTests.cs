using Sightline.Models.Import;

namespace Sightline.Models.Tests.Import;

public sealed class PermutationTests
{
    private static readonly TfTensor Sample = TfTensor.Float([2, 3, 4, 5], NaiveOps.Random(120, 1));

    public static TheoryData<int[], int[]> Pairs => new()
    {
        { [0, 1, 2, 3], [0, 3, 1, 2] },
        { [0, 3, 1, 2], [0, 2, 3, 1] },
        { [3, 2, 1, 0], [1, 0, 3, 2] },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Between_turns_one_stored_order_into_another(int[] from, int[] to)
    {
        var stored = Sample.Transpose(from);
        var moved = stored.Transpose(Permutation.Between(from, to));
        Assert.Equal(Sample.Transpose(to).Floats, moved.Floats);
        Assert.Equal(Sample.Transpose(to).Shape, moved.Shape);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void A_transposes_output_is_its_inputs_buffer_under_another_order(int[] stored, int[] transpose)
    {
        // The input is kept as Sample transposed by 'stored'; TensorFlow then transposes the logical value.
        var buffer = Sample.Transpose(stored);
        var logicalOut = Sample.Transpose(transpose);
        var outStored = Permutation.AfterTranspose(stored, transpose);
        Assert.Equal(buffer.Floats, logicalOut.Transpose(outStored).Floats);
    }

    [Fact]
    public void Then_composes_two_transposes()
    {
        int[] first = [0, 3, 1, 2], second = [0, 2, 3, 1];
        Assert.Equal(Sample.Transpose(first).Transpose(second).Floats, Sample.Transpose(Permutation.Then(first, second)).Floats);
        Assert.True(Permutation.IsIdentity(Permutation.Then(first, second)));
    }

    [Fact]
    public void Removing_reduced_axes_keeps_the_order_of_the_rest()
    {
        // NHWC stored as NCHW, mean over H and W: what remains is [N, C] in that order.
        Assert.Equal([0, 1], Permutation.WithoutAxes(Permutation.NhwcToNchw, [1, 2]));
        // Reducing N of NCHW-stored NHWC leaves H, W, C stored as C, H, W.
        Assert.Equal([2, 0, 1], Permutation.WithoutAxes(Permutation.NhwcToNchw, [0]));
    }

    [Fact]
    public void Inverse_undoes_a_permutation()
    {
        int[] p = [2, 0, 3, 1];
        Assert.Equal(Sample.Floats, Sample.Transpose(p).Transpose(Permutation.Inverse(p)).Floats);
    }
}
