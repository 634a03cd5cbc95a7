using Sightline.Vision.Pipeline;

namespace Sightline.Vision.Moderation;

/// <summary>
/// How the five class probabilities of the content classifier become a verdict. An image is sensitive when the
/// probabilities of the <see cref="SensitiveClasses"/> add up to at least <see cref="Threshold"/>. With the
/// default 0.5 that is the classifier's own answer to "sensitive or not" once its five classes are folded into
/// those two: the more probable side wins, nothing tuned on any photo set.
/// </summary>
public sealed record ModerateOptions : TaskOptions
{
    public const double DefaultThreshold = 0.5;

    /// <summary>The classes that count as sensitive by default: explicit content and suggestive photos.</summary>
    public static IReadOnlyList<string> DefaultSensitiveClasses { get; } = ["porn", "hentai", "sexy"];

    public static ModerateOptions Default { get; } = new();

    /// <summary>Least summed probability of the sensitive classes that makes an image sensitive (0-1).</summary>
    public double Threshold { get; init; } = DefaultThreshold;

    /// <summary>The content classifier to run: a catalog id or family name (null: the default, nsfwjs).</summary>
    public string? Model { get; init; }

    /// <summary>Which of the classifier's classes count as sensitive (case-insensitive).</summary>
    public IReadOnlyList<string> SensitiveClasses { get; init; } = DefaultSensitiveClasses;

    /// <summary>
    /// The defaults with what a caller gave over them: <paramref name="sensitiveClasses"/> is a comma-separated
    /// list as the CLI and the API take it. Not validated here (<see cref="Validate"/> is).
    /// </summary>
    public static ModerateOptions From(double? threshold = null, string? sensitiveClasses = null, string? model = null) => new()
    {
        Threshold = threshold ?? DefaultThreshold,
        SensitiveClasses = sensitiveClasses is null
            ? DefaultSensitiveClasses
            : sensitiveClasses.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        Model = model,
    };

    public override void Validate()
    {
        InRange("threshold", Threshold, 0, 1);
        if (SensitiveClasses is not { Count: > 0 })
            throw new TaskOptionsException("sensitive", $"name at least one sensitive class of {string.Join(", ", ModerationClasses.All)}");
        var unknown = SensitiveClasses.Where(c => !ModerationClasses.All.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
            throw new TaskOptionsException("sensitive", $"'{unknown[0]}' is not a class of the content classifier; its classes: {string.Join(", ", ModerationClasses.All)}");
        if (SensitiveClasses.Count == ModerationClasses.All.Count &&
            SensitiveClasses.Distinct(StringComparer.OrdinalIgnoreCase).Count() == ModerationClasses.All.Count)
            throw new TaskOptionsException("sensitive", "every class is sensitive, so every image would be: leave at least one class safe");
    }
}
