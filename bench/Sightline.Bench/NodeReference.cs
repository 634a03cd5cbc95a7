using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Sightline.Imaging;
using Sightline.Models.Cache;

namespace Sightline.Bench;

/// <summary>
/// What the benchmarks that compare with a JavaScript reference (tools/reference, tools/human-reference) share:
/// checking that node and a script's installed packages are there, running the script in Node, and writing
/// the images as the raw RGB list the scripts take (<c>--list</c>), decoded by Sightline so both sides see the
/// same pixels.
/// </summary>
internal static class NodeReference
{
    /// <summary>SIGHTLINE_NODE when set, else <c>node</c> on the PATH.</summary>
    internal static string DefaultNode() => Environment.GetEnvironmentVariable("SIGHTLINE_NODE") is { Length: > 0 } node ? node : "node";

    /// <summary>A folder under tools/ in the repository (found from the working directory or the binaries).</summary>
    internal static string ToolDirectory(string name) => Path.Combine(RepositoryRoot(), "tools", name);

    /// <summary>The TensorFlow.js model.json a cached model was converted from (kept in the cache beside it), for the reference scripts' --model.</summary>
    internal static string TfjsModelJson(CachedModel model)
    {
        var candidates = model.Manifest.Files.Select(f => f.Name)
            .Where(n => n.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && !n.Equals("sightline-manifest.json", StringComparison.OrdinalIgnoreCase))
            .Select(model.PathOf).Where(File.Exists).ToList();
        return candidates.Count == 1
            ? candidates[0]
            : throw new InvalidOperationException($"model '{model.Entry.Id}' in {model.Directory}: expected one TensorFlow.js model.json, found {candidates.Count}");
    }

    /// <summary>
    /// Null when <paramref name="script"/>, the shared tools/common module beside its folder, the
    /// <paramref name="packageFiles"/> (relative to the folder's node_modules) and node are there; otherwise what to do:
    /// <paramref name="notFound"/> when the script is missing, the npm ci command when a package is, how to point at
    /// node (<paramref name="nodeSetting"/>) when it does not run.
    /// </summary>
    internal static string? CheckInstalled(string node, string script, string notFound, string library, IReadOnlyList<string> packageFiles, string nodeSetting = "SIGHTLINE_NODE")
    {
        if (!File.Exists(script))
            return notFound;
        var dir = Path.GetDirectoryName(Path.GetFullPath(script))!;
        var shared = Path.GetFullPath(Path.Combine(dir, "..", "common", "reference-io.js"));
        if (!File.Exists(shared))
            return $"the {library} reference needs {shared} (the scripts in {dir} load tools/common/reference-io.js from beside their folder)";
        var absent = packageFiles.Where(r => !File.Exists(Path.Combine(dir, "node_modules", r))).ToList();
        if (absent.Count > 0)
            return $"the {library} reference is not installed ({Path.Combine(dir, "node_modules", absent[0])} is missing): " +
                $"run `npm ci --prefix {Path.GetRelativePath(Directory.GetCurrentDirectory(), dir)}` first (needs node and npm; pinned versions from its package-lock.json)";
        try
        {
            using var probe = Process.Start(new ProcessStartInfo(node, "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (probe is null) return $"cannot start '{node}'";
            probe.WaitForExit();
            if (probe.ExitCode != 0) return $"'{node} --version' failed with exit code {probe.ExitCode}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"cannot run '{node}' ({e.Message}): install Node.js 20 or later, or point {nodeSetting} at it";
        }
        return null;
    }

    /// <summary>
    /// Runs node with <paramref name="arguments"/> (the script first) in <paramref name="workingDirectory"/>. stderr (progress,
    /// the library's log) goes line by line to <paramref name="log"/>, and into the message when the script fails. With no
    /// <paramref name="output"/>, stdout is the result (a script that prints nothing has failed); otherwise each non-empty
    /// stdout line goes to <paramref name="output"/> as it comes and the result is empty. Throws when node exits with an
    /// error; cancelling kills the process tree.
    /// </summary>
    internal static async Task<string> RunAsync(string node, string workingDirectory, IEnumerable<string> arguments, Action<string>? log = null, Action<string>? output = null, CancellationToken cancellationToken = default) =>
        (await RunTogetherAsync(node, workingDirectory, [arguments.ToList()], log, output, cancellationToken))[0];

    /// <summary>What a script started with <c>--barrier</c> says on stderr when it is ready to time (tools/common/reference-io.js).</summary>
    internal const string BarrierReady = "barrier: ready";

    /// <summary>
    /// Runs one node process per entry of <paramref name="argumentLists"/>, all at once, as <see cref="RunAsync"/> runs one
    /// (the results in the same order). Each time every process has said <see cref="BarrierReady"/> on stderr, each gets a
    /// line on stdin, so copies of a script on shares of the images (one per core) time the same stretch together. When one
    /// fails, the others are killed and the error names it.
    /// </summary>
    internal static async Task<IReadOnlyList<string>> RunTogetherAsync(string node, string workingDirectory, IReadOnlyList<IReadOnlyList<string>> argumentLists,
        Action<string>? log = null, Action<string>? output = null, CancellationToken cancellationToken = default)
    {
        var processes = new List<Process>();
        var stderrs = argumentLists.Select(_ => new StringBuilder()).ToList();
        var gate = new object();
        var ready = 0;
        try
        {
            for (var index = 0; index < argumentLists.Count; index++)
            {
                var start = new ProcessStartInfo(node)
                {
                    RedirectStandardInput = true,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                    WorkingDirectory = workingDirectory,
                };
                foreach (var a in argumentLists[index])
                    start.ArgumentList.Add(a);
                var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start '{node}'");
                processes.Add(process);
                var stderr = stderrs[index];
                process.ErrorDataReceived += (_, e) =>
                {
                    if (e.Data is null) return;
                    if (e.Data == BarrierReady)
                    {
                        lock (gate)
                            if (++ready % argumentLists.Count == 0)
                                foreach (var p in processes)
                                {
                                    p.StandardInput.WriteLine("go");
                                    p.StandardInput.Flush();
                                }
                        return;
                    }
                    lock (stderr) stderr.AppendLine(e.Data);
                    log?.Invoke(e.Data);
                };
                if (output is not null)
                {
                    process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) output(line); };
                    process.BeginOutputReadLine();
                }
            }
            // Reading stderr starts once every process is in the list, so the barrier always answers all of them.
            foreach (var process in processes)
                process.BeginErrorReadLine();

            var running = processes.Select(async (process, index) =>
            {
                var stdout = output is null ? await process.StandardOutput.ReadToEndAsync(cancellationToken) : "";
                await process.WaitForExitAsync(cancellationToken);
                if (process.ExitCode != 0 || (output is null && stdout.Trim().Length == 0))
                {
                    string text;
                    lock (stderrs[index]) text = stderrs[index].ToString().Trim();
                    var which = argumentLists.Count > 1 ? $" (process {index + 1} of {argumentLists.Count})" : "";
                    throw new InvalidOperationException($"{argumentLists[index][0]}{which} failed with exit code {process.ExitCode}:{Environment.NewLine}{(text.Length <= 4000 ? text : "..." + text[^4000..])}");
                }
                return stdout;
            }).ToList();
            var pending = running.ToList();
            while (pending.Count > 0)
            {
                var done = await Task.WhenAny(pending);
                pending.Remove(done);
                await done; // the first failure ends the wait; the others are killed below
            }
            return running.Select(t => t.Result).ToList();
        }
        finally
        {
            foreach (var process in processes)
            {
                if (!process.HasExited)
                    process.Kill(entireProcessTree: true);
                process.Dispose();
            }
        }
    }

    /// <summary>
    /// The list file split into <paramref name="shards"/> lists beside it, dealt round-robin so that each share mixes
    /// large and small images; per shard its file and the indices of its lines in the whole list.
    /// </summary>
    internal static IReadOnlyList<(string ListFile, IReadOnlyList<int> Indices)> Shard(string listFile, int shards)
    {
        var lines = File.ReadAllLines(listFile).Where(l => l.Trim().Length > 0).ToList();
        var result = new List<(string, IReadOnlyList<int>)>();
        for (var shard = 0; shard < shards; shard++)
        {
            var indices = Enumerable.Range(0, lines.Count).Where(i => i % shards == shard).ToList();
            var file = Path.ChangeExtension(listFile, $".share{shard + 1}of{shards}.jsonl");
            File.WriteAllLines(file, indices.Select(i => lines[i]));
            result.Add((file, indices));
        }
        return result;
    }

    /// <summary>
    /// The list file (<see cref="ListFile"/>), and per input image null when it was written or why it was left out
    /// (<see cref="Errors"/>, the decoder's message); <see cref="Written"/> lines in the list.
    /// </summary>
    internal sealed record RgbList(string ListFile, IReadOnlyList<string?> Errors, int Written);

    /// <summary>
    /// Each image decoded by Sightline's decoder (full size, EXIF orientation applied) and stored as raw RGB bytes
    /// (<c>folder/000000.rgb</c>, ...), with the list the scripts take as <c>--list</c> (<c>folder/images.jsonl</c>): one line
    /// <c>{"id", "file", "width", "height"}</c> per decoded image, in order, <c>id</c> from <paramref name="ids"/> (else the
    /// index), and <c>"source"</c> (the image's path) with <paramref name="withSource"/>. An image that does not decode is
    /// left out of the list, with its message in <see cref="RgbList.Errors"/>.
    /// </summary>
    internal static RgbList WriteRgbList(IReadOnlyList<string> files, string folder, IReadOnlyList<long>? ids = null, bool withSource = false)
    {
        Directory.CreateDirectory(folder);
        var lines = new string?[files.Count];
        var errors = new string?[files.Count];
        Parallel.For(0, files.Count, index =>
        {
            try
            {
                using var decoded = ImageDecoder.Decode(files[index]);
                var bitmap = decoded.Bitmap;
                var file = Path.Combine(folder, $"{index:D6}.rgb");
                File.WriteAllBytes(file, RgbBytes(bitmap));
                var id = ids is null ? index : ids[index];
                lines[index] = withSource
                    ? JsonSerializer.Serialize(new { id, file, width = bitmap.Width, height = bitmap.Height, source = files[index] })
                    : JsonSerializer.Serialize(new { id, file, width = bitmap.Width, height = bitmap.Height });
            }
            catch (ImageLoadException e)
            {
                errors[index] = e.Message;
            }
        });
        var written = lines.Where(l => l is not null).Select(l => l!).ToList();
        var list = Path.Combine(folder, "images.jsonl");
        File.WriteAllLines(list, written);
        return new RgbList(list, errors, written.Count);
    }

    /// <summary>The bitmap's pixels as RGB bytes, row by row with no padding (alpha dropped).</summary>
    internal static byte[] RgbBytes(SkiaSharp.SKBitmap bitmap)
    {
        var rgba = bitmap.GetPixelSpan();
        var rgb = new byte[bitmap.Width * bitmap.Height * 3];
        for (var y = 0; y < bitmap.Height; y++)
        {
            var row = rgba.Slice(y * bitmap.RowBytes, bitmap.Width * 4);
            var target = rgb.AsSpan(y * bitmap.Width * 3, bitmap.Width * 3);
            for (var x = 0; x < bitmap.Width; x++)
            {
                target[3 * x] = row[4 * x];
                target[3 * x + 1] = row[4 * x + 1];
                target[3 * x + 2] = row[4 * x + 2];
            }
        }
        return rgb;
    }

    private static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Sightline.slnx")))
                    return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
