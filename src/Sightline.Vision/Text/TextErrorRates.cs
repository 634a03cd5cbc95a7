using System.Globalization;
using System.Text;

namespace Sightline.Vision.Text;

/// <summary>Errors of read text against the truth: edits (Levenshtein) over characters and over words, and the lengths they are rates of.</summary>
public readonly record struct TextErrors(int CharEdits, int Chars, int WordEdits, int Words)
{
    public double CharErrorRate => Chars == 0 ? (CharEdits == 0 ? 0 : 1) : (double)CharEdits / Chars;
    public double WordErrorRate => Words == 0 ? (WordEdits == 0 ? 0 : 1) : (double)WordEdits / Words;

    public static TextErrors operator +(TextErrors a, TextErrors b) =>
        new(a.CharEdits + b.CharEdits, a.Chars + b.Chars, a.WordEdits + b.WordEdits, a.Words + b.Words);
}

/// <summary>How read text and its truth are made comparable before counting errors.</summary>
public enum TextNormalization
{
    /// <summary>Whitespace runs (line breaks too) become one space; case and punctuation count.</summary>
    Whitespace,

    /// <summary>Also case folded and punctuation dropped: the words as a search would match them.</summary>
    Words,
}

/// <summary>Character and word error rates, as OCR evaluations report them: edits needed to turn the read text into the truth, over the truth's length.</summary>
public static class TextErrorRates
{
    public static TextErrors Measure(string read, string truth, TextNormalization normalization = TextNormalization.Whitespace)
    {
        var r = Normalize(read, normalization);
        var t = Normalize(truth, normalization);
        var rw = r.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var tw = t.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var rc = Graphemes(r);
        var tc = Graphemes(t);
        return new TextErrors(Distance(rc, tc), tc.Length, Distance(rw, tw), tw.Length);
    }

    public static string Normalize(string text, TextNormalization normalization)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.Normalize(NormalizationForm.FormC))
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }
            if (normalization == TextNormalization.Words && (char.IsPunctuation(c) || char.IsSymbol(c)))
                continue;
            if (space)
                builder.Append(' ');
            space = false;
            builder.Append(normalization == TextNormalization.Words ? char.ToLowerInvariant(c) : c);
        }
        return builder.ToString();
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions, each costing one.</summary>
    public static int Distance<T>(IReadOnlyList<T> a, IReadOnlyList<T> b)
    {
        var comparer = EqualityComparer<T>.Default;
        var previous = new int[b.Count + 1];
        var current = new int[b.Count + 1];
        for (var j = 0; j <= b.Count; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Count; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Count; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (comparer.Equals(a[i - 1], b[j - 1]) ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Count];
    }

    private static string[] Graphemes(string text)
    {
        var list = new List<string>(text.Length);
        var e = StringInfo.GetTextElementEnumerator(text);
        while (e.MoveNext())
            list.Add(e.GetTextElement());
        return list.ToArray();
    }
}
