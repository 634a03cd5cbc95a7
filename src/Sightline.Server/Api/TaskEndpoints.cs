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

        v1.MapPost("/detect", async (HttpRequest request, VisionServices services, string? model, float? minScore, float? iou, int? max, string? classes, bool? perClass, CancellationToken ct) =>
            {
                var options = DetectOptionsFrom(minScore, iou, max, perClass);
                var worker = await services.DetectorAsync(model ?? Detectors.DefaultModel).ConfigureAwait(false);
                options = options with { Classes = DetectOptions.ParseClasses(classes, worker.Detector) };
                return await DetectAsync(request, services, worker, options, ct).ConfigureAwait(false);
            })
            .WithName("Detect").WithSummary("Every object of the model's classes: class, score 0-1, box in pixels and normalised")
            .Accepts<IFormFile>("multipart/form-data", "image/*", "application/octet-stream").DisableAntiforgery();

        v1.MapPost("/localize", async (HttpRequest request, VisionServices services, string? model, string? @class, float? minScore, CancellationToken ct) =>
            {
                var options = DetectOptionsFrom(minScore, null, null, null);
                var worker = await services.DetectorAsync(model ?? Detectors.DefaultModel).ConfigureAwait(false);
                options = options with { Classes = DetectOptions.ParseClasses(@class, worker.Detector) };
                var detection = await DetectAsync(request, services, worker, options, ct).ConfigureAwait(false);
                return ObjectLocalization.MainObject(detection, @class);
            })
            .WithName("Localize").WithSummary("The main object of the image (class, box, score), or found = false")
            .Accepts<IFormFile>("multipart/form-data", "image/*", "application/octet-stream").DisableAntiforgery();

        v1.MapPost("/embeddings", async (HttpRequest request, VisionServices services, string? model, CancellationToken ct) =>
            {
                var (embedding, image) = await EmbedAsync(request, services, model ?? Embedders.DefaultModel, ct).ConfigureAwait(false);
                return new EmbeddingResponse(image, new ModelRef(embedding.ModelId, embedding.ModelVersion), embedding.Vector.Length, embedding.Vector, embedding.Timings);
            })
            .WithName("Embed").WithSummary("The image's embedding vector (unit length)").Accepts<IFormFile>("multipart/form-data", "image/*", "application/octet-stream")
            .DisableAntiforgery();

        v1.MapPost("/similar", async (HttpRequest request, VisionServices services, string? index, int? top, CancellationToken ct) =>
            {
                var k = top ?? SimilarOptions.DefaultTop;
                new SimilarOptions(k).Validate();
                var name = index ?? services.Options.Indexes.Keys.Order(StringComparer.Ordinal).FirstOrDefault()
                    ?? throw new ApiProblemException(404, "unknown_index", "the server has no similarity index; start it with --index name=path");
                var store = services.Index(name);
                var (embedding, image) = await EmbedAsync(request, services, store.ModelId, ct).ConfigureAwait(false);
                var start = Stopwatch.GetTimestamp();
                var matches = store.Search(embedding.Vector, k);
                var timings = embedding.Timings with { PostprocessMs = embedding.Timings.PostprocessMs + StageTimings.Since(start) };
                return new SimilarResponse(image, new ModelRef(embedding.ModelId, embedding.ModelVersion), name, store.Count, matches, timings);
            })
            .WithName("Similar").WithSummary("The indexed images most similar to the uploaded one").Accepts<IFormFile>("multipart/form-data", "image/*", "application/octet-stream")
            .DisableAntiforgery();
    }

    /// <summary>The request's values on the library's defaults, checked (before any model is loaded) to the ranges the CLI accepts too.</summary>
    private static DetectOptions DetectOptionsFrom(float? minScore, float? iou, int? max, bool? perClass)
    {
        var defaults = DetectOptions.Default;
        var options = defaults with
        {
            MinScore = minScore ?? defaults.MinScore,
            IouThreshold = iou ?? defaults.IouThreshold,
            MaxDetections = max ?? defaults.MaxDetections,
            // perClass=true keeps every class found on a box; by default one object keeps its strongest class.
            SameObjectIou = perClass == true ? null : defaults.SameObjectIou,
        };
        options.Validate();
        return options;
    }

    private static async Task<DetectionResult> DetectAsync(HttpRequest request, VisionServices services, DetectionWorker worker, DetectOptions options, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var decoded = await ImageUpload.ReadAsync(request, worker.Detector.DecodeSize, services.Options.ImageLimits, ct).ConfigureAwait(false);
        using (decoded)
        {
            var result = await worker.DetectAsync(decoded, options, StageTimings.Since(start)).ConfigureAwait(false);
            return result with { Source = decoded.Source };
        }
    }

    private static async Task<(ImageEmbedding Embedding, ImageSize Image)> EmbedAsync(HttpRequest request, VisionServices services, string model, CancellationToken ct)
    {
        var worker = await services.EmbedderAsync(model).ConfigureAwait(false);
        var start = Stopwatch.GetTimestamp();
        var decoded = await ImageUpload.ReadAsync(request, worker.Embedder.DecodeSize, services.Options.ImageLimits, ct).ConfigureAwait(false);
        using (decoded)
        {
            var decodeMs = StageTimings.Since(start);
            var embedding = await worker.EmbedAsync(decoded, decodeMs).ConfigureAwait(false);
            return (embedding, new ImageSize(decoded.OriginalWidth, decoded.OriginalHeight));
        }
    }
}
