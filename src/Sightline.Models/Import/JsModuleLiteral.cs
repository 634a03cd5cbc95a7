using System.Globalization;
using System.Text;

namespace Sightline.Models.Import;

/// <summary>
/// Some packages (nsfwjs) ship model.json and weight shards as bundled JavaScript modules. This takes
/// the exported value out: an object literal (rewritten as JSON) or a base64 string (decoded).
/// Only the literal syntax minifiers emit is understood; anything else is refused.
/// </summary>
public static class JsModuleLiteral
{
    /// <summary>The object literal assigned to <c>exports</c>, as JSON text.</summary>
    public static string ExportedObjectAsJson(string source, string name)
    {
        var start = FindExport(source, '{', name);
        var json = new StringBuilder(source.Length);
        var pos = start;
        Value(source, ref pos, json, name);
        return json.ToString();
    }

    /// <summary>The longest base64 string literal in the module: a weight shard's bytes.</summary>
    public static byte[] ExportedBase64(string source, string name)
    {
        var best = (Start: -1, Length: 0);
        for (var i = 0; i < source.Length; i++)
        {
            if (source[i] is not ('"' or '\''))
                continue;
            var end = source.IndexOf(source[i], i + 1);
            if (end < 0) break;
            if (end - i - 1 > best.Length) best = (i + 1, end - i - 1);
            i = end;
        }
        if (best.Length < 4)
            throw new TfjsImportException(TfjsImportErrorKind.BadWeights, $"{name}: no base64 payload in the JavaScript module");
        try
        {
            return Convert.FromBase64String(source.Substring(best.Start, best.Length));
        }
        catch (FormatException e)
        {
            throw new TfjsImportException(TfjsImportErrorKind.BadWeights, $"{name}: the JavaScript module's payload is not base64", e);
        }
    }

    private static int FindExport(string source, char open, string name)
    {
        var at = source.IndexOf("exports=", StringComparison.Ordinal);
        while (at >= 0)
        {
            var p = at + "exports=".Length;
            if (p < source.Length && source[p] == open)
                return p;
            at = source.IndexOf("exports=", p, StringComparison.Ordinal);
        }
        throw new TfjsImportException(TfjsImportErrorKind.BadModelFile, $"{name}: no exported object literal in the JavaScript module");
    }

    private static void Value(string s, ref int pos, StringBuilder json, string name)
    {
        switch (s[pos])
        {
            case '{':
                json.Append('{');
                pos++;
                var first = true;
                while (s[pos] != '}')
                {
                    if (!first) { Expect(s, ref pos, ',', name); json.Append(','); }
                    first = false;
                    if (s[pos] == '}') break; // trailing comma
                    Key(s, ref pos, json, name);
                    Expect(s, ref pos, ':', name);
                    json.Append(':');
                    Value(s, ref pos, json, name);
                }
                pos++;
                json.Append('}');
                return;
            case '[':
                json.Append('[');
                pos++;
                var firstItem = true;
                while (s[pos] != ']')
                {
                    if (!firstItem) { Expect(s, ref pos, ',', name); json.Append(','); }
                    firstItem = false;
                    if (s[pos] == ']') break;
                    Value(s, ref pos, json, name);
                }
                pos++;
                json.Append(']');
                return;
            case '"' or '\'':
                json.Append(StringLiteral(s, ref pos));
                return;
            case '!' when pos + 1 < s.Length && s[pos + 1] is '0' or '1':
                json.Append(s[pos + 1] == '0' ? "true" : "false");
                pos += 2;
                return;
        }
        foreach (var word in new[] { "null", "true", "false", "void 0" })
            if (string.CompareOrdinal(s, pos, word, 0, word.Length) == 0)
            {
                json.Append(word == "void 0" ? "null" : word);
                pos += word.Length;
                return;
            }
        var end = pos;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] is '.' or '-' or '+' or 'e' or 'E'))
            end++;
        if (end == pos || !double.TryParse(s.AsSpan(pos, end - pos), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            throw new TfjsImportException(TfjsImportErrorKind.BadModelFile, $"{name}: unexpected JavaScript at offset {pos}: '{s.Substring(pos, Math.Min(20, s.Length - pos))}'");
        json.Append(number.ToString("R", CultureInfo.InvariantCulture));
        pos = end;
    }

    private static void Key(string s, ref int pos, StringBuilder json, string name)
    {
        if (s[pos] is '"' or '\'')
        {
            json.Append(StringLiteral(s, ref pos));
            return;
        }
        var end = pos;
        while (end < s.Length && (char.IsAsciiLetterOrDigit(s[end]) || s[end] is '_' or '$'))
            end++;
        if (end == pos)
            throw new TfjsImportException(TfjsImportErrorKind.BadModelFile, $"{name}: expected a property name at offset {pos}");
        json.Append('"').Append(s, pos, end - pos).Append('"');
        pos = end;
    }

    // JavaScript string escapes are a superset of JSON's; re-escape through the decoded value.
    private static string StringLiteral(string s, ref int pos)
    {
        var quote = s[pos++];
        var value = new StringBuilder();
        while (s[pos] != quote)
        {
            if (s[pos] == '\\')
            {
                pos++;
                var c = s[pos];
                switch (c)
                {
                    case 'n': value.Append('\n'); break;
                    case 't': value.Append('\t'); break;
                    case 'r': value.Append('\r'); break;
                    case 'b': value.Append('\b'); break;
                    case 'f': value.Append('\f'); break;
                    case 'u': value.Append((char)int.Parse(s.AsSpan(pos + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture)); pos += 4; break;
                    case 'x': value.Append((char)int.Parse(s.AsSpan(pos + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)); pos += 2; break;
                    default: value.Append(c); break;
                }
                pos++;
                continue;
            }
            value.Append(s[pos++]);
        }
        pos++;
        return System.Text.Json.JsonSerializer.Serialize(value.ToString());
    }

    private static void Expect(string s, ref int pos, char c, string name)
    {
        if (s[pos] != c)
            throw new TfjsImportException(TfjsImportErrorKind.BadModelFile, $"{name}: expected '{c}' at offset {pos}, found '{s[pos]}'");
        pos++;
    }
}
