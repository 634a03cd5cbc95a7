using System.Text.Json.Serialization;
using Sightline.Library.Search;

namespace Sightline.Library.Export;

/// <summary>How exported photos are sorted into folders.</summary>
public enum ExportGrouping
{
    /// <summary>A folder per named person in the photo (a photo of two people is in both); "Unnamed" for the rest.</summary>
    Person,

    /// <summary>A folder per expression of a face in the photo; "No faces" for photos without.</summary>
    Emotion,

    /// <summary>YEAR/YEAR-MM by date taken; "Undated" for photos without a date.</summary>
    Date,

    /// <summary>A folder per object class found; "No objects" for the rest.</summary>
    Object,
}

/// <summary>How a photo gets into its folder: a symbolic link to the original (no space used) or a copy.</summary>
public enum ExportMode
{
    Link,
    Copy,
}

/// <summary>
/// An export: the photos of <see cref="Search"/> into folders under <see cref="To"/>, sorted by <see cref="By"/>. The
/// originals are never moved or changed. <see cref="DryRun"/> plans and reports without writing; <see cref="Xmp"/> writes an
/// XMP sidecar beside each exported file (named people as MWG face regions, objects and emotions as keywords).
/// </summary>
public sealed record ExportRequest(PhotoSearch Search, string To, ExportGrouping By, ExportMode Mode = ExportMode.Link, bool DryRun = false, bool Xmp = false);

/// <summary>One file of an export: the photo, the original it comes from, where it goes, and the sidecar written beside it (when one is).</summary>
public sealed record ExportItem(long PhotoId, string Source, string Destination, string? Sidecar);

/// <summary>What an export did (or, dry, would do): files per folder, photos skipped with their reasons (offline, already there).</summary>
public sealed record ExportReport(
    string To,
    bool DryRun,
    int Photos,
    IReadOnlyList<ExportItem> Items,
    IReadOnlyDictionary<string, int> FilesByFolder,
    [property: JsonIgnore] IReadOnlyList<(long PhotoId, string Reason)> Skipped,
    long BytesCopied)
{
    /// <summary>The skipped photos as named fields (what the JSON of the CLI and the API holds).</summary>
    [JsonPropertyName("skipped")]
    public IReadOnlyList<ExportSkip> SkippedPhotos => Skipped.Select(s => new ExportSkip(s.PhotoId, s.Reason)).ToList();

    /// <summary>Files the export already held from an earlier run (left as they were).</summary>
    public int AlreadyThere => Skipped.Count(s => s.Reason.StartsWith(PhotoExporter.AlreadyThere, StringComparison.Ordinal));
}

/// <summary>A photo, or one of its files, that an export left out, and why.</summary>
public sealed record ExportSkip(long PhotoId, string Reason);

/// <summary>An export that cannot be done as asked: the target is inside a source folder, cannot be written, or links are not possible there.</summary>
public sealed class ExportException(string message) : Exception(message);

