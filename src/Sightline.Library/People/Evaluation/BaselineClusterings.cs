namespace Sightline.Library.People.Evaluation;

/// <summary>The clusterings other photo managers use, run on the same descriptors for comparison.</summary>
public static class BaselineClusterings
{
    /// <summary>
    /// Immich's rule, in the given arrival order: a face takes the person of its nearest already-placed neighbour within
    /// <paramref name="maxDistance"/>, or starts a person when it has at least <paramref name="minFaces"/> neighbours
    /// (itself included) within it; otherwise it waits, and waiting faces get a second pass at the end.
    /// Returns a cluster number per face (null when unassigned), in the input's order.
    /// </summary>
    public static IReadOnlyList<int?> Immich(IReadOnlyList<float[]> descriptors, IReadOnlyList<int> order, float maxDistance = 0.5f, int minFaces = 3) =>
        throw new NotImplementedException(descriptors.Count + order.Count + " " + maxDistance + minFaces);

    /// <summary>DBSCAN (Euclidean): a cluster number per face, null for noise.</summary>
    public static IReadOnlyList<int?> Dbscan(IReadOnlyList<float[]> descriptors, float eps = 0.5f, int minPoints = 2) =>
        throw new NotImplementedException(descriptors.Count + " " + eps + minPoints);
}
