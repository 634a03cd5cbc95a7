using Sightline.Vision.Classification;

namespace Sightline.Vision.Tests.Classification;

/// <summary>Labelled feature vectors made in code: Gaussian clusters around random unit centres.</summary>
internal static class Synthetic
{
    public static float[][] Centres(int classes, int dimension, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, classes).Select(_ => Unit(Enumerable.Range(0, dimension).Select(_ => (float)Gaussian(random)).ToArray())).ToArray();
    }

    public static LabelledSet Clusters(float[][] centres, int perClass, double noise, int seed, string prefix = "class")
    {
        var random = new Random(seed);
        var examples = new List<LabelledExample>();
        for (var c = 0; c < centres.Length; c++)
            for (var i = 0; i < perClass; i++)
                examples.Add(new LabelledExample($"{prefix}{c}/{i}", c, Unit(centres[c].Select(v => (float)(v + noise * Gaussian(random))).ToArray())));
        return new LabelledSet(Enumerable.Range(0, centres.Length).Select(c => $"{prefix}{c}").ToArray(), examples);
    }

    public static float[] Unit(float[] v)
    {
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
