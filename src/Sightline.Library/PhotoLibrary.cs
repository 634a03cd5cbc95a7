using Sightline.Library.Ingestion;
using Sightline.Library.Duplicates;
using Sightline.Library.Export;
using Sightline.Library.People;
using Sightline.Library.Search;
using Sightline.Library.Storage;
using Sightline.Library.Thumbnails;
using Sightline.Vision.Pipeline;

namespace Sightline.Library;

/// <summary>Progress of a scan: the stage ("scanning", "reading", "analysing", "committing"), items done of the total known so far, failures so far, the rate and the time left.</summary>
public sealed record IngestProgress(string Stage, int Done, int Total, int Failed, double PhotosPerSecond, TimeSpan? Eta);

/// <summary>What one scan did. Every file the scan met is counted in exactly one of the file buckets. <see cref="People"/> is the clustering pass that followed (null when the library runs no faces analysis).</summary>
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
    IReadOnlyList<FileEntry> NewFailures,
    ClusteringReport? People = null);

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
    private readonly SemaphoreSlim _scanning = new(1, 1);
    private ScanState? _lastScan;

    private PhotoLibrary(string folder, ILibraryStore store, LibrarySettings settings, long schemaVersion)
    {
        Folder = folder;
        Store = store;
        Settings = settings;
        SchemaVersion = schemaVersion;
        Thumbnails = new ThumbnailStore(folder, settings);
        People = new PeopleService(store, PeopleOptions.Default);
        Search = new SearchService(store);
        Duplicates = new DuplicateFinder(store, () => Thumbnails, Search);
        Export = new PhotoExporter(this);
    }

    /// <summary>Searches of the library's photos (one query model for the CLI, the API and the app).</summary>
    public SearchService Search { get; }

    /// <summary>Exact and near duplicates, bursts, and the best shot of each group.</summary>
    public DuplicateFinder Duplicates { get; }

    /// <summary>Sorting a search's photos into folders (links or copies) with XMP sidecars; the originals are never changed.</summary>
    public PhotoExporter Export { get; }

    /// <summary>The library's people: clustering of its faces and the user's decisions about them.</summary>
    public PeopleService People { get; }

    /// <summary>The library's people clustered with other options (an evaluation or a benchmark trying another cut).</summary>
    public PeopleService PeopleWith(PeopleOptions options) => new(Store, options);

    public string Folder { get; }

    public ILibraryStore Store { get; }

    public LibrarySettings Settings { get; private set; }

    public ThumbnailStore Thumbnails { get; private set; }

    /// <summary>The database schema version after opening (and upgrading).</summary>
    public long SchemaVersion { get; }

    /// <summary>The scan in progress, with its progress, or the last one with its report or error; null before the first scan of this instance.</summary>
    public ScanState? LastScan => Volatile.Read(ref _lastScan);

    /// <summary>How many photos are read and analysed at once (each holds its file's bytes and one decode in memory).</summary>
    public int MaxInFlight { get; init; } = PipelineOptions.Default.MaxInFlight;

    /// <summary>Runs just before each photo is read (tests change or delete files between the scan and the read).</summary>
    internal Func<string, Task>? BeforeRead { get; set; }

    /// <summary>Makes a new library in <paramref name="folder"/> (created when missing; refused when it already holds a library), with its database at <paramref name="database"/> (see <see cref="LibraryStores"/>; SQLite inside the folder by default).</summary>
    public static async Task<PhotoLibrary> InitAsync(string folder, string? database = null, LibrarySettings? settings = null,
        CancellationToken cancellationToken = default)
    {
        folder = Normalize(folder);
        if (LibraryManifest.Exists(folder))
            throw new LibraryStoreException($"{folder} already holds a Sightline library: open it, or choose another folder");
        settings ??= LibrarySettings.Default;
        LibraryTasks.Choose(settings); // a mistake in the settings is found before anything is written
        if (CheckVideoSettings(settings) is { } video)
            throw new TaskOptionsException("video", video);
        var spec = string.IsNullOrWhiteSpace(database) ? LibraryStores.DefaultSqlite : database.Trim();
        Directory.CreateDirectory(folder);
        var store = await LibraryStores.OpenAsync(spec, folder, cancellationToken).ConfigureAwait(false);
        try
        {
            var version = await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
            await store.SaveSettingsAsync(settings, cancellationToken).ConfigureAwait(false);
            // Written last: a folder is a library only once its database is ready.
            new LibraryManifest(LibraryManifest.CurrentFormat, spec).Write(folder);
            return new PhotoLibrary(folder, store, settings, version);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens an existing library (upgrading an older schema); a folder that holds none is a LibraryStoreException saying how to make one.</summary>
    public static async Task<PhotoLibrary> OpenAsync(string folder, CancellationToken cancellationToken = default)
    {
        folder = Normalize(folder);
        var manifest = LibraryManifest.Read(folder);
        var store = await LibraryStores.OpenAsync(manifest.Database, folder, cancellationToken).ConfigureAwait(false);
        try
        {
            var version = await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
            var settings = await store.GetSettingsAsync(cancellationToken).ConfigureAwait(false) ?? LibrarySettings.Default;
            return new PhotoLibrary(folder, store, settings, version);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Registers source folders (they must exist); they are ingested by the next scan.</summary>
    public async Task<IReadOnlyList<SourceFolder>> AddFoldersAsync(IEnumerable<string> folders, CancellationToken cancellationToken = default)
    {
        var paths = folders.Select(f => SourceFolderPath(f, Folder)).Distinct(StringComparer.Ordinal).ToList();
        var added = new List<SourceFolder>(paths.Count);
        foreach (var path in paths)
            added.Add(await Store.AddFolderAsync(path, cancellationToken).ConfigureAwait(false));
        return added;
    }

    /// <summary>
    /// The normalised path of a source folder (absolute, no trailing separator); a folder that does not exist, or that
    /// lies inside the library's own folder, is a <see cref="LibraryInputException"/> saying so.
    /// </summary>
    public static string SourceFolderPath(string folder, string libraryFolder)
    {
        if (string.IsNullOrWhiteSpace(folder))
            throw new LibraryInputException("a source folder must be named");
        var path = Normalize(folder);
        if (!Directory.Exists(path))
            throw new LibraryInputException(File.Exists(path)
                ? $"{path} is a file, not a folder: add the folder that holds it"
                : $"the folder {path} does not exist");
        var library = Normalize(libraryFolder);
        if (path == library || path.StartsWith(library + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new LibraryInputException($"{path} is inside the library folder {library}, which holds the library's own files: add a folder outside it");
        return path;
    }

    /// <summary>What is wrong with the video settings, in words; null when nothing is.</summary>
    public static string? CheckVideoSettings(LibrarySettings settings) =>
        !(settings.VideoFramesPerSecond is >= 0 and <= 60) ? $"video.fps must lie in [0, 60] (0: videos analysed by their poster frame only), got {settings.VideoFramesPerSecond}"
        : !(settings.VideoMaxSeconds is > 0 and <= 86400) ? $"video.maxSeconds must lie in (0, 86400], got {settings.VideoMaxSeconds}"
        : null;

    /// <summary>Changes the analyses or their options; the next scan re-runs only the analyses that are out of date.</summary>
    public async Task SaveSettingsAsync(LibrarySettings settings, CancellationToken cancellationToken = default)
    {
        LibraryTasks.Choose(settings);
        if (CheckVideoSettings(settings) is { } video)
            throw new TaskOptionsException("video", video);
        if (settings.SmallThumbnail < 16 || settings.PreviewThumbnail < settings.SmallThumbnail)
            throw new TaskOptionsException("thumbnails", $"thumbnail sizes must be at least 16 pixels, the preview no smaller than the grid thumbnail (got {settings.SmallThumbnail} and {settings.PreviewThumbnail})");
        await Store.SaveSettingsAsync(settings, cancellationToken).ConfigureAwait(false);
        Settings = settings;
        Thumbnails = new ThumbnailStore(Folder, settings);
    }

    /// <summary>
    /// Picks up what changed in every source folder and ingests it with the library's analyses, on the models of
    /// <paramref name="context"/>; resumes what an interrupted scan left; never analyses a photo twice.
    /// </summary>
    public Task<IngestReport> ScanAsync(TaskContext context, IProgress<IngestProgress>? progress = null, CancellationToken cancellationToken = default) =>
        RunScanAsync(context, null, progress, cancellationToken);

    /// <summary>Ingests only <paramref name="paths"/> (files, or folders scanned whole) under the source folders: what the watcher saw change.</summary>
    public Task<IngestReport> IngestPathsAsync(TaskContext context, IReadOnlyCollection<string> paths, IProgress<IngestProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        RunScanAsync(context, paths, progress, cancellationToken);

    private async Task<IngestReport> RunScanAsync(TaskContext context, IReadOnlyCollection<string>? paths, IProgress<IngestProgress>? progress,
        CancellationToken cancellationToken)
    {
        await _scanning.WaitAsync(cancellationToken).ConfigureAwait(false);
        var started = DateTimeOffset.UtcNow;
        try
        {
            var folders = await Store.GetFoldersAsync(cancellationToken).ConfigureAwait(false);
            var engine = new IngestEngine(this, context, new Progress(this, started, progress), MaxInFlight) { BeforeRead = BeforeRead };
            Volatile.Write(ref _lastScan, new ScanState(true, started, null, null, null));
            var report = await engine.RunAsync(folders, paths, cancellationToken).ConfigureAwait(false);
            // The faces just committed join people at once (an incremental pass: only the components they touch).
            if (Settings.Tasks.Contains("faces", StringComparer.OrdinalIgnoreCase))
                report = report with { People = await People.UpdateAsync(cancellationToken).ConfigureAwait(false) };
            Volatile.Write(ref _lastScan, new ScanState(false, started, engine.Progress, report, null));
            return report;
        }
        catch (Exception e)
        {
            Volatile.Write(ref _lastScan, new ScanState(false, started, _lastScan?.Progress, null, e is OperationCanceledException ? "cancelled" : e.Message));
            throw;
        }
        finally
        {
            _scanning.Release();
        }
    }

    /// <summary>Forwards a scan's progress and keeps the latest in <see cref="LastScan"/>.</summary>
    private sealed class Progress(PhotoLibrary library, DateTimeOffset started, IProgress<IngestProgress>? inner) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value)
        {
            Volatile.Write(ref library._lastScan, new ScanState(true, started, value, null, null));
            inner?.Report(value);
        }
    }

    /// <summary>Scans, then stays running: ingests files as they appear or change (after <see cref="WatchOptions.Debounce"/>), and rescans every <see cref="WatchOptions.Rescan"/>, until cancelled.</summary>
    public async Task WatchAsync(TaskContext context, WatchOptions options, Action<IngestReport>? onIngested = null,
        IProgress<IngestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var queue = new ChangeQueue();
        var folders = await Store.GetFoldersAsync(cancellationToken).ConfigureAwait(false);
        // Watching starts before the first scan, so that nothing written during it is missed.
        using var watchers = new FolderWatchers(folders.Select(f => f.Path).Where(Directory.Exists), queue);
        onIngested?.Invoke(await ScanAsync(context, progress, cancellationToken).ConfigureAwait(false));
        var lastFull = DateTimeOffset.UtcNow;
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(options.Debounce.TotalMilliseconds / 4, 50, 1000));
        while (true)
        {
            await Task.Delay(tick, cancellationToken).ConfigureAwait(false);
            if (queue.TakeRescan() || DateTimeOffset.UtcNow - lastFull >= options.Rescan)
            {
                queue.Clear();
                onIngested?.Invoke(await ScanAsync(context, progress, cancellationToken).ConfigureAwait(false));
                lastFull = DateTimeOffset.UtcNow;
                continue;
            }
            var quiet = queue.TakeQuiet(options.Debounce);
            if (quiet.Count > 0)
                onIngested?.Invoke(await IngestPathsAsync(context, quiet, progress, cancellationToken).ConfigureAwait(false));
        }
    }

    public async Task<LibraryStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var folders = await Store.GetFoldersAsync(cancellationToken).ConfigureAwait(false);
        var counts = await Store.GetCountsAsync(cancellationToken).ConfigureAwait(false);
        var wanted = LibraryAnalyses.KnownVersions(Settings, Folder);
        long outdated = 0;
        if (wanted.Count > 0)
            for (long after = 0; ;)
            {
                var page = await Store.GetOutdatedAsync(wanted, 1000, after, cancellationToken).ConfigureAwait(false);
                if (page.Count == 0)
                    break;
                outdated += page.Where(p => p.Kind == MediaKind.Photo).Sum(p => (long)p.Tasks.Count);
                after = page[^1].PhotoId;
            }
        var failures = await Store.GetFailuresAsync(20, cancellationToken).ConfigureAwait(false);
        return new LibraryStatus(Folder, Store.Location, SchemaVersion, Settings, folders, counts, outdated, failures);
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();

    /// <summary>An absolute path without a trailing separator (the root stays the root).</summary>
    internal static string Normalize(string path)
    {
        var full = Path.GetFullPath(path);
        var trimmed = Path.TrimEndingDirectorySeparator(full);
        return trimmed.Length == 0 ? full : trimmed;
    }
}

/// <summary>A source folder or another input of a library command that cannot be used: the message names it and why.</summary>
public sealed class LibraryInputException(string message) : Exception(message);
