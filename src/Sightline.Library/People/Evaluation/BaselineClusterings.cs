using Sightline.Library.People.Clustering;

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
    /// <remarks>
    /// Only a "core" face (enough neighbours among all faces) may start a person; a waiting face in the second pass only
    /// joins the nearest placed neighbour's person (faces placed earlier in that pass count), never starts one.
    /// </remarks>
    public static IReadOnlyList<int?> Immich(IReadOnlyList<float[]> descriptors, IReadOnlyList<int> order, float maxDistance = 0.5f, int minFaces = 3)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        ArgumentNullException.ThrowIfNull(order);
        if (minFaces < 1)
            throw new ArgumentOutOfRangeException(nameof(minFaces), minFaces, "a person needs at least 1 face");
        CheckOrder(order, descriptors.Count);
        var neighbours = NeighboursOfAll(descriptors, maxDistance);

        var person = new int?[descriptors.Count];
        var people = 0;
        var waiting = new List<int>();
        foreach (var face in order)
        {
            // Neighbours come nearest first; the face itself is among them (distance 0).
            if (neighbours[face].Count < minFaces)
            {
                waiting.Add(face);
                continue;
            }
            person[face] = NearestPlaced(neighbours[face], person, face) ?? people++;
        }
        foreach (var face in waiting)
            person[face] = NearestPlaced(neighbours[face], person, face);
        return person;
    }

    /// <summary>DBSCAN (Euclidean): a cluster number per face, null for noise.</summary>
    /// <remarks>Neighbours are the faces nearer than <paramref name="eps"/>, the face itself included; clusters are numbered in the order of their first core face.</remarks>
    public static IReadOnlyList<int?> Dbscan(IReadOnlyList<float[]> descriptors, float eps = 0.5f, int minPoints = 2)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        if (minPoints < 1)
            throw new ArgumentOutOfRangeException(nameof(minPoints), minPoints, "a core point needs at least 1 point (itself)");
        var neighbours = NeighboursOfAll(descriptors, eps);
        var cluster = new int?[descriptors.Count];
        var clusters = 0;
        var frontier = new Queue<int>();
        for (var start = 0; start < descriptors.Count; start++)
        {
            if (cluster[start] is not null || neighbours[start].Count < minPoints)
                continue;
            var number = clusters++;
            cluster[start] = number;
            frontier.Enqueue(start);
            while (frontier.TryDequeue(out var point))
            {
                // Only core points spread the cluster; border points join it and stop there.
                if (neighbours[point].Count < minPoints)
                    continue;
                foreach (var (other, _) in neighbours[point])
                    if (cluster[other] is null)
                    {
                        cluster[other] = number;
                        frontier.Enqueue(other);
                    }
            }
        }
        return cluster;
    }

    private static int? NearestPlaced(IReadOnlyList<(int Row, float Distance)> neighbours, int?[] person, int face)
    {
        foreach (var (other, _) in neighbours)
            if (other != face && person[other] is { } found)
                return found;
        return null;
    }

    private static IReadOnlyList<IReadOnlyList<(int Row, float Distance)>> NeighboursOfAll(IReadOnlyList<float[]> descriptors, float distance)
    {
        if (!float.IsFinite(distance) || distance <= 0)
            throw new ArgumentOutOfRangeException(nameof(distance), distance, "the neighbour distance must be a finite number above 0");
        var matrix = new DescriptorMatrix(descriptors);
        return NeighbourSearch.Within(matrix, matrix, distance);
    }

    private static void CheckOrder(IReadOnlyList<int> order, int count)
    {
        if (order.Count != count)
            throw new ArgumentException($"the arrival order names {order.Count} faces, there are {count}", nameof(order));
        var seen = new bool[count];
        foreach (var face in order)
        {
            if (face < 0 || face >= count)
                throw new ArgumentException($"the arrival order names face {face}, there are faces 0 to {count - 1}", nameof(order));
            if (seen[face])
                throw new ArgumentException($"the arrival order names face {face} twice", nameof(order));
            seen[face] = true;
        }
    }
}
