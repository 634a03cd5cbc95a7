using Sightline.Library.People.Evaluation;

namespace Sightline.Library.Tests.People.Clustering;

public class BaselineClusteringsTests
{
    // Points on a line: a group A at 0, 0.1, 0.2; a group B at 5, 5.1, 5.2; a straggler s at 0.65 (0.45 from A's
    // last point, 0.55 from the middle one); a loner l at 10.
    private static readonly float[][] Line =
    [
        [0f, 0f], [0.1f, 0f], [0.2f, 0f], // 0..2: A
        [5f, 0f], [5.1f, 0f], [5.2f, 0f], // 3..5: B
        [0.65f, 0f], // 6: s
        [10f, 0f], // 7: l
    ];

    [Fact]
    public void Immich_starts_people_from_core_faces_and_places_the_rest_in_a_second_pass()
    {
        // s arrives first with 2 faces (itself and 0.2) within 0.5, fewer than 3: it waits. 0 is core (0, 0.1, 0.2)
        // and starts person 0, 1 and 2 join it; 3 starts person 1. In the second pass s takes the person of its
        // nearest placed neighbour (0.2, person 0); l has none and stays unassigned.
        var people = BaselineClusterings.Immich(Line, order: [6, 0, 1, 2, 3, 4, 5, 7], maxDistance: 0.5f, minFaces: 3);

        Assert.Equal([0, 0, 0, 1, 1, 1, 0, null], people);
    }

    [Fact]
    public void Immich_depends_on_the_arrival_order()
    {
        // A chain 0, 0.4, 0.85 with minFaces 2: every point is core. In order 0, 1, 2 each joins the one before;
        // in order 0, 2, 1 the far end arrives with no placed neighbour and starts a second person.
        float[][] chain = [[0f], [0.4f], [0.85f]];

        Assert.Equal([0, 0, 0], BaselineClusterings.Immich(chain, order: [0, 1, 2], maxDistance: 0.5f, minFaces: 2));
        Assert.Equal([0, 0, 1], BaselineClusterings.Immich(chain, order: [0, 2, 1], maxDistance: 0.5f, minFaces: 2));
    }

    [Fact]
    public void Immich_refuses_an_order_that_is_not_a_permutation()
    {
        var error = Assert.Throws<ArgumentException>(() => BaselineClusterings.Immich(Line, [0, 0, 1, 2, 3, 4, 5, 6]));
        Assert.Contains("face 0 twice", error.Message);
    }

    [Fact]
    public void Dbscan_chains_core_points_and_leaves_noise_unassigned()
    {
        // 0, 0.3, 0.6, 0.9 chain (each 0.3 from the next); 3, 3.2 a pair; 6 alone.
        float[][] points = [[0f], [0.3f], [0.6f], [0.9f], [3f], [3.2f], [6f]];

        // minPoints 2: every point with a neighbour is core -> the chain, the pair, noise.
        Assert.Equal([0, 0, 0, 0, 1, 1, null], BaselineClusterings.Dbscan(points, eps: 0.5f, minPoints: 2));
        // minPoints 3: only 0.3 and 0.6 are core; 0 and 0.9 join as border points; the pair is noise now.
        Assert.Equal([0, 0, 0, 0, null, null, null], BaselineClusterings.Dbscan(points, eps: 0.5f, minPoints: 3));
    }
}
