using System.Numerics.Tensors;
using Sightline.Library.People.Clustering;

namespace Sightline.Library.Tests.People.Clustering;

public class FaceClusteringTests
{
    /// <summary>
    /// Constrained average linkage the slow, obvious way: every pair of clusters, every pairwise distance, each step;
    /// the nearest pair by mean (ties by the clusters' smallest stable keys) merges while below the cut.
    /// </summary>
    private static string Reference(IReadOnlyList<ClusterFace> input, float cut, float chain = 0, float chainMean = 0)
    {
        var faces = input.OrderBy(f => f.StableKey, StringComparer.Ordinal).ToArray();
        var n = faces.Length;
        var distance = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                distance[i, j] = TensorPrimitives.Distance(faces[i].Descriptor, faces[j].Descriptor);

        var clusters = new List<List<int>>();
        foreach (var group in Enumerable.Range(0, n).Where(i => faces[i].PinnedPerson is not null).GroupBy(i => faces[i].PinnedPerson))
            clusters.Add(group.ToList());
        clusters.AddRange(Enumerable.Range(0, n).Where(i => faces[i].PinnedPerson is null).Select(i => new List<int> { i }));

        long? Pin(List<int> c) => c.Select(i => faces[i].PinnedPerson).FirstOrDefault(p => p is not null);
        bool Blocked(List<int> a, List<int> b)
        {
            if (a.Any(i => b.Any(j => faces[i].PhotoId == faces[j].PhotoId)))
                return true;
            var (pa, pb) = (Pin(a), Pin(b));
            if (pa is not null && pb is not null && pa != pb)
                return true;
            bool Rejects(List<int> c, long? person) => person is not null && c.Any(i => faces[i].RejectedPeople?.Contains(person.Value) == true);
            return Rejects(a, pb) || Rejects(b, pa);
        }
        double Mean(List<int> a, List<int> b) => a.SelectMany(i => b.Select(j => distance[i, j])).Average();

        while (true)
        {
            (double Mean, int Low, int High, int A, int B)? best = null;
            for (var a = 0; a < clusters.Count; a++)
                for (var b = a + 1; b < clusters.Count; b++)
                {
                    if (Blocked(clusters[a], clusters[b]))
                        continue;
                    var mean = Mean(clusters[a], clusters[b]);
                    var nearest = clusters[a].SelectMany(i => clusters[b].Select(j => distance[i, j])).Min();
                    var allowed = mean < cut || (nearest < chain && mean < chainMean);
                    var (ka, kb) = (clusters[a].Min(), clusters[b].Min());
                    var candidate = (mean, Math.Min(ka, kb), Math.Max(ka, kb), a, b);
                    if (allowed && (best is null || (candidate.mean, candidate.Item2, candidate.Item3).CompareTo((best.Value.Mean, best.Value.Low, best.Value.High)) < 0))
                        best = candidate;
                }
            if (best is null)
                break;
            clusters[best.Value.A].AddRange(clusters[best.Value.B]);
            clusters.RemoveAt(best.Value.B);
        }
        return string.Join("\n", clusters.Select(c => string.Join(",", c.Select(i => faces[i].FaceId).Order())).Order(StringComparer.Ordinal));
    }

    private static List<ClusterFace> WithDecisions(List<ClusterFace> faces, int seed)
    {
        // Some faces pinned to one of three people, some rejecting one of them: constraints the clustering must keep.
        var random = new Random(seed);
        return faces.Select(f => random.Next(10) switch
        {
            0 => f with { PinnedPerson = 100 + random.Next(3) },
            1 => f with { RejectedPeople = [100 + random.Next(3)] },
            _ => f,
        }).ToList();
    }

    [Theory]
    [InlineData(1, 16, 0.05f, false)]
    [InlineData(2, 16, 0.06f, false)]
    [InlineData(3, 128, 0.03f, false)]
    [InlineData(4, 16, 0.05f, true)]
    [InlineData(5, 16, 0.06f, true)]
    [InlineData(6, 128, 0.033f, true)]
    public void Equals_a_brute_force_average_linkage_on_random_sets(int seed, int dimension, float spread, bool decisions)
    {
        const float cut = 0.55f;
        // Spreads put many within-identity pairs near the cut, so merges are contested and chains form.
        var faces = SyntheticFaces.Blobs(seed, identities: 12, maxPerIdentity: 8, dimension, centreScale: 0.12f, spread, photos: 40);
        if (decisions)
            faces = WithDecisions(faces, seed);

        var clusters = FaceClustering.Cluster(faces, new ClusteringOptions(cut));

        Assert.Equal(Reference(faces, cut), SyntheticFaces.Partition(clusters));
        // The set must exercise real merges, not only pairs.
        Assert.Contains(clusters, c => c.FaceIds.Count >= 3);

        // The chain rule (a pair under 0.5 and a mean under 0.6 also merge) against the same reference.
        var chained = FaceClustering.Cluster(faces, new ClusteringOptions(cut, ChainDistance: 0.5f, ChainMean: 0.6f));
        Assert.Equal(Reference(faces, cut, 0.5f, 0.6f), SyntheticFaces.Partition(chained));
    }

    [Fact]
    public void The_chain_rule_joins_a_gradual_person_that_average_linkage_alone_leaves_in_two()
    {
        // A, B and C: A-B and B-C 0.45 apart, A-C 0.70. After A+B, {A,B}-C has mean 0.575 (over the cut 0.55) but a pair at 0.45.
        var h = MathF.Sqrt(0.45f * 0.45f - 0.35f * 0.35f);
        ClusterFace Face(long id, float x, float y) => new(id, $"k{id}", id, [x, y]);
        var faces = new[] { Face(1, 0, 0), Face(2, 0.35f, h), Face(3, 0.7f, 0) };

        Assert.Equal(2, FaceClustering.Cluster(faces, new ClusteringOptions(0.55f)).Count);
        var chained = FaceClustering.Cluster(faces, new ClusteringOptions(0.55f, ChainDistance: 0.5f, ChainMean: 0.6f));
        Assert.Single(chained);
        // A mean at the chain mean or over it does not merge, however near the pair.
        Assert.Equal(2, FaceClustering.Cluster(faces, new ClusteringOptions(0.55f, ChainDistance: 0.5f, ChainMean: 0.57f)).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => FaceClustering.Cluster(faces, new ClusteringOptions(0.55f, ChainDistance: 0.6f, ChainMean: 0.6f)));
    }

    [Fact]
    public void The_same_faces_in_any_order_give_the_identical_clustering()
    {
        var faces = WithDecisions(SyntheticFaces.Blobs(7, identities: 30, maxPerIdentity: 10, 32, centreScale: 0.1f, spread: 0.055f, photos: 80), 7);
        var first = SyntheticFaces.Describe(FaceClustering.Cluster(faces, new ClusteringOptions(0.55f)));

        for (var shuffle = 0; shuffle < 5; shuffle++)
            Assert.Equal(first, SyntheticFaces.Describe(FaceClustering.Cluster(SyntheticFaces.Shuffled(faces, shuffle), new ClusteringOptions(0.55f))));
    }

    [Fact]
    public void Ties_are_broken_by_stable_keys_not_by_face_ids()
    {
        // b is exactly as near to a as to c, but a and c share a photo: b joins the cluster whose smallest stable key
        // comes first, whichever ids the faces have.
        ClusterFace Face(long id, string key, long photo, float x) => new(id, key, photo, [x, 0f]);
        var forward = FaceClustering.Cluster([Face(1, "k1", 1, 0f), Face(2, "k2", 2, 0.25f), Face(3, "k3", 1, 0.5f)], new ClusteringOptions(0.55f));
        var renumbered = FaceClustering.Cluster([Face(3, "k1", 1, 0f), Face(2, "k2", 2, 0.25f), Face(1, "k3", 1, 0.5f)], new ClusteringOptions(0.55f));

        Assert.Equal([[1L, 2L], [3L]], forward.Select(c => c.FaceIds.ToArray()));
        Assert.Equal([[3L, 2L], [1L]], renumbered.Select(c => c.FaceIds.ToArray()));
    }

    [Fact]
    public void Two_faces_of_one_photo_never_share_a_cluster()
    {
        var random = new Random(1);
        var centre = SyntheticFaces.RandomVector(16, 0.1f, random);
        // Twenty near-identical faces on five photos: at most one face of each photo per cluster.
        var faces = Enumerable.Range(0, 20).Select(i => SyntheticFaces.Face(i + 1, i % 5, SyntheticFaces.Around(centre, 0.01f, random), random)).ToList();

        var clusters = FaceClustering.Cluster(faces, new ClusteringOptions(0.55f));

        var photoOf = faces.ToDictionary(f => f.FaceId, f => f.PhotoId);
        Assert.All(clusters, c => Assert.Equal(c.FaceIds.Count, c.FaceIds.Select(id => photoOf[id]).Distinct().Count()));
        Assert.Equal(20, clusters.Sum(c => c.FaceIds.Count));
        Assert.Contains(clusters, c => c.FaceIds.Count >= 3);
    }

    [Fact]
    public void A_face_never_joins_the_person_it_was_rejected_from()
    {
        var pinned = new[] { new ClusterFace(1, "a", 1, [0f, 0f], PinnedPerson: 7), new ClusterFace(2, "b", 2, [0.1f, 0f], PinnedPerson: 7) };
        var rejecting = new ClusterFace(3, "c", 3, [0.05f, 0f], RejectedPeople: [7]);
        // d is near c and near the person: it may join either, but it never brings c into person 7.
        var near = new ClusterFace(4, "d", 4, [0.05f, 0.05f]);

        var clusters = FaceClustering.Cluster([.. pinned, rejecting, near], new ClusteringOptions(0.55f));

        var person = Assert.Single(clusters, c => c.PinnedPerson == 7);
        Assert.DoesNotContain(3L, person.FaceIds);
        Assert.Contains(clusters, c => c.FaceIds.Contains(3L) && c.PinnedPerson is null);
        Assert.Equal(2, clusters.Count);
    }

    [Fact]
    public void Faces_pinned_to_different_people_never_share_a_cluster()
    {
        var clusters = FaceClustering.Cluster(
            [new ClusterFace(1, "a", 1, [0f, 0f], PinnedPerson: 1), new ClusterFace(2, "b", 2, [0f, 0f], PinnedPerson: 2), new ClusterFace(3, "c", 3, [0f, 0.01f])],
            new ClusteringOptions(0.55f));

        Assert.Equal(2, clusters.Count);
        Assert.Equal([1L, 2L], clusters.Where(c => c.PinnedPerson is not null).Select(c => c.PinnedPerson!.Value).Order());
        Assert.DoesNotContain(clusters, c => c.FaceIds.Contains(1L) && c.FaceIds.Contains(2L));
        // The free face joins one of them (the one whose smallest key comes first on an exact tie).
        Assert.Equal([1L, 3L], clusters.Single(c => c.PinnedPerson == 1).FaceIds);
    }

    [Fact]
    public void Faces_pinned_to_one_person_start_together_however_far_apart()
    {
        var clusters = FaceClustering.Cluster(
            [new ClusterFace(1, "a", 1, [0f, 0f], PinnedPerson: 5), new ClusterFace(2, "b", 2, [10f, 0f], PinnedPerson: 5), new ClusterFace(3, "c", 3, [10.25f, 0f])],
            new ClusteringOptions(0.55f));

        Assert.Equal(2, clusters.Count);
        var person = clusters[0];
        Assert.Equal([1L, 2L], person.FaceIds);
        Assert.Equal(5, person.PinnedPerson);
        Assert.Equal(10f, person.MeanDistance);
        // c is near b but on average 5.125 from the person: it stays out, in the component the pin joined.
        Assert.Equal([3L], clusters[1].FaceIds);
        Assert.Null(clusters[1].PinnedPerson);
        Assert.Equal(person.Component, clusters[1].Component);
    }

    [Fact]
    public void Lone_faces_are_clusters_of_their_own_in_their_own_components()
    {
        var faces = new[]
        {
            new ClusterFace(10, "z", 1, [5f, 0f]),
            new ClusterFace(11, "m", 2, [0f, 0f]),
            new ClusterFace(12, "a", 3, [0.2f, 0f]),
            new ClusterFace(13, "q", 4, [0f, 9f]),
        };

        var clusters = FaceClustering.Cluster(faces, new ClusteringOptions(0.55f));

        // Ordered by first stable key: a (with m), q, z; components numbered the same way.
        Assert.Equal([[11L, 12L], [13L], [10L]], clusters.Select(c => c.FaceIds.Order().ToArray()));
        Assert.Equal([0, 1, 2], clusters.Select(c => c.Component));
        Assert.Equal([0.2f, 0f, 0f], clusters.Select(c => c.MeanDistance));
    }

    [Fact]
    public void Clustering_everything_equals_clustering_each_component_alone()
    {
        var faces = WithDecisions(SyntheticFaces.Blobs(9, identities: 25, maxPerIdentity: 9, 24, centreScale: 0.1f, spread: 0.06f, photos: 60), 9);
        var all = FaceClustering.Cluster(faces, new ClusteringOptions(0.55f));
        var byId = faces.ToDictionary(f => f.FaceId);

        var components = all.GroupBy(c => c.Component).ToList();
        Assert.True(components.Count > 3, "the set must fall into several components");
        Assert.Contains(components, c => c.Count() > 1);
        var alone = components.SelectMany(component =>
            FaceClustering.Cluster(component.SelectMany(c => c.FaceIds).Select(id => byId[id]).ToList(), new ClusteringOptions(0.55f)));
        Assert.Equal(SyntheticFaces.Partition(all), SyntheticFaces.Partition(alone));
    }

    [Fact]
    public void Bad_input_is_refused_with_the_face_named()
    {
        var options = new ClusteringOptions(0.55f);
        var sameKey = Assert.Throws<ArgumentException>(() => FaceClustering.Cluster([new(1, "k", 1, [0f]), new(2, "k", 2, [1f])], options));
        Assert.Contains("'k'", sameKey.Message);
        var sameId = Assert.Throws<ArgumentException>(() => FaceClustering.Cluster([new(1, "a", 1, [0f]), new(1, "b", 2, [1f])], options));
        Assert.Contains("face id 1", sameId.Message);
        var length = Assert.Throws<ArgumentException>(() => FaceClustering.Cluster([new(1, "a", 1, [0f]), new(2, "b", 2, [1f, 2f])], options));
        Assert.Contains("face 2", length.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => FaceClustering.Cluster([new(1, "a", 1, [0f])], new ClusteringOptions(float.NaN)));
    }

    [Fact]
    public void A_cancelled_clustering_stops()
    {
        var faces = SyntheticFaces.Blobs(3, identities: 5, maxPerIdentity: 5, 16, 0.1f, 0.05f, photos: 50);
        Assert.ThrowsAny<OperationCanceledException>(() => FaceClustering.Cluster(faces, new ClusteringOptions(0.55f), new CancellationToken(canceled: true)));
    }
}
