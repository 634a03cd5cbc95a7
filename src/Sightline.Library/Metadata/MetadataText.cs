namespace Sightline.Library.Metadata;

/// <summary>Cleans text fields: trims, drops empties and the captions cameras write on their own.</summary>
internal static class MetadataText
{
    /// <summary>Captions firmware puts in EXIF ImageDescription by default; they say nothing about the photo.</summary>
    private static readonly HashSet<string> CameraDefaultDescriptions = new(StringComparer.OrdinalIgnoreCase)
    {
        "OLYMPUS DIGITAL CAMERA", "SONY DSC", "DIGITAL CAMERA", "MINOLTA DIGITAL CAMERA", "KODAK Digital Still Camera",
        "KONICA MINOLTA DIGITAL CAMERA", "SAMSUNG DIGITAL CAMERA", "SAMSUNG", "DSC", "Exif_JPEG_PICTURE", "default",
        "LEICA DIGITAL CAMERA", "PENTAX DIGITAL CAMERA", "CASIO DIGITAL CAMERA", "Digital image", "Image", "Picture",
        "SAMSUNG CAMERA PICTURES", "Untitled", "JPEG image", "DCIM",
    };

    /// <summary>The text trimmed (NULs too), or null when nothing is left.</summary>
    public static string? Clean(string? raw)
    {
        var trimmed = raw?.Trim().Trim('\0').Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed;
    }

    public static bool IsCameraDefaultDescription(string description) =>
        CameraDefaultDescriptions.Contains(description) || description.All(c => c is '?' or ' ');

    /// <summary>Keywords from several sources, blanks dropped, the first spelling of each kept in order.</summary>
    public static IReadOnlyList<string> MergeKeywords(IEnumerable<string?> keywords)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var merged = new List<string>();
        foreach (var keyword in keywords)
            if (Clean(keyword) is { } clean && seen.Add(clean))
                merged.Add(clean);
        return merged;
    }

    /// <summary>The leaf of a Lightroom hierarchical keyword: "Places|Europe|Paris" is "Paris".</summary>
    public static string? HierarchyLeaf(string? hierarchical) => Clean(hierarchical?.Split('|')[^1]);
}
