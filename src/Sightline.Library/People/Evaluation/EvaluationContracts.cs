namespace Sightline.Library.People.Evaluation;

/// <summary>
/// How a clustering compares with known identities, over the labelled faces: BCubed and pairwise precision, recall and
/// F1 (an unassigned face counts as a cluster of its own), the share of faces placed in a cluster of two or more, the
/// number of clusters and identities, and how many identities seen once were left unassigned or alone.
/// </summary>
public sealed record ClusteringScore(
    double BCubedPrecision,
    double BCubedRecall,
    double BCubedF1,
    double PairPrecision,
    double PairRecall,
    double PairF1,
    double Placed,
    int Clusters,
    int Identities,
    int SeenOnce,
    int SeenOnceApart);
