namespace Sightline.Models.Import;

/// <summary>
/// Axis permutations in the numpy sense: transposing X by p gives Y with Y.shape[i] = X.shape[p[i]].
/// The converter stores a TensorFlow value as "its logical tensor transposed by p" and uses these
/// functions to move between stored forms without emitting transposes that cancel.
/// </summary>
public static class Permutation
{
    /// <summary>TensorFlow's NHWC tensor seen as ONNX's NCHW.</summary>
    public static readonly int[] NhwcToNchw = [0, 3, 1, 2];

    public static int[] Identity(int rank) => Enumerable.Range(0, rank).ToArray();

    public static bool IsIdentity(IReadOnlyList<int> p)
    {
        for (var i = 0; i < p.Count; i++)
            if (p[i] != i) return false;
        return true;
    }

    public static int[] Inverse(IReadOnlyList<int> p)
    {
        var inverse = new int[p.Count];
        for (var i = 0; i < p.Count; i++)
            inverse[p[i]] = i;
        return inverse;
    }

    /// <summary>Transposing by <paramref name="first"/> then by <paramref name="second"/> equals transposing by the result.</summary>
    public static int[] Then(IReadOnlyList<int> first, IReadOnlyList<int> second) =>
        second.Select(s => first[s]).ToArray();

    /// <summary>
    /// The transpose that turns a value stored with permutation <paramref name="from"/> into the same value
    /// stored with <paramref name="to"/>.
    /// </summary>
    public static int[] Between(IReadOnlyList<int> from, IReadOnlyList<int> to)
    {
        var inverse = Inverse(from);
        return to.Select(t => inverse[t]).ToArray();
    }

    /// <summary>
    /// The stored permutation of a TensorFlow Transpose's output, when its input is stored with
    /// <paramref name="stored"/>: the same buffer, read under a different permutation, so no op is needed.
    /// </summary>
    public static int[] AfterTranspose(IReadOnlyList<int> stored, IReadOnlyList<int> transposePerm)
    {
        var inverse = Inverse(transposePerm);
        return stored.Select(q => inverse[q]).ToArray();
    }

    /// <summary>
    /// After removing the logical <paramref name="removedAxes"/> (a reduction without keep_dims), the
    /// permutation of what remains, renumbered.
    /// </summary>
    public static int[] WithoutAxes(IReadOnlyList<int> stored, IReadOnlyCollection<int> removedAxes) =>
        stored.Where(q => !removedAxes.Contains(q)).Select(q => q - removedAxes.Count(r => r < q)).ToArray();

    public static string Key(IReadOnlyList<int> p) => string.Join(",", p);
}
