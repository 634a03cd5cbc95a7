using Sightline.Library.Metadata;

namespace Sightline.Library;

/// <summary>What a file under a source folder turned out to be.</summary>
public enum FileKind
{
    /// <summary>A photo: its path is linked to the photo with its content hash.</summary>
    Photo,

    /// <summary>A video: a media item of kind video, shown and analysed by its poster frame (ffmpeg reads it).</summary>
    Video,

    /// <summary>A sidecar (XMP, Google Takeout JSON, Apple AAE): read for the photo it belongs to, not a photo itself.</summary>
    Sidecar,

    /// <summary>Neither photo nor video nor sidecar (text, archives, junk, hidden files): counted, with the reason.</summary>
    Ignored,

    /// <summary>Looks like a photo or video but could not be read: the reason is kept and it is retried only once it changes.</summary>
    Failed,
}

/// <summary>Photo or video.</summary>
public enum MediaKind
{
    Photo,
    Video,
}

/// <summary>Where a face of a photo comes from.</summary>
public enum FaceOrigin
{
    /// <summary>Found by the faces analysis.</summary>
    Detected,

    /// <summary>Imported from a face region another program wrote into the photo's metadata (with its name, when it has one).</summary>
    Imported,
}

/// <summary>A folder the library ingests, recursively.</summary>
public sealed record SourceFolder(long Id, string Path, DateTimeOffset AddedAt, DateTimeOffset? ScannedAt);

/// <summary>
/// One path under a source folder as the last scan saw it. Size and modification time tell a later scan whether the
/// file changed (then it is read again); <see cref="ContentHash"/> links a photo's or video's path to its media item.
/// </summary>
public sealed record FileEntry(
    string Path,
    long FolderId,
    FileKind Kind,
    long Size,
    DateTimeOffset ModifiedAt,
    string? ContentHash,
    string? Reason,
    DateTimeOffset SeenAt);

/// <summary>
/// One analysis of a photo as stored: the task's name, the version it ran at (its models and options, so that a
/// change re-runs it and nothing else) and its result as the JSON of the task's result record (the same JSON
/// <c>sightline analyze --json</c> prints for that task).
/// </summary>
public sealed record AnalysisRecord(string Task, string Version, string Json, DateTimeOffset At);

/// <summary>
/// A face of a photo: the box in the upright original's pixels, and what the faces analysis read from it. The
/// descriptor is what the people issue clusters; imported regions have a name and no descriptor until analysed.
/// <see cref="TooPoor"/>, when set, is why the faces analysis judged the face too poor to identify (comma-joined
/// reasons): such a face is kept out of clustering. A face of a video stands for a face track: its box is in the
/// frame at <see cref="FrameTime"/> (seconds), where the track's face was seen best; null for photos.
/// </summary>
public sealed record FaceRecord(
    int Index,
    FaceOrigin Origin,
    float X,
    float Y,
    float Width,
    float Height,
    float Score,
    string? Name = null,
    float[]? Landmarks = null,
    float[]? Descriptor = null,
    string? DescriptorModel = null,
    string? Expression = null,
    float? ExpressionScore = null,
    float? Age = null,
    string? Gender = null,
    float? GenderScore = null,
    float? Quality = null,
    string? TooPoor = null,
    double? FrameTime = null);

/// <summary>
/// What one ingestion step writes for one media item, in one transaction: the item (inserted when its hash is new,
/// otherwise updated), the path it was found at (when given), and the analyses that ran (each replaces the stored
/// one of its task). <see cref="Faces"/>, when not null, replaces the item's detected faces; imported faces are
/// replaced by <see cref="ImportedFaces"/> when that is not null. <see cref="Embedding"/>, when not null, replaces the
/// stored image embedding.
/// </summary>
public sealed record PhotoUpdate(
    string ContentHash,
    MediaKind Kind,
    string Format,
    long Size,
    int? Width,
    int? Height,
    PhotoMetadata Metadata,
    FileEntry? File,
    IReadOnlyList<AnalysisRecord> Analyses,
    IReadOnlyList<FaceRecord>? Faces = null,
    IReadOnlyList<FaceRecord>? ImportedFaces = null,
    float[]? Embedding = null,
    string? EmbeddingModel = null,
    bool ThumbnailsWritten = false);

/// <summary>A media item as listed: what a grid of photos needs.</summary>
public sealed record PhotoRow(
    long Id,
    string ContentHash,
    MediaKind Kind,
    string Format,
    long Size,
    int? Width,
    int? Height,
    DateTime? TakenAt,
    TimeSpan? TakenOffset,
    DateTimeOffset AddedAt,
    string? CameraModel,
    GeoPoint? Location,
    int FaceCount,
    int PathCount,
    bool ThumbnailsWritten);

/// <summary>A media item with everything stored about it.</summary>
public sealed record PhotoDetail(
    PhotoRow Photo,
    IReadOnlyList<string> Paths,
    PhotoMetadata Metadata,
    IReadOnlyList<AnalysisRecord> Analyses,
    IReadOnlyList<FaceRecord> Faces);

/// <summary>The order of a page of photos.</summary>
public enum PhotoOrder
{
    /// <summary>Newest first by date taken (photos without a date after the dated ones, newest added first).</summary>
    TakenDescending,
    TakenAscending,
    AddedDescending,
}

/// <summary>
/// A page request: at most <see cref="Limit"/> items after <see cref="Cursor"/> (the opaque cursor of the previous
/// page; keyset paging, so a page costs the same deep in a large library as at its start).
/// </summary>
public sealed record PhotoQuery(int Limit = 100, string? Cursor = null, PhotoOrder Order = PhotoOrder.TakenDescending, MediaKind? Kind = null);

/// <summary>A page of photos and the cursor of the next page (null at the end).</summary>
public sealed record PhotoPage(IReadOnlyList<PhotoRow> Photos, string? NextCursor);

/// <summary>A media item some analysis of which is missing or out of date: where to read it, and which tasks to run.</summary>
public sealed record PhotoWork(long PhotoId, string ContentHash, MediaKind Kind, string Path, IReadOnlyList<string> Tasks);

/// <summary>
/// How many of everything the library holds. Every file of every source folder is in exactly one of
/// <see cref="PhotoPaths"/>, <see cref="VideoPaths"/>, <see cref="Sidecars"/>, <see cref="Ignored"/> or <see cref="Failed"/>;
/// <see cref="DuplicatePaths"/> counts the paths beyond the first of a media item (same content under another name).
/// </summary>
public sealed record LibraryCounts(
    long Photos,
    long Videos,
    long PhotoPaths,
    long VideoPaths,
    long DuplicatePaths,
    long Sidecars,
    long Ignored,
    long Failed,
    long Faces,
    long Offline,
    IReadOnlyDictionary<string, long> AnalysesByTask,
    IReadOnlyDictionary<string, long> IgnoredByReason,
    IReadOnlyDictionary<string, long> FailedByReason);

/// <summary>The result of an integrity check: the database engine's own check and the library's invariants (every photo once, every path linked to an existing item).</summary>
public sealed record IntegrityReport(bool Ok, IReadOnlyList<string> Problems);

/// <summary>The library's settings: which analyses run on every photo, with which options, and the thumbnail sizes (pixels on the long side).</summary>
public sealed record LibrarySettings
{
    public static IReadOnlyList<string> DefaultTasks { get; } = ["detect", "faces", "embed", "moderate", "text"];

    public static LibrarySettings Default { get; } = new();

    /// <summary>Tasks of the analysis registry (see Sightline.Analysis.BuiltInTasks) run on every photo.</summary>
    public IReadOnlyList<string> Tasks { get; init; } = DefaultTasks;

    /// <summary>Task options as task.option=value, as <c>sightline analyze --set</c> takes them.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The grid thumbnail's long side.</summary>
    public int SmallThumbnail { get; init; } = 250;

    /// <summary>The preview's long side.</summary>
    public int PreviewThumbnail { get; init; } = 1440;

    /// <summary>
    /// How many frames a second of a video the detect and faces analyses track objects and faces in (0: a video is
    /// analysed by its poster frame only). 2 keeps a walker's track whole (the tracker widens its match for the
    /// time between frames) at a tenth of the work of every frame of a 20-frames-a-second clip.
    /// </summary>
    public double VideoFramesPerSecond { get; init; } = 2;

    /// <summary>How much of a video is tracked, from its start, in seconds: bounds the work one long recording costs a scan (10 minutes at 2 frames a second: 1,200 frames).</summary>
    public double VideoMaxSeconds { get; init; } = 600;

    /// <summary>
    /// Whether a link in a source folder may bring in a file or folder from outside it (off: such links are listed as
    /// ignored, and the photo app never serves a file outside the source folders).
    /// </summary>
    public bool FollowLinksOutside { get; init; }
}

/// <summary>The database of a library is of a newer schema than this version of Sightline knows, or cannot be opened as a library.</summary>
public sealed class LibraryStoreException(string message, Exception? inner = null) : Exception(message, inner);
