namespace Sightline.Library.People.Clustering;

/// <summary>
/// A face as clustering sees it. <see cref="StableKey"/> comes from the photo's content and the face's place in it
/// (content hash and face index), never from database ids or arrival order, so that ties are broken the same way
/// whatever order photos were ingested in. <see cref="PhotoId"/> makes two faces of one photo a cannot-link.
/// <see cref="PinnedPerson"/> is a user decision (this face is that person): faces pinned to one person start as one
/// cluster, faces pinned to different people never share one. <see cref="RejectedPeople"/> are people the user said
/// this face is not: it never shares a cluster with a face pinned to one of them.
/// </summary>
public sealed record ClusterFace(
    long FaceId,
    string StableKey,
    long PhotoId,
    float[] Descriptor,
    long? PinnedPerson = null,
    IReadOnlyList<long>? RejectedPeople = null);

/// <summary>
/// How faces are grouped: constrained average linkage cut at <see cref="Threshold"/> (descriptor distance, Euclidean):
/// two groups merge when their mean distance is under it, or, when <see cref="ChainDistance"/> is set, when a pair of
/// their faces is nearer than <see cref="ChainDistance"/> and their mean is under <see cref="ChainMean"/> (a person's
/// faces that change gradually, by pose or age, chain through near pairs while the mean stays that of one person).
/// The chain distance must lie under the cut, so that only pairs nearer than the cut ever link groups. A group needs
/// <see cref="MinFaces"/> faces (or a pinned face) to become a person; smaller ones stay unassigned.
/// </summary>
public sealed record ClusteringOptions(float Threshold, int MinFaces = 2, float ChainDistance = 0, float ChainMean = 0);

/// <summary>
/// One group of faces: its face ids (ordered by stable key), the person its pinned faces belong to (at most one),
/// the mean pairwise descriptor distance inside it (0 for one face), and the neighbour-graph component it lies in
/// (components are independent: a face's cluster depends only on the faces of its component).
/// </summary>
public sealed record FaceCluster(IReadOnlyList<long> FaceIds, long? PinnedPerson, float MeanDistance, int Component);
