using System.Diagnostics;
using Sightline.Video.Decoding;
using Sightline.Library.Metadata;
using Sightline.Library.Scanning;
using Sightline.Library.Storage;
using Sightline.Library.Thumbnails;
using Sightline.Vision.Pipeline;

namespace Sightline.Library.Ingestion;

/// <summary>
/// One scan of a library: compares each folder with what is stored (<see cref="ScanPlanner"/>), reads the new and
/// changed files (at most as many at once as the pipeline keeps in flight, so memory stays bounded), hashes them,
/// links content that is already stored, analyses the rest with one decode for every task and the thumbnails, and
/// commits in batches (<see cref="BatchCommitter"/>). Then it re-runs the analyses that are out of date. Cancelling
/// commits what is done and stops.
/// </summary>
internal sealed class IngestEngine
{
    /// <summary>Videos larger than this are hashed as a stream and their metadata is not read (it would take the whole file in memory).</summary>
    public const long MaxVideoMetadataBytes = 256L * 1024 * 1024;

    private readonly PhotoLibrary _library;
    private readonly ILibraryStore _store;
    private readonly TaskContext _context;
    private readonly LibraryAnalyses _analyses;
    private readonly VideoTracker _videoTracker;
    private readonly ImageContext _images;
    private readonly StageClock _clock = new();
    private readonly IngestMeter _meter;
    private readonly DuplicateClaims _claims = new();
    private readonly List<FileEntry> _newFailures = [];
    private readonly Lock _gate = new();
    private int _filesSeen, _newPhotos, _newVideos, _changed, _linked, _unchanged, _removed, _ignored, _sidecars, _failed, _analysesRun;

    public IngestEngine(PhotoLibrary library, TaskContext context, IProgress<IngestProgress>? progress, int maxInFlight)
    {
        _library = library;
        _store = library.Store;
        _context = context;
        _analyses = new LibraryAnalyses(library.Settings, library.Folder, library.Thumbnails);
        _videoTracker = new VideoTracker(library.Settings, library.Thumbnails);
        _images = new ImageContext(context.Limits, new PipelineOptions(maxInFlight));
        _meter = new IngestMeter(progress);
        MaxInFlight = maxInFlight;
    }

    public int MaxInFlight { get; }

    /// <summary>Runs just before a photo is read: lets tests change or delete a file between the scan and the read.</summary>
    internal Func<string, Task>? BeforeRead { get; init; }

    /// <summary>A scan of every file of <paramref name="folders"/>, or, with <paramref name="paths"/>, of those files and folders only (the watcher's changes).</summary>
    public async Task<IngestReport> RunAsync(IReadOnlyList<SourceFolder> folders, IReadOnlyCollection<string>? paths, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var now = DateTimeOffset.UtcNow;
        var toRead = new List<FileToRead>();
        _meter.Start("scanning", 0);
        foreach (var folder in folders)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var scanStart = Stopwatch.GetTimestamp();
            var (scanned, stored) = await ListAsync(folder, paths, cancellationToken).ConfigureAwait(false);
            var plan = ScanPlanner.Plan(folder.Id, scanned, stored, now);
            _clock.AddSince(StageClock.Scan, scanStart);
            await ApplyAsync(plan).ConfigureAwait(false);
            toRead.AddRange(plan.ToRead);
        }

        await IngestFilesAsync(toRead, now, cancellationToken).ConfigureAwait(false);
        if (paths is null)
            foreach (var folder in folders)
                await _store.MarkScannedAsync(folder.Id, now, CancellationToken.None).ConfigureAwait(false);
        await RefreshOutdatedAsync(now, cancellationToken).ConfigureAwait(false);

        lock (_gate)
            return new IngestReport(_filesSeen, _newPhotos, _newVideos, _changed, _linked, _unchanged, _removed, _ignored, _sidecars, _failed,
                _analysesRun, Stopwatch.GetElapsedTime(start), _clock.Snapshot(), _newFailures.ToList());
    }

    public IngestProgress Progress => _meter.Current();

    private async Task<(List<ScannedFile> Scanned, IEnumerable<FileEntry> Stored)> ListAsync(SourceFolder folder, IReadOnlyCollection<string>? paths,
        CancellationToken cancellationToken)
    {
        var stored = await _store.GetFilesAsync(folder.Id, cancellationToken).ConfigureAwait(false);
        if (!Directory.Exists(folder.Path))
        {
            // An unmounted disk must not read as every file deleted: its entries stay as they are, and the report says why.
            lock (_gate)
                _newFailures.Add(new FileEntry(folder.Path, folder.Id, FileKind.Failed, 0, DateTimeOffset.UtcNow, null,
                    "the source folder is missing (moved, deleted or not mounted): its files are kept as the last scan saw them", DateTimeOffset.UtcNow));
            return ([], []);
        }
        if (paths is null)
            return (FileScanner.Scan(folder.Path, cancellationToken, LinksWithin(folder.Path)).Select(OwnFiles).ToList(), stored);

        // Only the changed paths: a file is classified on its own, a folder (new, or renamed into place) is scanned whole.
        // A path inside a hidden folder is left to the full scan, which counts the hidden folder once and does not search it.
        var roots = paths.Where(p => IsUnder(p, folder.Path) && !InHiddenFolder(p, folder.Path)).Distinct(StringComparer.Ordinal).ToList();
        var scanned = new Dictionary<string, ScannedFile>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            IEnumerable<ScannedFile> found = File.Exists(root) ? [FileScanner.Classify(root, LinksWithin(folder.Path))]
                : Directory.Exists(root) ? FileScanner.Scan(root, cancellationToken, LinksWithin(folder.Path))
                : [];
            foreach (var file in found)
                scanned[file.Path] = OwnFiles(file);
        }
        return (scanned.Values.ToList(), stored.Where(s => roots.Any(r => s.Path == r || IsUnder(s.Path, r))));
    }

    /// <summary>The library's own folder inside a source folder holds thumbnails, not photos: its files are ignored, and counted.</summary>
    /// <summary>The folder links must stay inside, unless the library's settings let them out.</summary>
    private string? LinksWithin(string sourceFolder) => _library.Settings.FollowLinksOutside ? null : sourceFolder;

    private ScannedFile OwnFiles(ScannedFile file) => IsUnder(file.Path, _library.Folder) || file.Path == _library.Folder
        ? file with { Kind = FileKind.Ignored, Format = null, Reason = "the library's own files" }
        : file;

    internal static bool InHiddenFolder(string path, string folder) =>
        Path.GetRelativePath(folder, path).Split(Path.DirectorySeparatorChar).SkipLast(1).Any(segment => segment.StartsWith('.'));

    private static bool IsUnder(string path, string folder) =>
        path.Length > folder.Length && path.StartsWith(folder, StringComparison.Ordinal) && (path[folder.Length] == '/' || path[folder.Length] == Path.DirectorySeparatorChar || folder.EndsWith('/'));

    private async Task ApplyAsync(ScanPlan plan)
    {
        var start = Stopwatch.GetTimestamp();
        if (plan.Gone.Count > 0)
            await _store.RemoveFilesAsync(plan.Gone, CancellationToken.None).ConfigureAwait(false);
        if (plan.Records.Count > 0)
            await _store.SaveFilesAsync(plan.Records, CancellationToken.None).ConfigureAwait(false);
        if (plan.Gone.Count > 0 || plan.Records.Count > 0)
            _clock.AddSince(StageClock.Commit, start);
        lock (_gate)
        {
            _removed += plan.Gone.Count;
            _unchanged += plan.UnchangedMedia;
            _sidecars += plan.UnchangedSidecars + plan.NewSidecars;
            _ignored += plan.UnchangedIgnored + plan.NewIgnored;
            _failed += plan.FailedUnchanged + plan.NewFailed;
            _filesSeen += plan.UnchangedMedia + plan.UnchangedSidecars + plan.UnchangedIgnored + plan.FailedUnchanged + plan.Records.Count + plan.ToRead.Count;
            _newFailures.AddRange(plan.Records.Where(r => r.Kind == FileKind.Failed));
        }
    }

    private async Task IngestFilesAsync(IReadOnlyList<FileToRead> files, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
            return;
        _meter.Start("analysing", files.Count);
        await RunInFlightAsync(files, (file, ct) => IngestAsync(file, now, ct), item => item is FailureItem, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="run"/> on at most <see cref="MaxInFlight"/> items at once and commits what each gives in
    /// batches. A fault (the database, the disk, a model) stops the rest, after what was done is committed, and is
    /// thrown; an item cut short by the stop is not recorded, so that the next scan takes it again.
    /// </summary>
    private async Task RunInFlightAsync<T>(IReadOnlyList<T> items, Func<T, CancellationToken, Task<IngestItem?>> run,
        Func<IngestItem?, bool> isFailure, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? fatal = null;
        void Fail(Exception e)
        {
            Interlocked.CompareExchange(ref fatal, e, null);
            stop.Cancel();
        }

        var committer = new BatchCommitter(_store, _clock, Fail);
        using var slots = new SemaphoreSlim(MaxInFlight, MaxInFlight);
        var running = new List<Task>(items.Count);
        foreach (var each in items)
        {
            try
            {
                await slots.WaitAsync(stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            running.Add(Task.Run(async () =>
            {
                var failed = false;
                try
                {
                    var item = await run(each, stop.Token).ConfigureAwait(false);
                    failed = isFailure(item);
                    if (item is not null)
                        committer.Add(item);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // Not recorded: the next scan reads it again.
                }
                catch (Exception e)
                {
                    Fail(e);
                }
                finally
                {
                    slots.Release();
                    _meter.Done(failed);
                }
            }, CancellationToken.None));
        }
        await Task.WhenAll(running).ConfigureAwait(false);
        try
        {
            await committer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref fatal, e, null);
        }
        ThrowIfFailed(fatal, cancellationToken);
    }

    private void ThrowIfFailed(Exception? fatal, CancellationToken cancellationToken)
    {
        if (fatal is not null)
        {
            if (StorageFaults.IsDiskFull(fatal))
                throw StorageFaults.DiskFull(_library.Folder, fatal);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(fatal).Throw();
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Reads, hashes and (for new content) analyses one file; what it yields is for the committer.</summary>
    private async Task<IngestItem?> IngestAsync(FileToRead toRead, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var file = toRead.File;
        var entry = new FileEntry(file.Path, toRead.FolderId, file.Kind, file.Size, file.ModifiedAt, null, null, now);
        if (file.Kind == FileKind.Video)
            return await IngestVideoAsync(toRead, entry, now, cancellationToken).ConfigureAwait(false);

        if (BeforeRead is { } hook)
            await hook(file.Path).ConfigureAwait(false);
        var readStart = Stopwatch.GetTimestamp();
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(file.Path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && !StorageFaults.IsDiskFull(e))
        {
            return Failure(entry, ReadFailure(e), null);
        }
        if (ChangedWhileRead(file, bytes.Length) is { } changed)
            return Failure(entry, changed, null);
        var hash = ContentHash.Of(bytes);
        _clock.AddSince(StageClock.ReadAndHash, readStart);
        entry = entry with { ContentHash = hash };

        var stored = await _store.FindByHashAsync(hash, cancellationToken).ConfigureAwait(false) is not null;
        var decision = _claims.Claim(hash, stored);
        if (decision != HashDecision.Analyse)
        {
            CountFile(toRead.Reason, ref _linked);
            return new LinkItem(entry, decision == HashDecision.LinkToStored);
        }

        var metadataStart = Stopwatch.GetTimestamp();
        var metadata = PhotoMetadataReader.Read(bytes, file.Path);
        _clock.AddSince(StageClock.Metadata, metadataStart);

        var (analysis, mapped, failure) = await AnalyseNewAsync(ImageSource.Bytes(bytes, file.Path), entry, hash, now, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
            return failure;
        CountFile(toRead.Reason, ref _newPhotos);
        return new UpdateItem(new PhotoUpdate(hash, MediaKind.Photo, file.Format ?? analysis!.Format.ToString().ToLowerInvariant(), bytes.Length,
            analysis!.Width, analysis.Height, metadata, entry, mapped!.Analyses,
            Faces: mapped.Faces,
            ImportedFaces: ResultMapper.ImportedFaces(metadata.FaceRegions, analysis.Width, analysis.Height),
            Embedding: mapped.Embedding, EmbeddingModel: mapped.EmbeddingModel, ThumbnailsWritten: mapped.ThumbnailsWritten));
    }

    private async Task<IngestItem?> IngestVideoAsync(FileToRead toRead, FileEntry entry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var file = toRead.File;
        var readStart = Stopwatch.GetTimestamp();
        string hash;
        PhotoMetadata metadata;
        try
        {
            hash = await ContentHash.OfFileAsync(file.Path, cancellationToken).ConfigureAwait(false);
            _clock.AddSince(StageClock.ReadAndHash, readStart);
            var metadataStart = Stopwatch.GetTimestamp();
            metadata = file.Size <= MaxVideoMetadataBytes
                ? PhotoMetadataReader.Read(await File.ReadAllBytesAsync(file.Path, cancellationToken).ConfigureAwait(false), file.Path)
                : PhotoMetadata.Empty with { Warnings = [$"video metadata not read: the file is larger than {MaxVideoMetadataBytes / (1024 * 1024)} MB"] };
            _clock.AddSince(StageClock.Metadata, metadataStart);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && !StorageFaults.IsDiskFull(e))
        {
            return Failure(entry, ReadFailure(e), null);
        }
        if (ChangedWhileRead(file, null) is { } changed)
            return Failure(entry, changed, null);
        entry = entry with { ContentHash = hash };
        var stored = await _store.FindByHashAsync(hash, cancellationToken).ConfigureAwait(false) is not null;
        var decision = _claims.Claim(hash, stored);
        if (decision != HashDecision.Analyse)
        {
            CountFile(toRead.Reason, ref _linked);
            return new LinkItem(entry, decision == HashDecision.LinkToStored);
        }
        var format = file.Format ?? Path.GetExtension(file.Path).TrimStart('.').ToLowerInvariant();
        VideoInfo? info;
        try
        {
            info = await VideoProbe.ProbeAsync(file.Path, _images.Limits, cancellationToken).ConfigureAwait(false);
        }
        catch (VideoException e) when (e.Kind == VideoErrorKind.ToolMissing)
        {
            // Without ffmpeg a video is recorded as before, with its metadata and no poster; a later scan adds it.
            info = null;
        }
        catch (VideoException e)
        {
            return Failure(entry, e.Reason, hash);
        }
        if (info is null)
        {
            CountFile(toRead.Reason, ref _newVideos);
            return new UpdateItem(new PhotoUpdate(hash, MediaKind.Video, format, file.Size, null, null, metadata, entry, []));
        }

        metadata = metadata with { Video = new VideoFacts(info.Duration, info.FrameRate, info.Codec, info.Rotation, info.HasAudio) };
        // The poster frame stands for the video: its thumbnails, and the library's analyses run on it as on a photo.
        VideoFrame poster;
        try
        {
            poster = await PosterFrameAsync(info, cancellationToken).ConfigureAwait(false);
        }
        catch (VideoException e)
        {
            return Failure(entry, e.Reason, hash);
        }
        MappedAnalyses? mapped;
        using (poster)
        {
            (_, mapped, var failure) = await AnalyseNewAsync(ImageSource.Frame(poster.Pixels, file.Path, poster.Index), entry, hash, now, cancellationToken).ConfigureAwait(false);
            if (failure is not null)
                return failure;
        }
        var analyses = mapped!.Analyses.ToList();
        var faces = mapped.Faces;
        if (_videoTracker.Enabled)
        {
            // Its objects and people over time: the video's faces are then its face tracks, one per person, not the poster's.
            try
            {
                var tracking = await _videoTracker.TrackAsync(info, hash, _context, _images, now, cancellationToken).ConfigureAwait(false);
                analyses.Add(tracking.Record);
                faces = tracking.Faces ?? faces;
                _clock.Add(VideoTracksResult.TaskName, tracking.Seconds);
                Count(ref _analysesRun);
            }
            catch (Exception e) when (IsOfThisPhoto(e))
            {
                // A video that breaks off later than its poster keeps what the poster gave, and says why it has no tracks.
                var reason = e is VideoException video ? video.Reason : $"{e.GetType().Name}: {e.Message}";
                metadata = metadata with { Warnings = [.. metadata.Warnings, $"objects and faces not tracked: {reason}"] };
            }
        }
        CountFile(toRead.Reason, ref _newVideos);
        return new UpdateItem(new PhotoUpdate(hash, MediaKind.Video, format, file.Size, info.Width, info.Height, metadata, entry, analyses,
            Faces: faces, Embedding: mapped.Embedding, EmbeddingModel: mapped.EmbeddingModel, ThumbnailsWritten: mapped.ThumbnailsWritten));
    }

    /// <summary>
    /// New content through the library's analyses and thumbnails, as the committer stores them; a failure of this
    /// item (never of the whole scan) comes back as its <see cref="FailureItem"/>.
    /// </summary>
    private async Task<(ImageAnalysis? Analysis, MappedAnalyses? Mapped, FailureItem? Failure)> AnalyseNewAsync(ImageSource source, FileEntry entry, string hash,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _analyses.BuildAsync(_context, cancellationToken).ConfigureAwait(false);
        var versions = await _analyses.WantedAsync(_context, cancellationToken).ConfigureAwait(false);
        var pipeline = _analyses.PipelineFor(null, thumbnails: true, _images)!;
        _analyses.Register(entry.Path, hash);
        Outcome<ImageAnalysis> outcome;
        try
        {
            outcome = await pipeline.AnalyzeAsync(source, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsOfThisPhoto(e))
        {
            // One photo that trips an analysis must not stop every later scan at the same photo.
            return (null, null, Failure(entry, $"analysis failed ({e.GetType().Name}: {e.Message})", hash));
        }
        finally
        {
            _analyses.Forget(entry.Path);
        }
        if (outcome.Result is not { } analysis)
            return (null, null, Failure(entry, Reason(outcome.Error!), hash));
        AddTimings(analysis.Timings);
        var mapped = ResultMapper.Map(analysis.Results, versions, now);
        Count(ref _analysesRun, mapped.Analyses.Count);
        return (analysis, mapped, null);
    }

    /// <summary>The frame a video is shown by: one second in (a tenth of a shorter video), past the black a clip often opens with.</summary>
    internal static async Task<VideoFrame> PosterFrameAsync(VideoInfo info, CancellationToken cancellationToken)
    {
        var at = info.Duration > 0 ? Math.Min(1.0, info.Duration / 10) : 0;
        VideoFrame? last = null;
        await foreach (var frame in VideoReader.ReadAsync(info, FrameSampling.All, null, cancellationToken).ConfigureAwait(false))
        {
            last?.Dispose();
            last = frame;
            if (frame.Time >= at)
                break;
        }
        return last ?? throw new VideoException(VideoErrorKind.NoFrames, info.Path, "no frame could be decoded");
    }

    /// <summary>Re-runs, on a photo at a time, the analyses whose version changed since they ran (and thumbnails that are missing).</summary>
    private async Task RefreshOutdatedAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_analyses.TaskNames.Count == 0)
            return;
        var wanted = await _analyses.WantedAsync(_context, cancellationToken).ConfigureAwait(false);
        var work = new List<PhotoWork>();
        for (long after = 0; ;)
        {
            var page = await _store.GetOutdatedAsync(wanted, 256, after, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
                break;
            work.AddRange(page.Where(p => p.Kind == MediaKind.Photo));
            after = page[^1].PhotoId;
        }
        if (work.Count == 0)
            return;

        await _analyses.BuildAsync(_context, cancellationToken).ConfigureAwait(false);
        _meter.Start("re-analysing", work.Count);
        await RunInFlightAsync(work,
            async (item, ct) => await RefreshAsync(item, wanted, now, ct).ConfigureAwait(false) is { } update ? new UpdateItem(update) : null,
            item => item is null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The out-of-date analyses of one photo, run again from one of its paths; null (and a reported failure) when the file cannot be used.</summary>
    private async Task<PhotoUpdate?> RefreshAsync(PhotoWork work, IReadOnlyDictionary<string, string> wanted, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var detail = await _store.GetPhotoAsync(work.PhotoId, cancellationToken).ConfigureAwait(false);
        if (detail is null)
            return null;
        var readStart = Stopwatch.GetTimestamp();
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(work.Path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && !StorageFaults.IsDiskFull(e))
        {
            return RefreshFailure(work, $"cannot re-analyse: {ReadFailure(e)}");
        }
        if (ContentHash.Of(bytes) != work.ContentHash)
            return RefreshFailure(work, "cannot re-analyse: the file changed since it was scanned (the next scan reads it again)");
        _clock.AddSince(StageClock.ReadAndHash, readStart);

        var tasks = work.Tasks.Where(wanted.ContainsKey).ToList();
        var thumbnails = !detail.Photo.ThumbnailsWritten || !_library.Thumbnails.Exists(work.ContentHash);
        var pipeline = _analyses.PipelineFor(tasks, thumbnails, _images);
        if (pipeline is null)
            return null;
        _analyses.Register(work.Path, work.ContentHash);
        Outcome<ImageAnalysis> outcome;
        try
        {
            outcome = await pipeline.AnalyzeAsync(ImageSource.Bytes(bytes, work.Path), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsOfThisPhoto(e))
        {
            return RefreshFailure(work, $"cannot re-analyse: analysis failed ({e.GetType().Name}: {e.Message})");
        }
        finally
        {
            _analyses.Forget(work.Path);
        }
        if (outcome.Result is not { } analysis)
            return RefreshFailure(work, $"cannot re-analyse: {Reason(outcome.Error!)}");
        AddTimings(analysis.Timings);
        var mapped = ResultMapper.Map(analysis.Results, wanted, now);
        Count(ref _analysesRun, mapped.Analyses.Count);
        var photo = detail.Photo;
        return new PhotoUpdate(photo.ContentHash, photo.Kind, photo.Format, photo.Size, photo.Width, photo.Height, detail.Metadata, null, mapped.Analyses,
            Faces: mapped.Faces, Embedding: mapped.Embedding, EmbeddingModel: mapped.EmbeddingModel,
            ThumbnailsWritten: mapped.ThumbnailsWritten || photo.ThumbnailsWritten);
    }

    private PhotoUpdate? RefreshFailure(PhotoWork work, string reason)
    {
        lock (_gate)
        {
            _failed++;
            _newFailures.Add(new FileEntry(work.Path, 0, FileKind.Failed, 0, DateTimeOffset.UtcNow, work.ContentHash, reason, DateTimeOffset.UtcNow));
        }
        return null;
    }

    private FailureItem Failure(FileEntry entry, string reason, string? hash)
    {
        var failed = entry with { Kind = FileKind.Failed, ContentHash = null, Reason = reason };
        lock (_gate)
        {
            _failed++;
            _newFailures.Add(failed);
        }
        return new FailureItem(failed, hash);
    }

    private void AddTimings(PipelineTimings timings)
    {
        _clock.Add(StageClock.Decode, timings.DecodeMs / 1000);
        foreach (var (task, ms) in timings.TaskMs)
            _clock.Add(task, ms / 1000);
    }

    private void Count(ref int counter, int by = 1)
    {
        lock (_gate)
            counter += by;
    }

    /// <summary>
    /// Whether an analysis failure belongs to the one photo (it is recorded as failed and the scan goes on) rather than
    /// to the machine: the disk, the database, the models and cancellation stop the scan instead, so that they never
    /// mark good photos as failed.
    /// </summary>
    internal static bool IsOfThisPhoto(Exception e) => e is not (OperationCanceledException or IOException or UnauthorizedAccessException
        or LibraryStoreException or Sightline.Models.ModelStoreException or Sightline.Inference.Sessions.InferenceException
        or OutOfMemoryException or InsufficientExecutionStackException) && !StorageFaults.IsDiskFull(e);

    /// <summary>A file whose size or time differs from the scan's after it was read was being written: not trusted now, read again by the next scan.</summary>
    private static string? ChangedWhileRead(ScannedFile file, long? bytesRead)
    {
        var info = new FileInfo(file.Path);
        if (!info.Exists)
            return "disappeared while being read";
        if (info.Length != file.Size || (bytesRead is { } read && read != file.Size) || (new DateTimeOffset(info.LastWriteTimeUtc) - file.ModifiedAt).Duration() >= ScanPlanner.TimeTolerance)
            return "changed while being read (it is read again by the next scan)";
        return null;
    }

    /// <summary>Why a file could not be read, in words, without the path (the entry names it).</summary>
    private static string ReadFailure(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "disappeared before it was read",
        UnauthorizedAccessException => "cannot be read (permission denied)",
        _ => $"cannot be read ({e.Message})",
    };

    /// <summary>The input error's message without the "cannot read image 'PATH': " prefix (the entry names the path), so that equal reasons count together.</summary>
    public static string Reason(InputError error)
    {
        var message = error.Message;
        const string prefix = "cannot read image '";
        if (message.StartsWith(prefix, StringComparison.Ordinal) && message.IndexOf("': ", prefix.Length, StringComparison.Ordinal) is var end and > 0)
            message = message[(end + 3)..];
        return $"{message} ({error.Code})";
    }

    /// <summary>A changed path counts as changed whatever became of it; a new one in <paramref name="ifNew"/>.</summary>
    private void CountFile(ReadReason reason, ref int ifNew)
    {
        lock (_gate)
        {
            if (reason == ReadReason.Changed)
                _changed++;
            else
                ifNew++;
        }
    }
}
