using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sightline.Library;

/// <summary>
/// library.json, the file that makes a folder a library: its format and where its database is
/// (<c>sqlite:library.db</c> inside the folder, or a PostgreSQL spec).
/// </summary>
public sealed record LibraryManifest(
    [property: JsonPropertyName("format")] int Format,
    [property: JsonPropertyName("database")] string Database)
{
    public const string FileName = "library.json";

    /// <summary>The format this version of Sightline writes and reads.</summary>
    public const int CurrentFormat = 1;

    public static string PathIn(string folder) => System.IO.Path.Combine(folder, FileName);

    public static bool Exists(string folder) => File.Exists(PathIn(folder));

    /// <summary>The manifest of the library in <paramref name="folder"/>; a folder without a readable one is a <see cref="LibraryStoreException"/> saying how to make a library.</summary>
    public static LibraryManifest Read(string folder)
    {
        var path = PathIn(folder);
        LibraryManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<LibraryManifest>(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw NotALibrary(folder, e is FileNotFoundException or DirectoryNotFoundException ? "no library.json" : $"library.json cannot be read: {e.Message}", e);
        }
        if (manifest is null || string.IsNullOrWhiteSpace(manifest.Database) || manifest.Format < 1)
            throw NotALibrary(folder, "library.json names no database");
        if (manifest.Format > CurrentFormat)
            throw new LibraryStoreException($"{folder} was made by a newer Sightline (library format {manifest.Format}; this version reads format {CurrentFormat}): upgrade Sightline to open it");
        return manifest;
    }

    public void Write(string folder) =>
        AtomicFile.WriteAllText(PathIn(folder), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));

    private static LibraryStoreException NotALibrary(string folder, string why, Exception? inner = null) =>
        new($"{folder} is not a Sightline library ({why}): run sightline library init {folder}", inner);
}
