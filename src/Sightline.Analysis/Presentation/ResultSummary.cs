using System.Globalization;
using System.Text.Json;
using Sightline.Faces;
using Sightline.Vision.Classification;
using Sightline.Vision.Detection;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Segmentation;

namespace Sightline.Analysis.Presentation;

/// <summary>
/// One short line per task result, for tables: "2 person, 1 bus", "1 face: happy", "person 23.4 %". A result
/// type without its own line (a task added later) is summed up from its record's top-level values.
/// </summary>
public static class ResultSummary
{
    public static string Of(object result) => result switch
    {
        DetectionResult d => d.Detections.Count == 0 ? "nothing found" : Counted(d.Detections.Select(o => o.ClassName)),
        FacesResult f => f.Faces.Count == 0 ? "no face" : $"{Plural(f.Faces.Count, "face")}: {string.Join(", ", f.Faces.Select(Face))}",
        SegmentResult s => s.Classes.Where(c => c.ClassId != 0).ToList() is { Count: > 0 } found
            ? string.Join(", ", found.Select(c => $"{c.ClassName} {100 * c.Fraction:0.0} %"))
            : $"no {s.MaskClass}",
        EmbedResult e => $"{e.Dimension}-d vector",
        ClassifyResult c => c.Label is { } label ? $"{label} {c.Predictions[0].Probability:0.00}" : $"unknown (closest {c.Predictions[0].Label} {c.Predictions[0].Probability:0.00})",
        _ => TopLevelValues(result),
    };

    private static string Face(FaceResult face)
    {
        var parts = new List<string>();
        if (face.Emotion is { } e) parts.Add(e.Label);
        if (face.AgeGender is { } ag) parts.Add($"{ag.Gender} {ag.Age:0}");
        return parts.Count == 0 ? $"{face.Score:0.00}" : string.Join(" ", parts);
    }

    /// <summary>"2 person, 1 bus": most frequent first.</summary>
    public static string Counted(IEnumerable<string> names) => string.Join(", ", names.GroupBy(n => n)
        .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    // Identifiers and timings say nothing about the image.
    private static readonly string[] Uninformative = ["source", "modelId", "modelVersion", "width", "height", "timings"];

    private static string TopLevelValues(object result)
    {
        var element = JsonSerializer.SerializeToElement(result, result.GetType(), AnalysisJson.Options);
        if (element.ValueKind != JsonValueKind.Object)
            return element.ToString();
        var values = element.EnumerateObject()
            .Where(p => !Uninformative.Contains(p.Name, StringComparer.OrdinalIgnoreCase))
            .Where(p => p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            .Take(4)
            .Select(p => $"{p.Name} {Scalar(p.Value)}")
            .ToList();
        return values.Count == 0 ? "done" : string.Join(", ", values);
    }

    private static string Scalar(JsonElement value) => value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d)
        ? d.ToString(Math.Abs(d) < 10 && d % 1 != 0 ? "0.00" : "0.##", CultureInfo.InvariantCulture)
        : value.ToString();
}
