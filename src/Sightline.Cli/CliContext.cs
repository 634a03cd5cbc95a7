using System.CommandLine;
using Sightline.Cli.Commands;
using Sightline.Cli.Output;
using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Models.Registry;
using Spectre.Console;

namespace Sightline.Cli;

/// <summary>What every command shares: global options, the store, the engine, and where to write.</summary>
public sealed class CliContext : IDisposable
{
    /// <summary>
    /// The image files named on the command line, folders expanded; the other files of those folders are kept in
    /// <see cref="NotImages"/> with their reasons. A usage error when none is named, bad input when none is found.
    /// </summary>
    public IReadOnlyList<string> ImageInputs(string[] paths)
    {
        if (paths.Length == 0)
            throw new UsageException("name at least one image or folder");
        var selection = ImageFiles.Scan(paths);
        NotImages = selection.Skipped;
        if (selection.Images.Count == 0)
            throw new InputException($"no images in {string.Join(", ", paths)}" + (selection.Skipped.Count > 0 ? $" ({selection.Skipped.Count} other files: {selection.SkippedSummary()})" : ""));
        return selection.Images;
    }

    /// <summary>Files of the folders named that are not images, each with its reason; set by <see cref="ImageInputs"/>.</summary>
    public IReadOnlyList<SkippedFile>? NotImages { get; private set; }

    /// <summary>Records the files a command's own folder scan left out, for <see cref="WriteJson"/> and <see cref="WriteSkippedFooter"/>.</summary>
    public void NoteNotProcessed(IReadOnlyList<SkippedFile> skipped) => NotImages = skipped;

    /// <summary>Prints <paramref name="value"/> as JSON; after <see cref="ImageInputs"/> it carries the files not processed as <c>skipped</c>.</summary>
    public void WriteJson(object value)
    {
        if (NotImages is null)
        {
            Sightline.Cli.Output.Json.Write(Output, value);
            return;
        }

        var node = System.Text.Json.JsonSerializer.SerializeToNode(value, Sightline.Cli.Output.Json.Options);
        if (node is System.Text.Json.Nodes.JsonObject obj)
        {
            // A command's own skipped list (photos without a usable face, say) keeps its entries; the files not processed join it.
            if (obj["skipped"] is not System.Text.Json.Nodes.JsonArray skipped)
                obj["skipped"] = skipped = [];
            foreach (var s in NotImages)
                skipped.Add(new System.Text.Json.Nodes.JsonObject { ["path"] = s.Path, ["reason"] = s.Reason });
        }
        Output.WriteLine(node?.ToJsonString(Sightline.Cli.Output.Json.Options));
    }

    /// <summary>The table footer listing every file a folder command did not process, with its reason; nothing when there is none.</summary>
    public void WriteSkippedFooter(IReadOnlyList<SkippedFile>? skipped = null)
    {
        skipped ??= NotImages;
        if (skipped is not { Count: > 0 })
            return;
        OutputConsole.MarkupLine($"[yellow]{skipped.Count} file(s) not processed[/] [grey]({Markup.Escape(new ImageSelection([], skipped).SkippedSummary())})[/]");
        foreach (var s in skipped)
            OutputConsole.MarkupLine($"  [grey]{Markup.Escape(s.Path)}: {Markup.Escape(s.Reason)}[/]");
    }

    public static readonly Option<bool> JsonOption = new("--json") { Description = "Print JSON for programs instead of a table", Recursive = true };
    public static readonly Option<int?> ThreadsOption = new("--threads") { Description = "Threads for inference (default: all cores)", Recursive = true };
    public static readonly Option<ExecutionDevice> DeviceOption = new("--device")
    {
        Description = "Where models run: cpu, or cuda when the GPU package and a driver are present (falls back to cpu with a warning)",
        Recursive = true,
        DefaultValueFactory = _ => ExecutionDevice.Cpu,
    };

    public static readonly Option<double> MaxImageMegabytesOption = new("--max-image-mb")
    {
        Description = "Refuse image files larger than this many megabytes",
        Recursive = true,
        DefaultValueFactory = _ => ImageLimits.Default.MaxFileBytes / (1024.0 * 1024.0),
    };
    public static readonly Option<double> MaxMegapixelsOption = new("--max-megapixels")
    {
        Description = "Refuse images with more pixels than this (checked from the header, before decoding)",
        Recursive = true,
        DefaultValueFactory = _ => ImageLimits.Default.MaxPixels / 1e6,
    };

    public CliContext(ParseResult parse, TextWriter output, TextWriter error)
    {
        Json = parse.GetValue(JsonOption);
        var threads = parse.GetValue(ThreadsOption);
        if (threads is < 1)
            throw new UsageException($"--threads must be at least 1 (got {threads})");
        EngineOptions = new EngineOptions(threads, parse.GetValue(DeviceOption));
        var megabytes = parse.GetValue(MaxImageMegabytesOption);
        var megapixels = parse.GetValue(MaxMegapixelsOption);
        if (megabytes <= 0 || megapixels <= 0)
            throw new UsageException("--max-image-mb and --max-megapixels must be positive");
        Limits = new ImageLimits((long)(megabytes * 1024 * 1024), (long)(megapixels * 1e6));
        Output = output;
        Error = error;
        var interactive = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        ErrorConsole = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(error),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        OutputConsole = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
        });
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
            OutputConsole.Profile.Width = 160;
        Progress = new ProgressReporter(ErrorConsole, interactive);
    }

    public bool Json { get; }
    public ImageLimits Limits { get; }
    public EngineOptions EngineOptions { get; }
    public TextWriter Output { get; }
    public TextWriter Error { get; }
    public IAnsiConsole OutputConsole { get; }
    public IAnsiConsole ErrorConsole { get; }
    public ProgressReporter Progress { get; }

    private ModelStore? _store;
    public ModelStore Store => _store ??= new ModelStore();

    private InferenceEngine? _engine;
    public InferenceEngine Engine => _engine ??= new InferenceEngine(EngineOptions, Warn);

    public void Dispose() => _engine?.Dispose();

    public void Warn(string message) => ErrorConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(message)}");

    /// <summary>The model, pulled with a progress bar when it is not cached yet.</summary>
    public async Task<CachedModel> EnsureModelAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            return Store.Get(id);
        }
        catch (Models.ModelStoreException e) when (e.Kind == Models.ModelStoreErrorKind.NotCached)
        {
            return await PullAsync(id, force: false, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<CachedModel> PullAsync(string id, bool force, CancellationToken cancellationToken) =>
        Progress.RunAsync($"pulling {id}", report =>
            Store.PullAsync(id, force, new InlineProgress<PullProgress>(p =>
            {
                if (p.Stage == PullStage.Downloading)
                    report(p.Bytes, p.TotalBytes);
            }), cancellationToken));
}

/// <summary>A command-line mistake found after parsing (a value out of range, say).</summary>
public sealed class UsageException(string message) : Exception(message);
