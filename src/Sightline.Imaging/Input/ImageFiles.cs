namespace Sightline.Imaging;

/// <summary>A file a command did not process, and why, in words for users.</summary>
public readonly record struct SkippedFile(string Path, string Reason);

/// <summary>The images a command works on, and every other file it met with the reason it left it.</summary>
public sealed record ImageSelection(IReadOnlyList<string> Images, IReadOnlyList<SkippedFile> Skipped)
{
    /// <summary>"3 video (not an image), 1 sidecar metadata (XMP)": the skipped files counted by reason.</summary>
    public string SkippedSummary() =>
        string.Join(", ", Skipped.GroupBy(s => s.Reason).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Count()} {g.Key}"));
}

/// <summary>Which files a command works on: the files named, and the images inside the folders named.</summary>
public static class ImageFiles
{
    /// <summary>
    /// Files are kept as given (even when they are not images, so that they are reported when read, not
    /// silently dropped); folders contribute their images, recursively, in a stable order, and list every
    /// other file with its reason. A path that is neither is kept too, and fails with "not found" when read.
    /// </summary>
    public static ImageSelection Scan(IEnumerable<string> paths)
    {
        var images = new List<string>();
        var skipped = new List<SkippedFile>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                ImageSelection folder = ScanFolder(path);
                images.AddRange(folder.Images);
                skipped.AddRange(folder.Skipped);
            }
            else
            {
                images.Add(path);
            }
        }

        return new ImageSelection(images, skipped);
    }

    /// <summary>The files named and the images inside the folders named; see <see cref="Scan"/>.</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths) => Scan(paths).Images;

    /// <summary>The images under <paramref name="folder"/>, recursively, in ordinal order; see <see cref="ScanFolder"/>.</summary>
    public static IReadOnlyList<string> InFolder(string folder) => ScanFolder(folder).Images;

    /// <summary>
    /// Every file under <paramref name="folder"/>, recursively: images (told by their bytes, not their
    /// names) in ordinal order, and the rest with the reason each is left out. Hidden folders (a name
    /// starting with '.') are not searched, and are listed once each.
    /// </summary>
    public static ImageSelection ScanFolder(string folder)
    {
        var images = new List<string>();
        var skipped = new List<SkippedFile>();
        Walk(new DirectoryInfo(Path.GetFullPath(folder)), images, skipped);
        images.Sort(StringComparer.Ordinal);
        skipped.Sort((a, b) => StringComparer.Ordinal.Compare(a.Path, b.Path));
        return new ImageSelection(images, skipped);
    }

    private static void Walk(DirectoryInfo directory, List<string> images, List<SkippedFile> skipped)
    {
        var options = new EnumerationOptions { IgnoreInaccessible = false, AttributesToSkip = 0 };
        IEnumerable<FileSystemInfo> entries;
        try
        {
            entries = directory.EnumerateFileSystemInfos("*", options).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            skipped.Add(new SkippedFile(directory.FullName + Path.DirectorySeparatorChar, $"folder cannot be read ({e.Message})"));
            return;
        }

        foreach (var entry in entries)
        {
            bool hidden = entry.Name.StartsWith('.') || entry.Attributes.HasFlag(FileAttributes.Hidden);
            if (entry is DirectoryInfo sub)
            {
                if (hidden)
                    skipped.Add(new SkippedFile(sub.FullName + Path.DirectorySeparatorChar, "hidden folder (not searched)"));
                else if (sub.LinkTarget is not null)
                    skipped.Add(new SkippedFile(sub.FullName + Path.DirectorySeparatorChar, "link to a folder (not followed)"));
                else
                    Walk(sub, images, skipped);
                continue;
            }

            if (hidden)
            {
                skipped.Add(new SkippedFile(entry.FullName, "hidden file"));
                continue;
            }

            if (WhyNotAnImage(entry.FullName) is { } reason)
                skipped.Add(new SkippedFile(entry.FullName, reason));
            else
                images.Add(entry.FullName);
        }
    }

    /// <summary>Null when the file's first bytes announce a supported image; otherwise the reason it is not read.</summary>
    public static string? WhyNotAnImage(string path) => WhyNotAnImage(FileContent.OfFile(path));

    /// <summary>The reason a file of this content is not read as an image, in the image commands' words; null for an image.</summary>
    public static string? WhyNotAnImage(ContentGuess content) => content.Kind switch
    {
        ContentKind.Image => null,
        ContentKind.Unreadable => $"cannot be read ({content.Name})",
        ContentKind.Empty => "empty file (0 bytes)",
        ContentKind.Video => "video (not an image)",
        ContentKind.Sidecar => $"sidecar metadata ({content.Name}), not an image",
        ContentKind.UnsupportedImage => $"unsupported format ({content.Name})",
        ContentKind.Archive => $"not an image ({content.Name})",
        _ => "not an image",
    };
}
