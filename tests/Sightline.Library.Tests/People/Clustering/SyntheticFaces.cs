using Sightline.Library.People.Clustering;

namespace Sightline.Library.Tests.People.Clustering;

/// <summary>Faces made in code: gaussian blobs of descriptors around random identity centres.</summary>
internal static class SyntheticFaces
{
    public static float Gaussian(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

    public static float[] Around(float[] centre, float spread, Random random) =>
        centre.Select(c => c + spread * Gaussian(random)).ToArray();

    public static float[] Around(float[] centre, double spread, Random random) => Around(centre, (float)spread, random);

    public static float[] Centre(int dimension, double scale, Random random) => RandomVector(dimension, (float)scale, random);

    public static float[] RandomVector(int dimension, float scale, Random random) =>
        Enumerable.Range(0, dimension).Select(_ => scale * Gaussian(random)).ToArray();

    /// <summary>
    /// <paramref name="identities"/> blobs of 1 to <paramref name="maxPerIdentity"/> faces; each face on one of
    /// <paramref name="photos"/> photos (so some pairs share a photo), stable keys in a random order unrelated to ids.
    /// </summary>
    public static List<ClusterFace> Blobs(int seed, int identities, int maxPerIdentity, int dimension, float centreScale, float spread, int photos)
    {
        var random = new Random(seed);
        var faces = new List<ClusterFace>();
        for (var identity = 0; identity < identities; identity++)
        {
            var centre = RandomVector(dimension, centreScale, random);
            var count = random.Next(1, maxPerIdentity + 1);
            for (var k = 0; k < count; k++)
                faces.Add(Face(faces.Count + 1, random.Next(photos), Around(centre, spread, random), random));
        }
        return faces;
    }

    public static ClusterFace Face(long id, long photo, float[] descriptor, Random random, long? pinned = null, IReadOnlyList<long>? rejected = null) =>
        new(id, $"{random.Next():x8}-{id}", photo, descriptor, pinned, rejected);

    public static List<T> Shuffled<T>(IEnumerable<T> items, int seed)
    {
        var list = items.ToList();
        var random = new Random(seed);
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
        return list;
    }

    /// <summary>A clustering as comparable text: each cluster's face ids, pin and mean distance, one line per cluster.</summary>
    public static string Describe(IEnumerable<FaceCluster> clusters) =>
        string.Join("\n", clusters.Select(c => $"[{string.Join(",", c.FaceIds)}] pin={c.PinnedPerson} mean={c.MeanDistance:R} component={c.Component}"));

    /// <summary>The partition alone (sets of face ids), independent of cluster order and component numbers.</summary>
    public static string Partition(IEnumerable<FaceCluster> clusters) =>
        string.Join("\n", clusters.Select(c => string.Join(",", c.FaceIds.Order())).Order(StringComparer.Ordinal));
}
