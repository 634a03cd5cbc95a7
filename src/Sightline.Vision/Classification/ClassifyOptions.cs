using Sightline.Vision.Pipeline;

namespace Sightline.Vision.Classification;

/// <summary>
/// How many classes a classification lists (the answer and the unknown rule do not depend on it). The one
/// default and range of the CLI's --top and the API's top.
/// </summary>
public sealed record ClassifyOptions(int Top = ClassifyOptions.DefaultTop) : TaskOptions
{
    /// <summary>Five: the usual top-5, and every class of a small classifier.</summary>
    public const int DefaultTop = 5;

    /// <summary>The most classes one answer may list.</summary>
    public const int MaxTop = 1000;

    /// <summary>Options with every default; a parameterless constructor for the task registry.</summary>
    public ClassifyOptions() : this(DefaultTop)
    {
    }

    public static ClassifyOptions Default { get; } = new();

    public override void Validate() => InRange("top", Top, 1, MaxTop);
}
