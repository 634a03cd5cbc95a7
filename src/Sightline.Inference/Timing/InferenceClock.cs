using System.Diagnostics;

namespace Sightline.Inference.Timing;

/// <summary>
/// Process-wide time spent inside model runs (<see cref="Sessions.ModelSession.Run"/>), for benchmarks that
/// weigh a pipeline's wall time against raw inference. Off by default, when a run costs one flag read.
/// <see cref="Sum"/> adds every run's time (overlapping runs count twice); <see cref="Busy"/> is the time at least
/// one run was going, which a pipeline's wall time can never be below.
/// </summary>
public static class InferenceClock
{
    private static readonly Lock Gate = new();
    private static volatile bool _enabled;
    private static long _sumTicks;
    private static long _busyTicks;
    private static long _runs;
    private static int _active;
    private static long _busySince;

    /// <summary>Starts counting from zero.</summary>
    public static void Start()
    {
        lock (Gate)
        {
            _sumTicks = _busyTicks = _runs = 0;
            _active = 0;
            _enabled = true;
        }
    }

    /// <summary>Stops counting; the figures stay readable.</summary>
    public static void Stop() => _enabled = false;

    public static TimeSpan Sum => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _sumTicks));
    public static TimeSpan Busy => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _busyTicks));
    public static long Runs => Interlocked.Read(ref _runs);

    /// <summary>Marks a run's start: a timestamp to hand to <see cref="End"/>, or 0 when the clock is off.</summary>
    internal static long Begin()
    {
        if (!_enabled)
            return 0;
        var now = Stopwatch.GetTimestamp();
        lock (Gate)
            if (_active++ == 0)
                _busySince = now;
        return now;
    }

    internal static void End(long start)
    {
        if (start == 0)
            return;
        var now = Stopwatch.GetTimestamp();
        lock (Gate)
        {
            _sumTicks += now - start;
            _runs++;
            if (--_active == 0)
                _busyTicks += now - _busySince;
        }
    }
}
