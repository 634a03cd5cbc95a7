using System.Text.Json;
using System.Text.RegularExpressions;
using Sightline.Models.Catalog;

namespace Sightline.Models.Import;

/// <summary>What the cache records about a model a user imported.</summary>
public sealed record ImportedModelRecord(string Id, string OriginalPath, string ModelSha256, DateTimeOffset ImportedAt)
{
    public const string FileName = "sightline-import.json";
}

/// <summary>Imported models live in the cache beside pulled ones; this reads and writes their records.</summary>
internal static partial class ImportedModels
{
    public const string OnnxFile = "model.onnx";
    public const string JsonFile = "model.json";

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex IdPattern();

    public static void CheckId(string id)
    {
        if (!IdPattern().IsMatch(id))
            throw new ModelStoreException(ModelStoreErrorKind.Configuration,
                $"'{id}' is not a usable model name: use 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit");
    }

    public static ModelEntry EntryFor(string id, string originalPath) => new(
        Id: id,
        Title: $"Imported TensorFlow.js graph model ({Path.GetFileName(Path.GetDirectoryName(originalPath))}/{Path.GetFileName(originalPath)})",
        Task: ModelTask.Imported,
        Source: new PackageSource(RegistryKind.Local, originalPath, "local", "", [new PackageFile(JsonFile)]),
        License: "as supplied by the user",
        Upstream: originalPath,
        ModelFile: OnnxFile,
        Preparation: ModelPreparation.ConvertTfjsGraph,
        Notes: "Converted by 'sightline models import'; the original model.json and weights are kept beside it.");

    public static ModelEntry? TryRead(string modelsDirectory, string id)
    {
        if (!IdPattern().IsMatch(id))
            return null;
        var path = Path.Combine(modelsDirectory, id, ImportedModelRecord.FileName);
        if (!File.Exists(path))
            return null;
        try
        {
            var record = JsonSerializer.Deserialize<ImportedModelRecord>(File.ReadAllText(path), Json);
            return record is null ? null : EntryFor(id, record.OriginalPath);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static IEnumerable<ModelEntry> All(string modelsDirectory) =>
        Directory.Exists(modelsDirectory)
            ? Directory.EnumerateDirectories(modelsDirectory).Select(Path.GetFileName).OfType<string>()
                .Select(id => TryRead(modelsDirectory, id)).OfType<ModelEntry>()
            : [];

    public static void WriteRecord(string directory, ImportedModelRecord record) =>
        File.WriteAllText(Path.Combine(directory, ImportedModelRecord.FileName), JsonSerializer.Serialize(record, Json));

    /// <summary>Copies model.json (as model.json) and its shards, by their manifest paths, into the cache folder.</summary>
    public static void CopyOriginals(string modelJson, string destination)
    {
        var model = TfjsModelFile.Parse(File.ReadAllText(modelJson), modelJson);
        var sourceDirectory = Path.GetDirectoryName(modelJson)!;
        File.Copy(modelJson, Path.Combine(destination, JsonFile));
        foreach (var shard in model.WeightGroups.SelectMany(g => g.Paths))
        {
            var target = Path.GetFullPath(Path.Combine(destination, shard));
            if (!target.StartsWith(Path.GetFullPath(destination) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new TfjsImportException(TfjsImportErrorKind.BadWeights, $"weight path '{shard}' points outside the model's folder");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(sourceDirectory, shard), target, overwrite: true);
        }
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
