using System.Runtime.InteropServices;

namespace Sightline.Bench;

/// <summary>
/// Holds every thread of this process to the first <c>n</c> CPUs it may run on, and with them whatever they start
/// afterwards (on Linux a new thread, and a process started with <see cref="System.Diagnostics.Process.Start(System.Diagnostics.ProcessStartInfo)"/>,
/// inherits the CPU mask of the thread that makes it: ONNX Runtime's pool, the .NET thread pool's new threads, a
/// Node reference and its helper threads). <see cref="Dispose"/> gives every thread, old and new, the CPUs the
/// process had. Thread counts alone leave the decoder's and the runtime's other threads free to use more cores;
/// the mask does not.
/// </summary>
public sealed partial class CpuPin : IDisposable
{
    private const int MaskWords = 16; // 1024 CPUs, glibc's cpu_set_t

    private readonly ulong[]? _original;

    /// <summary>How the cores were limited, for the benchmark's notes.</summary>
    public string Description { get; }

    private CpuPin(ulong[]? original, string description)
    {
        _original = original;
        Description = description;
    }

    /// <summary>Every thread of the process on the first <paramref name="cores"/> of its CPUs; on other systems than Linux, nothing (says so).</summary>
    public static CpuPin To(int cores)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cores, 1);
        if (!OperatingSystem.IsLinux())
            return new CpuPin(null, $"{cores} v {cores}: not pinned ({RuntimeInformation.OSDescription} has no sched_setaffinity here), thread counts only");
        var original = GetMask(0);
        var allowed = Cpus(original);
        if (allowed.Count <= cores)
            return new CpuPin(null, $"{cores} v {cores}: not pinned, the process's {allowed.Count} CPU(s)");
        var pinned = new ulong[MaskWords];
        foreach (var cpu in allowed.Take(cores))
            pinned[cpu / 64] |= 1UL << (cpu % 64);
        SetEveryThread(pinned);
        return new CpuPin(original, $"{cores} v {cores}: every thread of the benchmark, and the Node processes it starts, pinned to CPU {string.Join(",", allowed.Take(cores))} (sched_setaffinity)");
    }

    public void Dispose()
    {
        if (_original is not null)
            SetEveryThread(_original);
    }

    /// <summary>The CPU numbers set in <paramref name="mask"/>, lowest first.</summary>
    internal static List<int> Cpus(ulong[] mask)
    {
        var cpus = new List<int>();
        for (var word = 0; word < mask.Length; word++)
            for (var bit = 0; bit < 64; bit++)
                if ((mask[word] & (1UL << bit)) != 0)
                    cpus.Add(word * 64 + bit);
        return cpus;
    }

    /// <summary>
    /// Sets the mask of each thread in /proc/self/task, again until a round finds no thread it has not set
    /// (a thread started during a round by one not yet set would otherwise keep the old mask).
    /// </summary>
    private static void SetEveryThread(ulong[] mask)
    {
        var done = new HashSet<int>();
        for (var round = 0; round < 10; round++)
        {
            var fresh = Directory.GetDirectories("/proc/self/task")
                .Select(d => int.TryParse(Path.GetFileName(d), out var tid) ? tid : 0)
                .Where(tid => tid > 0 && done.Add(tid)).ToList();
            if (fresh.Count == 0)
                return;
            foreach (var tid in fresh)
                if (SchedSetAffinity(tid, (nuint)(MaskWords * sizeof(ulong)), mask) != 0 && Marshal.GetLastPInvokeError() != Esrch)
                    throw new InvalidOperationException($"sched_setaffinity on thread {tid} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private static ulong[] GetMask(int tid)
    {
        var mask = new ulong[MaskWords];
        if (SchedGetAffinity(tid, (nuint)(MaskWords * sizeof(ulong)), mask) != 0)
            throw new InvalidOperationException($"sched_getaffinity failed: errno {Marshal.GetLastPInvokeError()}");
        return mask;
    }

    private const int Esrch = 3; // the thread ended meanwhile

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int tid, nuint size, [In] ulong[] mask);

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int SchedGetAffinity(int tid, nuint size, [Out] ulong[] mask);
}
