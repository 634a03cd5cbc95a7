using Sightline.Library;

namespace Sightline.Server.Hosting;

/// <summary>
/// At most one library scan at a time, run in the background, and its state for GET /v1/library/status: the
/// running scan with its latest progress, or the last one with its report or error.
/// </summary>
public sealed class LibraryScans(TimeProvider time, Action<Exception>? onFailed = null) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private ScanState? _state;
    // The first state of the running or last scan: it tells a late report of an earlier scan from one of this scan.
    private ScanState? _started;
    private Task _running = Task.CompletedTask;

    /// <summary>The running scan, or the last one; null before the first.</summary>
    public ScanState? State
    {
        get
        {
            lock (_gate)
                return _state;
        }
    }

    /// <summary>
    /// Starts <paramref name="scan"/> in the background and returns its first state, or null (and starts nothing)
    /// while another scan runs. The scan gets a progress sink for the status and a token cancelled when the server stops.
    /// </summary>
    public ScanState? TryStart(Func<IProgress<IngestProgress>, CancellationToken, Task<IngestReport>> scan)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            if (_state is { Running: true })
                return null;
            var started = new ScanState(true, time.GetUtcNow(), null, null, null);
            _state = started;
            _started = started;
            _running = Task.Run(() => RunAsync(scan, started));
            return started;
        }
    }

    private async Task RunAsync(Func<IProgress<IngestProgress>, CancellationToken, Task<IngestReport>> scan, ScanState started)
    {
        try
        {
            var report = await scan(new Reporter(this, started), _stopping.Token).ConfigureAwait(false);
            Finish(started, s => s with { Running = false, Report = report });
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            Finish(started, s => s with { Running = false, Error = "the server stopped before the scan finished; the next scan resumes where it left off" });
        }
        catch (Exception e)
        {
            onFailed?.Invoke(e);
            Finish(started, s => s with { Running = false, Error = e.Message });
        }
    }

    private void Report(ScanState started, IngestProgress progress)
    {
        lock (_gate)
        {
            // A report that arrives after its scan ended (or from an earlier scan) must not make it look running again.
            if (ReferenceEquals(_started, started) && _state is { Running: true } current)
                _state = current with { Progress = progress };
        }
    }

    private void Finish(ScanState started, Func<ScanState, ScanState> change)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_started, started) && _state is { Running: true } current)
                _state = change(current);
        }
    }

    /// <summary>Cancels a running scan and waits until it has stopped (its own failure is already in its state).</summary>
    public async ValueTask DisposeAsync()
    {
        Task running;
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
                return;
            _stopping.Cancel();
            running = _running;
        }
        await running.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private sealed class Reporter(LibraryScans scans, ScanState started) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value) => scans.Report(started, value);
    }
}
