using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sightline.Imaging;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Similarity;

using static Sightline.Server.Tests.Api.ApiAssert;

namespace Sightline.Server.Tests.Api;

/// <summary>Every endpoint and error code through the real HTTP stack.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class ApiTests(PretrainedModels models) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-server-").FullName;
    private RunningServer _server = null!;
    private string IndexPath => Path.Combine(_dir, "samples.index");
    private HttpClient Client => _server.Client;

    public async Task InitializeAsync()
    {
        var embedder = Embedders.Create(models.Get(Embedders.DefaultModel), models.Engine);
        using (var index = SimilarityIndex.OpenOrCreate(IndexPath, embedder))
        {
            var folder = Directory.CreateDirectory(Path.Combine(_dir, "samples")).FullName;
            foreach (var photo in models.SamplePhotos())
                File.Copy(photo, Path.Combine(folder, Path.GetFileName(photo)));
            index.Update(folder, embedder);
        }
        _server = await RunningServer.StartAsync(new ServerOptions
        {
            Indexes = new Dictionary<string, string> { ["samples"] = IndexPath },
            ImageLimits = ImageLimits.Default with { MaxPixels = 20_000_000 },
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static MultipartFormDataContent Form(byte[] bytes, string name = "photo.jpg", string field = "image")
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, field, name);
        return form;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private byte[] Photo(int i = 0) => File.ReadAllBytes(models.SamplePhotos()[i]);

    [Fact]
    public async Task Health_readiness_metrics_and_models_answer()
    {
        Assert.Equal("ok", (await Json(await Client.GetAsync("/health"))).GetProperty("status").GetString());
        Assert.Equal("ready", (await Json(await Client.GetAsync("/ready"))).GetProperty("status").GetString());
        var catalog = await Json(await Client.GetAsync("/v1/models"));
        Assert.Contains(catalog.EnumerateArray(), m => m.GetProperty("id").GetString() == "resnet18-imagenet" && m.GetProperty("cached").GetBoolean());
        var indexes = await Json(await Client.GetAsync("/v1/indexes"));
        Assert.Equal(6, indexes[0].GetProperty("images").GetInt32());
        var metrics = await Client.GetStringAsync("/metrics");
        Assert.Contains("sightline_http_requests_total{route=\"/health\",status=\"200\"} 1", metrics);
    }

    [Fact]
    public async Task Embeddings_from_multipart_and_raw_body_agree_and_carry_size_model_and_timings()
    {
        var multipart = await Json(await Client.PostAsync("/v1/embeddings", Form(Photo())));
        var raw = new ByteArrayContent(Photo());
        raw.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        var body = await Json(await Client.PostAsync("/v1/embeddings", raw));
        Assert.Equal(512, multipart.GetProperty("dimension").GetInt32());
        var a = multipart.GetProperty("vector").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var b = body.GetProperty("vector").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.True(a.Zip(b).Max(p => MathF.Abs(p.First - p.Second)) < 1e-5f);
        using var info = ImageDecoder.Decode(Photo(), "x");
        Assert.Equal(info.OriginalWidth, multipart.GetProperty("image").GetProperty("width").GetInt32());
        Assert.Equal("resnet18-imagenet", multipart.GetProperty("model").GetProperty("id").GetString());
        Assert.True(multipart.GetProperty("timings").GetProperty("inferenceMs").GetDouble() > 0);
    }

    [Fact]
    public async Task Similar_finds_the_uploaded_photo_first_and_serves_its_thumbnail()
    {
        var result = await Json(await Client.PostAsync("/v1/similar?index=samples&top=3", Form(Photo(2))));
        var matches = result.GetProperty("matches").EnumerateArray().ToList();
        Assert.Equal(3, matches.Count);
        Assert.EndsWith("sample3.jpg", matches[0].GetProperty("path").GetString());
        Assert.True(matches[0].GetProperty("score").GetSingle() > 0.999f);
        Assert.Equal(6, result.GetProperty("searched").GetInt32());

        var thumbnail = await Client.GetAsync($"/v1/indexes/samples/thumbnail?path={Uri.EscapeDataString(matches[0].GetProperty("path").GetString()!)}");
        Assert.Equal("image/jpeg", thumbnail.Content.Headers.ContentType?.MediaType);
        using var small = ImageDecoder.Decode(await thumbnail.Content.ReadAsByteArrayAsync(), "thumb");
        Assert.True(Math.Max(small.Width, small.Height) <= 256);
        await AssertProblem(await Client.GetAsync("/v1/indexes/samples/thumbnail?path=%2Fetc%2Fpasswd"), HttpStatusCode.NotFound, "not_in_index");
    }

    [Fact]
    public async Task Detect_lists_people_and_the_bus_with_pixel_and_normalised_boxes()
    {
        var bus = File.ReadAllBytes(Path.Combine(TestPaths.Data("sanity"), "bus.jpg"));
        var result = await Json(await Client.PostAsync("/v1/detect?minScore=0.2", Form(bus, "bus.jpg")));
        var detections = result.GetProperty("detections").EnumerateArray().ToList();
        Assert.True(detections.Count(d => d.GetProperty("className").GetString() == "person") >= 4);
        Assert.Contains(detections, d => d.GetProperty("className").GetString() == "bus");
        Assert.Equal(810, result.GetProperty("width").GetInt32());
        Assert.Equal("human-centernet", result.GetProperty("modelId").GetString());
        var first = detections[0];
        Assert.Equal(first.GetProperty("box").GetProperty("x").GetDouble() / 810, first.GetProperty("normalizedBox").GetProperty("x").GetDouble(), 3);
        Assert.True(result.GetProperty("timings").GetProperty("inferenceMs").GetDouble() > 0);

        var people = await Json(await Client.PostAsync("/v1/detect?model=nanodet&classes=person&max=2&minScore=0.2", Form(bus, "bus.jpg")));
        Assert.Equal(2, people.GetProperty("detections").GetArrayLength());
        Assert.Equal("human-nanodet", people.GetProperty("modelId").GetString());

        var cat = await Json(await Client.PostAsync("/v1/localize", Form(File.ReadAllBytes(Path.Combine(TestPaths.Data("sanity"), "chelsea.png")), "chelsea.png")));
        Assert.True(cat.GetProperty("found").GetBoolean());
        Assert.Equal("cat", cat.GetProperty("object").GetProperty("className").GetString());

        await AssertProblem(await Client.PostAsync("/v1/detect?minScore=2", Form(bus)), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        await AssertProblem(await Client.PostAsync("/v1/detect?classes=unicorn", Form(bus)), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        await AssertProblem(await Client.PostAsync("/v1/detect?model=resnet18-imagenet", Form(bus)), HttpStatusCode.UnprocessableEntity, "not_a_detector");
    }

    [Fact]
    public async Task Detect_reports_one_object_as_its_strongest_class_unless_per_class_is_asked_and_names_only_detectors()
    {
        var person = File.ReadAllBytes(Path.Combine(TestPaths.Data("sanity"), "person.jpg"));
        static List<string> Classes(JsonElement r) => r.GetProperty("detections").EnumerateArray().Select(d => d.GetProperty("className").GetString()!).ToList();
        var byDefault = Classes(await Json(await Client.PostAsync("/v1/detect", Form(person, "person.jpg"))));
        var perClass = Classes(await Json(await Client.PostAsync("/v1/detect?perClass=true", Form(person, "person.jpg"))));
        Assert.Contains("horse", byDefault);
        Assert.DoesNotContain("cow", byDefault);
        Assert.Contains("cow", perClass);

        var unknown = await Client.PostAsync("/v1/detect?model=yolo", Form(person));
        var detail = await unknown.Content.ReadAsStringAsync();
        await AssertProblem(unknown, HttpStatusCode.NotFound, "unknown_model");
        Assert.Contains("nanodet", detail);
        Assert.DoesNotContain("face-api", detail);
    }

    [Fact]
    public async Task Corrupt_truncated_and_empty_images_are_400()
    {
        await AssertProblem(await Client.PostAsync("/v1/embeddings", Form(Photo()[..3000])), HttpStatusCode.BadRequest, "truncated_image");
        await AssertProblem(await Client.PostAsync("/v1/embeddings", Form([])), HttpStatusCode.BadRequest, "empty_image");
        var broken = Photo();
        for (var i = 20; i < 400; i++) broken[i] = 0xFF;
        var response = await Client.PostAsync("/v1/embeddings", Form(broken));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Unsupported_content_or_format_is_415()
    {
        await AssertProblem(await Client.PostAsync("/v1/embeddings", new StringContent("hello", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        var psd = new ByteArrayContent([.. "8BPS"u8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 3]);
        psd.Headers.ContentType = new MediaTypeHeaderValue("image/vnd.adobe.photoshop");
        await AssertProblem(await Client.PostAsync("/v1/embeddings", psd), HttpStatusCode.UnsupportedMediaType, "unsupported_image_format");
        await AssertProblem(await Client.PostAsync("/v1/embeddings", new FormUrlEncodedContent([new("image", "x")])), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task Decompression_bomb_and_oversized_bodies_are_413_and_the_server_stays_up()
    {
        await AssertProblem(await Client.PostAsync("/v1/embeddings", Form(Sightline.Imaging.Tests.Support.HandMade.PngDeclaring(60_000, 60_000))), HttpStatusCode.RequestEntityTooLarge, "image_too_many_pixels");

        // 200 MB announced and streamed: refused without reading it all.
        var huge = new StreamContent(new ZeroStream(200L * 1024 * 1024));
        huge.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        huge.Headers.ContentLength = 200L * 1024 * 1024;
        HttpResponseMessage? response = null;
        try
        {
            response = await Client.PostAsync("/v1/embeddings", huge);
        }
        catch (HttpRequestException)
        {
            // The server may close the connection while the client is still sending; that is a refusal too.
        }
        if (response is not null)
        {
            await AssertProblem(response, HttpStatusCode.RequestEntityTooLarge, "image_too_large");
            // The unread body ends the connection: the answer says so, so that no client reuses it.
            Assert.True(response.Headers.ConnectionClose, "a 413 without Connection: close");
        }
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync("/v1/embeddings", Form(Photo()))).StatusCode);
    }

    [Fact]
    public async Task Truncated_multipart_is_400_and_a_form_without_a_file_is_422()
    {
        var boundary = "sightline-boundary";
        var body = $"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n";
        var content = new ByteArrayContent([.. Encoding.ASCII.GetBytes(body), .. Photo()[..1000]]);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
        var response = await Client.PostAsync("/v1/embeddings", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        var empty = new MultipartFormDataContent { { new StringContent("x"), "note" } };
        await AssertProblem(await Client.PostAsync("/v1/embeddings", empty), HttpStatusCode.UnprocessableEntity, "bad_parameter");
    }

    [Fact]
    public async Task Bad_parameters_are_422_and_unknown_names_404()
    {
        await AssertProblem(await Client.PostAsync("/v1/similar?top=0", Form(Photo())), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        await AssertProblem(await Client.PostAsync("/v1/similar?index=nope", Form(Photo())), HttpStatusCode.NotFound, "unknown_index");
        await AssertProblem(await Client.PostAsync("/v1/embeddings?model=nope", Form(Photo())), HttpStatusCode.NotFound, "unknown_model");
        await AssertProblem(await Client.GetAsync("/v1/nothing-here"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Openapi_document_lists_the_task_endpoints_and_the_docs_page_is_served()
    {
        var document = await Json(await Client.GetAsync("/openapi/v1.json"));
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/v1/models", "/v1/embeddings", "/v1/similar", "/v1/indexes", "/v1/detect", "/v1/localize" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from the OpenAPI document");
        var docs = await Client.GetAsync("/docs/index.html");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("swagger", await docs.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_page_and_its_assets_load_nothing_from_other_hosts()
    {
        var page = await Client.GetStringAsync("/");
        Assert.Contains("<canvas", page);
        foreach (var asset in new[] { "/", "/app.js", "/app.css" })
        {
            var text = await Client.GetStringAsync(asset);
            Assert.DoesNotMatch(@"(src|href)\s*=\s*[""']https?://", text);
            Assert.DoesNotContain("@import url(http", text);
        }
    }

    private sealed class ZeroStream(long length) : Stream
    {
        private long _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            Array.Clear(buffer, offset, n);
            _position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
