using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Vision.Moderation;

namespace Sightline.Server.Api;

/// <summary>POST /v1/moderate: the <c>moderate</c> task from the built-in registry on one image; the answer is the task's own record.</summary>
public static class ModerationEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("moderation");

        v1.MapPost("/moderate", async (HttpRequest request, AnalysisServices analysis, double? threshold, string? sensitive, string? model, CancellationToken ct) =>
            {
                // Options are checked before the model is pulled or the upload read; the task for these options is
                // built once and kept, with the server's shared task context, as /v1/analyze keeps its pipelines.
                var options = ModerateOptions.From(threshold, sensitive, model);
                return (await analysis.RunAsync<ModerationResult>(request, ModerateTask.TaskName, options, ct).ConfigureAwait(false)).Result;
            })
            .WithName("Moderate").WithSummary("Whether the image is safe or sensitive (explicit or suggestive), with the content classifier's five class probabilities")
            .WithDescription($"Query: threshold (least summed probability of the sensitive classes that makes the image sensitive, 0-1, default {ModerateOptions.DefaultThreshold}), " +
                $"sensitive (comma-separated classes of {string.Join(", ", ModerationClasses.All)}; default {string.Join(",", ModerateOptions.DefaultSensitiveClasses)}), model (default nsfwjs).")
            .Produces<ModerationResult>()
            .Accepts<IFormFile>("multipart/form-data", "image/*", "application/octet-stream").DisableAntiforgery();
    }
}
