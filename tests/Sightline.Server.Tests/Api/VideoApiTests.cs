using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared;

using static Sightline.Server.Tests.Api.ApiAssert;

namespace Sightline.Server.Tests.Api;

/// <summary>One server for the video job tests, with a small queue and a small upload limit to reach both.</summary>
public sealed class VideoServerFixture : IAsyncLifetime
{
    public RunningServer Server { get; private set; } = null!;
    public TestVideos Videos { get; } = new();

    public const long MaxVideoBytes = 4L * 1024 * 1024;

    public async Task InitializeAsync() => Server = await RunningServer.StartAsync(new ServerOptions { MaxVideoBytes = MaxVideoBytes, VideoQueueCapacity = 2 });

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Videos.Dispose();
    }
}

/// <summary>/v1/video/jobs through the real HTTP stack, on videos made with ffmpeg.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class VideoApiTests(VideoServerFixture fixture) : IClassFixture<VideoServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    private static ByteArrayContent Body(string path, string type = "video/mp4")
    {
        var body = new ByteArrayContent(File.ReadAllBytes(path));
        body.Headers.ContentType = new MediaTypeHeaderValue(type);
        return body;
    }

    private async Task<JsonElement> WaitAsync(string id, Func<string, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var job = await Json(await Client.GetAsync($"/v1/video/jobs/{id}"));
            if (done(job.GetProperty("state").GetString()!) || DateTime.UtcNow > deadline)
                return job;
            await Task.Delay(100);
        }
    }

    private static readonly string[] Finished = ["succeeded", "failed", "cancelled"];

    [Fact]
    public async Task A_job_runs_on_after_its_client_has_gone_and_answers_the_video_result()
    {
        var video = fixture.Videos.Pattern($"clip-{Guid.NewGuid():N}.mp4", frames: 20, width: 160, height: 120);
        string id;
        // The client that sent the video goes away at once.
        using (var sender = new HttpClient { BaseAddress = Client.BaseAddress })
        {
            var response = await sender.PostAsync("/v1/video/jobs?tasks=detect&track=true&every=2", Body(video));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var job = await Json(response);
            id = job.GetProperty("id").GetString()!;
            Assert.Equal($"/v1/video/jobs/{id}", response.Headers.Location?.OriginalString);
            Assert.Contains(job.GetProperty("state").GetString(), new[] { "queued", "running" });
            Assert.Equal(10, job.GetProperty("framesExpected").GetInt32());
        }
        var done = await WaitAsync(id, s => Finished.Contains(s));
        Assert.Equal("succeeded", done.GetProperty("state").GetString());
        Assert.Equal(10, done.GetProperty("framesDone").GetInt32());
        var result = done.GetProperty("result");
        Assert.Equal(10, result.GetProperty("frameCount").GetInt32());
        Assert.Equal(new long[] { 0, 2, 4 }, result.GetProperty("frames").EnumerateArray().Take(3).Select(f => f.GetProperty("index").GetInt64()));
        Assert.True(result.TryGetProperty("objectTracks", out _));
        // The server's temporary file is not named to the client.
        Assert.DoesNotContain("sightline-video-jobs", result.GetRawText());
        var light = await Json(await Client.GetAsync($"/v1/video/jobs/{id}?frames=false"));
        Assert.Equal(0, light.GetProperty("result").GetProperty("frames").GetArrayLength());
        Assert.Contains((await Json(await Client.GetAsync("/v1/video/jobs"))).GetProperty("jobs").EnumerateArray(), j => j.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task A_running_job_is_cancelled_and_stops_ffmpeg_and_a_finished_one_cannot_be()
    {
        var video = fixture.Videos.Pattern($"long-{Guid.NewGuid():N}.mp4", frames: 1500, width: 320, height: 240, rate: 30);
        var job = await Json(await Client.PostAsync("/v1/video/jobs?tasks=detect", Body(video)));
        var id = job.GetProperty("id").GetString()!;
        await WaitAsync(id, s => s != "queued");
        var cancel = await Client.DeleteAsync($"/v1/video/jobs/{id}");
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var done = await WaitAsync(id, s => Finished.Contains(s));
        Assert.Equal("cancelled", done.GetProperty("state").GetString());
        Assert.Equal("cancelled", done.GetProperty("error").GetProperty("code").GetString());
        await AssertProblem(await Client.DeleteAsync($"/v1/video/jobs/{id}"), HttpStatusCode.Conflict, "video_job_finished");
        await Task.Delay(200);
        Assert.Equal(0, TestVideos.RunningOn("sightline-video-jobs"));
        Assert.Empty(Uploads());
    }

    /// <summary>Uploads waiting in this process's job folders (one per server).</summary>
    private static string[] Uploads() => Directory.GetDirectories(Path.GetTempPath(), $"sightline-video-jobs-{Environment.ProcessId}-*")
        .SelectMany(d => Directory.Exists(d) ? Directory.GetFiles(d) : []).ToArray();

    [Fact]
    public async Task Bad_uploads_and_requests_are_refused_with_their_codes_and_leave_no_file()
    {
        var text = fixture.Videos.PathOf($"notes-{Guid.NewGuid():N}.mp4");
        await File.WriteAllTextAsync(text, "not a video at all");
        var notVideo = await Client.PostAsync("/v1/video/jobs", Body(text));
        await AssertProblem(notVideo, HttpStatusCode.UnprocessableEntity, "not_a_video");
        // The detail names the upload, never the server's temporary file.
        Assert.DoesNotContain("sightline-video-jobs", await notVideo.Content.ReadAsStringAsync());
        await AssertProblem(await Client.PostAsync("/v1/video/jobs", Body(text, "text/plain")), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await AssertProblem(await Client.PostAsync("/v1/video/jobs?fps=5&every=2", Body(text)), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        await AssertProblem(await Client.PostAsync("/v1/video/jobs?tasks=embed&track=true", Body(text)), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        await AssertProblem(await Client.PostAsync("/v1/video/jobs?tasks=bogus", Body(text)), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        var big = fixture.Videos.PathOf($"big-{Guid.NewGuid():N}.mp4");
        await File.WriteAllBytesAsync(big, new byte[VideoServerFixture.MaxVideoBytes + 200_000]);
        HttpResponseMessage? response = null;
        try
        {
            response = await Client.PostAsync("/v1/video/jobs", Body(big));
        }
        catch (HttpRequestException)
        {
            // The server may close the connection while the client is still sending; that is a refusal too.
        }
        if (response is not null)
            await AssertProblem(response, HttpStatusCode.RequestEntityTooLarge, "video_too_large");
        Assert.Equal("ok", (await Json(await Client.GetAsync("/health"))).GetProperty("status").GetString());
        await AssertProblem(await Client.GetAsync("/v1/video/jobs/nosuchjob"), HttpStatusCode.NotFound, "video_job_not_found");
        await AssertProblem(await Client.DeleteAsync("/v1/video/jobs/nosuchjob"), HttpStatusCode.NotFound, "video_job_not_found");
        Assert.Empty(Uploads());
    }
}
