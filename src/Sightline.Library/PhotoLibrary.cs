using Sightline.Library.Storage;
using Sightline.Library.Thumbnails;
using Sightline.Vision.Pipeline;

namespace Sightline.Library;

/// <summary>Progress of a scan: the stage ("scanning", "reading", "analysing", "committing"), items done of the total known so far, failures so far, the rate and the time left.</summary>
public sealed record IngestProgress(string Stage, int Done, int Total, int Failed, double PhotosPerSecond, TimeSpan? Eta);

/// <summary>What one scan did. Every file the scan met is counted in exactly one of the file buckets.</summary>
public sealed record IngestReport(
    int FilesSeen,
    int NewPhotos,
    int NewVideos,
    int Changed,
    int Linked,
    int Unchanged,
    int Removed,
    int Ignored,
    int Sidecars,
    int Failed,
    int AnalysesRun,
    TimeSpan Elapsed,
    IReadOnlyDictionary<string, double> StageSeconds,
    IReadOnlyList<FileEntry> NewFailures);

/// <summary>A scan in progress (for the server's status while it ingests), or the last one.</summary>
public sealed record ScanState(bool Running, DateTimeOffset StartedAt, IngestProgress? Progress, IngestReport? Report, string? Error);

/// <summary>What <c>sightline library status</c> shows.</summary>
public sealed record LibraryStatus(
    string Folder,
    string Database,
    long SchemaVersion,
    LibrarySettings Settings,
    IReadOnlyList<SourceFolder> Folders,
    LibraryCounts Counts,
    long OutdatedAnalyses,
    IReadOnlyList<FileEntry> RecentFailures);

/// <summary>How <see cref="PhotoLibrary.WatchAsync"/> waits: quiet time after the last change of a file before it is read, and the full rescan that catches what the file watcher missed.</summary>
public sealed record WatchOptions(TimeSpan Debounce, TimeSpan Rescan)
{
    public static WatchOptions Default { get; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(10));
}

/// <summary>
/// A photo library: a folder holding its settings (library.json), its database (SQLite inside the folder by default,
/// or PostgreSQL) and its thumbnails; the source folders it ingests; and ingestion itself (scan, watch).
/// </summary>
public sealed class PhotoLibrary : IAsyncDisposable
{
    private PhotoLibrary(string folder, ILibraryStore store, LibrarySettings settings)
    {
        Folder = folder;
        Store = store;
        Settings = settings;
        Thumbnails = new ThumbnailStore(folder, settings);
    }

    public string Folder { get; }

    public ILibraryStore Store { get; }

    public LibrarySettings Settings { get; private set; }

    public ThumbnailStore Thumbnails { get; }

    /// <summary>Makes a new library in <paramref name="folder"/> (created when missing; refused when it already holds a library), with its database at <paramref name="database"/> (see <see cref="LibraryStores"/>; SQLite inside the folder by default).</summary>
    public static Task<PhotoLibrary> InitAsync(string folder, string? database = null, LibrarySettings? settings = null,
        CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("comes with the ingestion work");

    /// <summary>Opens an existing library (upgrading an older schema); a folder that holds none is a LibraryStoreException saying how to make one.</summary>
    public static Task<PhotoLibrary> OpenAsync(string folder, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("comes with the ingestion work");

    /// <summary>Registers source folders (they must exist); they are ingested by the next scan.</summary>
    public Task<IReadOnlyList<SourceFolder>> AddFoldersAsync(IEnumerable<string> folders, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("comes with the ingestion work");

    /// <summary>Changes the analyses or their options; the next scan re-runs only the analyses that are out of date.</summary>
    public Task SaveSettingsAsync(LibrarySettings settings, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("comes with the ingestion work");

    /// <summary>
    /// Picks up what changed in every source folder and ingests it with the library's analyses, on the models of
    /// <paramref name="context"/>; resumes what an interrupted scan left; never analyses a photo twice.
    /// </summary>
    public Task<IngestReport> ScanAsync(TaskContext context, IProgress<IngestProgress>? progress = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("comes with the ingestion work");

    /// <summary>Scans, then stays running: ingests files as they appear or change (after <see cref="WatchOptions.Debounce"/>), and rescans every <see cref="WatchOptions.Rescan"/>, until cancelled.</summary>
    public Task WatchAsync(TaskContext context, WatchOptions options, Action<IngestReport>? onIngested = null,
        IProgress<IngestProgress>? progress = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("comes with the ingestion work");

    public Task<LibraryStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("comes with the ingestion work");

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
