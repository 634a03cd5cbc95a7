namespace Sightline.Library.People.Evaluation;

/// <summary>BCubed and pairwise scores of a clustering against identities.</summary>
public static class ClusteringMetrics
{
    /// <summary>
    /// Scores <paramref name="clusters"/> (a cluster key per item, null for an unassigned item, which counts as a
    /// cluster of its own) against <paramref name="identities"/> (the true identity per item).
    /// </summary>
    public static ClusteringScore Score(IReadOnlyList<string?> clusters, IReadOnlyList<string> identities) =>
        throw new NotImplementedException(clusters.Count + " " + identities.Count);
}
