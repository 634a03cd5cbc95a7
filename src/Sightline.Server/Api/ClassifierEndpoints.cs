using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Inference.Timing;
using Sightline.Server.Errors;
using Sightline.Server.Hosting;
using Sightline.Vision.Results;
using Sightline.Vision.Classification;

namespace Sightline.Server.Api;

/// <summary>A custom classifier the server serves: its classes, backbone, when it was trained and how well it did.</summary>
public sealed record ClassifierInfo(string Name, IReadOnlyList<string>? Classes, ModelRef? Backbone, DateTimeOffset? TrainedAt,
    ClassifierMetricsInfo? Metrics, ClassifierUnknownRule? UnknownRule, string? Error);

/// <summary>The classifier's validation figures from training (closed set: the unknown rule off).</summary>
public sealed record ClassifierMetricsInfo(string Validation, double Accuracy, IReadOnlyList<int> ImagesPerClass);

/// <summary>When an image is answered "unknown": the score the rule looks at and the threshold below which it fires (null: it never fires), and whether the rule is off (it could not be calibrated on the training folder).</summary>
public sealed record ClassifierUnknownRule(string Score, double? Threshold, bool Off);

/// <summary>One class and its softmax probability.</summary>
public sealed record ClassPrediction(string Label, float Probability);

/// <summary>
/// A custom classifier's answer: <see cref="Answer"/> is the top class, or "unknown" when the unknown rule
/// fires (then <see cref="Label"/> is null); <see cref="Predictions"/> are the top-k classes by probability.
/// </summary>
public sealed record ClassifyResponse(ImageSize Image, string Classifier, ModelRef Backbone, DateTimeOffset TrainedAt, string Answer, string? Label,
    bool Unknown, double UnknownScore, ClassifierUnknownRule UnknownRule, IReadOnlyList<ClassPrediction> Predictions, StageTimings Timings);

/// <summary>GET /v1/classifiers and POST /v1/classify: the user's own classifiers made with <c>sightline train</c>.</summary>
public static class ClassifierEndpoints
{
    public const string UnknownAnswer = "unknown";

    public static void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("classification");

        v1.MapGet("/classifiers", (ClassifierServices services) => services.Names.Select(name =>
            {
                try
                {
                    var m = services.Model(name);
                    return new ClassifierInfo(name, m.Classes, new ModelRef(m.Backbone.Id, m.Backbone.Version), m.Created,
                        new ClassifierMetricsInfo(m.Metrics.Validation, m.Metrics.Accuracy, m.Training.ImagesPerClass), Rule(m.Unknown), null);
                }
                catch (ApiProblemException e) when (e.Status == 503)
                {
                    return new ClassifierInfo(name, null, null, null, null, null, e.Message);
                }
            }).ToList())
            .WithName("ListClassifiers").WithSummary("The custom classifiers this server runs (sightline serve --classifier name=path.sightline)");

        v1.MapPost("/classify", async (HttpRequest request, ClassifierServices services, VisionServices vision, string? classifier, int? top, CancellationToken ct) =>
            {
                var k = top ?? ClassifyOptions.DefaultTop;
                new ClassifyOptions(k).Validate();
                var name = classifier ?? services.DefaultName;
                var (model, worker) = await services.ClassifierAsync(name).ConfigureAwait(false);
                var start = Stopwatch.GetTimestamp();
                var decoded = await ImageUpload.ReadAsync(request, worker.Embedder.DecodeSize, vision.Options.ImageLimits, ct).ConfigureAwait(false);
                using (decoded)
                {
                    var embedding = await worker.EmbedAsync(decoded, StageTimings.Since(start)).ConfigureAwait(false);
                    var result = model.Classify(embedding);
                    var m = model.Model;
                    return new ClassifyResponse(new ImageSize(decoded.OriginalWidth, decoded.OriginalHeight), name,
                        new ModelRef(embedding.ModelId, embedding.ModelVersion), m.Created, result.Label ?? UnknownAnswer, result.Label,
                        result.Unknown, result.UnknownScore, Rule(m.Unknown),
                        result.Top(k).Select(p => new ClassPrediction(p.Label, p.Probability)).ToList(), result.Timings);
                }
            })
            .WithName("Classify").WithSummary("Which of a custom classifier's classes the image shows, or 'unknown' when it shows none of them")
            .WithDescription($"Query: classifier (a name from /v1/classifiers; default the first), top (how many classes to list, 1-{ClassifyOptions.MaxTop}, default {ClassifyOptions.DefaultTop}).")
            .Produces<ClassifyResponse>()
            .Accepts<IFormFile>("multipart/form-data", "image/*", "application/octet-stream").DisableAntiforgery();
    }

    private static ClassifierUnknownRule Rule(Sightline.Vision.Classification.UnknownRule rule) =>
        new(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(rule.Score.ToString()), rule.Threshold is { } t && double.IsFinite(t) ? t : null, rule.IsOff);
}
