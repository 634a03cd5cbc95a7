using Sightline.Faces.Descriptors;

namespace Sightline.Faces.Evaluation;

/// <summary>Leave-one-out figures for one identity.</summary>
public readonly record struct IdentityAccuracy(string Identity, int Queries, int Correct)
{
    public double Accuracy => Queries == 0 ? 0 : (double)Correct / Queries;
}

/// <summary>
/// A face whose nearest other face is of another identity: the item's index and identity, the
/// nearest item and its identity and distance, and the distance to the nearest face of its own identity.
/// </summary>
public readonly record struct IdentificationMiss(int Index, string Identity, int PredictedIndex, string Predicted, float Distance, float NearestSameDistance);

/// <summary>
/// Leave-one-out nearest-neighbour identification. Faces whose identity has no other face cannot be
/// answered and are left out of <see cref="Queries"/>, counted in <see cref="Unanswerable"/>.
/// </summary>
public sealed record IdentificationResult(int Queries, int Correct, int Unanswerable, IReadOnlyList<IdentityAccuracy> PerIdentity, IReadOnlyList<IdentificationMiss> Misses)
{
    public double Accuracy => Queries == 0 ? 0 : (double)Correct / Queries;
}

/// <summary>Two items of a labelled set (First &lt; Second), their distance, and whether they share an identity.</summary>
public readonly record struct ScoredPair(int First, int Second, float Distance, bool Same);

/// <summary>Identification metrics over faces labelled with identities (compared ordinally).</summary>
public static class IdentificationMetrics
{
    /// <summary>
    /// Each face queries all the others; it is right when its nearest one (the first, on equal
    /// distances) shares its identity.
    /// </summary>
    /// <exception cref="EvaluationException">Fewer than two faces.</exception>
    /// <exception cref="DescriptorMismatchException">Descriptors of different models.</exception>
    public static IdentificationResult LeaveOneOut(IReadOnlyList<(string Identity, FaceDescriptor Descriptor)> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count < 2)
            throw new EvaluationException($"leave-one-out identification needs at least two faces; got {items.Count}");
        var n = items.Count;
        var nearest = new int[n];
        var nearestDistance = new float[n];
        var nearestSame = new float[n];
        Array.Fill(nearest, -1);
        Array.Fill(nearestDistance, float.PositiveInfinity);
        Array.Fill(nearestSame, float.PositiveInfinity);
        // Each distance once, updating both ends: O(n²/2) distances in O(n) memory.
        foreach (var pair in Pairs(items))
        {
            Update(pair.First, pair.Second, pair.Distance, pair.Same);
            Update(pair.Second, pair.First, pair.Distance, pair.Same);
        }

        var counts = items.GroupBy(i => i.Identity, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var perIdentity = new SortedDictionary<string, (int Queries, int Correct)>(StringComparer.Ordinal);
        var misses = new List<IdentificationMiss>();
        int queries = 0, correct = 0, unanswerable = 0;
        for (var i = 0; i < n; i++)
        {
            var identity = items[i].Identity;
            if (counts[identity] < 2)
            {
                unanswerable++;
                continue;
            }
            if (nearest[i] < 0)
                throw new ArgumentException($"face {i} ('{identity}') has no finite distance to any other face: its descriptor is not finite", nameof(items));
            var hit = string.Equals(items[nearest[i]].Identity, identity, StringComparison.Ordinal);
            queries++;
            if (hit)
                correct++;
            else
                misses.Add(new IdentificationMiss(i, identity, nearest[i], items[nearest[i]].Identity, nearestDistance[i], nearestSame[i]));
            perIdentity.TryGetValue(identity, out var c);
            perIdentity[identity] = (c.Queries + 1, c.Correct + (hit ? 1 : 0));
        }
        return new IdentificationResult(queries, correct, unanswerable,
            perIdentity.Select(p => new IdentityAccuracy(p.Key, p.Value.Queries, p.Value.Correct)).ToList(), misses);

        void Update(int query, int other, float distance, bool same)
        {
            // Strictly smaller, and each query meets the others in index order, so on equal distances the first item wins.
            if (distance < nearestDistance[query])
            {
                nearestDistance[query] = distance;
                nearest[query] = other;
            }
            if (same && distance < nearestSame[query])
                nearestSame[query] = distance;
        }
    }

    /// <summary>Every pair i &lt; j with its distance and whether both share an identity, in (i, j) order: the input for ROC figures.</summary>
    /// <exception cref="DescriptorMismatchException">Descriptors of different models.</exception>
    public static IReadOnlyList<ScoredPair> AllPairs(IReadOnlyList<(string Identity, FaceDescriptor Descriptor)> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Pairs(items).ToList();
    }

    private static IEnumerable<ScoredPair> Pairs(IReadOnlyList<(string Identity, FaceDescriptor Descriptor)> items)
    {
        for (var i = 0; i < items.Count; i++)
            for (var j = i + 1; j < items.Count; j++)
                yield return new ScoredPair(i, j, items[i].Descriptor.DistanceTo(items[j].Descriptor),
                    string.Equals(items[i].Identity, items[j].Identity, StringComparison.Ordinal));
    }
}
