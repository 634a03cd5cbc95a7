using Sightline.Vision.Pipeline;

namespace Sightline.Vision.Similarity;

/// <summary>How many of an index's images a similarity search returns: the one default and range of the CLI's --top and the API's top.</summary>
public sealed record SimilarOptions(int Top = SimilarOptions.DefaultTop) : TaskOptions
{
    public const int DefaultTop = 10;

    /// <summary>The most matches one search may return.</summary>
    public const int MaxTop = 1000;

    /// <summary>Options with every default; a parameterless constructor for the task registry.</summary>
    public SimilarOptions() : this(DefaultTop)
    {
    }

    public static SimilarOptions Default { get; } = new();

    public override void Validate() => InRange("top", Top, 1, MaxTop);
}
