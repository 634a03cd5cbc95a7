using Sightline.Inference.Timing;

namespace Sightline.Vision.Moderation;

public enum ModerationVerdict { Safe, Sensitive }

/// <summary>One class of the content classifier and its probability.</summary>
public sealed record ClassScore(string Label, float Score);

/// <summary>
/// The content classifier's answer on one image: the five class probabilities in the model's order, the summed
/// probability of the sensitive classes, the verdict at <see cref="Threshold"/>, and <see cref="DrivenBy"/>: the
/// fewest classes of the winning side whose probabilities alone reach the verdict (the strongest first).
/// </summary>
public sealed record ModerationResult(
    ModerationVerdict Verdict,
    double SensitiveScore,
    double Threshold,
    IReadOnlyList<string> DrivenBy,
    IReadOnlyList<ClassScore> Scores,
    IReadOnlyList<string> SensitiveClasses,
    string ModelId,
    string ModelVersion,
    StageTimings Timings)
{
    public bool Sensitive => Verdict == ModerationVerdict.Sensitive;

    /// <summary>The probability of one class by name (case-insensitive).</summary>
    public float ScoreOf(string label) =>
        Scores.FirstOrDefault(s => string.Equals(s.Label, label, StringComparison.OrdinalIgnoreCase))?.Score
        ?? throw new ArgumentException($"'{label}' is not one of the classes {string.Join(", ", Scores.Select(s => s.Label))}", nameof(label));
}

/// <summary>The verdict rule, apart from any model: class probabilities in, verdict and its reasons out.</summary>
public static class ModerationRule
{
    /// <summary>The verdict on <paramref name="probabilities"/> (one per label, in order) under <paramref name="options"/>.</summary>
    public static (ModerationVerdict Verdict, double SensitiveScore, IReadOnlyList<string> DrivenBy) Decide(
        IReadOnlyList<string> labels, ReadOnlySpan<float> probabilities, ModerateOptions options)
    {
        if (probabilities.Length != labels.Count)
            throw new ArgumentException($"{probabilities.Length} probabilities for {labels.Count} classes", nameof(probabilities));
        var sensitive = new List<(string Label, double P)>();
        var safe = new List<(string Label, double P)>();
        for (var i = 0; i < labels.Count; i++)
            (IsSensitive(labels[i], options) ? sensitive : safe).Add((labels[i], probabilities[i]));
        var sensitiveScore = sensitive.Sum(s => s.P);
        var safeScore = safe.Sum(s => s.P);
        // Safe wins when the sensitive share stays under the threshold, i.e. when the safe share exceeds the rest.
        return sensitiveScore >= options.Threshold
            ? (ModerationVerdict.Sensitive, sensitiveScore, Fewest(sensitive, options.Threshold, reachInclusive: true))
            : (ModerationVerdict.Safe, sensitiveScore, Fewest(safe, sensitiveScore + safeScore - options.Threshold, reachInclusive: false));
    }

    private static bool IsSensitive(string label, ModerateOptions options) =>
        options.SensitiveClasses.Contains(label, StringComparer.OrdinalIgnoreCase);

    /// <summary>The strongest classes of one side, as few as reach <paramref name="bound"/>; all of them when none do.</summary>
    private static IReadOnlyList<string> Fewest(List<(string Label, double P)> side, double bound, bool reachInclusive)
    {
        var chosen = new List<string>();
        var sum = 0.0;
        foreach (var (label, p) in side.OrderByDescending(s => s.P))
        {
            chosen.Add(label);
            sum += p;
            if (reachInclusive ? sum >= bound : sum > bound)
                return chosen;
        }
        return chosen;
    }
}
