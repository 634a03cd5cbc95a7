namespace Sightline.Faces.Evaluation;

/// <summary>Two images and whether they show the same person; paths are full, <see cref="Line"/> is the CSV line.</summary>
public readonly record struct FacePair(string First, string Second, bool Same, int Line);

/// <summary>
/// Reads verification pairs: a CSV with columns file_x, file_y and same (1, 0, true or false), in any
/// order among others. Relative image paths are resolved against the CSV's folder.
/// </summary>
public static class FacePairsCsv
{
    /// <exception cref="EvaluationException">The file is missing or malformed, a value is bad, or an image does not exist; the message names the file and line.</exception>
    public static IReadOnlyList<FacePair> Read(string path)
    {
        var table = CsvTable.Read(path, "pairs file");
        int first = table.Column("file_x"), second = table.Column("file_y"), same = table.Column("same");
        var pairs = new List<FacePair>(table.Rows.Count);
        foreach (var row in table.Rows)
        {
            var flag = ParseSame(table.Value(row, same)) ?? throw table.Error(row.Line, $"'same' is '{row.Fields[same].Trim()}'; expected 1, 0, true or false");
            pairs.Add(new FacePair(table.ImagePath(row, first), table.ImagePath(row, second), flag, row.Line));
        }
        if (pairs.Count == 0)
            throw new EvaluationException($"pairs file '{path}' has a header but no pairs");
        return pairs;
    }

    internal static bool? ParseSame(string value) => value.ToLowerInvariant() switch
    {
        "1" or "true" => true,
        "0" or "false" => false,
        _ => null,
    };
}
