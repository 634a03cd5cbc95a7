using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sightline.Library;
using Sightline.Server.Api;
using Sightline.Server.Errors;

namespace Sightline.Server.Hosting;

/// <summary>
/// The photo library the server was started with (--library): opened on first use and then kept for reading,
/// and the scans started over the API. Each scan opens the library once more for itself, as a separate
/// <c>sightline library scan</c> process would, so that its writes never share a connection with the readers.
/// </summary>
public sealed class LibraryServices : IAsyncDisposable
{
    private readonly ServerOptions _options;
    private readonly AnalysisServices _analysis;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private Task<PhotoLibrary>? _opening;

    public LibraryServices(ServerOptions options, AnalysisServices analysis, ILogger<LibraryServices> log)
    {
        _options = options;
        _analysis = analysis;
        _log = log;
        Scans = new LibraryScans(TimeProvider.System, e => log.LogError(e, "library scan of {Folder} failed: {Message}", options.Library, e.Message));
    }

    public LibraryScans Scans { get; }

    /// <summary>The library's folder; a 404 <c>no_library</c> problem when the server was started without one.</summary>
    public string Folder => _options.Library ?? throw new ApiProblemException(StatusCodes.Status404NotFound, "no_library",
        "this server has no photo library; start it with 'sightline serve --library <folder>' (a folder made with 'sightline library init <folder>')");

    /// <summary>The opened library (the first call opens it; an open that failed is tried again by the next call).</summary>
    public async Task<PhotoLibrary> LibraryAsync(CancellationToken cancellationToken)
    {
        var folder = Folder;
        Task<PhotoLibrary> opening;
        lock (_gate)
        {
            if (_opening is null || _opening.IsFaulted || _opening.IsCanceled)
                _opening = OpenAsync(folder);
            opening = _opening;
        }
        return await opening.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<PhotoLibrary> OpenAsync(string folder)
    {
        var library = await PhotoLibrary.OpenAsync(folder, CancellationToken.None).ConfigureAwait(false);
        _log.LogInformation("serving the photo library {Folder} ({Database})", library.Folder, library.Store.Location);
        _ = WarmUpSearchAsync(library);
        return library;
    }

    /// <summary>Loads the embeddings of similar-to searches in the background; a failure is logged, and the first similar-to search loads them again.</summary>
    private async Task WarmUpSearchAsync(PhotoLibrary library)
    {
        try
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            await library.Search.WarmUpAsync(CancellationToken.None).ConfigureAwait(false);
            _log.LogInformation("search of {Folder}: embeddings loaded in {Seconds:F1} s", library.Folder, started.Elapsed.TotalSeconds);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            _log.LogWarning(exception, "search of {Folder}: loading the embeddings failed; the first similar-to search tries again", library.Folder);
        }
    }

    /// <summary>Starts a scan of the library on the server's models; null while one runs.</summary>
    public async Task<ScanState?> StartScanAsync(CancellationToken cancellationToken)
    {
        // Opening the reader first answers a library that cannot be opened now, not later in the scan's state.
        var folder = (await LibraryAsync(cancellationToken).ConfigureAwait(false)).Folder;
        return Scans.TryStart(async (progress, ct) =>
        {
            await using var library = await PhotoLibrary.OpenAsync(folder, ct).ConfigureAwait(false);
            _log.LogInformation("library scan of {Folder} started", folder);
            var report = await library.ScanAsync(_analysis.Context, progress, ct).ConfigureAwait(false);
            _log.LogInformation("library scan of {Folder} done: {Files} files, {New} new, {Failed} failed, in {Seconds:F1} s",
                folder, report.FilesSeen, report.NewPhotos + report.NewVideos, report.Failed, report.Elapsed.TotalSeconds);
            return report;
        });
    }

    /// <summary>Stops a running scan first, then closes the library.</summary>
    public async ValueTask DisposeAsync()
    {
        await Scans.DisposeAsync().ConfigureAwait(false);
        Task<PhotoLibrary>? opening;
        lock (_gate)
        {
            // Called when the server stops and again when its services go: the library is closed once.
            opening = _opening;
            _opening = null;
        }
        if (opening is null)
            return;
        try
        {
            await (await opening.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (opening.IsFaulted)
        {
            // It never opened: nothing to close, and the failure was answered to the request that asked.
            _log.LogDebug(e, "the photo library {Folder} was not open", _options.Library);
        }
    }
}
