using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Sightline.Server.Errors;
using Sightline.Server.Hosting;
using Sightline.Video;
using Sightline.Video.Decoding;
using Sightline.Video.Tracking;
using Sightline.Vision.Detection;
using Sightline.Faces;

namespace Sightline.Server.Api;

/// <summary>
/// Video jobs: POST /v1/video/jobs takes an upload (raw body or multipart field "video", up to the server's video
/// limit, streamed to a temporary file) and answers 202 with the job; GET /v1/video/jobs/{id} gives its progress and,
/// once done, its result (the record 'sightline video analyze --json' prints); DELETE cancels it. The server never
/// opens a URL a client names.
/// </summary>
public static class VideoEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1/video").WithTags("video");

        v1.MapPost("/jobs", async (HttpRequest request, VideoJobs jobs, AnalysisServices analysis, string? tasks, bool? track, double? fps, int? every, double? scenes, CancellationToken ct) =>
            {
                // Everything about the request is checked before the upload is read.
                var sampling = Sampling(fps, every, scenes);
                var chosen = AnalyzeEndpoints.Choose(tasks ?? "detect", request.Query, analysis.Options);
                if (track == true && !chosen.Any(c => c.Entry.Name is DetectTask.TaskName or FacesTask.TaskName))
                    throw ApiProblem.BadParameter("track follows detect or faces: choose one of them in tasks");
                var run = VideoTasks.Prepare(chosen, sampling, track == true ? TrackerOptions.Default : null);
                var (file, name) = await ReceiveAsync(request, jobs, ct).ConfigureAwait(false);
                var job = await jobs.SubmitAsync(file, name, run, ct).ConfigureAwait(false);
                return Results.Accepted($"/v1/video/jobs/{job.Id}", job);
            })
            .WithName("SubmitVideoJob").WithSummary("Analyse a video in the background: 202 with the job, whose progress and result GET /v1/video/jobs/{id} gives")
            .WithDescription("Query: tasks (as for /v1/analyze, default detect) and their task.option=value settings, track (true: ByteTrack-style " +
                "tracks of detect and faces), and one of fps (frames per second to analyse), every (every n-th frame) or scenes (scene-change threshold 0-1). " +
                "The body is the video (video/*, application/octet-stream) or a multipart form with field 'video'.")
            .Produces<VideoJobView>(StatusCodes.Status202Accepted)
            .Accepts<IFormFile>("multipart/form-data", "video/*", "application/octet-stream").DisableAntiforgery();

        v1.MapGet("/jobs", (VideoJobs jobs) => Results.Ok(new { jobs = jobs.List() }))
            .WithName("ListVideoJobs").WithSummary("The video jobs waiting, running and recently finished, newest first, without their results");

        v1.MapGet("/jobs/{id}", (string id, VideoJobs jobs, bool? frames) =>
            {
                var job = jobs.Get(id, withResult: true) ?? throw new ApiProblemException(StatusCodes.Status404NotFound, "video_job_not_found", $"no video job '{id}'");
                // The per-frame results can be large; frames=false leaves them out and keeps the track summaries.
                if (frames == false && job.Result is { } result)
                    job = job with { Result = result with { Frames = [] } };
                return Results.Ok(job);
            })
            .WithName("GetVideoJob").WithSummary("A video job's state and progress, and once it has succeeded its result (frames=false: without the per-frame results)")
            .Produces<VideoJobView>();

        v1.MapDelete("/jobs/{id}", (string id, VideoJobs jobs) => jobs.Cancel(id) switch
            {
                null => throw new ApiProblemException(StatusCodes.Status404NotFound, "video_job_not_found", $"no video job '{id}'"),
                false => throw new ApiProblemException(StatusCodes.Status409Conflict, "video_job_finished", $"video job '{id}' has already finished"),
                true => Results.Ok(jobs.Get(id, withResult: false)),
            })
            .WithName("CancelVideoJob").WithSummary("Cancels a waiting or running video job")
            .Produces<VideoJobView>();
    }

    internal static FrameSampling Sampling(double? fps, int? every, double? scenes)
    {
        try
        {
            return FrameSampling.Choose(fps, every, scenes);
        }
        catch (ArgumentException e)
        {
            throw ApiProblem.BadParameter(e.Message.Split(" (Parameter")[0]);
        }
    }

    /// <summary>The upload, streamed to a file of the job folder, refused beyond the video limit.</summary>
    private static async Task<(string File, string Name)> ReceiveAsync(HttpRequest request, VideoJobs jobs, CancellationToken cancellationToken)
    {
        var limit = jobs.Options.MaxVideoBytes;
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limit + 64 * 1024;
        if (request.ContentLength is > 0 and var length && length > limit + 64 * 1024)
            throw new ApiProblemException(StatusCodes.Status413PayloadTooLarge, "video_too_large", $"the body has {length} bytes; videos up to {limit} bytes are accepted");
        Stream body;
        string name;
        var type = request.ContentType ?? "";
        IFormFile? formFile = null;
        if (request.HasFormContentType)
        {
            if (!type.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
                throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "send the video as multipart/form-data (field 'video') or as the raw request body");
            var form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limit, ValueCountLimit = 64 }, cancellationToken).ConfigureAwait(false);
            formFile = form.Files.GetFile("video") ?? form.Files.FirstOrDefault() ?? throw ApiProblem.BadParameter("the multipart form has no file; put the video in a field named 'video'");
            body = formFile.OpenReadStream();
            name = Path.GetFileName(formFile.FileName);
        }
        else if (type.StartsWith("video/", StringComparison.OrdinalIgnoreCase) || type.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            body = request.Body;
            name = "video";
        }
        else
        {
            throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
                $"content type '{(type.Length == 0 ? "none" : type)}' is not a video; send video/*, application/octet-stream or multipart/form-data");
        }
        var extension = Path.GetExtension(name) is { Length: > 1 and <= 6 } e && e.All(c => char.IsAsciiLetterOrDigit(c) || c == '.') ? e.ToLowerInvariant() : ".video";
        var file = jobs.NewUploadPath(extension);
        try
        {
            await using (var target = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                long total = 0;
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > limit)
                        throw new ApiProblemException(StatusCodes.Status413PayloadTooLarge, "video_too_large", $"the video is larger than the {limit} bytes accepted");
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
                if (total == 0)
                    throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "no_frames", "the upload has no bytes");
            }
            return (file, name.Length == 0 ? "video" : name);
        }
        catch
        {
            File.Delete(file);
            throw;
        }
        finally
        {
            if (formFile is not null)
                await body.DisposeAsync().ConfigureAwait(false);
        }
    }
}
