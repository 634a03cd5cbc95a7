using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Analysis;
using Sightline.Inference.Timing;
using Sightline.Server.Errors;
using Sightline.Server.Hosting;
using Sightline.Vision.Classification;
using Sightline.Vision.Detection;
using Sightline.Imaging;
using Sightline.Vision.Segmentation;
using Sightline.Vision.Pipeline;
using Sightline.Vision.Results;

namespace Sightline.Server.Api;

/// <summary>
/// The tasks the server runs, /v1/analyze's and every single-task endpoint's, built once per choice of tasks and
/// options on one <see cref="TaskContext"/>, so that concurrent requests of any endpoint share each model's batcher
/// (detector and embedder runs gather images of several requests).
/// </summary>
public sealed class AnalysisServices(VisionServices vision, ServerOptions options) : IAsyncDisposable
{
    // Choices beyond this many are built per request, so that odd clients cannot grow the cache without bound.
    private const int MaxCachedChoices = 64;

    private readonly TaskContext _context = TaskContext.Create(vision.Store, vision.Engine, options.ImageLimits,
        new BatchingOptions(options.MaxBatch, options.BatchWindow, options.QueueCapacity));
    private readonly ConcurrentDictionary<string, Lazy<Task<AnalysisPipeline>>> _pipelines = new(StringComparer.OrdinalIgnoreCase);
    private Lazy<Task<(InstanceSegmenter Segmenter, IObjectDetector Detector)>>? _instances;

    /// <summary>The server's one task context: every task of every endpoint is built on it, so they share each model's worker.</summary>
    public TaskContext Context => _context;

    public ServerOptions Options => options;

    /// <summary>The model store the tasks pull from.</summary>
    public Sightline.Models.Cache.ModelStore Store => vision.Store;

    /// <summary>The pipeline for these tasks and options; the first request for a choice pulls and loads its models.</summary>
    public async Task<AnalysisPipeline> PipelineAsync(IReadOnlyList<ChosenTask> chosen, CancellationToken cancellationToken)
    {
        var key = string.Join("|", chosen.Select(c => $"{c.Entry.Name}:{JsonSerializer.Serialize(c.Options, c.Options.GetType())}"));
        if (_pipelines.Count >= MaxCachedChoices && !_pipelines.ContainsKey(key))
            return await BuildAsync(chosen, cancellationToken).ConfigureAwait(false);
        var lazy = _pipelines.GetOrAdd(key, _ => new Lazy<Task<AnalysisPipeline>>(() => BuildAsync(chosen, CancellationToken.None)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (lazy.Value.IsFaulted)
        {
            _pipelines.TryRemove(new KeyValuePair<string, Lazy<Task<AnalysisPipeline>>>(key, lazy));
            throw;
        }
    }

    private async Task<AnalysisPipeline> BuildAsync(IReadOnlyList<ChosenTask> chosen, CancellationToken cancellationToken)
    {
        try
        {
            return new(await TaskSelection.CreateAsync(chosen, _context, cancellationToken).ConfigureAwait(false), options.ImageLimits, new PipelineOptions(1));
        }
        catch (TaskOptionsException e)
        {
            // An option only the opened model can check: a class the detector lacks, person crops on a salient model.
            throw ApiProblem.BadParameter(e.Message);
        }
        catch (ClassifierFileException e)
        {
            throw new ApiProblemException(StatusCodes.Status503ServiceUnavailable, "classifier_unavailable", e.Message);
        }
    }

    /// <summary>
    /// Runs one registry task on the request's image: the task for these options comes from the cache above (built
    /// once on the shared context), the upload is decoded once at the size the task needs (or at
    /// <paramref name="decodeSize"/>), and the result is the task's own record. Every single-task endpoint runs its task so.
    /// </summary>
    public async Task<TaskRun<TResult>> RunAsync<TResult>(HttpRequest request, string task, TaskOptions taskOptions, CancellationToken cancellationToken,
        DecodeSize? decodeSize = null) where TResult : class
    {
        var pipeline = await PipelineAsync([new ChosenTask(BuiltInTasks.Registry.Resolve(task), taskOptions)], cancellationToken).ConfigureAwait(false);
        return await RunAsync(request, (IImageTask<TResult>)pipeline.Tasks[0], cancellationToken, decodeSize ?? pipeline.DecodeSize).ConfigureAwait(false);
    }

    /// <summary>The registry task for these options, from the cache above, for endpoints that work on its parts (the face analysis behind gallery identification).</summary>
    public async Task<TTask> TaskAsync<TTask>(string task, TaskOptions taskOptions, CancellationToken cancellationToken) where TTask : class, IImageTask
    {
        var pipeline = await PipelineAsync([new ChosenTask(BuiltInTasks.Registry.Resolve(task), taskOptions)], cancellationToken).ConfigureAwait(false);
        return (TTask)pipeline.Tasks[0];
    }

    /// <summary>Runs <paramref name="task"/> (built on <see cref="Context"/>) on the request's image, decoded once at <paramref name="decodeSize"/> or the task's size.</summary>
    public Task<TaskRun<TResult>> RunAsync<TResult>(HttpRequest request, IImageTask<TResult> task, CancellationToken cancellationToken, DecodeSize? decodeSize = null)
        where TResult : class =>
        // Not cancellable once queued: a batch may be using the image, which is disposed when the run returns.
        RunAsync(request, decodeSize ?? task.DecodeSize, image => task.RunAsync(image, CancellationToken.None), cancellationToken);

    /// <summary>Reads and decodes the request's image once at <paramref name="decodeSize"/> and runs <paramref name="run"/> on it; the image is disposed when the run is done.</summary>
    public async Task<TaskRun<TResult>> RunAsync<TResult>(HttpRequest request, DecodeSize decodeSize, Func<DecodedImage, Task<TResult>> run, CancellationToken cancellationToken)
        where TResult : class
    {
        var start = Stopwatch.GetTimestamp();
        // Decoded here rather than by the pipeline's loop, so that an unreadable upload keeps its own problem code (ApiProblem.Classify).
        using var image = await ImageUpload.ReadAsync(request, decodeSize, options.ImageLimits, cancellationToken).ConfigureAwait(false);
        var decodeMs = StageTimings.Since(start);
        var result = await run(image).ConfigureAwait(false);
        return new TaskRun<TResult>(result, image.Source, new ImageSize(image.OriginalWidth, image.OriginalHeight), decodeMs);
    }

    /// <summary>
    /// The segmenter behind /v1/segment?instances=true: the context's shared detector, selfie for people and
    /// U²-Net-p for other objects, opened on first use and kept.
    /// </summary>
    public Task<(InstanceSegmenter Segmenter, IObjectDetector Detector)> InstanceSegmenterAsync()
    {
        var lazy = LazyInitializer.EnsureInitialized(ref _instances, () => new Lazy<Task<(InstanceSegmenter Segmenter, IObjectDetector Detector)>>(LoadInstanceSegmenterAsync));
        var load = lazy.Value;
        // A load that failed (a model pull that hit a network error) is tried again by the next request.
        if (load.IsFaulted)
            Interlocked.CompareExchange(ref _instances, null, lazy);
        return load;
    }

    private async Task<(InstanceSegmenter Segmenter, IObjectDetector Detector)> LoadInstanceSegmenterAsync()
    {
        var detector = await DetectorWorker.GetAsync(_context, Detectors.CenterNet, CancellationToken.None).ConfigureAwait(false);
        var person = SegmentationModels.Open(await vision.Store.EnsureAsync(SegmentationModels.Selfie).ConfigureAwait(false), vision.Engine);
        var salient = SegmentationModels.Open(await vision.Store.EnsureAsync(SegmentationModels.Salient).ConfigureAwait(false), vision.Engine);
        return (new InstanceSegmenter(detector.Detector, person, salient), detector.Detector);
    }

    public ValueTask DisposeAsync() => _context.DisposeAsync();
}

/// <summary>One task's result on one upload, with the upload's name, its upright original size and how long reading and decoding it took.</summary>
public sealed record TaskRun<TResult>(TResult Result, string Source, ImageSize Image, double DecodeMs) where TResult : class;

/// <summary>
/// POST /v1/analyze?tasks=detect,faces,...: every chosen task on one upload with one decode, answered with the
/// document <c>sightline analyze --json</c> prints (the same records and serializer options).
/// </summary>
public static class AnalyzeEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("analysis");
        v1.MapPost("/analyze", async (HttpRequest request, AnalysisServices services, string? tasks, CancellationToken ct) =>
            {
                var chosen = Choose(tasks, request.Query, services.Options);
                var pipeline = await services.PipelineAsync(chosen, ct).ConfigureAwait(false);
                var (bytes, name) = await ImageUpload.ReadBytesAsync(request, services.Options.ImageLimits, ct).ConfigureAwait(false);
                var outcome = await pipeline.AnalyzeAsync(ImageSource.Bytes(bytes, name), ct).ConfigureAwait(false);
                if (outcome.Error is { } error)
                    throw new ApiProblemException(StatusOf(error), error.Code, error.Message);
                return Results.Json(AnalysisDocument.From(outcome, pipeline.Tasks), AnalysisJson.Options);
            })
            .WithName("Analyze")
            .WithSummary("Several tasks on one image with one decode: one document with every task's result")
            .WithDescription("Query: tasks (comma-separated: " + string.Join(", ", BuiltInTasks.Registry.Tasks.Select(t => t.Name).Order(StringComparer.Ordinal))
                + "), and any task's option as task.option=value (detect.minScore=0.5, faces.detector=ssd, segment.model=salient, classify.classifier=NAME "
                + "of a classifier the server was started with). The answer is the document 'sightline analyze --json' prints.")
            .Produces<AnalysisDocument>()
            .Accepts<IFormFile>("multipart/form-data", "image/*", "application/octet-stream").DisableAntiforgery();
    }

    /// <summary>The tasks and their options from the query; classify's classifier is a name the server was started with.</summary>
    internal static IReadOnlyList<ChosenTask> Choose(string? tasks, IQueryCollection query, ServerOptions options)
    {
        var settings = query.Where(q => q.Key.Contains('.', StringComparison.Ordinal))
            .Select(q => new KeyValuePair<string, string>(q.Key, q.Value.ToString()))
            .Select(s => s.Key.Equals("classify.classifier", StringComparison.OrdinalIgnoreCase) ? new(s.Key, ClassifierPath(s.Value, options)) : s)
            .ToList();
        var names = (tasks ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // With one classifier configured, classify needs no name.
        if (names.Contains("classify", StringComparer.OrdinalIgnoreCase) && !settings.Any(s => s.Key.Equals("classify.classifier", StringComparison.OrdinalIgnoreCase))
            && options.Classifiers.Count == 1)
            settings.Add(new("classify.classifier", options.Classifiers.Values.Single()));
        try
        {
            return TaskSelection.Choose(BuiltInTasks.Registry, tasks, settings);
        }
        catch (TaskOptionsException e)
        {
            throw ApiProblem.BadParameter(e.Message);
        }
    }

    private static string ClassifierPath(string name, ServerOptions options) =>
        options.Classifiers.FirstOrDefault(c => c.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value
        ?? throw new ApiProblemException(404, "unknown_classifier", options.Classifiers.Count == 0
            ? "the server has no classifier; start it with --classifier name=path.sightline"
            : $"no classifier named '{name}'; known: {string.Join(", ", options.Classifiers.Keys)}");

    /// <summary>The status of an unreadable upload, as the other endpoints answer it.</summary>
    private static int StatusOf(InputError error) => error.Code switch
    {
        "file_too_large" or "too_many_pixels" => StatusCodes.Status413PayloadTooLarge,
        "unsupported_format" => StatusCodes.Status415UnsupportedMediaType,
        _ => StatusCodes.Status400BadRequest,
    };
}
