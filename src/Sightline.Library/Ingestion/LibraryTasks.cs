using System.Text.Json;
using Sightline.Analysis;
using Sightline.Faces;
using Sightline.Vision.Pipeline;

namespace Sightline.Library.Ingestion;

/// <summary>
/// The analyses a library's settings choose, validated before any model is opened. The faces analysis always keeps
/// its descriptors (the people issue clusters them), whatever its options say.
/// </summary>
public static class LibraryTasks
{
    /// <summary>The chosen tasks with their options; a mistake is a <see cref="TaskOptionsException"/> naming it.</summary>
    public static IReadOnlyList<ChosenTask> Choose(LibrarySettings settings)
    {
        if (settings.Tasks.Count == 0)
        {
            if (settings.Options.Count > 0)
                throw new TaskOptionsException(settings.Options.Keys.First(), $"'{settings.Options.Keys.First()}' sets an option, but the library runs no analyses");
            return [];
        }
        var chosen = TaskSelection.Choose(BuiltInTasks.Registry, string.Join(',', settings.Tasks), settings.Options);
        return chosen.Select(c => c.Options is FacesTaskOptions faces ? c with { Options = faces with { Descriptors = true } } : c).ToList();
    }

    /// <summary>
    /// What decides a task's version apart from its models: its name, its options and the version of Sightline that
    /// resolves those options to models. Two equal fingerprints mean equal versions, so the version can be known
    /// without opening a model.
    /// </summary>
    public static string Fingerprint(ChosenTask task) =>
        $"{task.Entry.Name.ToLowerInvariant()}|{AnalysisVersions.CanonicalJson(task.Options)}|{typeof(BuiltInTasks).Assembly.GetName().Version}";
}

/// <summary>
/// The versions of the analyses last built, by fingerprint (see <see cref="LibraryTasks.Fingerprint"/>), kept in the
/// library folder so that a scan with nothing to analyse opens no model.
/// </summary>
public sealed class VersionCache(string file)
{
    public const string FileName = "analysis-versions.json";

    public string File { get; } = file;

    public IReadOnlyDictionary<string, string> Load()
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(System.IO.File.ReadAllText(File)) ?? [];
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            // A missing or damaged cache only costs opening the models once to learn the versions again.
            return new Dictionary<string, string>();
        }
    }

    public void Save(IReadOnlyDictionary<string, string> versions) =>
        AtomicFile.WriteAllText(File, JsonSerializer.Serialize(versions, new JsonSerializerOptions { WriteIndented = true }));
}
