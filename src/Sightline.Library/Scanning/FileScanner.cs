using Sightline.Imaging;

namespace Sightline.Library.Scanning;

/// <summary>What the scanner makes of a file from its first bytes and its name, before it is read in full.</summary>
/// <param name="Path">Absolute path.</param>
/// <param name="Kind">Photo, Video, Sidecar, Ignored or Failed (cannot even be opened).</param>
/// <param name="Format">"jpeg", "heic", "mp4", ... for photos and videos.</param>
/// <param name="Reason">For Ignored and Failed: why, in words for users ("hidden file", "not an image or video (text)", "cannot be read (permission denied)").</param>
public sealed record ScannedFile(string Path, FileKind Kind, long Size, DateTimeOffset ModifiedAt, string? Format, string? Reason);

/// <summary>Walks source folders: every file once, in a stable order, symbolic-link loops and unreadable folders reported instead of followed or thrown.</summary>
public static class FileScanner
{
    public const string HiddenFile = "hidden file";
    public const string HiddenFolder = "hidden folder (not searched)";
    public const string BrokenLink = "broken link";
    public const string FolderLinkLoop = "link to a folder already scanned (loop)";
    public const string FolderLinkInside = "link to a folder inside the source folder (scanned at its own path)";
    public const string LinkOutside = "link to a place outside the source folder (not followed; scan.followLinksOutside=true follows it)";

    private static readonly char Separator = System.IO.Path.DirectorySeparatorChar;

    /// <summary>
    /// Every file under <paramref name="folder"/>, recursively. Hidden files and folders are reported as Ignored (a
    /// hidden folder once, not searched); a folder that cannot be read is one Failed entry with the reason.
    /// </summary>
    /// <remarks>
    /// Paths come in ordinal order of the full path (a folder's entries are sorted as the folder is reached, so only
    /// one folder's listing is held at a time). Folder entries (hidden, unreadable, links not followed) end with the
    /// directory separator. A link to a file is classified by its target under the link's path; a link to a folder
    /// is followed once per real folder, never back into the folders above it or into the source folder itself.
    /// With <paramref name="linksWithin"/>, a link (to a file or a folder) whose target lies outside that folder is
    /// Ignored with <see cref="LinkOutside"/>: whoever can write into a source folder cannot bring other files in.
    /// </remarks>
    public static IEnumerable<ScannedFile> Scan(string folder, CancellationToken cancellationToken = default, string? linksWithin = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        string root = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(folder));
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"source folder '{root}' does not exist or is not a folder");
        return Walk(root, BoundaryOf(linksWithin), cancellationToken);
    }

    /// <summary>
    /// Whether the file at <paramref name="path"/>, links followed to the end, lies inside <paramref name="folder"/>
    /// (by the folders' identities on disk, so no spelling of a path and no link above it can lead out).
    /// </summary>
    public static bool LiesWithin(string path, string folder)
    {
        var file = new FileInfo(path);
        FileSystemInfo? target;
        try
        {
            target = file.Attributes.HasFlag(FileAttributes.ReparsePoint) ? file.ResolveLinkTarget(returnFinalTarget: true) : file;
        }
        catch (IOException)
        {
            return false;
        }
        return target is not null && System.IO.Path.GetDirectoryName(target.FullName) is { } parent
            && IsInside(parent, IdentityOf(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(folder))));
    }

    /// <summary>The identity of the folder links must stay inside, or null when links may go anywhere.</summary>
    private static string? BoundaryOf(string? linksWithin) =>
        linksWithin is null ? null : IdentityOf(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(linksWithin)));

    /// <summary>What one file is (the same judgement as <see cref="Scan"/>), for the watcher's single changed files.</summary>
    public static ScannedFile Classify(string path, string? linksWithin = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        FileSystemInfo entry = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
        if (entry is DirectoryInfo directory)
        {
            string name = System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(full));
            return name.StartsWith('.')
                ? Folder(directory, FileKind.Ignored, HiddenFolder)
                : Folder(directory, FileKind.Ignored, "a folder, not a file");
        }

        if (!entry.Exists && entry.LinkTarget is null)
            return new ScannedFile(full, FileKind.Failed, 0, default, null, "cannot be read (no such file)");
        if (entry.Name.StartsWith('.'))
            return Entry(full, entry, FileKind.Ignored, null, HiddenFile);
        return ClassifyFile((FileInfo)entry, FileContent.HasMediaBeside, BoundaryOf(linksWithin));
    }

    private static IEnumerable<ScannedFile> Walk(string root, string? boundary, CancellationToken cancellationToken)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var above = AncestorsOf(root);
        string rootIdentity = IdentityOf(root);
        visited.Add(rootIdentity);
        var pending = new Stack<IEnumerator<ScannedFile>>();
        pending.Push(ScanDirectory(new DirectoryInfo(root), root, rootIdentity, boundary, above, visited, pending, cancellationToken).GetEnumerator());
        // An explicit stack of folder enumerators keeps deep trees from nesting iterators (and the stack) per level.
        while (pending.Count > 0)
        {
            IEnumerator<ScannedFile> current = pending.Peek();
            int depth = pending.Count;
            if (current.MoveNext())
            {
                if (pending.Count == depth)
                    yield return current.Current;
                else
                    continue;
            }
            else
            {
                current.Dispose();
                pending.Pop();
            }
        }
    }

    /// <summary>
    /// One folder's entries in order: files are yielded; a subfolder to search is pushed on <paramref name="pending"/>
    /// (the walk then drains it before this folder goes on), with nothing yielded for that step.
    /// </summary>
    private static IEnumerable<ScannedFile> ScanDirectory(DirectoryInfo directory, string shownPath, string rootIdentity, string? boundary,
        HashSet<string> above, HashSet<string> visited, Stack<IEnumerator<ScannedFile>> pending, CancellationToken cancellationToken)
    {
        List<(string Key, FileSystemInfo Entry)> entries;
        try
        {
            var options = new EnumerationOptions { IgnoreInaccessible = false, AttributesToSkip = 0, RecurseSubdirectories = false };
            // A folder sorts as its name and a separator, so that the walk comes out in ordinal order of full paths.
            entries = directory.EnumerateFileSystemInfos("*", options)
                .Select(e => (Key: e is DirectoryInfo ? e.Name + Separator : e.Name, Entry: e))
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [Folder(directory, FileKind.Failed, $"folder cannot be read ({SystemMessage(e)})", shownPath)];
        }

        entries.Sort((a, b) => StringComparer.Ordinal.Compare(a.Key, b.Key));
        return Entries(entries, shownPath, rootIdentity, boundary, above, visited, pending, cancellationToken);
    }

    private static IEnumerable<ScannedFile> Entries(List<(string Key, FileSystemInfo Entry)> entries, string shownPath, string rootIdentity, string? boundary,
        HashSet<string> above, HashSet<string> visited, Stack<IEnumerator<ScannedFile>> pending, CancellationToken cancellationToken)
    {
        var media = new SiblingMedia(entries.Where(e => e.Entry is FileInfo).Select(e => (FileInfo)e.Entry));
        foreach ((_, FileSystemInfo entry) in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string path = System.IO.Path.Combine(shownPath, entry.Name);
            bool hidden = entry.Name.StartsWith('.') || entry.Attributes.HasFlag(FileAttributes.Hidden);
            bool link = entry.Attributes.HasFlag(FileAttributes.ReparsePoint);
            if (entry is DirectoryInfo subfolder)
            {
                if (hidden)
                {
                    yield return Folder(subfolder, FileKind.Ignored, HiddenFolder, path);
                    continue;
                }

                string identity = IdentityOf(subfolder.FullName);
                if (link && (visited.Contains(identity) || above.Contains(identity)))
                {
                    yield return Folder(subfolder, FileKind.Ignored, FolderLinkLoop, path);
                    continue;
                }

                if (link && IsInside(subfolder.FullName, rootIdentity))
                {
                    yield return Folder(subfolder, FileKind.Ignored, FolderLinkInside, path);
                    continue;
                }

                if (link && boundary is not null && !IsInside(subfolder.FullName, boundary))
                {
                    yield return Folder(subfolder, FileKind.Ignored, LinkOutside, path);
                    continue;
                }

                if (!visited.Add(identity))
                {
                    // Reached twice without a link of its own: a bind mount or a hard-linked folder.
                    yield return Folder(subfolder, FileKind.Ignored, FolderLinkLoop, path);
                    continue;
                }

                pending.Push(ScanDirectory(subfolder, path, rootIdentity, boundary, above, visited, pending, cancellationToken).GetEnumerator());
                yield return null!; // a step without a file: the walk sees the pushed folder and drains it first
                continue;
            }

            if (hidden)
            {
                yield return Entry(path, entry, FileKind.Ignored, null, HiddenFile);
                continue;
            }

            yield return ClassifyFile((FileInfo)entry, media.Beside, boundary, path);
        }
    }

    private static ScannedFile ClassifyFile(FileInfo entry, Func<string, bool> mediaBeside, string? boundary, string? shownPath = null)
    {
        string path = shownPath ?? entry.FullName;
        FileSystemInfo file = entry;
        if (entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
        {
            FileSystemInfo? target;
            try
            {
                target = entry.ResolveLinkTarget(returnFinalTarget: true);
            }
            catch (IOException e)
            {
                return Entry(path, entry, FileKind.Failed, null, $"{BrokenLink} ({e.Message})", size: 0);
            }

            if (target is null || !target.Exists)
                return Entry(path, entry, FileKind.Failed, null, BrokenLink, size: 0);
            if (target is DirectoryInfo)
                return Entry(path, entry, FileKind.Ignored, null, "link to a folder (given as a file)", size: 0);
            if (boundary is not null && System.IO.Path.GetDirectoryName(target.FullName) is { } targetFolder && !IsInside(targetFolder, boundary))
                return Entry(path, entry, FileKind.Ignored, null, LinkOutside, size: 0);
            file = target;
        }

        ContentGuess content = FileContent.OfFile(entry.FullName, mediaBeside);
        return content.Kind switch
        {
            ContentKind.Image => Entry(path, file, FileKind.Photo, content.Format, null),
            ContentKind.Video => Entry(path, file, FileKind.Video, content.Format, null),
            ContentKind.Sidecar => Entry(path, file, FileKind.Sidecar, null, null),
            ContentKind.Unreadable => Entry(path, file, FileKind.Failed, null, UnreadableReason(entry, content.Name)),
            _ => Entry(path, file, FileKind.Ignored, null, IgnoredReason(content)),
        };
    }

    /// <summary>Why a file is not kept, in words for users.</summary>
    public static string IgnoredReason(ContentGuess content) => content.Kind switch
    {
        ContentKind.Empty => "empty file (0 bytes)",
        ContentKind.UnsupportedImage => $"unsupported format ({content.Name})",
        ContentKind.Archive or ContentKind.Text => $"not an image or video ({content.Name})",
        _ => "not an image or video (unknown content)",
    };

    private static string UnreadableReason(FileInfo entry, string? message) =>
        // .NET turns file name bytes that are not UTF-8 into U+FFFD, and that name then names no file.
        entry.Name.Contains('\uFFFD')
            ? "cannot be read (the file name is not valid UTF-8)"
            : $"cannot be read ({message})";

    private static ScannedFile Entry(string path, FileSystemInfo file, FileKind kind, string? format, string? reason, long? size = null)
    {
        long length = size ?? SafeLength(file);
        return new ScannedFile(path, kind, length, SafeModified(file), format, reason);
    }

    private static ScannedFile Folder(DirectoryInfo folder, FileKind kind, string reason, string? shownPath = null) =>
        new(System.IO.Path.TrimEndingDirectorySeparator(shownPath ?? folder.FullName) + Separator, kind, 0, SafeModified(folder), null, reason);

    private static long SafeLength(FileSystemInfo file)
    {
        try
        {
            return file is FileInfo { Exists: true } info ? info.Length : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static DateTimeOffset SafeModified(FileSystemInfo file)
    {
        try
        {
            return new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            return default;
        }
    }

    private static string SystemMessage(Exception e) =>
        e is UnauthorizedAccessException && e.InnerException is { } inner ? inner.Message : e.Message;

    /// <summary>A folder's identity: its device and inode where the platform tells them, else its full path.</summary>
    private static string IdentityOf(string path)
    {
        try
        {
            if (FileNodes.Of(path) is { } node)
                return $"{node.Device}:{node.Inode}";
        }
        catch (IOException)
        {
            // Unreachable folders fall back to their path; reading them reports the failure.
        }

        return System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
    }

    /// <summary>The identities of the folders above <paramref name="root"/>: a link to one of them would scan the root again.</summary>
    private static HashSet<string> AncestorsOf(string root)
    {
        var ancestors = new HashSet<string>(StringComparer.Ordinal);
        // "/.." is walked by the kernel, through links, as the real parent; the path falls back for platforms without identities.
        string current = root;
        for (int level = 0; level < 4096; level++)
        {
            string parent = System.IO.Path.Combine(current, "..");
            string identity = IdentityOf(parent);
            if (!ancestors.Add(identity) || identity == IdentityOf(current))
                break;
            current = parent;
        }

        return ancestors;
    }

    private static bool IsInside(string folder, string rootIdentity)
    {
        string current = folder;
        string identity = IdentityOf(current);
        for (int level = 0; level < 4096; level++)
        {
            if (identity == rootIdentity)
                return true;
            string parent = System.IO.Path.Combine(current, "..");
            string parentIdentity = IdentityOf(parent);
            if (parentIdentity == identity)
                return false;
            (current, identity) = (parent, parentIdentity);
        }

        return false;
    }

    /// <summary>Which files of one folder are photos or videos, sniffed once each when a JSON sidecar asks.</summary>
    private sealed class SiblingMedia(IEnumerable<FileInfo> files)
    {
        private readonly List<FileInfo> _files = files.ToList();
        private readonly Dictionary<string, bool> _isMedia = new(StringComparer.Ordinal);

        public bool Beside(string jsonPath)
        {
            string self = System.IO.Path.GetFileName(jsonPath);
            string subject = FileContent.SidecarSubject(self);
            foreach (FileInfo file in _files)
            {
                if (file.Name == self || !FileContent.IsSubject(file.Name, subject))
                    continue;
                if (!_isMedia.TryGetValue(file.Name, out bool media))
                    _isMedia[file.Name] = media = !file.Name.StartsWith('.') && FileContent.IsMedia(FileContent.OfFile(file.FullName, _ => false));
                if (media)
                    return true;
            }

            return false;
        }
    }
}
