namespace Sightline.Bench.Tests;

/// <summary>The people-cluster benchmark's synthetic faces and options.</summary>
public class PeopleClusterBenchmarkTests
{
    private static float Distance(float[] a, float[] b) => MathF.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum());

    [Fact]
    public void Synthetic_faces_keep_face_api_distances_on_faces_lfw()
    {
        var faces = SyntheticFaces.Generate(1500, seed: 3);
        Assert.Equal(1500, faces.Count);
        Assert.All(faces, f => Assert.Equal(SyntheticFaces.Dimension, f.Descriptor.Length));
        var same = new Dictionary<int, List<float>>();
        var different = new List<float>();
        for (var i = 0; i < 600; i++)
            for (var j = i + 1; j < 600; j++)
            {
                var d = Distance(faces[i].Descriptor, faces[j].Descriptor);
                if (faces[i].Person == faces[j].Person)
                    (same.TryGetValue(faces[i].Person, out var list) ? list : same[faces[i].Person] = []).Add(d);
                else
                    different.Add(d);
            }
        // face-api on faces-lfw: same person 0.440, different people 0.805 (see SyntheticFaces). Pairs of one person are
        // taken person by person: the largest person would otherwise outweigh all the others.
        var perPerson = same.Values.Select(v => v.Average()).Order().ToList();
        Assert.InRange(perPerson[perPerson.Count / 2], 0.40, 0.48);
        Assert.InRange(different.Average(), 0.76, 0.85);
        // A quarter seen once, and a heavy tail: the largest person holds many times the median.
        Assert.InRange(faces.Count(f => f.Person < 0), 350, 400);
        var sizes = faces.Where(f => f.Person >= 0).GroupBy(f => f.Person).Select(g => g.Count()).Order().ToList();
        Assert.True(sizes[^1] >= 5 * sizes[sizes.Count / 2], $"largest person {sizes[^1]} faces, median {sizes[sizes.Count / 2]}");
        Assert.Equal(faces.Select(f => f.Descriptor[0]), SyntheticFaces.Generate(1500, seed: 3).Select(f => f.Descriptor[0]));
    }

    [Theory]
    [InlineData("10000,100000", new[] { 10000, 100000 })]
    [InlineData(" 500 ", new[] { 500 })]
    public void Sizes_are_read_from_the_faces_option(string text, int[] sizes) =>
        Assert.Equal(sizes, PeopleClusterBenchmark.Sizes(text));

    [Theory]
    [InlineData("ten")]
    [InlineData("5")]
    [InlineData(",")]
    public void Bad_sizes_name_the_option(string text) =>
        Assert.Contains("--faces", Assert.Throws<BenchOptionException>(() => PeopleClusterBenchmark.Sizes(text)).Message);
}
