using System.Text.Json;
using Sightline.Library.Metadata;
using Sightline.Library.Search;

namespace Sightline.Library.Storage;

/// <summary>What the search index keeps of one photo: objects per class with counts, words, moderation verdict and camera words.</summary>
internal sealed record SearchIndexRow(long MediaId, IReadOnlyDictionary<string, int> Objects, IReadOnlyList<string> Words, string? Moderation, string? CameraWords);

/// <summary>
/// The search index's rows of a photo, from what the store holds of it: the detect analysis' detections (class names,
/// lower-cased) and a video's object tracks, the moderate analysis' verdict, the text of a text analysis (every "text" value in its JSON), the
/// title, description and keywords of its metadata and the names of its files.
/// </summary>
internal static class SearchIndexing
{
    public const string DetectTask = "detect";
    public const string ModerateTask = "moderate";
    public const string TextTask = "text";
    public const string TracksTask = Ingestion.VideoTracksResult.TaskName;

    public static IReadOnlyList<string> IndexedTasks { get; } = [DetectTask, ModerateTask, TextTask, TracksTask];

    public static IReadOnlyList<string> Verdicts { get; } = ["safe", "sensitive"];

    /// <summary>The Earth's mean radius (IUGG), for distances of a place search.</summary>
    public const double EarthRadiusKm = 6371.0088;

    public static SearchIndexRow Row(long mediaId, PhotoMetadata metadata, string? cameraMake, string? cameraModel,
        IReadOnlyDictionary<string, string> analysesByTask, IEnumerable<string> paths)
    {
        var objects = new Dictionary<string, int>(StringComparer.Ordinal);
        string? moderation = null;
        var text = new List<string>();
        if (analysesByTask.TryGetValue(DetectTask, out var detect))
            Read(detect, root =>
            {
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("detections", out var detections) && detections.ValueKind == JsonValueKind.Array)
                    foreach (var detection in detections.EnumerateArray())
                        if (detection.ValueKind == JsonValueKind.Object && detection.TryGetProperty("className", out var name) && name.ValueKind == JsonValueKind.String
                            && name.GetString() is { Length: > 0 } label)
                            objects[label.ToLowerInvariant()] = objects.GetValueOrDefault(label.ToLowerInvariant()) + 1;
            });
        // A video's objects are those of its tracks too, each class as many as were seen at once (its poster may show fewer).
        if (analysesByTask.TryGetValue(TracksTask, out var tracks))
            Read(tracks, root =>
            {
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("mostAtOnce", out var most) && most.ValueKind == JsonValueKind.Object)
                    foreach (var entry in most.EnumerateObject())
                        if (entry.Value.ValueKind == JsonValueKind.Number && entry.Value.TryGetInt32(out var count) && count > 0 && entry.Name.Length > 0)
                            objects[entry.Name.ToLowerInvariant()] = Math.Max(objects.GetValueOrDefault(entry.Name.ToLowerInvariant()), count);
            });
        if (analysesByTask.TryGetValue(ModerateTask, out var moderate))
            Read(moderate, root =>
            {
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("verdict", out var verdict) && verdict.ValueKind == JsonValueKind.String
                    && verdict.GetString()?.ToLowerInvariant() is { } v && Verdicts.Contains(v))
                    moderation = v;
            });
        if (analysesByTask.TryGetValue(TextTask, out var read))
            Read(read, root => CollectText(root, text));

        text.Add(metadata.Title ?? "");
        text.Add(metadata.Description ?? "");
        text.AddRange(metadata.Keywords);
        text.AddRange(paths.Select(Path.GetFileNameWithoutExtension).Where(n => !string.IsNullOrEmpty(n))!);
        var words = SearchWords.Of(string.Join(' ', text));
        var camera = SearchWords.Of($"{cameraMake} {cameraModel}");
        return new SearchIndexRow(mediaId, objects, words, moderation, camera.Count == 0 ? null : string.Join(' ', camera));
    }

    /// <summary>A stored analysis that is not the JSON its task writes adds nothing to the index (and fails no commit).</summary>
    private static void Read(string json, Action<JsonElement> read)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            read(document.RootElement);
        }
        catch (JsonException)
        {
        }
    }

    private static void CollectText(JsonElement element, List<string> text)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.NameEquals("text") && property.Value.ValueKind == JsonValueKind.String)
                        text.Add(property.Value.GetString() ?? "");
                    else
                        CollectText(property.Value, text);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    CollectText(item, text);
                break;
        }
    }

    /// <summary>A camera as people call it: the model when it already names the make ("Canon EOS R5"), else make and model.</summary>
    public static string CameraName(string? make, string? model)
    {
        var m = model?.Trim();
        var k = make?.Trim();
        if (string.IsNullOrEmpty(m))
            return k ?? "";
        if (string.IsNullOrEmpty(k))
            return m;
        var firstWord = k.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return m.StartsWith(firstWord, StringComparison.OrdinalIgnoreCase) ? m : $"{k} {m}";
    }
}
