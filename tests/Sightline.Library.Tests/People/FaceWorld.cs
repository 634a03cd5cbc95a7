using Sightline.Library.Metadata;
using Sightline.Library.People;

namespace Sightline.Library.Tests.People;

/// <summary>
/// Synthetic faces without models: each person is a point in a 128-d descriptor space (0.6 from the origin, so two
/// people lie about 0.85 apart, beyond the 0.55 cut), each of their faces that point plus a little noise (about 0.19
/// between two faces of one person). Everything is seeded: the same person and variant give the same descriptor.
/// </summary>
internal static class FaceWorld
{
    public const string Model = "face-api-face-recognition";
    public const int Dimension = 128;

    public static float[] Person(int person)
    {
        var random = new Random(10_000 + person);
        var v = Enumerable.Range(0, Dimension).Select(_ => Gaussian(random)).ToArray();
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm * 0.6f).ToArray();
    }

    public static float[] Face(int person, int variant, float noise = 0.012f)
    {
        var random = new Random(person * 7919 + variant * 104_729 + 17);
        return Person(person).Select(x => x + noise * Gaussian(random)).ToArray();
    }

    /// <summary>A face between two people: <paramref name="share"/> of the way from the first to the second.</summary>
    public static float[] Between(int first, int second, float share, int variant)
    {
        var a = Face(first, variant);
        var b = Face(second, variant);
        return a.Select((x, i) => x + share * (b[i] - x)).ToArray();
    }

    private static float Gaussian(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

    /// <summary>A detected face at the <paramref name="index"/>-th place of a row of faces, <paramref name="shift"/> pixels to the right.</summary>
    public static FaceRecord Detected(int index, float[]? descriptor, string? model = Model, string? tooPoor = null, float shift = 0, float quality = 0.8f) =>
        new(index, FaceOrigin.Detected, 100 + 300 * index + shift, 100, 200, 200, 0.95f, Descriptor: descriptor, DescriptorModel: descriptor is null ? null : model,
            Quality: quality, TooPoor: tooPoor);

    public static PhotoUpdate Photo(string hash, params float[][] descriptors) =>
        Photo(hash, descriptors.Select((d, i) => Detected(i, d)).ToArray());

    public static PhotoUpdate Photo(string hash, params FaceRecord[] faces) =>
        new(hash, MediaKind.Photo, "jpeg", 1000, 4000, 3000, PhotoMetadata.Empty, null, [], faces);

    /// <summary>
    /// The grouping of faces into people, by stable keys (content hash ":" index) and independent of ids: one line per
    /// person, its sorted keys; faces in no person each alone. Equal strings mean equal partitions.
    /// </summary>
    public static async Task<string> PartitionAsync(PeopleService people)
    {
        var assignments = await people.GetAssignmentsAsync();
        var groups = assignments.GroupBy(a => a.PersonId is { } p ? "p" + p : "f" + a.FaceId)
            .Select(g => string.Join(" ", g.Select(a => $"{a.ContentHash}:{a.Index}").Order(StringComparer.Ordinal)))
            .Order(StringComparer.Ordinal);
        return string.Join("\n", groups);
    }

    /// <summary>Stable key to person id (null: in no person).</summary>
    public static async Task<Dictionary<string, long?>> PersonByKeyAsync(PeopleService people) =>
        (await people.GetAssignmentsAsync()).ToDictionary(a => $"{a.ContentHash}:{a.Index}", a => a.PersonId);

    public static async Task<Dictionary<string, long>> FaceIdByKeyAsync(PeopleService people) =>
        (await people.GetAssignmentsAsync()).ToDictionary(a => $"{a.ContentHash}:{a.Index}", a => a.FaceId);
}
