using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sightline.Vision.Text;

namespace Sightline.Server.Api;

/// <summary>POST /v1/ocr: the <c>text</c> task from the built-in registry on one image; the answer is the task's own record.</summary>
public static class OcrEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("text");

        v1.MapPost("/ocr", async (HttpRequest request, AnalysisServices analysis, string? layout, double? minConfidence, CancellationToken ct) =>
            {
                // Options are checked before the models are pulled or the upload read.
                var options = OcrOptions.From(layout, minConfidence);
                return (await analysis.RunAsync<OcrResult>(request, TextTask.TaskName, options, ct).ConfigureAwait(false)).Result;
            })
            .WithName("ReadText").WithSummary("The text in the image: each line with its text, confidence, corners and box in pixels, and the full text in reading order")
            .WithDescription("Query: layout (page: find the text on the image, the default; line: the whole image is one line of text), " +
                $"minConfidence (least mean character confidence of a line to report it, 0-1, default {OcrOptions.Default.MinConfidence}).")
            .Produces<OcrResult>()
            .Accepts<IFormFile>("multipart/form-data", "image/*", "application/octet-stream").DisableAntiforgery();
    }
}
