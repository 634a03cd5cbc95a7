using System.Diagnostics;
using System.Text.Json;

namespace Sightline.Bench;

/// <summary>Timing helpers shared by the benchmarks: warm-up, repeated runs, medians.</summary>
public static class BenchHarness
{
    /// <summary>Median wall time in milliseconds of <paramref name="runs"/> calls after <paramref name="warmup"/> unmeasured ones.</summary>
    public static double MedianMs(Action action, int runs, int warmup = 1)
    {
        for (var i = 0; i < warmup; i++)
            action();
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return Median(times);
    }

    /// <summary>
    /// Median wall time in milliseconds of one call when <paramref name="workers"/> threads make calls at once: each
    /// makes <paramref name="warmup"/> unmeasured calls, waits for the others, then <paramref name="runs"/> timed ones;
    /// the median is over every timed call of every thread. One worker: <see cref="MedianMs"/>.
    /// </summary>
    public static double MedianMsTogether(Action action, int workers, int runs, int warmup = 1)
    {
        if (workers <= 1)
            return MedianMs(action, runs, warmup);
        using var start = new Barrier(workers);
        var times = new double[workers][];
        Exception? failure = null;
        var threads = Enumerable.Range(0, workers).Select(w => new Thread(() =>
        {
            try
            {
                for (var i = 0; i < warmup; i++)
                    action();
                start.SignalAndWait();
                times[w] = new double[runs];
                for (var i = 0; i < runs; i++)
                {
                    var begin = Stopwatch.GetTimestamp();
                    action();
                    times[w][i] = Stopwatch.GetElapsedTime(begin).TotalMilliseconds;
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
                start.RemoveParticipant(); // the others must not wait for a thread that has failed
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (failure is not null)
            throw new InvalidOperationException($"a worker failed: {failure.Message}", failure);
        return Median(times.SelectMany(t => t).ToArray());
    }

    /// <summary>The median of <paramref name="values"/> (sorted in place).</summary>
    public static double Median(double[] values)
    {
        Array.Sort(values);
        var n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    public static string CommandLine(string[] args) => "dotnet run -c Release --project bench/Sightline.Bench -- " + string.Join(" ", args);

    public static string Machine() =>
        $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";

    public static void WriteJson(string? path, object value)
    {
        if (path is null) return;
        File.WriteAllText(path, JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"results written to {path}");
    }

    /// <summary>
    /// The core counts a comparison with a peer runs at, from <c>--cores 1|all|both</c> (default both): one core against
    /// one, and every core of the machine against the peer on as many. Throws <see cref="BenchOptionException"/> on another value.
    /// </summary>
    public static IReadOnlyList<CoreSetting> CoreSettings(string[] args)
    {
        if (Option(args, "--threads") is not null)
            throw new BenchOptionException("--threads: this benchmark takes --cores 1|all|both instead (Sightline and the peer on the same number of cores)");
        var all = Environment.ProcessorCount;
        return (Option(args, "--cores") ?? "both") switch
        {
            "1" => [new CoreSetting(1)],
            "all" => [new CoreSetting(all)],
            "both" => all == 1 ? [new CoreSetting(1)] : [new CoreSetting(1), new CoreSetting(all)],
            var other => throw new BenchOptionException($"--cores: expected 1, all or both, not '{other}'"),
        };
    }

    /// <summary>
    /// Runs with both sides held to <see cref="CoreSetting.Count"/> cores: below the machine's count every thread (and
    /// every process started meanwhile) is pinned to that many CPUs until the result is disposed (<see cref="CpuPin"/>).
    /// </summary>
    public static CpuPin Limit(CoreSetting cores) => CpuPin.To(cores.Count);

    /// <summary>CPU time this process has used so far (all threads), in milliseconds.</summary>
    public static double ProcessCpuMs()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalMilliseconds;
    }

    /// <summary>Parses an integer option, or <paramref name="fallback"/> when absent; throws <see cref="BenchOptionException"/> naming the option when it is not a whole number of at least <paramref name="minimum"/>.</summary>
    public static int IntOption(string[] args, string name, int fallback, int minimum = 1)
    {
        if (Option(args, name) is not { } text)
            return fallback;
        return int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw new BenchOptionException($"{name}: expected a whole number of at least {minimum}, not '{text}'");
    }

    public static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>The shared evaluation data beside the repository (../shared/data), or SIGHTLINE_DATA.</summary>
    public static string SharedData()
    {
        if (Environment.GetEnvironmentVariable("SIGHTLINE_DATA") is { Length: > 0 } data)
            return data;
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Sightline.slnx")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
        return Path.GetFullPath(Path.Combine("..", "shared", "data"));
    }
}

/// <summary>
/// Both sides of a comparison on <see cref="Count"/> cores: Sightline with that many ONNX Runtime threads, the
/// peer with as many single-threaded workers (Node processes on shares of the images).
/// </summary>
public sealed record CoreSetting(int Count)
{
    public string Label => $"{Count} v {Count}";

    /// <summary>How many peer workers share <paramref name="items"/> items: one per core, never more than there are items.</summary>
    public int Workers(int items) => Math.Max(1, Math.Min(Count, items));
}

/// <summary>A benchmark option with a value it cannot take; the message names the option and what it expects.</summary>
public sealed class BenchOptionException(string message) : Exception(message);
