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

    /// <summary>
    /// Lower case without diacritics: combining marks dropped (file names from macOS come decomposed) and the accented
    /// Latin letters mapped to their base letter by a table, since the build's invariant globalization does not
    /// normalise; æ, œ and ß become ae, oe and ss.
    /// </summary>
    public static string Fold(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var original in text)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(original) == UnicodeCategory.NonSpacingMark)
                continue;
            var ch = char.ToLowerInvariant(original);
            if (ch < '\u00C0')
                builder.Append(ch);
            else if (Folded.TryGetValue(ch, out var plain))
                builder.Append(plain);
            else
                builder.Append(ch);
        }
        return builder.ToString();
    }

    private static readonly Dictionary<char, string> Folded = BuildFolded();

    private static Dictionary<char, string> BuildFolded()
    {
        var table = new Dictionary<char, string>
        {
            ['æ'] = "ae",
            ['œ'] = "oe",
            ['ß'] = "ss",
            ['þ'] = "th",
            ['ð'] = "d",
        };
        foreach (var (plain, accented) in new[]
        {
            ("a", "àáâãäåāăą"), ("c", "çćĉċč"), ("d", "ďđ"), ("e", "èéêëēĕėęě"), ("g", "ĝğġģ"), ("h", "ĥħ"),
            ("i", "ìíîïĩīĭįı"), ("j", "ĵ"), ("k", "ķ"), ("l", "ĺļľŀł"), ("n", "ñńņňŉ"), ("o", "òóôõöøōŏő"),
            ("r", "ŕŗř"), ("s", "śŝşšș"), ("t", "ţťŧț"), ("u", "ùúûüũūŭůűų"), ("w", "ŵ"), ("y", "ýÿŷ"), ("z", "źżž"),
        })
            foreach (var ch in accented)
                table[ch] = plain;
        return table;
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
