using System.Globalization;
using System.Text.Json;

namespace Sightline.Vision.Text;

/// <summary>A labelled image of text boxes.</summary>
public sealed record LabelledTextImage(string Image, IReadOnlyList<TextBox> Boxes);

/// <summary>Thrown for a labels file that cannot be read, naming the file, the line and what is wrong.</summary>
public sealed class TextLabelsException(string message) : Exception(message);

/// <summary>
/// Readers of word- and line-box ground truth: ICDAR's text files (<c>x1,y1,...,x4,y4,transcription</c> a line) and
/// MMOCR's JSON lines (<c>{"file_name", "annotations": [{"box": [8 numbers], "text"}]}</c>, WildReceipt's form).
/// </summary>
public static class TextBoxLabels
{
    /// <summary>Boxes of an ICDAR ground-truth file's text; <paramref name="source"/> names it in errors.</summary>
    public static IReadOnlyList<TextBox> ParseIcdar(string text, string source)
    {
        var boxes = new List<TextBox>();
        var lines = text.TrimStart('\uFEFF').Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].TrimEnd('\r');
            if (line.Trim().Length == 0)
                continue;
            var fields = line.Split(',', 9);
            if (fields.Length < 9)
                throw new TextLabelsException($"{source} line {n + 1}: expected 8 coordinates and a transcription, got '{Clip(line)}'");
            var points = new PointF[4];
            for (var i = 0; i < 4; i++)
                points[i] = new PointF(Number(fields[2 * i], source, n + 1), Number(fields[2 * i + 1], source, n + 1));
            boxes.Add(Box(points, fields[8].Trim()));
        }
        return boxes;
    }

    /// <summary>The images and boxes of an MMOCR JSON-lines file, image paths relative to the file's folder.</summary>
    public static IReadOnlyList<LabelledTextImage> ReadJsonLines(string path)
    {
        if (!File.Exists(path))
            throw new TextLabelsException($"labels file '{path}' does not exist");
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var images = new List<LabelledTextImage>();
        var lines = File.ReadAllLines(path);
        for (var n = 0; n < lines.Length; n++)
        {
            if (lines[n].Trim().Length == 0)
                continue;
            try
            {
                using var doc = JsonDocument.Parse(lines[n]);
                var root = doc.RootElement;
                if (!root.TryGetProperty("file_name", out var name) || name.ValueKind != JsonValueKind.String)
                    throw new TextLabelsException($"{path} line {n + 1}: no \"file_name\"");
                if (!root.TryGetProperty("annotations", out var annotations) || annotations.ValueKind != JsonValueKind.Array)
                    throw new TextLabelsException($"{path} line {n + 1}: no \"annotations\" list");
                var boxes = new List<TextBox>();
                foreach (var a in annotations.EnumerateArray())
                {
                    if (!a.TryGetProperty("box", out var box) || box.ValueKind != JsonValueKind.Array || box.GetArrayLength() != 8)
                        throw new TextLabelsException($"{path} line {n + 1}: an annotation's \"box\" is not 8 numbers");
                    var v = box.EnumerateArray().Select(e => e.GetSingle()).ToArray();
                    var points = Enumerable.Range(0, 4).Select(i => new PointF(v[2 * i], v[2 * i + 1])).ToArray();
                    var text = a.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
                    boxes.Add(Box(points, text));
                }
                images.Add(new LabelledTextImage(Path.Combine(folder, name.GetString()!), boxes));
            }
            catch (JsonException e)
            {
                throw new TextLabelsException($"{path} line {n + 1}: not JSON ({e.Message})");
            }
            catch (FormatException)
            {
                throw new TextLabelsException($"{path} line {n + 1}: a box coordinate is not a number");
            }
        }
        if (images.Count == 0)
            throw new TextLabelsException($"labels file '{path}' has no images");
        return images;
    }

    // Corners as labelled come in either winding and from any corner; reading order is what scoring and drawing expect.
    // A box without area cannot be matched: it is scored as don't-care rather than counted as missed.
    private static TextBox Box(PointF[] points, string text) =>
        TextSpotting.Area(points) > 0
            ? TextBox.Labelled(Quadrilateral.FromCorners(points), text)
            : new TextBox(Quadrilateral.FromCorners(points), text, DontCare: true);

    private static float Number(string field, string source, int line) =>
        float.TryParse(field.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new TextLabelsException($"{source} line {line}: '{field.Trim()}' is not a coordinate");

    private static string Clip(string s) => s.Length <= 60 ? s : s[..57] + "...";
}
