using Sightline.Library;
using Sightline.Server.Security;
using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Sightline.Server.Hosting;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary><c>sightline serve</c>: the REST API and the web page in one process.</summary>
public static class ServeCommand
{
    public static Command Create(Func<ParseResult, CliContext> context)
    {
        var urls = new Option<string>("--urls") { Description = "Address to listen on", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var apiKeys = new Option<string[]>("--api-key")
        {
            Description = "Require this API key on /v1 (repeatable; SIGHTLINE_API_KEYS may hold a comma-separated list)",
            AllowMultipleArgumentsPerToken = false,
        };
        var indexes = new Option<string[]>("--index") { Description = "A similarity index the API searches, as name=path (repeatable)" };
        var classifiers = new Option<string[]>("--classifier") { Description = "A custom classifier /v1/classify runs, as name=path.sightline (repeatable; made with 'sightline train')" };
        var queue = new Option<int>("--queue") { Description = "Images waiting per model before the server answers 429", DefaultValueFactory = _ => 64 };
        var batch = new Option<int>("--max-batch") { Description = "Most images per model run", DefaultValueFactory = _ => 8 };
        var window = new Option<double>("--batch-window-ms") { Description = "How long a request waits for others to share its model run (0: no dynamic batching)", DefaultValueFactory = _ => 5 };
        var gallery = new Option<string?>("--gallery") { Description = "Face gallery file for /v1/faces identification and /v1/gallery (default: faces.gallery in the Sightline home folder)" };
        var library = new Option<string?>("--library") { Description = "A photo library the API serves under /v1/library (a folder made with 'sightline library init')" };
        var maxVideo = new Option<double>("--max-video-mb") { Description = "Refuse video uploads to /v1/video/jobs larger than this many megabytes", DefaultValueFactory = _ => 512 };
        var videoQueue = new Option<int>("--video-queue") { Description = "Video jobs waiting or running before the server answers 429 (one runs at a time)", DefaultValueFactory = _ => 8 };
        var signIn = new Option<bool>("--sign-in") { Description = "Require sign-in (a library account) or an API key on /v1 on loopback too; beyond loopback it is always required" };
        var command = new Command("serve", "Run the REST API (/v1, OpenAPI at /openapi/v1.json, docs at /docs) and the web page") { urls, apiKeys, indexes, classifiers, queue, batch, window, gallery, library, maxVideo, videoQueue, signIn };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var keys = (parse.GetValue(apiKeys) ?? [])
                .Concat((Environment.GetEnvironmentVariable("SIGHTLINE_API_KEYS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .ToList();
            var named = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var spec in parse.GetValue(indexes) ?? [])
            {
                var eq = spec.IndexOf('=');
                var (name, path) = eq > 0 ? (spec[..eq], spec[(eq + 1)..]) : (Path.GetFileNameWithoutExtension(spec), spec);
                if (!File.Exists(path))
                    throw new InputException($"index '{path}' does not exist; build it with 'sightline index <folder> --out {path}'");
                named[name] = Path.GetFullPath(path);
            }
            var classifierFiles = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var spec in parse.GetValue(classifiers) ?? [])
            {
                var eq = spec.IndexOf('=');
                var (name, path) = eq > 0 ? (spec[..eq], spec[(eq + 1)..]) : (Path.GetFileNameWithoutExtension(spec), spec);
                if (!File.Exists(path))
                    throw new InputException($"classifier '{path}' does not exist; make it with 'sightline train <folder> --out {path}'");
                classifierFiles[name] = Path.GetFullPath(path);
            }
            var libraryFolder = parse.GetValue(library) is { Length: > 0 } libraryPath ? Path.GetFullPath(libraryPath) : null;
            if (libraryFolder is not null && !Directory.Exists(libraryFolder))
                throw new InputException($"library folder '{libraryFolder}' does not exist; make one with 'sightline library init {libraryFolder}'");
            if (parse.GetValue(queue) < 1 || parse.GetValue(batch) < 1 || parse.GetValue(window) < 0)
                throw new UsageException("--queue and --max-batch must be at least 1, --batch-window-ms at least 0");
            if (!(parse.GetValue(maxVideo) > 0) || parse.GetValue(videoQueue) < 1)
                throw new UsageException("--max-video-mb must be positive and --video-queue at least 1");
            var options = new ServerOptions
            {
                Urls = parse.GetValue(urls)!,
                ApiKeys = keys,
                Indexes = named,
                Classifiers = classifierFiles,
                ImageLimits = ctx.Limits,
                MaxUploadBytes = ctx.Limits.MaxFileBytes + 64 * 1024,
                Engine = ctx.EngineOptions,
                QueueCapacity = parse.GetValue(queue),
                MaxBatch = parse.GetValue(batch),
                BatchWindow = TimeSpan.FromMilliseconds(parse.GetValue(window)),
                GalleryPath = parse.GetValue(gallery) is { Length: > 0 } galleryPath ? Path.GetFullPath(galleryPath) : null,
                Library = libraryFolder,
                MaxVideoBytes = (long)(parse.GetValue(maxVideo) * 1024 * 1024),
                VideoQueueCapacity = parse.GetValue(videoQueue),
                SignIn = parse.GetValue(signIn) ? true : null,
            };
            await using var app = SightlineServer.Build(options);
            PhotoLibrary? opened = null;
            if (libraryFolder is not null)
            {
                // Opened before serving: a folder that is no library, or a database that cannot be used, stops here
                // with its reason and the library exit code, as the library commands do.
                opened = await app.Services.GetRequiredService<LibraryServices>().LibraryAsync(ct).ConfigureAwait(false);
            }
            // Nobody beyond this machine gets in without a way to sign in.
            if (await AccessRules.ProblemAsync(options, async c => opened is null ? 0 : (await opened.Store.Accounts.ListAccountsAsync(c).ConfigureAwait(false)).Count, ct)
                .ConfigureAwait(false) is { } problem)
                throw new UsageException(problem);
            await app.StartAsync(ct).ConfigureAwait(false);
            ctx.ErrorConsole.MarkupLine($"[green]Sightline is serving[/] on {Markup.Escape(options.Urls)}: open it in a browser; API docs at /docs{(libraryFolder is null ? "" : $"; photo library {Markup.Escape(libraryFolder)} at /v1/library")}{(keys.Count > 0 ? "; API key required on /v1" : "")}{(AccessRules.SignInRequired(options) ? "; sign-in required" : "")}. Ctrl+C stops.");
            try
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }
}
