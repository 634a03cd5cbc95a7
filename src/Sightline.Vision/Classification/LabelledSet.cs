namespace Sightline.Vision.Classification;

/// <summary>
/// One training image: its features, its class index and, when augmentation is on, the features of
/// altered copies of it (<see cref="Views"/>), which only ever join the training side of a split.
/// </summary>
public sealed record LabelledExample(string Source, int Label, float[] Features, IReadOnlyList<float[]>? Views = null)
{
    public IReadOnlyList<float[]> AllViews => Views is { Count: > 0 } views ? [Features, .. views] : [Features];
}

/// <summary>Embedded training data: class names (index = label) and the examples.</summary>
public sealed record LabelledSet(IReadOnlyList<string> Classes, IReadOnlyList<LabelledExample> Examples)
{
    public int Dimension => Examples.Count == 0 ? 0 : Examples[0].Features.Length;

    public int[] CountPerClass()
    {
        var counts = new int[Classes.Count];
        foreach (var e in Examples)
            counts[e.Label]++;
        return counts;
    }
}
