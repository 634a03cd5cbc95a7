using System.Globalization;
using System.Text;

namespace Sightline.Library.Search;

/// <summary>
/// Words as the search index keeps them and as a search looks them up: runs of letters and digits, lower-cased, with
/// accents folded ("Café-Crème 42.50" is "cafe", "creme", "42", "50"), so that what a user types finds what the photo says.
/// </summary>
public static class SearchWords
{
    /// <summary>Longer runs are cut to this many characters (a hash or a base64 blob in a file name is no word to search for).</summary>
    public const int MaxWordLength = 40;

    /// <summary>The distinct words of <paramref name="text"/>, in order of first appearance.</summary>
    public static IReadOnlyList<string> Of(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return [];
        var folded = Fold(text);
        var words = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var current = new StringBuilder();
        void Flush()
        {
            if (current.Length == 0)
                return;
            var word = current.Length > MaxWordLength ? current.ToString(0, MaxWordLength) : current.ToString();
            if (seen.Add(word))
                words.Add(word);
            current.Clear();
        }
        foreach (var ch in folded)
        {
            if (char.IsLetterOrDigit(ch))
                current.Append(ch);
            else
                Flush();
        }
        Flush();
        return words;
    }

    /// <summary>Lower case without diacritics (decomposed, marks dropped); ß and the like stay as they are.</summary>
    public static string Fold(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark)
                builder.Append(char.ToLowerInvariant(ch));
        return builder.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>
    /// The exclusive upper bound of the words that start with <paramref name="prefix"/>: the prefix with its last
    /// character raised by one, so that a prefix lookup is a range of the index (word &gt;= prefix AND word &lt; bound).
    /// </summary>
    public static string PrefixBound(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var last = prefix[^1];
        return last == char.MaxValue ? prefix + char.MaxValue : prefix[..^1] + (char)(last + 1);
    }
}
