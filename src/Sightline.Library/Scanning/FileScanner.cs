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
    /// <summary>
    /// Every file under <paramref name="folder"/>, recursively. Hidden files and folders are reported as Ignored (a
    /// hidden folder once, not searched); a folder that cannot be read is one Failed entry with the reason.
    /// </summary>
    public static IEnumerable<ScannedFile> Scan(string folder, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("scanning comes with the scanning work");

    /// <summary>What one file is (the same judgement as <see cref="Scan"/>), for the watcher's single changed files.</summary>
    public static ScannedFile Classify(string path) =>
        throw new NotImplementedException("scanning comes with the scanning work");
}
