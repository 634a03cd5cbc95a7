namespace Sightline.Faces.Evaluation;

/// <summary>An image and its label; the path is full, <see cref="Line"/> is the CSV line.</summary>
public readonly record struct LabelledFile(string File, string Label, int Line);

/// <summary>
/// Reads labelled images: a CSV with a "file" column and a label column, such as identities.csv
/// (file,identity) or emotions.csv (file,emotion). Relative image paths are resolved against the CSV's folder.
/// </summary>
public static class LabelsCsv
{
    /// <exception cref="EvaluationException">The file is missing or malformed, a label is empty, an image is listed twice or does not exist; the message names the file and line.</exception>
    public static IReadOnlyList<LabelledFile> Read(string path, string valueColumn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(valueColumn);
        var table = CsvTable.Read(path, "labels file");
        int file = table.Column("file"), label = table.Column(valueColumn);
        var items = new List<LabelledFile>(table.Rows.Count);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            var image = table.ImagePath(row, file);
            // A file listed twice would count twice in every figure.
            if (!seen.TryAdd(image, row.Line))
                throw table.Error(row.Line, $"image '{row.Fields[file].Trim()}' is already listed on line {seen[image]}");
            items.Add(new LabelledFile(image, table.Value(row, label), row.Line));
        }
        if (items.Count == 0)
            throw new EvaluationException($"labels file '{path}' has a header but no rows");
        return items;
    }
}
