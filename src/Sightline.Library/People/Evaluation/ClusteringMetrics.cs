namespace Sightline.Library.People.Evaluation;

/// <summary>BCubed and pairwise scores of a clustering against identities.</summary>
public static class ClusteringMetrics
{
    /// <summary>
    /// Scores <paramref name="clusters"/> (a cluster key per item, null for an unassigned item, which counts as a
    /// cluster of its own) against <paramref name="identities"/> (the true identity per item).
    /// </summary>
    /// <remarks>
    /// BCubed averages over items: precision is the share of an item's cluster that has its identity, recall the share
    /// of its identity that is in its cluster. Pairwise counts same-cluster pairs (unassigned items are in none):
    /// with no predicted pair precision is 1 (nothing was wrongly joined), with no true pair recall is 1. No items
    /// give zeros.
    /// </remarks>
    public static ClusteringScore Score(IReadOnlyList<string?> clusters, IReadOnlyList<string> identities)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        ArgumentNullException.ThrowIfNull(identities);
        if (clusters.Count != identities.Count)
            throw new ArgumentException($"{clusters.Count} cluster keys for {identities.Count} identities: one of each per item", nameof(clusters));
        for (var i = 0; i < identities.Count; i++)
            if (identities[i] is null)
                throw new ArgumentException($"item {i} has no identity", nameof(identities));
        var n = clusters.Count;
        if (n == 0)
            return new ClusteringScore(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        var clusterSize = new Dictionary<string, int>(StringComparer.Ordinal);
        var identitySize = new Dictionary<string, int>(StringComparer.Ordinal);
        var overlap = new Dictionary<(string Cluster, string Identity), int>();
        for (var i = 0; i < n; i++)
        {
            identitySize[identities[i]] = identitySize.GetValueOrDefault(identities[i]) + 1;
            if (clusters[i] is not { } cluster)
                continue;
            clusterSize[cluster] = clusterSize.GetValueOrDefault(cluster) + 1;
            overlap[(cluster, identities[i])] = overlap.GetValueOrDefault((cluster, identities[i])) + 1;
        }

        double precision = 0, recall = 0;
        var placed = 0;
        for (var i = 0; i < n; i++)
        {
            var ofIdentity = identitySize[identities[i]];
            if (clusters[i] is { } cluster)
            {
                var size = clusterSize[cluster];
                var shared = overlap[(cluster, identities[i])];
                precision += (double)shared / size;
                recall += (double)shared / ofIdentity;
                if (size >= 2)
                    placed++;
            }
            else
            {
                precision += 1;
                recall += 1.0 / ofIdentity;
            }
        }
        precision /= n;
        recall /= n;

        static double Pairs(int count) => (double)count * (count - 1) / 2;
        var truePairs = overlap.Values.Sum(Pairs);
        var predictedPairs = clusterSize.Values.Sum(Pairs);
        var identityPairs = identitySize.Values.Sum(Pairs);
        var pairPrecision = predictedPairs == 0 ? 1 : truePairs / predictedPairs;
        var pairRecall = identityPairs == 0 ? 1 : truePairs / identityPairs;

        var seenOnce = 0;
        var seenOnceApart = 0;
        for (var i = 0; i < n; i++)
        {
            if (identitySize[identities[i]] != 1)
                continue;
            seenOnce++;
            if (clusters[i] is not { } cluster || clusterSize[cluster] == 1)
                seenOnceApart++;
        }

        return new ClusteringScore(
            precision, recall, F1(precision, recall),
            pairPrecision, pairRecall, F1(pairPrecision, pairRecall),
            (double)placed / n,
            clusterSize.Values.Count(size => size >= 2),
            identitySize.Count,
            seenOnce,
            seenOnceApart);
    }

    private static double F1(double precision, double recall) => precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
}
