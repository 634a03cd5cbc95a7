namespace Sightline.Library.People.Clustering;

/// <summary>Descriptors in one contiguous row-major block (rows of one length), for scans that find every neighbour within a distance.</summary>
public sealed class DescriptorMatrix
{
    public DescriptorMatrix(IReadOnlyList<float[]> rows) => throw new NotImplementedException(rows.Count.ToString());

    public int Count => throw new NotImplementedException();

    public int Dimension => throw new NotImplementedException();
}

/// <summary>Exact neighbour search over descriptors (Euclidean), SIMD-scanned in blocks.</summary>
public static class NeighbourSearch
{
    /// <summary>For each row of <paramref name="queries"/>, the rows of <paramref name="library"/> nearer than <paramref name="threshold"/>, with their distances, nearest first.</summary>
    public static IReadOnlyList<IReadOnlyList<(int Row, float Distance)>> Within(DescriptorMatrix library, DescriptorMatrix queries, float threshold,
        CancellationToken cancellationToken = default) => throw new NotImplementedException(library.Count + queries.Count + " " + threshold);
}
