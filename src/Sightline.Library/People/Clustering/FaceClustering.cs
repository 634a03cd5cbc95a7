namespace Sightline.Library.People.Clustering;

/// <summary>
/// Order-free constrained average linkage: the same faces give the same clusters whatever order they came in.
/// </summary>
public static class FaceClustering
{
    /// <summary>Every face in exactly one cluster (singletons included), clusters ordered by their first stable key.</summary>
    public static IReadOnlyList<FaceCluster> Cluster(IReadOnlyList<ClusterFace> faces, ClusteringOptions options, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException(faces.Count + " " + options);
}
