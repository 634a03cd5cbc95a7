using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sightline.Models.Cache;

/// <summary>One cached file: its size and SHA-256, recorded when it was written.</summary>
public sealed record CachedFile(string Name, long Size, string Sha256);

/// <summary>
/// Written last into a model's cache folder: a folder without it (an interrupted pull) is never
/// loaded, and every file is checked against it before use.
/// </summary>
public sealed record CacheManifest(
    string ModelId,
    string Source,
    string Integrity,
    string DownloadedFrom,
    DateTimeOffset PulledAt,
    int PreparerVersion,
    IReadOnlyList<CachedFile> Files)
{
    public const string FileName = "sightline-manifest.json";

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
