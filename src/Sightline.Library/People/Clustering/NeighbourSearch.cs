using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sightline.Library.People.Clustering;

/// <summary>Descriptors in one contiguous row-major block (rows of one length), for scans that find every neighbour within a distance.</summary>
public sealed class DescriptorMatrix
{
    private readonly float[] values;
    private readonly float[] squaredNorms;

    public DescriptorMatrix(IReadOnlyList<float[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Count = rows.Count;
        Dimension = Count == 0 ? 0 : (rows[0] ?? throw new ArgumentException("descriptor row 0 is null", nameof(rows))).Length;
        if (Count > 0 && Dimension == 0)
            throw new ArgumentException("descriptor row 0 is empty", nameof(rows));
        values = new float[(long)Count * Dimension];
        squaredNorms = new float[Count];
        for (var i = 0; i < Count; i++)
        {
            var row = rows[i] ?? throw new ArgumentException($"descriptor row {i} is null", nameof(rows));
            if (row.Length != Dimension)
                throw new ArgumentException($"descriptor row {i} has {row.Length} values, row 0 has {Dimension}", nameof(rows));
            if (!TensorPrimitives.IsFiniteAll<float>(row))
                throw new ArgumentException($"descriptor row {i} holds a value that is not a finite number", nameof(rows));
            row.CopyTo(values, (long)i * Dimension);
            squaredNorms[i] = TensorPrimitives.Dot(row, row);
        }
    }

    public int Count { get; }

    public int Dimension { get; }

    internal ReadOnlySpan<float> Row(int row) => values.AsSpan(row * Dimension, Dimension);

    internal float SquaredNorm(int row) => squaredNorms[row];

    /// <summary>The Euclidean distance of two rows, computed from their values (symmetric: the same bits both ways).</summary>
    internal float Distance(int first, int second) => TensorPrimitives.Distance(Row(first), Row(second));

    internal float[] Values => values;
}

/// <summary>Exact neighbour search over descriptors (Euclidean), SIMD-scanned in blocks.</summary>
public static class NeighbourSearch
{
    // Queries per parallel work item, and library rows per tile: a tile (256 x 128 floats, 128 KB) stays in the
    // core's L2 cache while every query of the block is scanned against it, so the library is streamed from memory
    // once per block of queries rather than once per query.
    private const int QueryBlock = 64;
    private const int LibraryTile = 256;

    /// <summary>For each row of <paramref name="queries"/>, the rows of <paramref name="library"/> nearer than <paramref name="threshold"/>, with their distances, nearest first.</summary>
    public static IReadOnlyList<IReadOnlyList<(int Row, float Distance)>> Within(DescriptorMatrix library, DescriptorMatrix queries, float threshold,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(library);
        ArgumentNullException.ThrowIfNull(queries);
        CheckThreshold(threshold);
        if (library.Count > 0 && queries.Count > 0 && library.Dimension != queries.Dimension)
            throw new ArgumentException($"queries have {queries.Dimension} values per descriptor, the library {library.Dimension}", nameof(queries));

        var found = new List<(int Row, float Distance)>[queries.Count];
        for (var q = 0; q < found.Length; q++)
            found[q] = [];
        Scan(library, queries, threshold, selfPairsOnly: false, found, cancellationToken);
        foreach (var list in found)
            list.Sort(static (a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : a.Row.CompareTo(b.Row));
        return found;
    }

    /// <summary>Every pair of rows of one matrix nearer than <paramref name="threshold"/>, each once: for row i, the rows j &gt; i (in row order).</summary>
    internal static List<(int Row, float Distance)>[] PairsWithin(DescriptorMatrix matrix, float threshold, CancellationToken cancellationToken = default)
    {
        CheckThreshold(threshold);
        var found = new List<(int Row, float Distance)>[matrix.Count];
        for (var q = 0; q < found.Length; q++)
            found[q] = [];
        Scan(matrix, matrix, threshold, selfPairsOnly: true, found, cancellationToken);
        foreach (var list in found)
            list.Sort(static (a, b) => a.Row.CompareTo(b.Row));
        return found;
    }

    private static void CheckThreshold(float threshold)
    {
        if (!float.IsFinite(threshold) || threshold < 0)
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "the neighbour distance must be a finite number of at least 0");
    }

    private static void Scan(DescriptorMatrix library, DescriptorMatrix queries, float threshold, bool selfPairsOnly,
        List<(int Row, float Distance)>[] found, CancellationToken cancellationToken)
    {
        if (library.Count == 0 || queries.Count == 0 || threshold == 0)
            return;
        var blocks = (queries.Count + QueryBlock - 1) / QueryBlock;
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        try
        {
            Parallel.For(0, blocks, options, block =>
            {
                var q0 = block * QueryBlock;
                var q1 = Math.Min(queries.Count, q0 + QueryBlock);
                ScanBlock(library, queries, threshold, q0, q1, selfPairsOnly, found, cancellationToken);
            });
        }
        catch (AggregateException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private static void ScanBlock(DescriptorMatrix library, DescriptorMatrix queries, float threshold, int q0, int q1, bool selfPairsOnly,
        List<(int Row, float Distance)>[] found, CancellationToken cancellationToken)
    {
        var dim = queries.Dimension;
        var squaredCut = threshold * threshold;
        // The dot-product form |q|^2 + |l|^2 - 2 q.l loses a little to rounding; anything it puts within this slack
        // of the cut is decided by the exact distance, so no neighbour is lost and none is invented.
        var slackPerNorm = (dim + 8) * 2.4e-7f;
        Span<float> dots = stackalloc float[8];
        var firstLibraryRow = selfPairsOnly ? q0 : 0;
        for (var l0 = firstLibraryRow; l0 < library.Count; l0 += LibraryTile)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var l1 = Math.Min(library.Count, l0 + LibraryTile);
            for (var q = q0; q < q1; q += 4)
            {
                var qn = Math.Min(4, q1 - q);
                for (var l = l0; l < l1; l += 2)
                {
                    var ln = Math.Min(2, l1 - l);
                    Dots(queries.Values, q, qn, library.Values, l, ln, dim, dots);
                    for (var a = 0; a < qn; a++)
                    {
                        var qi = q + a;
                        var qNorm = queries.SquaredNorm(qi);
                        for (var b = 0; b < ln; b++)
                        {
                            var li = l + b;
                            if (selfPairsOnly && li <= qi)
                                continue;
                            var lNorm = library.SquaredNorm(li);
                            var approx = qNorm + lNorm - 2 * dots[a * 2 + b];
                            if (approx >= squaredCut + (qNorm + lNorm) * slackPerNorm)
                                continue;
                            var exact = TensorPrimitives.Distance(queries.Row(qi), library.Row(li));
                            if (exact < threshold)
                                found[qi].Add((li, exact));
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Dot products of up to 4 query rows with up to 2 library rows (dots[a * 2 + b]), eight accumulators of eight
    /// lanes: each library vector loaded once serves four queries, each query vector two library rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dots(float[] queries, int q, int qn, float[] library, int l, int ln, int dim, Span<float> dots)
    {
        ref var qBase = ref MemoryMarshal.GetArrayDataReference(queries);
        ref var lBase = ref MemoryMarshal.GetArrayDataReference(library);
        // Missing rows (a block's last group) repeat the first one; their products are computed and ignored.
        ref var q0 = ref Unsafe.Add(ref qBase, (nint)q * dim);
        ref var q1 = ref Unsafe.Add(ref qBase, (nint)(q + (qn > 1 ? 1 : 0)) * dim);
        ref var q2 = ref Unsafe.Add(ref qBase, (nint)(q + (qn > 2 ? 2 : 0)) * dim);
        ref var q3 = ref Unsafe.Add(ref qBase, (nint)(q + (qn > 3 ? 3 : 0)) * dim);
        ref var r0 = ref Unsafe.Add(ref lBase, (nint)l * dim);
        ref var r1 = ref Unsafe.Add(ref lBase, (nint)(l + (ln > 1 ? 1 : 0)) * dim);

        Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default;
        Vector256<float> a20 = default, a21 = default, a30 = default, a31 = default;
        var k = 0;
        for (; k <= dim - 8; k += 8)
        {
            var v0 = Vector256.LoadUnsafe(ref r0, (nuint)k);
            var v1 = Vector256.LoadUnsafe(ref r1, (nuint)k);
            var x = Vector256.LoadUnsafe(ref q0, (nuint)k);
            a00 = Vector256.FusedMultiplyAdd(x, v0, a00);
            a01 = Vector256.FusedMultiplyAdd(x, v1, a01);
            x = Vector256.LoadUnsafe(ref q1, (nuint)k);
            a10 = Vector256.FusedMultiplyAdd(x, v0, a10);
            a11 = Vector256.FusedMultiplyAdd(x, v1, a11);
            x = Vector256.LoadUnsafe(ref q2, (nuint)k);
            a20 = Vector256.FusedMultiplyAdd(x, v0, a20);
            a21 = Vector256.FusedMultiplyAdd(x, v1, a21);
            x = Vector256.LoadUnsafe(ref q3, (nuint)k);
            a30 = Vector256.FusedMultiplyAdd(x, v0, a30);
            a31 = Vector256.FusedMultiplyAdd(x, v1, a31);
        }
        dots[0] = Vector256.Sum(a00);
        dots[1] = Vector256.Sum(a01);
        dots[2] = Vector256.Sum(a10);
        dots[3] = Vector256.Sum(a11);
        dots[4] = Vector256.Sum(a20);
        dots[5] = Vector256.Sum(a21);
        dots[6] = Vector256.Sum(a30);
        dots[7] = Vector256.Sum(a31);
        for (; k < dim; k++)
        {
            var v0 = Unsafe.Add(ref r0, k);
            var v1 = Unsafe.Add(ref r1, k);
            dots[0] += Unsafe.Add(ref q0, k) * v0;
            dots[1] += Unsafe.Add(ref q0, k) * v1;
            dots[2] += Unsafe.Add(ref q1, k) * v0;
            dots[3] += Unsafe.Add(ref q1, k) * v1;
            dots[4] += Unsafe.Add(ref q2, k) * v0;
            dots[5] += Unsafe.Add(ref q2, k) * v1;
            dots[6] += Unsafe.Add(ref q3, k) * v0;
            dots[7] += Unsafe.Add(ref q3, k) * v1;
        }
    }
}
