using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Sightline.Models.Import;

/// <summary>One output tensor: a name, a shape, dense row-major values.</summary>
public sealed record NamedTensor(string Name, int[] Shape, float[] Values);

/// <summary>What TensorFlow.js computed, and how long each timed run took.</summary>
public readonly record struct ReferenceRun(IReadOnlyList<NamedTensor> Outputs, IReadOnlyList<double> LatenciesMs, string Backend);

/// <summary>Where the Node reference runner lives and how to start it.</summary>
public sealed record TfjsReferenceOptions(string Directory, string Node = "node", string Backend = "wasm", TimeSpan? Timeout = null);

/// <summary>
/// Runs the original TensorFlow.js model in Node (tools/reference/run.js) on a given input tensor, so
/// converted models are compared with TensorFlow.js itself rather than with a re-implementation.
/// </summary>
public sealed class TfjsReferenceRunner(TfjsReferenceOptions options)
{
    public const string InstallHint = "npm ci --prefix tools/reference";

    public TfjsReferenceOptions Options { get; } = options;

    /// <summary>
    /// The runner folder: SIGHTLINE_TFJS_REFERENCE, else tools/reference above <paramref name="start"/>.
    /// Throws with the install command when the folder or its node_modules are missing.
    /// </summary>
    public static TfjsReferenceOptions Locate(string? start = null)
    {
        var configured = Environment.GetEnvironmentVariable("SIGHTLINE_TFJS_REFERENCE");
        string? directory = configured is { Length: > 0 } ? configured : null;
        for (var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory); directory is null && dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "tools", "reference", "run.js")))
                directory = Path.Combine(dir.FullName, "tools", "reference");
        if (directory is null)
            throw new TfjsImportException(TfjsImportErrorKind.BadModelFile,
                "cannot find the TensorFlow.js reference runner (tools/reference/run.js); run from a Sightline clone or set SIGHTLINE_TFJS_REFERENCE");
        return ForDirectory(directory);
    }

    /// <summary>The runner in <paramref name="directory"/>; throws with the install command when its packages are missing.</summary>
    public static TfjsReferenceOptions ForDirectory(string directory)
    {
        if (!System.IO.Directory.Exists(Path.Combine(directory, "node_modules", "@tensorflow", "tfjs-core")))
            throw new TfjsImportException(TfjsImportErrorKind.BadModelFile,
                $"the TensorFlow.js reference runner in {directory} has no node_modules: run '{InstallHint}' first");
        return new TfjsReferenceOptions(directory, Environment.GetEnvironmentVariable("SIGHTLINE_NODE") is { Length: > 0 } node ? node : "node");
    }

    public ReferenceRun Run(string modelJson, ReadOnlySpan<float> input, IReadOnlyList<int> shape, int runs = 1, int warmup = 0)
    {
        var work = Path.Combine(Path.GetTempPath(), "sightline-ref-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(work);
        try
        {
            var inputPath = Path.Combine(work, "input.f32");
            TfjsInputTensor.WriteFile(inputPath, input);
            var outDir = Path.Combine(work, "out");
            var start = new ProcessStartInfo(Options.Node)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
            {
                Path.Combine(Options.Directory, "run.js"), "--model", Path.GetFullPath(modelJson), "--input", inputPath,
                "--shape", string.Join(",", shape), "--out", outDir, "--backend", Options.Backend,
                "--runs", runs.ToString(CultureInfo.InvariantCulture), "--warmup", warmup.ToString(CultureInfo.InvariantCulture),
            })
                start.ArgumentList.Add(arg);
            if (FaceApiNetworks.NetOf(modelJson) is var (net, size))
                foreach (var arg in new[] { "--faceapi", net, "--size", size.ToString(CultureInfo.InvariantCulture) })
                    start.ArgumentList.Add(arg);
            Process? started;
            try
            {
                started = Process.Start(start);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException($"TensorFlow.js reference runner: cannot start '{Options.Node}' ({e.Message}); install Node.js 20 or later, or set SIGHTLINE_NODE", e);
            }
            using var process = started ?? throw new InvalidOperationException($"TensorFlow.js reference runner: cannot start '{Options.Node}'");
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(Options.Timeout ?? TimeSpan.FromMinutes(10)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"TensorFlow.js reference run of {modelJson} timed out");
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"TensorFlow.js reference run of {modelJson} failed ({process.ExitCode}): {stderr.Result.Trim()}");
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "outputs.json")));
            var outputs = doc.RootElement.GetProperty("outputs").EnumerateArray().Select(o => new NamedTensor(
                o.GetProperty("name").RequiredString(),
                o.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
                TfjsInputTensor.ReadFile(Path.Combine(outDir, o.GetProperty("file").RequiredString())))).ToList();
            var latencies = doc.RootElement.GetProperty("latenciesMs").EnumerateArray().Select(l => l.GetDouble()).ToList();
            return new ReferenceRun(outputs, latencies, doc.RootElement.GetProperty("backend").GetString() ?? Options.Backend);
        }
        finally
        {
            try { System.IO.Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }
}
