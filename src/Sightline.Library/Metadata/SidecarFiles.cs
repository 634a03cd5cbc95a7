namespace Sightline.Library.Metadata;

/// <summary>Finds the sidecar files that other programs keep beside a photo.</summary>
internal static class SidecarFiles
{
    /// <summary>Google Takeout cuts long sidecar names ("IMG_1234.jpg.supplemental-metad.json"); any cut of this suffix counts.</summary>
    private const string TakeoutSuffix = ".supplemental-metadata";

    public static IReadOnlyList<string> Of(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is null || !System.IO.Directory.Exists(folder))
            return [];
        var fileName = Path.GetFileName(path);
        var stem = Path.GetFileNameWithoutExtension(path);
        var exact = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            stem + ".xmp", fileName + ".xmp", fileName + ".json", stem + ".json", stem + ".aae",
        };
        var found = new List<string>();
        // Every sidecar name starts with the photo's stem; letting the file system filter on it keeps large folders cheap.
        var pattern = stem.AsSpan().IndexOfAny('*', '?') >= 0 ? "*" : stem + "*";
        var options = new EnumerationOptions { MatchCasing = MatchCasing.CaseInsensitive, IgnoreInaccessible = true };
        foreach (var candidate in System.IO.Directory.EnumerateFiles(folder, pattern, options))
        {
            var name = Path.GetFileName(candidate);
            if (string.Equals(name, fileName, StringComparison.OrdinalIgnoreCase))
                continue;
            if (exact.Contains(name) || IsTakeoutSupplemental(name, fileName))
                found.Add(candidate);
        }
        // Stable order whatever the file system lists: XMP first, then JSON, then AAE, each by name.
        return found.OrderBy(Rank).ThenBy(p => p, StringComparer.Ordinal).ToList();
    }

    public static bool IsXmp(string sidecar) => sidecar.EndsWith(".xmp", StringComparison.OrdinalIgnoreCase);

    public static bool IsJson(string sidecar) => sidecar.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>NAME.EXT.supplemental-metadata.json or a Takeout-shortened form of it such as NAME.EXT.suppl.json.</summary>
    internal static bool IsTakeoutSupplemental(string sidecarName, string photoName)
    {
        if (!sidecarName.StartsWith(photoName, StringComparison.OrdinalIgnoreCase) || !sidecarName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            return false;
        var middle = sidecarName[photoName.Length..^".json".Length];
        // At least ".s" plus a few letters, so NAME.EXT.s.json from another program is not taken for Takeout's.
        return middle.Length >= ".suppl".Length && TakeoutSuffix.StartsWith(middle, StringComparison.OrdinalIgnoreCase);
    }

    private static int Rank(string sidecar) => IsXmp(sidecar) ? 0 : IsJson(sidecar) ? 1 : 2;
}
