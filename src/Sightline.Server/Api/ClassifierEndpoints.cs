using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
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

/// <summary>GET /v1/classifiers and POST /v1/classify: the user's own classifiers made with <c>sightline train</c>.</summary>
public static class ClassifierEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("classification");

        v1.MapGet("/classifiers", (ClassifierServices services) => services.Names.Select(name =>
            {
                try
                {
                    var m = services.Model(name);
                    return new ClassifierInfo(name, m.Classes, new ModelRef(m.Backbone.Id, m.Backbone.Version), m.Created,
                        new ClassifierMetricsInfo(m.Metrics.Validation, m.Metrics.Accuracy, m.Training.ImagesPerClass), ClassifierUnknownRule.From(m.Unknown), null);
                }
                catch (ApiProblemException e) when (e.Status == 503)
                {
                    return new ClassifierInfo(name, null, null, null, null, null, e.Message);
                }
            }).ToList())
            .WithName("ListClassifiers").WithSummary("The custom classifiers this server runs (sightline serve --classifier name=path.sightline)");

        v1.MapPost("/classify", async (HttpRequest request, ClassifierServices services, AnalysisServices analysis, string? classifier, int? top, CancellationToken ct) =>
            {
                var k = top ?? ClassifyOptions.DefaultTop;
                new ClassifyOptions(k).Validate();
                var name = classifier ?? services.DefaultName;
                // The file is read and checked here, so that an unknown or unreadable classifier keeps its problem code.
                services.Model(name);
                var options = new ClassifyTaskOptions { Classifier = services.PathOf(name), Top = k };
                var run = await analysis.RunAsync<ClassifyResult>(request, ClassifyTask.TaskName, options, ct).ConfigureAwait(false);
                // Named as the server knows it (its --classifier name), not by its file.
                return run.Result with { Classifier = services.CanonicalName(name) };
            })
            .WithName("Classify").WithSummary("Which of a custom classifier's classes the image shows, or 'unknown' when it shows none of them")
            .WithDescription($"Query: classifier (a name from /v1/classifiers; default the first), top (how many classes to list, 1-{ClassifyOptions.MaxTop}, default {ClassifyOptions.DefaultTop}).")
            .Produces<ClassifyResult>()
            .Accepts<IFormFile>("multipart/form-data", "image/*", "application/octet-stream").DisableAntiforgery();
    }
}
