using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Imaging;
using Sightline.Inference.Timing;
using Sightline.Server.Errors;
using Sightline.Server.Hosting;
using Sightline.Vision.Results;
using Sightline.Vision.Detection;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Similarity;

namespace Sightline.Server.Api;

/// <summary>The /v1 task endpoints. Each takes one image (multipart or raw body) and answers JSON.</summary>
public static class TaskEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("tasks");

        v1.MapGet("/models", (VisionServices services) =>
            services.Store.List().Select(s => new ModelInfo(s.Entry.Id, s.Entry.Title, s.Entry.Task.ToString(), s.Entry.Source.ToString(), s.Entry.License,
                s.Cached, s.Entry.Input?.ToString(), s.Entry.OutputDimension, s.Entry.Labels)).ToList())
            .WithName("ListModels").WithSummary("Every model in the catalog and whether it is cached");

        v1.MapGet("/indexes", (VisionServices services) =>
            services.Options.Indexes.Keys.Order(StringComparer.Ordinal).Select(name =>
            {
                var index = services.Index(name);
                return new IndexInfo(name, index.ModelId, index.Count);
            }).ToList())
            .WithName("ListIndexes").WithSummary("The similarity indexes this server searches");

        // Only images that are in the index are served, so this cannot read arbitrary files.
        v1.MapGet("/indexes/{name}/thumbnail", (VisionServices services, string name, string path) =>
            {
                var index = services.Index(name);
                if (!index.Contains(path))
                    throw new ApiProblemException(404, "not_in_index", $"index '{name}' holds no image '{path}'");
                using var image = ImageDecoder.Decode(path, DecodeSize.Within(256, 256), services.Options.ImageLimits);
                using var data = image.Bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 85);
                return Results.Bytes(data.ToArray(), "image/jpeg");
            })
            .WithName("Thumbnail").WithSummary("A small JPEG of an indexed image");

        v1.MapPost("/detect", async (HttpRequest request, AnalysisServices analysis, string? model, float? minScore, float? iou, int? max, string? classes, bool? perClass, CancellationToken ct) =>
                await DetectAsync(request, analysis, DetectOptionsFrom(analysis, model, minScore, iou, max, classes, perClass), ct).ConfigureAwait(false))
            .WithName("Detect").WithSummary("Every object of the model's classes: class, score 0-1, box in pixels and normalised")
            .Accepts<IFormFile>("multipart/form-data", "image/*", "application/octet-stream").DisableAntiforgery();

        v1.MapPost("/localize", async (HttpRequest request, AnalysisServices analysis, string? model, string? @class, float? minScore, CancellationToken ct) =>
            {
                var detection = await DetectAsync(request, analysis, DetectOptionsFrom(analysis, model, minScore, null, null, @class, null), ct).ConfigureAwait(false);
                return ObjectLocalization.MainObject(detection, @class);
            })
            .WithName("Localize").WithSummary("The main object of the image (class, box, score), or found = false")
            .Accepts<IFormFile>("multipart/form-data", "image/*", "application/octet-stream").DisableAntiforgery();

        v1.MapPost("/embeddings", async (HttpRequest request, AnalysisServices analysis, string? model, CancellationToken ct) =>
            {
                var run = await EmbedAsync(request, analysis, model ?? Embedders.DefaultModel, ct).ConfigureAwait(false);
                var embedding = run.Result;
                return new EmbeddingResponse(run.Image, new ModelRef(embedding.ModelId, embedding.ModelVersion), embedding.Dimension, embedding.Vector, embedding.Timings);
            })
            .WithName("Embed").WithSummary("The image's embedding vector (unit length)").Accepts<IFormFile>("multipart/form-data", "image/*", "application/octet-stream")
            .DisableAntiforgery();

        v1.MapPost("/similar", async (HttpRequest request, VisionServices services, AnalysisServices analysis, string? index, int? top, CancellationToken ct) =>
            {
                var k = top ?? SimilarOptions.DefaultTop;
                new SimilarOptions(k).Validate();
                var name = index ?? services.Options.Indexes.Keys.Order(StringComparer.Ordinal).FirstOrDefault()
                    ?? throw new ApiProblemException(404, "unknown_index", "the server has no similarity index; start it with --index name=path");
                var store = services.Index(name);
                var run = await EmbedAsync(request, analysis, store.ModelId, ct).ConfigureAwait(false);
                var embedding = run.Result;
                var start = Stopwatch.GetTimestamp();
                var matches = store.Search(embedding.Vector, k);
                var timings = embedding.Timings with { PostprocessMs = embedding.Timings.PostprocessMs + StageTimings.Since(start) };
                return new SimilarResponse(run.Image, new ModelRef(embedding.ModelId, embedding.ModelVersion), name, store.Count, matches, timings);
            })
            .WithName("Similar").WithSummary("The indexed images most similar to the uploaded one").Accepts<IFormFile>("multipart/form-data", "image/*", "application/octet-stream")
            .DisableAntiforgery();
    }

    /// <summary>
    /// The request's values as the detect task's options, checked (before any model is loaded) to the ranges the CLI
    /// accepts too. A catalog model that is not a detector is refused here (422); a name the catalog lacks is answered
    /// by the task with the detectors only, not the whole catalog (404).
    /// </summary>
    private static DetectTaskOptions DetectOptionsFrom(AnalysisServices analysis, string? model, float? minScore, float? iou, int? max, string? classes, bool? perClass)
    {
        var defaults = new DetectTaskOptions();
        var options = defaults with
        {
            Model = model ?? defaults.Model,
            MinScore = minScore ?? defaults.MinScore,
            Iou = iou ?? defaults.Iou,
            Max = max ?? defaults.Max,
            Classes = classes?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            // perClass=true keeps every class found on a box; by default one object keeps its strongest class.
            SameObjectIou = perClass == true ? null : defaults.SameObjectIou,
        };
        options.Validate();
        if (Detectors.Registry.Find(options.Model) is null && analysis.Store.Catalog.TryGet(options.Model, out var entry))
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "not_a_detector",
                $"model '{entry.Id}' is not an object detector; detectors: {Detectors.Registry.Describe()}");
        return options;
    }

    private static async Task<DetectionResult> DetectAsync(HttpRequest request, AnalysisServices analysis, DetectTaskOptions options, CancellationToken ct)
    {
        var run = await analysis.RunAsync<DetectionResult>(request, DetectTask.TaskName, options, ct).ConfigureAwait(false);
        var result = run.Result;
        return result with { Source = run.Source, Timings = result.Timings with { PreprocessMs = result.Timings.PreprocessMs + run.DecodeMs } };
    }

    private static async Task<TaskRun<EmbedResult>> EmbedAsync(HttpRequest request, AnalysisServices analysis, string model, CancellationToken ct)
    {
        var run = await analysis.RunAsync<EmbedResult>(request, EmbedTask.TaskName, new EmbedTaskOptions { Model = model }, ct).ConfigureAwait(false);
        var timings = run.Result.Timings;
        return run with { Result = run.Result with { Timings = timings with { PreprocessMs = timings.PreprocessMs + run.DecodeMs } } };
    }
}
