namespace Sightline.Inference.Sessions;

/// <summary>A model input or output: its name and its dimensions, -1 where the model leaves one free.</summary>
public sealed record TensorShape(string Name, IReadOnlyList<int> Dimensions)
{
    public bool HasFreeBatchAxis => Dimensions.Count > 0 && Dimensions[0] < 0;

    /// <summary>Elements of one batch item: the product of every dimension after the first.</summary>
    public int ItemLength
    {
        get
        {
            var n = 1;
            for (var i = 1; i < Dimensions.Count; i++)
                n *= Math.Max(1, Dimensions[i]);
            return n;
        }
    }

    public override string ToString() => $"{Name}[{string.Join(",", Dimensions.Select(d => d < 0 ? "N" : d.ToString()))}]";
}
