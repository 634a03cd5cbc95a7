using Sightline.Faces.Descriptors;

namespace Sightline.Faces.Tests.Gallery;

/// <summary>
/// Made-up 128-d descriptors: each person is a random unit vector, each face of them that vector plus
/// noise, renormalised. Faces of one person lie about 0.35 apart, of different people about 1.4.
/// </summary>
internal sealed class SyntheticFaces(int seed, string modelId = SyntheticFaces.Model, int dimension = 128)
{
    public const string Model = "synthetic-v1";
    private readonly Random _random = new(seed);

    public float[] Person() => Unit(Enumerable.Range(0, dimension).Select(_ => Gaussian()).ToArray());

    public FaceDescriptor Face(float[] person, float noise = 0.025f) =>
        new(modelId, DescriptorMetric.Euclidean, Unit(person.Select(v => v + noise * Gaussian()).ToArray()));

    public static FaceDescriptor Descriptor(float[] values, string modelId = Model) => new(modelId, DescriptorMetric.Euclidean, values);

    private float Gaussian() => (float)(Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble()));

    private static float[] Unit(float[] v)
    {
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }
}

/// <summary>A clock the test sets.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}
