using Sightline.Library.People.Clustering;
using Sightline.Library.People.Evaluation;

namespace Sightline.Library.Tests.People;

/// <summary>The comparison of people with the baselines, on hand-made descriptors (no models).</summary>
public sealed class PeopleEvaluationTests
{
    private static readonly ClusteringOptions Cut = new(0.55f, 2);

    /// <summary>A 4-d descriptor at (x, y, 0, 0).</summary>
    private static float[] At(float x, float y) => [x, y, 0, 0];

    private static EvaluatedFace Face(string key, long photo, float[] descriptor, long? person, string? identity, bool clusterable = true) =>
        new(key, photo, descriptor, clusterable, person, identity);

    [Fact]
    public void Faces_of_one_photo_in_one_cluster_are_counted_as_pairs()
    {
        var faces = new[] { Face("a:0", 1, At(0, 0), null, null), Face("a:1", 1, At(0, 0), null, null), Face("a:2", 1, At(0, 0), null, null), Face("b:0", 2, At(0, 0), null, null) };
        Assert.Equal(3, PeopleEvaluation.CannotLinkViolations(faces, ["x", "x", "x", "x"]));
        Assert.Equal(1, PeopleEvaluation.CannotLinkViolations(faces, ["x", "x", "y", "x"]));
        Assert.Equal(0, PeopleEvaluation.CannotLinkViolations(faces, ["x", null, null, "x"]));
    }

    [Fact]
    public void A_partition_does_not_depend_on_cluster_names_or_face_order()
    {
        var faces = new[] { Face("a:0", 1, At(0, 0), null, null), Face("b:0", 2, At(0, 0), null, null), Face("c:0", 3, At(0, 0), null, null) };
        Assert.Equal(PeopleEvaluation.Partition(faces, ["1", "1", "2"]), PeopleEvaluation.Partition(faces, ["7", "7", "3"]));
        Assert.Equal(PeopleEvaluation.Partition(faces, ["1", "1", null]), PeopleEvaluation.Partition(faces.Reverse().ToArray(), [null, "5", "5"]));
        Assert.NotEqual(PeopleEvaluation.Partition(faces, ["1", "1", "2"]), PeopleEvaluation.Partition(faces, ["1", "2", "2"]));
    }

    [Fact]
    public void Shuffles_are_permutations_fixed_by_their_seed()
    {
        var one = PeopleEvaluation.Shuffled(50, 1);
        Assert.Equal(Enumerable.Range(0, 50), one.Order());
        Assert.Equal(one, PeopleEvaluation.Shuffled(50, 1));
        Assert.NotEqual(one, PeopleEvaluation.Shuffled(50, 2));
    }

    [Fact]
    public void The_nearest_labelled_face_is_another_face()
    {
        var faces = new[] { Face("a:0", 1, At(0, 0), null, "ann"), Face("b:0", 2, At(0.3f, 0), null, "bob"), Face("c:0", 3, At(0.1f, 0), null, null), Face("d:0", 4, At(0, 0), null, null, clusterable: false) with { Descriptor = null } };
        var nearest = PeopleEvaluation.NearestLabelled(faces);
        Assert.Equal("bob", nearest[0]!.Value.Identity);
        Assert.Equal(0.3f, nearest[0]!.Value.Distance, 4);
        Assert.Equal("ann", nearest[1]!.Value.Identity);
        Assert.Equal("ann", nearest[2]!.Value.Identity);
        Assert.Null(nearest[3]);
    }

    /// <summary>
    /// Two faces of one photo lie close together: unconstrained linkage joins them (a same-photo pair), Sightline's
    /// people, given apart, are scored higher; two clear people and a stranger are found by every rule.
    /// </summary>
    [Fact]
    public void Every_rule_is_scored_on_the_same_labelled_faces_and_only_unconstrained_linkage_joins_one_photo()
    {
        var faces = new List<EvaluatedFace>();
        for (var i = 0; i < 4; i++)
            faces.Add(Face($"ann{i}:0", 10 + i, At(0.02f * i, 0), 1, "ann"));
        for (var i = 0; i < 4; i++)
            faces.Add(Face($"bob{i}:0", 20 + i, At(2 + 0.02f * i, 0), 2, "bob"));
        // One photo, two people standing together whose descriptors nearly agree (twins): a photo cannot show one person twice.
        faces.Add(Face("twins:0", 30, At(0, 4), 3, "cal"));
        faces.Add(Face("twins:1", 30, At(0.05f, 4), 4, "dan"));
        faces.Add(Face("cal:0", 31, At(-0.05f, 4), 3, "cal"));
        faces.Add(Face("dan:0", 32, At(0.1f, 4), 4, "dan"));
        faces.Add(Face("eve:0", 40, At(0, -3), null, "eve"));
        faces.Add(Face("poor:0", 41, At(2, 0), null, "bob", clusterable: false));

        var results = PeopleEvaluation.Compare(faces, Cut);
        Assert.Equal(["sightline", "immich", "dbscan", "average-linkage"], results.Select(r => r.Name));
        var sightline = results[0];
        Assert.Equal(0, sightline.CannotLinkViolations);
        Assert.Equal(1, sightline.Score.BCubedPrecision, 6);
        Assert.Equal(1, sightline.Score.SeenOnceApart);
        Assert.Equal(5, results[1].Runs!.Count);
        Assert.InRange(results[1].Partitions!.Value, 1, 5);
        var linkage = results[3];
        Assert.True(linkage.CannotLinkViolations >= 1, "unconstrained linkage should join the two faces of the twins' photo");
        Assert.True(sightline.Score.BCubedF1 > linkage.Score.BCubedF1);
        // The too-poor face of bob is scored as a face of its own by every rule: no rule may place it.
        Assert.All(results, r => Assert.True(r.Score.BCubedRecall < 1));
    }

    [Fact]
    public void Nothing_labelled_is_an_error()
    {
        var faces = new[] { Face("a:0", 1, At(0, 0), null, null) };
        Assert.Contains("no face is labelled", Assert.Throws<ArgumentException>(() => PeopleEvaluation.Compare(faces, Cut)).Message);
    }
}
