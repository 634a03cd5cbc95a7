using System.Net;
using System.Net.Http.Headers;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared;
using Sightline.Vision.Embeddings;

namespace Sightline.Server.Tests.Api;

/// <summary>API keys and back-pressure, each on a server configured for it.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class ProtectionTests(PretrainedModels models)
{
    private MultipartFormDataContent Form()
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(File.ReadAllBytes(models.SamplePhotos()[0]));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "image", "photo.jpg");
        return form;
    }

    [Fact]
    public async Task With_a_key_configured_the_api_answers_401_without_it_and_200_with_it()
    {
        models.Get(Embedders.DefaultModel);
        await using var server = await RunningServer.StartAsync(new ServerOptions { ApiKeys = ["s3cret-key"] });
        var missing = await server.Client.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Contains("unauthorized", await missing.Content.ReadAsStringAsync());
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { { SightlineServer.ApiKeyHeader, "s3cret-kez" } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.SendAsync(wrong)).StatusCode);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { { SightlineServer.ApiKeyHeader, "s3cret-key" } } };
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(right)).StatusCode);
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/v1/models") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-key") } };
        Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(bearer)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task A_body_refused_as_too_large_is_answered_with_connection_close_so_no_client_reuses_the_dropped_connection()
    {
        // As `serve --max-image-mb 2` sets it: the upload's declared length is refused before its body is read.
        await using var server = await RunningServer.StartAsync(new ServerOptions
        {
            ImageLimits = new Sightline.Imaging.ImageLimits(2 * 1024 * 1024, 100_000_000),
            MaxUploadBytes = 2 * 1024 * 1024 + 64 * 1024,
        });
        // A plain keep-alive client, as many are: it sends the whole body, then reads the answer, and would send its
        // next request on the same connection unless told that it closes.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(server.Address.Host, server.Address.Port);
        var stream = tcp.GetStream();
        var body = new byte[3 * 1024 * 1024];
        var head = System.Text.Encoding.ASCII.GetBytes($"POST /v1/detect HTTP/1.1\r\nHost: {server.Address.Authority}\r\nContent-Type: image/jpeg\r\nContent-Length: {body.Length}\r\n\r\n");
        var sending = Task.Run(async () =>
        {
            try
            {
                await stream.WriteAsync(head);
                await stream.WriteAsync(body);
            }
            catch (IOException)
            {
                // The server may stop reading once it has answered.
            }
        });
        var answer = new System.Text.StringBuilder();
        var buffer = new byte[4096];
        while (!answer.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
                break;
            answer.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, read));
        }
        var headers = answer.ToString().Split("\r\n\r\n")[0];
        Assert.StartsWith("HTTP/1.1 413", headers);
        Assert.Contains("Connection: close", headers, StringComparison.OrdinalIgnoreCase);
        await sending;
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task A_full_queue_answers_429_with_retry_after_and_the_server_recovers()
    {
        models.Get(Embedders.DefaultModel);
        await using var server = await RunningServer.StartAsync(new ServerOptions { QueueCapacity = 1, MaxBatch = 1, BatchWindow = TimeSpan.Zero });
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync("/v1/embeddings", Form())).StatusCode); // loads the model
        var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => server.Client.PostAsync("/v1/embeddings", Form())));
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, r.StatusCode.ToString()));
        Assert.Equal("1", refused[0].Headers.RetryAfter?.ToString());
        Assert.Contains("queue_full", await refused[0].Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync("/v1/embeddings", Form())).StatusCode);
    }

    [Fact]
    public async Task Concurrent_requests_are_batched_into_shared_model_runs()
    {
        models.Get(Embedders.DefaultModel);
        await using var server = await RunningServer.StartAsync(new ServerOptions { MaxBatch = 8, BatchWindow = TimeSpan.FromMilliseconds(50) });
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync("/v1/embeddings", Form())).StatusCode);
        var worker = await EmbeddingWorker.GetAsync(server.Analysis.Context, Embedders.DefaultModel, CancellationToken.None);
        var before = worker.Statistics;
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => server.Client.PostAsync("/v1/embeddings", Form())));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var after = worker.Statistics;
        Assert.Equal(16, after.Items - before.Items);
        Assert.True(after.Batches - before.Batches < 16, $"16 requests ran in {after.Batches - before.Batches} batches");
    }
}
