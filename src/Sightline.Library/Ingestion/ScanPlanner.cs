using Sightline.Library.Scanning;

namespace Sightline.Library.Ingestion;

/// <summary>Why a photo or video file is read in full by this scan.</summary>
public enum ReadReason
{
    /// <summary>A path the library has not seen.</summary>
    New,

    /// <summary>A stored path whose size or modification time differs from the last scan's.</summary>
    Changed,
}

/// <summary>A photo or video file the scan reads, hashes and (when its content is new) analyses.</summary>
public sealed record FileToRead(ScannedFile File, long FolderId, ReadReason Reason);

/// <summary>
/// What a scan does with the files of one folder, decided from the disk and the stored entries alone (no file is
/// read): which paths are gone, which entries to record as they are (sidecars, ignored, unreadable), which files
/// to read, and how many are unchanged (nothing is written for them).
/// </summary>
public sealed record ScanPlan(
    IReadOnlyList<string> Gone,
    IReadOnlyList<FileEntry> Records,
    IReadOnlyList<FileToRead> ToRead,
    int UnchangedMedia,
    int UnchangedSidecars,
    int UnchangedIgnored,
    int FailedUnchanged)
{
    public int NewSidecars => Records.Count(r => r.Kind == FileKind.Sidecar);

    public int NewIgnored => Records.Count(r => r.Kind == FileKind.Ignored);

    public int NewFailed => Records.Count(r => r.Kind == FileKind.Failed);
}

/// <summary>Compares one folder's files on disk with what the library stored of them (see <see cref="ScanPlan"/>).</summary>
public static class ScanPlanner
{
    /// <summary>Modification times closer than this are the same time: databases keep them to the microsecond or millisecond, not to the tick.</summary>
    public static readonly TimeSpan TimeTolerance = TimeSpan.FromMilliseconds(1);

    public static ScanPlan Plan(long folderId, IEnumerable<ScannedFile> scanned, IEnumerable<FileEntry> stored, DateTimeOffset now)
    {
        var known = new Dictionary<string, FileEntry>(StringComparer.Ordinal);
        foreach (var entry in stored)
            known[entry.Path] = entry;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var records = new List<FileEntry>();
        var toRead = new List<FileToRead>();
        int unchangedMedia = 0, unchangedSidecars = 0, unchangedIgnored = 0, failedUnchanged = 0;

        foreach (var file in scanned)
        {
            if (!seen.Add(file.Path))
                continue; // the scanner lists each file once; a second sighting would only be counted twice
            known.TryGetValue(file.Path, out var before);
            var same = before is not null && SameFile(before, file);
            switch (file.Kind)
            {
                case FileKind.Photo or FileKind.Video:
                    if (same && before!.Kind == FileKind.Failed)
                        failedUnchanged++;
                    else if (same && before!.Kind == file.Kind && before.ContentHash is not null)
                        unchangedMedia++;
                    else
                        toRead.Add(new FileToRead(file, folderId, before is null ? ReadReason.New : ReadReason.Changed));
                    break;
                default:
                    // Sidecars, ignored and unreadable files are recorded as the scanner judged them, once per change.
                    if (same && before!.Kind == file.Kind && before.Reason == file.Reason)
                    {
                        if (file.Kind == FileKind.Sidecar) unchangedSidecars++;
                        else if (file.Kind == FileKind.Ignored) unchangedIgnored++;
                        else failedUnchanged++;
                    }
                    else
                    {
                        records.Add(new FileEntry(file.Path, folderId, file.Kind, file.Size, file.ModifiedAt, null, file.Reason, now));
                    }
                    break;
            }
        }

        var gone = known.Keys.Where(path => !seen.Contains(path)).Order(StringComparer.Ordinal).ToList();
        return new ScanPlan(gone, records, toRead, unchangedMedia, unchangedSidecars, unchangedIgnored, failedUnchanged);
    }

    /// <summary>Same size and the same modification time: the file is taken to be unchanged and is not read.</summary>
    public static bool SameFile(FileEntry stored, ScannedFile disk) =>
        stored.Size == disk.Size && (stored.ModifiedAt - disk.ModifiedAt).Duration() < TimeTolerance;
}
