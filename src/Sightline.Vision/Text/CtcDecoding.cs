namespace Sightline.Vision.Text;

/// <summary>One recognised character and the probability the recogniser gave it.</summary>
public readonly record struct RecognizedChar(string Text, float Confidence);

/// <summary>A text line as the recogniser read it: the characters with their confidences, and their mean.</summary>
public sealed record RecognizedText(string Text, float Confidence, IReadOnlyList<RecognizedChar> Characters)
{
    public static RecognizedText Empty { get; } = new("", 0f, []);
}

/// <summary>
/// The recogniser's alphabet: class 0 is the CTC blank, classes 1..n the dictionary's characters in file order,
/// and one more class for the space (PP-OCR's recognisers are exported with the space appended).
/// </summary>
public sealed class CharacterSet
{
    private readonly string[] _symbols;

    public CharacterSet(IEnumerable<string> characters, bool withSpace = true)
    {
        var list = new List<string> { "" };
        list.AddRange(characters);
        if (withSpace)
            list.Add(" ");
        _symbols = list.ToArray();
    }

    /// <summary>Classes the recogniser's output must have: blank, characters and the space.</summary>
    public int ClassCount => _symbols.Length;

    public string this[int index] => _symbols[index];

    /// <summary>The dictionary file: one character per line (a line's trailing CR is not part of it).</summary>
    public static CharacterSet Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"character list '{path}' does not exist", path);
        return new CharacterSet(File.ReadAllLines(path).Select(l => l.TrimEnd('\r')));
    }
}

/// <summary>
/// Greedy CTC decoding: the most probable class per time step; repeats of one class collapse into one character
/// and the blank separates characters. Each character's confidence is the highest probability among the steps
/// it spans, the line's confidence their mean.
/// </summary>
public static class CtcDecoding
{
    /// <summary>Decodes one sequence of <paramref name="steps"/> x <paramref name="classes"/> probabilities.</summary>
    public static RecognizedText Decode(ReadOnlySpan<float> probabilities, int steps, int classes, CharacterSet alphabet)
    {
        if (classes != alphabet.ClassCount)
            throw new ArgumentException($"the recogniser gives {classes} classes per step; its character list has {alphabet.ClassCount}", nameof(classes));
        if (probabilities.Length < steps * classes)
            throw new ArgumentException($"{probabilities.Length} probabilities for {steps} steps of {classes} classes", nameof(probabilities));
        var characters = new List<RecognizedChar>();
        var previous = 0;
        var best = 0f;
        for (var t = 0; t < steps; t++)
        {
            var row = probabilities.Slice(t * classes, classes);
            var argmax = 0;
            var max = row[0];
            for (var c = 1; c < classes; c++)
            {
                if (row[c] > max)
                {
                    max = row[c];
                    argmax = c;
                }
            }
            if (argmax != 0 && argmax == previous)
            {
                best = Math.Max(best, max);
                characters[^1] = characters[^1] with { Confidence = best };
            }
            else if (argmax != 0)
            {
                best = max;
                characters.Add(new RecognizedChar(alphabet[argmax], max));
            }
            previous = argmax;
        }
        // Spaces at either end carry no text; a run of spaces inside reads as one.
        var trimmed = new List<RecognizedChar>(characters.Count);
        foreach (var character in characters)
        {
            if (character.Text == " " && (trimmed.Count == 0 || trimmed[^1].Text == " "))
                continue;
            trimmed.Add(character);
        }
        while (trimmed.Count > 0 && trimmed[^1].Text == " ")
            trimmed.RemoveAt(trimmed.Count - 1);
        if (trimmed.Count == 0)
            return RecognizedText.Empty;
        return new RecognizedText(string.Concat(trimmed.Select(c => c.Text)), trimmed.Average(c => c.Confidence), trimmed);
    }
}
