using System.Text.Json;
using Sightline.Fuzz;
using Sightline.Fuzz.Targets;

// sightline-fuzz: the fuzz targets of Sightline's parsers, their seed corpora and the corpus replay.
// Exit codes: 0 every input passed, 1 a finding (crash, hang, allocation over the bound), 2 bad usage.
return Cli.Run(args);

internal static class Cli
{
    private const string Usage = """
        usage: sightline-fuzz list [--json]
               sightline-fuzz seeds <target|all> <folder> [--data <shared data folder>]
               sightline-fuzz replay <target|all> <file or folder>... [--timeout <seconds>] [--json]
               sightline-fuzz afl <target>          (the loop afl-fuzz drives; see fuzz/run.sh)
        """;

    public static int Run(string[] args)
    {
        try
        {
            return args switch
            {
                ["list", .. var rest] => List(rest.Contains("--json")),
                ["seeds", var target, var folder, .. var rest] => Seeds(Targets(target), folder, Option(rest, "--data") ?? DefaultData()),
                ["replay", var target, .. var rest] when Paths(rest).Count > 0 =>
                    Replay(Targets(target), Paths(rest), target == "all", rest.Contains("--json"), Timeout(Option(rest, "--timeout"))),
                ["afl", var target] => Afl(target),
                _ => throw new UsageException(Usage),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }

    private static IReadOnlyList<FuzzTarget> Targets(string name) =>
        name == "all" ? FuzzTargets.All
        : FuzzTargets.Find(name) is { } one ? [one]
        : throw new UsageException($"no fuzz target '{name}'; the targets: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}");

    /// <summary>The arguments that are neither options nor their values.</summary>
    private static List<string> Paths(string[] rest) =>
        rest.Where((r, i) => !r.StartsWith("--", StringComparison.Ordinal) && !(i > 0 && rest[i - 1] == "--timeout")).ToList();

    private static TimeSpan Timeout(string? seconds) =>
        seconds is null ? FuzzExecution.HangTimeout
        : double.TryParse(seconds, System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0 ? TimeSpan.FromSeconds(s)
        : throw new UsageException($"--timeout {seconds}: give a number of seconds above 0");

    private static string? Option(string[] rest, string name) =>
        Array.IndexOf(rest, name) is var i and >= 0 && i + 1 < rest.Length ? rest[i + 1] : null;

    /// <summary>The shared data beside the repository, as the tests find it.</summary>
    private static string DefaultData() =>
        Environment.GetEnvironmentVariable("SIGHTLINE_SHARED_DATA")
        ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "..", "shared", "data"));

    private static int List(bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(FuzzTargets.All.Select(t => new { name = t.Name, reads = t.Reads })));
            return 0;
        }
        var width = FuzzTargets.All.Max(t => t.Name.Length);
        foreach (var t in FuzzTargets.All)
            Console.WriteLine($"{t.Name.PadRight(width)}  {t.Reads}");
        return 0;
    }

    private static int Seeds(IReadOnlyList<FuzzTarget> targets, string folder, string data)
    {
        var source = new SeedData(Directory.Exists(data) ? data : null);
        if (source.SharedData is null)
            Console.Error.WriteLine($"warning: no shared data at {data}: the seeds are only those made in code");
        foreach (var target in targets)
        {
            var dir = Directory.CreateDirectory(targets.Count == 1 ? folder : Path.Combine(folder, target.Name)).FullName;
            var seeds = target.Seeds(source).ToList();
            foreach (var seed in seeds)
                File.WriteAllBytes(Path.Combine(dir, seed.Name), seed.Bytes);
            Console.WriteLine($"{target.Name}: {seeds.Count} seeds ({seeds.Count(s => s.Name.StartsWith("shared-", StringComparison.Ordinal))} from the shared data), {seeds.Sum(s => (long)s.Bytes.Length):N0} bytes, in {dir}");
        }
        return 0;
    }

    private static int Replay(IReadOnlyList<FuzzTarget> targets, IReadOnlyList<string> paths, bool perTargetFolders, bool json, TimeSpan timeout)
    {
        var rows = new List<object>();
        var findings = 0;
        foreach (var target in targets)
        {
            var inputs = paths.SelectMany(p => InputsOf(perTargetFolders ? Path.Combine(p, target.Name) : p)).ToList();
            var results = new List<FuzzResult>();
            foreach (var input in inputs)
            {
                var result = FuzzExecution.Run(target, input, File.ReadAllBytes(input), timeout);
                results.Add(result);
                if (result.Outcome == FuzzOutcome.Passed)
                    continue;
                findings++;
                Console.Error.WriteLine($"{target.Name}: {result.Outcome.ToString().ToLowerInvariant()} on {input}: {result.Error?.ToString() ?? $"no answer after {timeout.TotalSeconds} s"}");
                if (result.Outcome == FuzzOutcome.Hung)
                    break; // its thread still runs
            }
            rows.Add(new
            {
                target = target.Name,
                inputs = results.Count,
                passed = results.Count(r => r.Outcome == FuzzOutcome.Passed),
                crashed = results.Count(r => r.Outcome == FuzzOutcome.Crashed),
                hung = results.Count(r => r.Outcome == FuzzOutcome.Hung),
                slowestMs = results.Count == 0 ? 0 : Math.Round(results.Max(r => r.Elapsed.TotalMilliseconds), 1),
                mostAllocatedMb = results.Count == 0 ? 0 : Math.Round(results.Max(r => r.AllocatedBytes) / 1048576.0, 1),
            });
            if (results.Any(r => r.Outcome == FuzzOutcome.Hung))
                break;
        }
        if (json)
            Console.WriteLine(JsonSerializer.Serialize(rows));
        else
        {
            Console.WriteLine($"{"target",-16} {"inputs",7} {"passed",7} {"crashed",8} {"hung",5} {"slowest ms",11} {"most MB",8}");
            foreach (dynamic r in rows)
                Console.WriteLine($"{r.target,-16} {r.inputs,7} {r.passed,7} {r.crashed,8} {r.hung,5} {r.slowestMs,11} {r.mostAllocatedMb,8}");
        }
        return findings == 0 ? 0 : 1;
    }

    private static IEnumerable<string> InputsOf(string path) =>
        File.Exists(path) ? [path]
        : Directory.Exists(path) ? Directory.EnumerateFiles(path).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal)
        : throw new UsageException($"no file or folder {path}");

    private static int Afl(string name)
    {
        // Instrumented code writes coverage into memory that afl-fuzz shares only once Fuzzer.Run has started, so
        // nothing instrumented (not even the targets' static set-up) may run before it: the target is found inside.
        if (!FuzzTargetNames.All.Contains(name))
            throw new UsageException($"no fuzz target '{name}'; the targets: {string.Join(", ", FuzzTargetNames.All)}");
        SharpFuzz.Fuzzer.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            FuzzExecution.RunChecked(FuzzTargets.Find(name)!, buffer.ToArray());
        });
        return 0;
    }
}

internal sealed class UsageException(string message) : Exception(message);
