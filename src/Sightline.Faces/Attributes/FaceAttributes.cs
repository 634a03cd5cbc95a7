namespace Sightline.Faces.Attributes;

/// <summary>The seven expression labels Sightline reports, whatever the model's own names and order.</summary>
public static class Emotions
{
    public static IReadOnlyList<string> Labels { get; } = ["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"];
}

/// <summary>The most likely expression, its probability, and the probability of each of the seven.</summary>
public sealed record FaceEmotion(string Label, float Score, IReadOnlyDictionary<string, float> Scores)
{
    /// <summary>Why this reading is not to be trusted (the face is too poor: <see cref="Identifiability.Summary"/>); null when it is.</summary>
    public string? Unreliable { get; init; }

    public static FaceEmotion From(IReadOnlyList<string> labels, ReadOnlySpan<float> probabilities)
    {
        var scores = new Dictionary<string, float>(labels.Count);
        var best = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            scores[labels[i]] = probabilities[i];
            if (probabilities[i] > probabilities[best])
                best = i;
        }
        return new FaceEmotion(labels[best], probabilities[best], Emotions.Labels.ToDictionary(l => l, l => scores.GetValueOrDefault(l)));
    }
}

/// <summary>Estimated age in years and gender ("female" or "male") with the probability of that gender.</summary>
public readonly record struct AgeGender(float Age, string Gender, float GenderScore)
{
    /// <summary>Why this estimate is not to be trusted (the face is too poor: <see cref="Identifiability.Summary"/>); null when it is.</summary>
    public string? Unreliable { get; init; }
}

/// <summary>
/// Presentation-attack scores in 0-1 from two small models: <see cref="Real"/> (anti-spoof: a real face
/// rather than a photo or screen) and <see cref="Live"/> (liveness). Higher is more likely genuine.
/// </summary>
public readonly record struct Liveness(float Real, float Live);

/// <summary>
/// How usable a face is for recognition, each part in 0-1 (1 best): <see cref="Size"/> (pixels across
/// against the 112 the networks see), <see cref="Sharpness"/> (Laplacian energy of the crop),
/// <see cref="Frontal"/> (from head yaw and pitch); <see cref="Score"/> is their geometric mean.
/// </summary>
public readonly record struct FaceQuality(float Score, float Size, float Sharpness, float Frontal);
