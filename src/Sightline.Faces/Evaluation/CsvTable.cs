using System.Text;

namespace Sightline.Faces.Evaluation;

/// <summary>
/// A small CSV file read whole: a header row and data rows, with errors that name the file and line.
/// Fields may be quoted ("a, b" and "" for a quote) but may not span lines; blank lines are skipped.
/// </summary>
public sealed class CsvTable
{
    private readonly string _what;
    private readonly string[] _header;
    private readonly int _headerLine;

    private CsvTable(string path, string what, string[] header, int headerLine, List<(int Line, string[] Fields)> rows)
    {
        Path = path;
        _what = what;
        _header = header;
        _headerLine = headerLine;
        Rows = rows;
    }

    /// <summary>The path as given.</summary>
    public string Path { get; }

    public IReadOnlyList<(int Line, string[] Fields)> Rows { get; }

    /// <summary>Reads <paramref name="path"/>, described in errors as <paramref name="what"/> (e.g. "pairs file").</summary>
    public static CsvTable Read(string path, string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
            throw new EvaluationException($"{what} '{path}' does not exist");
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EvaluationException($"{what} '{path}' cannot be read: {e.Message}", e);
        }
        string[]? header = null;
        var headerLine = 0;
        var rows = new List<(int, string[])>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
                continue;
            var fields = Split(lines[i]) ?? throw new EvaluationException($"{what} '{path}' line {i + 1}: a quoted field is not closed (fields may not span lines)");
            if (header is null)
            {
                header = fields.Select(f => f.Trim()).ToArray();
                headerLine = i + 1;
            }
            else
                rows.Add((i + 1, fields));
        }
        if (header is null)
            throw new EvaluationException($"{what} '{path}' is empty; it needs a header row");
        return new CsvTable(path, what, header, headerLine, rows);
    }

    /// <summary>Whether the header has column <paramref name="name"/> (any case).</summary>
    public bool Has(string name) => Array.Exists(_header, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The index of column <paramref name="name"/> (any case).</summary>
    public int Column(string name)
    {
        var index = Array.FindIndex(_header, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
            throw Error(_headerLine, $"there is no column '{name}' (the columns are {string.Join(", ", _header.Select(h => $"'{h}'"))})");
        return index;
    }

    /// <summary>The trimmed, non-empty value of <paramref name="column"/> in a row.</summary>
    public string Value((int Line, string[] Fields) row, int column)
    {
        if (row.Fields.Length != _header.Length)
            throw Error(row.Line, $"has {row.Fields.Length} fields where the header has {_header.Length}");
        var value = row.Fields[column].Trim();
        if (value.Length == 0)
            throw Error(row.Line, $"'{_header[column]}' is empty");
        return value;
    }

    /// <summary>The image a row names in <paramref name="column"/>, resolved against the CSV's folder; it must exist.</summary>
    public string ImagePath((int Line, string[] Fields) row, int column)
    {
        var value = Value(row, column);
        var full = System.IO.Path.GetFullPath(value, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        if (!File.Exists(full))
            throw Error(row.Line, $"image '{value}' does not exist (looked for '{full}')");
        return full;
    }

    public EvaluationException Error(int line, string reason) => new($"{_what} '{Path}' line {line}: {reason}");

    /// <summary>The fields of one line, or null when a quote is left open.</summary>
    internal static string[]? Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"')
                    field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"')
                    field.Append(line[++i]);
                else
                    quoted = false;
            }
            else if (c == '"')
                quoted = true;
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
                field.Append(c);
        }
        if (quoted)
            return null;
        fields.Add(field.ToString());
        return fields.ToArray();
    }
}
