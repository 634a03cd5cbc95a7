using Sightline.Library.People.Clustering;

namespace Sightline.Library.People.Evaluation;

/// <summary>
/// A face of an evaluated library: its stable key (content hash and face index), photo, descriptor (null when it has
/// none), whether it is clusterable (not too poor), the person Sightline put it in, and its identity when it is a
/// labelled face.
/// </summary>
public sealed record EvaluatedFace(string StableKey, long PhotoId, float[]? Descriptor, bool Clusterable, long? PersonId, string? Identity);

/// <summary>
/// One clustering's figures on the labelled faces: its name, the rule in words, the score, and how many pairs of faces
/// of one photo it put in one cluster (a photo cannot show one person twice). For a rule that depends on arrival
/// order, <see cref="Runs"/> holds the score of each order, <see cref="Score"/> their mean (counts rounded) and
/// <see cref="Partitions"/> how many different partitions the orders gave.
/// </summary>
public sealed record MethodResult(
    string Name,
    string Rule,
    ClusteringScore Score,
    int CannotLinkViolations,
    IReadOnlyList<ClusteringScore>? Runs = null,
    int? Partitions = null)
{
    public double BCubedF1Min => Runs is { Count: > 0 } r ? r.Min(s => s.BCubedF1) : Score.BCubedF1;

    public double BCubedF1Max => Runs is { Count: > 0 } r ? r.Max(s => s.BCubedF1) : Score.BCubedF1;
}

/// <summary>
/// Sightline's people against the clusterings other photo managers use, on the same faces and descriptors: Immich's
/// rule (in several shuffled arrival orders, since its result depends on them), DBSCAN, and average linkage without
/// constraints at Sightline's cut. Every baseline clusters the faces Sightline clusters (clusterable, with a descriptor),
/// in the order of their stable keys, so the comparison is of the rules alone.
/// </summary>
public static class PeopleEvaluation
{
    /// <summary>Immich's defaults (maxDistance 0.5, minFaces 3) and DBSCAN's as Immich-like tools set it (eps 0.5, 2 points).</summary>
    public const float ImmichDistance = 0.5f, DbscanEps = 0.5f;

    public const int ImmichMinFaces = 3, DbscanMinPoints = 2;

    /// <summary>The arrival orders Immich's rule is run in: shuffles with these fixed seeds.</summary>
    public static IReadOnlyList<int> ImmichSeeds { get; } = [1, 2, 3, 4, 5];

    /// <summary>Scores Sightline's people (<see cref="EvaluatedFace.PersonId"/>) and the baselines over the labelled faces.</summary>
    /// <exception cref="ArgumentException">No face is labelled.</exception>
    public static IReadOnlyList<MethodResult> Compare(IReadOnlyList<EvaluatedFace> faces, ClusteringOptions options, CancellationToken cancellationToken = default)
    {
        var labelled = Enumerable.Range(0, faces.Count).Where(i => faces[i].Identity is not null).ToList();
        if (labelled.Count == 0)
            throw new ArgumentException("no face is labelled: nothing to score", nameof(faces));
        var identities = labelled.Select(i => faces[i].Identity!).ToList();
        // The baselines see the clusterable faces in stable-key order: their result is a function of the faces alone (Immich's of the order too).
        var clusterable = Enumerable.Range(0, faces.Count).Where(i => faces[i].Clusterable && faces[i].Descriptor is not null)
            .OrderBy(i => faces[i].StableKey, StringComparer.Ordinal).ToList();
        var descriptors = clusterable.Select(i => faces[i].Descriptor!).ToList();

        MethodResult Scored(string name, string rule, IReadOnlyList<string?> keys) =>
            new(name, rule, ClusteringMetrics.Score(labelled.Select(i => keys[i]).ToList(), identities), CannotLinkViolations(faces, keys));

        var results = new List<MethodResult>
        {
            Scored("sightline", $"constrained average linkage cut at {options.Threshold:0.###}{Chain(options)}, people of at least {options.MinFaces} faces",
                faces.Select(f => f.PersonId?.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList()),
        };

        var runs = new List<ClusteringScore>();
        var partitions = new HashSet<string>(StringComparer.Ordinal);
        var violations = 0;
        foreach (var seed in ImmichSeeds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var assigned = BaselineClusterings.Immich(descriptors, Shuffled(descriptors.Count, seed), ImmichDistance, ImmichMinFaces);
            var keys = Spread(faces.Count, clusterable, assigned);
            runs.Add(ClusteringMetrics.Score(labelled.Select(i => keys[i]).ToList(), identities));
            partitions.Add(Partition(faces, keys));
            violations = Math.Max(violations, CannotLinkViolations(faces, keys));
        }
        results.Add(new MethodResult("immich", $"Immich's rule (max distance {ImmichDistance}, {ImmichMinFaces} faces), {ImmichSeeds.Count} shuffled orders",
            Mean(runs), violations, runs, partitions.Count));

        cancellationToken.ThrowIfCancellationRequested();
        results.Add(Scored("dbscan", $"DBSCAN (eps {DbscanEps}, {DbscanMinPoints} points)",
            Spread(faces.Count, clusterable, BaselineClusterings.Dbscan(descriptors, DbscanEps, DbscanMinPoints))));

        // Every face its own photo: the same linkage and cut with no cannot-link, to show what the constraints add.
        var free = clusterable.Select((f, row) => new ClusterFace(row, faces[f].StableKey, -1 - row, faces[f].Descriptor!)).ToList();
        var clusters = FaceClustering.Cluster(free, options, cancellationToken);
        var linkage = new int?[clusterable.Count];
        for (var c = 0; c < clusters.Count; c++)
            if (clusters[c].FaceIds.Count >= options.MinFaces)
                foreach (var row in clusters[c].FaceIds)
                    linkage[row] = c;
        results.Add(Scored("average-linkage", $"average linkage without constraints cut at {options.Threshold:0.###}{Chain(options)}, groups of at least {options.MinFaces}",
            Spread(faces.Count, clusterable, linkage)));
        return results;
    }

    /// <summary>For each face, the nearest other labelled face with a descriptor (its identity and distance), or null when there is none.</summary>
    public static IReadOnlyList<(string Identity, float Distance)?> NearestLabelled(IReadOnlyList<EvaluatedFace> faces)
    {
        var labelled = faces.Where(f => f.Identity is not null && f.Descriptor is not null).ToList();
        return faces.Select(f =>
        {
            if (f.Descriptor is null)
                return ((string, float)?)null;
            (string Identity, float Distance)? best = null;
            foreach (var other in labelled)
                if (!ReferenceEquals(other, f) && Distance(f.Descriptor, other.Descriptor!) is var d && (best is null || d < best.Value.Distance))
                    best = (other.Identity!, d);
            return best;
        }).ToList();
    }

    /// <summary>Pairs of faces of one photo that share a cluster (null keys share none).</summary>
    public static int CannotLinkViolations(IReadOnlyList<EvaluatedFace> faces, IReadOnlyList<string?> keys) =>
        Enumerable.Range(0, faces.Count).Where(i => keys[i] is not null)
            .GroupBy(i => (faces[i].PhotoId, keys[i]))
            .Sum(g => g.Count() * (g.Count() - 1) / 2);

    /// <summary>The partition as text: each cluster's stable keys sorted, the clusters sorted; equal text, equal partition.</summary>
    public static string Partition(IReadOnlyList<EvaluatedFace> faces, IReadOnlyList<string?> keys) =>
        string.Join("\n", Enumerable.Range(0, faces.Count).Where(i => keys[i] is not null).GroupBy(i => keys[i])
            .Select(g => string.Join(" ", g.Select(i => faces[i].StableKey).Order(StringComparer.Ordinal)))
            .Order(StringComparer.Ordinal));

    /// <summary>A permutation of 0..count-1 (Fisher-Yates with a seeded generator: the same seed, the same order).</summary>
    public static IReadOnlyList<int> Shuffled(int count, int seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }

    private static IReadOnlyList<string?> Spread(int count, IReadOnlyList<int> rows, IReadOnlyList<int?> clusters)
    {
        var keys = new string?[count];
        for (var r = 0; r < rows.Count; r++)
            keys[rows[r]] = clusters[r]?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return keys;
    }

    private static ClusteringScore Mean(IReadOnlyList<ClusteringScore> runs) => new(
        runs.Average(s => s.BCubedPrecision), runs.Average(s => s.BCubedRecall), runs.Average(s => s.BCubedF1),
        runs.Average(s => s.PairPrecision), runs.Average(s => s.PairRecall), runs.Average(s => s.PairF1), runs.Average(s => s.Placed),
        (int)Math.Round(runs.Average(s => s.Clusters)), runs[0].Identities, runs[0].SeenOnce, (int)Math.Round(runs.Average(s => s.SeenOnceApart)));

    private static float Distance(float[] a, float[] b)
    {
        if (a.Length != b.Length)
            return float.PositiveInfinity;
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }
        return MathF.Sqrt(sum);
    }

    private static string Chain(ClusteringOptions options) => options.ChainDistance > 0
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (or a pair under {options.ChainDistance:0.###} and a mean under {options.ChainMean:0.###})")
        : "";
}
