using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Analysis;
using Sightline.Server.Hosting;
using Sightline.Vision.Moderation;
using Sightline.Vision.Pipeline;

namespace Sightline.Server.Api;

/// <summary>POST /v1/moderate: the <c>moderate</c> task from the built-in registry on one image; the answer is the task's own record.</summary>
public static class ModerationEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("moderation");

        v1.MapPost("/moderate", async (HttpRequest request, VisionServices services, double? threshold, string? sensitive, string? model, CancellationToken ct) =>
            {
                // Options are checked before the model is pulled or the upload read.
                var options = ModerateOptions.From(threshold, sensitive, model);
                var context = TaskContext.Create(services.Store, services.Engine, services.Options.ImageLimits);
                var task = (IImageTask<ModerationResult>)await BuiltInTasks.Registry.CreateAsync(ModerateTask.TaskName, context, options, ct).ConfigureAwait(false);
                using var image = await ImageUpload.ReadAsync(request, task.DecodeSize, services.Options.ImageLimits, ct).ConfigureAwait(false);
                return await task.RunAsync(image, ct).ConfigureAwait(false);
            })
            .WithName("Moderate").WithSummary("Whether the image is safe or sensitive (explicit or suggestive), with the content classifier's five class probabilities")
            .WithDescription($"Query: threshold (least summed probability of the sensitive classes that makes the image sensitive, 0-1, default {ModerateOptions.DefaultThreshold}), " +
                $"sensitive (comma-separated classes of {string.Join(", ", ModerationClasses.All)}; default {string.Join(",", ModerateOptions.DefaultSensitiveClasses)}), model (default nsfwjs).")
            .Produces<ModerationResult>()
            .Accepts<IFormFile>("multipart/form-data", "image/*", "application/octet-stream").DisableAntiforgery();
    }
}
