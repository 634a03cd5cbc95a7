using Sightline.Library;
using Sightline.Server.Hosting;

namespace Sightline.Server.Tests.Hosting;

/// <summary>One background scan at a time and its state, with scans that the test finishes itself.</summary>
public sealed class LibraryScansTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static IngestReport Report(int newPhotos) =>
        new(newPhotos, newPhotos, 0, 0, 0, 0, 0, 0, 0, 0, newPhotos, TimeSpan.FromSeconds(1), new Dictionary<string, double>(), []);

    /// <summary>A scan that reports what the test gives it and ends when the test says.</summary>
    private sealed class HeldScan
    {
        public TaskCompletionSource<IngestReport> Finish { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource<IProgress<IngestProgress>> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public CancellationToken Token { get; private set; }

        public async Task<IngestReport> RunAsync(IProgress<IngestProgress> progress, CancellationToken cancellationToken)
        {
            Token = cancellationToken;
            Started.SetResult(progress);
            await using (cancellationToken.Register(() => Finish.TrySetCanceled(cancellationToken)))
                return await Finish.Task;
        }
    }

    private static async Task<ScanState> EndedAsync(LibraryScans scans)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (scans.State is { Running: true })
            await Task.Delay(10, patience.Token);
        return scans.State!;
    }

    [Fact]
    public async Task A_second_scan_is_refused_while_one_runs_and_taken_once_it_ended()
    {
        await using var scans = new LibraryScans(TimeProvider.System);
        Assert.Null(scans.State);
        var first = new HeldScan();
        var before = DateTimeOffset.UtcNow;
        var started = scans.TryStart(first.RunAsync);
        Assert.NotNull(started);
        Assert.True(started.Running);
        Assert.InRange(started.StartedAt, before, DateTimeOffset.UtcNow);
        await first.Started.Task.WaitAsync(Patience);

        var second = new HeldScan();
        Assert.Null(scans.TryStart(second.RunAsync));
        Assert.False(second.Started.Task.IsCompleted);

        first.Finish.SetResult(Report(3));
        var ended = await EndedAsync(scans);
        Assert.Equal(3, ended.Report!.NewPhotos);
        Assert.Null(ended.Error);
        Assert.Equal(started.StartedAt, ended.StartedAt);

        Assert.NotNull(scans.TryStart(second.RunAsync));
        second.Finish.SetResult(Report(0));
        Assert.Equal(0, (await EndedAsync(scans)).Report!.NewPhotos);
    }

    [Fact]
    public async Task Progress_shows_in_the_state_while_it_runs_and_a_late_report_does_not_revive_it()
    {
        await using var scans = new LibraryScans(TimeProvider.System);
        var scan = new HeldScan();
        scans.TryStart(scan.RunAsync);
        var progress = await scan.Started.Task.WaitAsync(Patience);
        var reading = new IngestProgress("reading", 2, 5, 1, 4.0, TimeSpan.FromSeconds(1));
        progress.Report(reading);
        Assert.Equal(reading, scans.State!.Progress);
        Assert.True(scans.State.Running);

        scan.Finish.SetResult(Report(5));
        await EndedAsync(scans);
        progress.Report(new IngestProgress("committing", 5, 5, 1, 4.0, null));
        Assert.False(scans.State.Running);
        Assert.Equal(reading, scans.State.Progress);
        Assert.Equal(5, scans.State.Report!.NewPhotos);
    }

    [Fact]
    public async Task A_failed_scan_keeps_its_reason_and_lets_the_next_one_start()
    {
        var failures = new List<Exception>();
        await using var scans = new LibraryScans(TimeProvider.System, failures.Add);
        var scan = new HeldScan();
        scans.TryStart(scan.RunAsync);
        await scan.Started.Task.WaitAsync(Patience);
        scan.Finish.SetException(new LibraryStoreException("library.db: database disk image is malformed"));

        var ended = await EndedAsync(scans);
        Assert.False(ended.Running);
        Assert.Null(ended.Report);
        Assert.Equal("library.db: database disk image is malformed", ended.Error);
        Assert.IsType<LibraryStoreException>(Assert.Single(failures));
        Assert.NotNull(scans.TryStart(new HeldScan().RunAsync));
    }

    [Fact]
    public async Task Stopping_cancels_the_running_scan_waits_for_it_and_refuses_new_ones()
    {
        var scans = new LibraryScans(TimeProvider.System);
        var scan = new HeldScan();
        scans.TryStart(scan.RunAsync);
        await scan.Started.Task.WaitAsync(Patience);

        await scans.DisposeAsync();
        Assert.True(scan.Token.IsCancellationRequested);
        Assert.False(scans.State!.Running);
        Assert.Contains("stopped", scans.State.Error, StringComparison.Ordinal);
        Assert.Throws<ObjectDisposedException>(() => scans.TryStart(new HeldScan().RunAsync));
        await scans.DisposeAsync();
    }
}
