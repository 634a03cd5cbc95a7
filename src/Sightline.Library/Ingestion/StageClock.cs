using System.Diagnostics;

namespace Sightline.Library.Ingestion;

/// <summary>
/// Seconds spent per stage of a scan, summed over every file: stages of files in flight overlap, so the sum of the
/// stages may exceed the wall time. Thread-safe.
/// </summary>
public sealed class StageClock
{
    public const string Scan = "scan";
    public const string ReadAndHash = "read+hash";
    public const string Metadata = "metadata";
    public const string Decode = "decode";
    public const string Thumbnails = "thumbnails";
    public const string Commit = "commit";

    private readonly Dictionary<string, double> _seconds = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    public void Add(string stage, double seconds)
    {
        lock (_gate)
            _seconds[stage] = _seconds.GetValueOrDefault(stage) + seconds;
    }

    public void AddSince(string stage, long startTimestamp) => Add(stage, Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds);

    public IReadOnlyDictionary<string, double> Snapshot()
    {
        lock (_gate)
            return new Dictionary<string, double>(_seconds, StringComparer.OrdinalIgnoreCase);
    }
}

/// <summary>Counts the files of a scan as they are done and turns them into <see cref="IngestProgress"/>: the rate since the first file and the time left at that rate.</summary>
public sealed class IngestMeter(IProgress<IngestProgress>? progress, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private long _start;
    private int _done, _total, _failed;
    private string _stage = "scanning";

    public void Start(string stage, int total)
    {
        lock (_gate)
        {
            _stage = stage;
            _total = total;
            _done = 0;
            _start = _time.GetTimestamp();
        }
        Report();
    }

    public void Done(bool failed)
    {
        lock (_gate)
        {
            _done++;
            if (failed)
                _failed++;
        }
        Report();
    }

    public int Failed
    {
        get { lock (_gate) return _failed; }
    }

    public IngestProgress Current()
    {
        lock (_gate)
            return Compute(_stage, _done, _total, _failed, _time.GetElapsedTime(_start));
    }

    private void Report()
    {
        if (progress is not null)
            progress.Report(Current());
    }

    /// <summary>The progress of <paramref name="done"/> of <paramref name="total"/> after <paramref name="elapsed"/>; no rate or time left before the first file is done.</summary>
    public static IngestProgress Compute(string stage, int done, int total, int failed, TimeSpan elapsed)
    {
        var rate = done > 0 && elapsed > TimeSpan.Zero ? done / elapsed.TotalSeconds : 0;
        TimeSpan? eta = rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, total - done) / rate) : null;
        return new IngestProgress(stage, done, total, failed, rate, eta);
    }
}
