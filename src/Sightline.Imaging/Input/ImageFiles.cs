namespace Sightline.Imaging;

/// <summary>Which files a command works on: the files named, and the images inside the folders named.</summary>
public static class ImageFiles
{
    /// <summary>
    /// Files are kept as given (even with an unknown extension, so that they are reported, not silently
    /// dropped); folders contribute their images, recursively, in a stable order. A path that is neither
    /// is kept too, and fails with "not found" when read.
    /// </summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths)
    {
        var result = new List<string>();
        foreach (var path in paths)
            if (Directory.Exists(path))
                result.AddRange(InFolder(path));
            else
                result.Add(path);
        return result;
    }

    /// <summary>The images under <paramref name="folder"/>, recursively, hidden files skipped, ordinal order.</summary>
    public static IReadOnlyList<string> InFolder(string folder) =>
        Directory.EnumerateFiles(Path.GetFullPath(folder), "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden })
            .Where(ImageDecoder.IsSupportedExtension)
            .Order(StringComparer.Ordinal)
            .ToList();
}
