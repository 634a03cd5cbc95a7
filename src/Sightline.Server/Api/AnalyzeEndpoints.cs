using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Analysis;
using Sightline.Server.Errors;
using Sightline.Server.Hosting;
using Sightline.Vision.Classification;
using Sightline.Vision.Pipeline;

namespace Sightline.Server.Api;

/// <summary>
/// The tasks /v1/analyze runs, built once per choice of tasks and options on one <see cref="TaskContext"/>, so
/// that concurrent requests share each model's batcher (detector and embedder runs gather images of
/// several requests).
/// </summary>
public sealed class AnalysisServices(VisionServices vision, ServerOptions options) : IAsyncDisposable
{
    // Choices beyond this many are built per request, so that odd clients cannot grow the cache without bound.
    private const int MaxCachedChoices = 64;

    private readonly TaskContext _context = TaskContext.Create(vision.Store, vision.Engine, options.ImageLimits,
        new BatchingOptions(options.MaxBatch, options.BatchWindow, options.QueueCapacity));
    private readonly ConcurrentDictionary<string, Lazy<Task<AnalysisPipeline>>> _pipelines = new(StringComparer.OrdinalIgnoreCase);

    public ServerOptions Options => options;

    /// <summary>The server's models and batchers, shared with the library's scans.</summary>
    public TaskContext Context => _context;

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

    public ValueTask DisposeAsync() => _context.DisposeAsync();
}

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
