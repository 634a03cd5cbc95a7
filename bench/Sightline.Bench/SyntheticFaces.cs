namespace Sightline.Bench;

/// <summary>A synthetic face: the person it shows (-1 - n for the n-th stranger, seen once) and its descriptor.</summary>
public sealed record SyntheticFace(int Person, float[] Descriptor);

/// <summary>
/// 128-d face descriptors shaped like face-api's on faces-lfw (216 labelled faces of 70 people, the largest face of
/// each photo; measured from the descriptors of <c>sightline faces --descriptors</c> over faces-lfw/images):
/// descriptors lie around a common mean of norm 1.31 (each of norm 1.42 ± 0.08); a person's centre sits off it by
/// about 0.043 per dimension (centre-to-centre distance 0.69 ± 0.10), their faces off their centre by about 0.028
/// per dimension. Pairs of one person lie 0.440 ± 0.073 apart (95th percentile 0.565), pairs of two people
/// 0.805 ± 0.094 (1st percentile 0.602, 5th 0.658, nearest 0.488). The generator draws each person's two spreads
/// from log-normals around 0.039 and 0.028 (sigma 0.2 and 0.22), which gives, on faces-lfw's 70 people and
/// sizes, same-person pairs 0.443 ± 0.075 (95th 0.551) and different-person pairs 0.797 ± 0.092 (1st 0.594, 5th 0.651).
/// A library's people have a heavy-tailed number of faces (discrete Pareto, alpha 1.1: a few people in hundreds of
/// photos, most in a handful), and a quarter of its faces are strangers seen once.
/// </summary>
public static class SyntheticFaces
{
    public const int Dimension = 128;
    private const double MeanNorm = 1.307, CentreSpread = 0.039, FaceSpread = 0.028, CentreSigma = 0.2, FaceSigma = 0.22;
    private const double StrangerShare = 0.25, ParetoAlpha = 1.1;

    /// <summary><paramref name="count"/> faces in a random order (the same for the same seed).</summary>
    public static IReadOnlyList<SyntheticFace> Generate(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        var mean = Direction(random, MeanNorm);
        var faces = new List<SyntheticFace>(count);
        var strangers = (int)Math.Round(count * StrangerShare);
        var person = 0;
        // People are drawn until the faces of known people are made; the last one takes what is left.
        while (faces.Count < count - strangers)
        {
            var size = Math.Min(count - strangers - faces.Count, ParetoSize(random, Math.Max(2, count / 50)));
            var centre = Around(random, mean, CentreSpread * Math.Exp(CentreSigma * Gaussian(random)));
            var spread = FaceSpread * Math.Exp(FaceSigma * Gaussian(random));
            for (var i = 0; i < size; i++)
                faces.Add(new SyntheticFace(person, Around(random, centre, spread)));
            person++;
        }
        for (var s = 0; s < strangers; s++)
        {
            var centre = Around(random, mean, CentreSpread * Math.Exp(CentreSigma * Gaussian(random)));
            faces.Add(new SyntheticFace(-1 - s, Around(random, centre, FaceSpread * Math.Exp(FaceSigma * Gaussian(random)))));
        }
        var shuffled = faces.ToArray();
        random.Shuffle(shuffled);
        return shuffled;
    }

    /// <summary>At least 2 faces, heavy-tailed: P(size >= k) falls as (2 / k)^alpha, capped at <paramref name="cap"/>.</summary>
    private static int ParetoSize(Random random, int cap) =>
        (int)Math.Min(cap, Math.Floor(2 / Math.Pow(1 - random.NextDouble(), 1 / ParetoAlpha)));

    private static float[] Direction(Random random, double norm)
    {
        var v = new double[Dimension];
        for (var i = 0; i < Dimension; i++)
            v[i] = Gaussian(random);
        var length = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => (float)(x * norm / length)).ToArray();
    }

    private static float[] Around(Random random, float[] centre, double spread)
    {
        var v = new float[centre.Length];
        for (var i = 0; i < v.Length; i++)
            v[i] = centre[i] + (float)(spread * Gaussian(random));
        return v;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
