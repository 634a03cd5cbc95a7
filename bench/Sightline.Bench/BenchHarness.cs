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
        Array.Sort(times);
        return runs % 2 == 1 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
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
