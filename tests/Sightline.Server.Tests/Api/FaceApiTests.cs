using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared;

using static Sightline.Server.Tests.Api.ApiAssert;

namespace Sightline.Server.Tests.Api;

/// <summary>One server with its own temporary face gallery, shared by the face API tests.</summary>
public sealed class FaceServerFixture : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-faces-").FullName;

    public RunningServer Server { get; private set; } = null!;
    public string GalleryPath => Path.Combine(_dir, "test.gallery");

    public async Task InitializeAsync() =>
        Server = await RunningServer.StartAsync(new ServerOptions { GalleryPath = GalleryPath });

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>The face endpoints and the gallery through the real HTTP stack.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class FaceApiTests(FaceServerFixture fixture) : IClassFixture<FaceServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    private static string Sanity(string name) => Path.Combine(TestPaths.Data("sanity"), name);

    private static string Bbt(string person, int i) => Path.Combine(TestPaths.Data("faces-bbt"), "images", person, $"{person}{i}.png");

    private static MultipartFormDataContent Form(params (string Field, string Path)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (field, path) in files)
            form.Add(File(System.IO.File.ReadAllBytes(path)), field, System.IO.Path.GetFileName(path));
        return form;
    }

    private static MultipartFormDataContent Form(string path) => Form(("image", path));

    private static ByteArrayContent File(byte[] bytes)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return file;
    }

    private async Task<List<string>> PeopleAsync() =>
        (await Json(await Client.GetAsync("/v1/gallery/people"))).GetProperty("people").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToList();

    [Fact]
    public async Task Faces_on_the_astronaut_finds_one_face_with_landmarks_emotion_age_pose_quality_and_timings()
    {
        var result = await Json(await Client.PostAsync("/v1/faces", Form(Sanity("astronaut.png"))));
        Assert.Equal(512, result.GetProperty("image").GetProperty("width").GetInt32());
        Assert.Equal(1, result.GetProperty("count").GetInt32());
        var face = result.GetProperty("faces")[0];
        Assert.InRange(face.GetProperty("score").GetSingle(), 0.7f, 1f);
        var box = face.GetProperty("box");
        Assert.Equal(box.GetProperty("x").GetDouble() / 512, face.GetProperty("normalizedBox").GetProperty("x").GetDouble(), 3);
        Assert.InRange(box.GetProperty("width").GetDouble(), 60, 300);
        Assert.Equal(5, face.GetProperty("landmarks5").GetArrayLength());
        Assert.Equal(68, face.GetProperty("landmarks68").GetArrayLength());
        foreach (var point in face.GetProperty("landmarks68").EnumerateArray())
        {
            Assert.InRange(point.GetProperty("x").GetDouble(), box.GetProperty("x").GetDouble() - 40, box.GetProperty("x").GetDouble() + box.GetProperty("width").GetDouble() + 40);
            Assert.InRange(point.GetProperty("y").GetDouble(), box.GetProperty("y").GetDouble() - 60, box.GetProperty("y").GetDouble() + box.GetProperty("height").GetDouble() + 60);
        }
        var emotion = face.GetProperty("emotion");
        Assert.Equal(7, emotion.GetProperty("scores").EnumerateObject().Count());
        Assert.Contains(emotion.GetProperty("label").GetString(), new[] { "neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised" });
        Assert.InRange(emotion.GetProperty("score").GetSingle(), 0f, 1f);
        // Age and gender nested as the CLI's --json gives them: one record for both.
        Assert.InRange(face.GetProperty("ageGender").GetProperty("age").GetSingle(), 10f, 90f);
        Assert.Equal("female", face.GetProperty("ageGender").GetProperty("gender").GetString());
        Assert.InRange(face.GetProperty("quality").GetProperty("score").GetSingle(), 0f, 1f);
        Assert.True(face.GetProperty("pose").TryGetProperty("yaw", out _));
        Assert.False(face.TryGetProperty("descriptor", out _), "descriptors are left out unless asked for");
        Assert.False(face.TryGetProperty("identity", out _), "identity is left out unless asked for");
        Assert.False(face.TryGetProperty("liveness", out _));
        var models = result.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("role").GetString()!, m => m.GetProperty("id").GetString()!);
        Assert.Equal("human-blazeface", models["detector"]);
        Assert.Equal("face-api-face-recognition", models["descriptor"]);
        Assert.All(result.GetProperty("models").EnumerateArray(), m => Assert.False(string.IsNullOrEmpty(m.GetProperty("version").GetString())));
        var timings = result.GetProperty("timings");
        Assert.True(timings.GetProperty("detectMs").GetDouble() > 0);
        Assert.True(timings.GetProperty("totalMs").GetDouble() >= timings.GetProperty("detectMs").GetDouble());
    }

    [Fact]
    public async Task A_face_cut_by_the_frame_is_too_poor_to_identify_and_its_attributes_are_marked_unreliable()
    {
        // bbt2.jpg without its left 16 pixels: Raj, at the left edge, is a third outside the frame.
        using var full = Sightline.Imaging.ImageDecoder.Decode(Path.Combine(TestPaths.Data("faces-bbt"), "images", "bbt2.jpg"));
        using var cropped = new SkiaSharp.SKBitmap(full.Bitmap.Width - 16, full.Bitmap.Height);
        full.Bitmap.ExtractSubset(cropped, SkiaSharp.SKRectI.Create(16, 0, cropped.Width, cropped.Height));
        using var png = cropped.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        MultipartFormDataContent Cut() => new() { { File(png.ToArray()), "image", "bbt2-cut.png" } };

        var faces = (await Json(await Client.PostAsync("/v1/faces", Cut()))).GetProperty("faces").EnumerateArray()
            .OrderBy(f => f.GetProperty("box").GetProperty("x").GetSingle()).ToList();
        Assert.Equal(3, faces.Count);
        var cut = faces[0];
        Assert.False(cut.GetProperty("identifiable").GetBoolean());
        Assert.Equal("cut by the frame", Assert.Single(cut.GetProperty("tooPoor").EnumerateArray()).GetString());
        Assert.Equal("cut by the frame", cut.GetProperty("unreliable").GetString());
        Assert.Equal("cut by the frame", cut.GetProperty("emotion").GetProperty("unreliable").GetString());
        Assert.True(faces[2].GetProperty("identifiable").GetBoolean());
        Assert.False(faces[2].TryGetProperty("unreliable", out _));

        var identified = (await Json(await Client.PostAsync("/v1/faces/identify", Cut()))).GetProperty("faces").EnumerateArray()
            .MinBy(f => f.GetProperty("box").GetProperty("x").GetSingle());
        var identity = identified.GetProperty("identity");
        Assert.Equal("too poor", identity.GetProperty("status").GetString());
        Assert.False(identity.GetProperty("known").GetBoolean());
        Assert.Equal("cut by the frame", Assert.Single(identity.GetProperty("tooPoor").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Faces_options_choose_models_and_include_descriptors_and_liveness()
    {
        var raw = File(System.IO.File.ReadAllBytes(Sanity("astronaut.png")));
        var result = await Json(await Client.PostAsync("/v1/faces?descriptors=true&liveness=true&emotion=human&descriptor=faceres", raw));
        var face = result.GetProperty("faces")[0];
        Assert.Equal(1024, face.GetProperty("descriptor").GetArrayLength());
        Assert.InRange(face.GetProperty("liveness").GetProperty("real").GetSingle(), 0f, 1f);
        Assert.InRange(face.GetProperty("liveness").GetProperty("live").GetSingle(), 0f, 1f);
        var models = result.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains("human-emotion", models);
        Assert.Contains("human-faceres", models);
        Assert.Contains("human-antispoof", models);

        var defaults = await Json(await Client.PostAsync("/v1/faces?descriptors=true&max=1", Form(Sanity("astronaut.png"))));
        Assert.Equal(128, defaults.GetProperty("faces")[0].GetProperty("descriptor").GetArrayLength());
    }

    [Fact]
    public async Task The_cat_has_no_face_and_cannot_be_verified_or_enrolled()
    {
        var result = await Json(await Client.PostAsync("/v1/faces", Form(Sanity("chelsea.png"))));
        Assert.Equal(0, result.GetProperty("count").GetInt32());
        Assert.Equal(0, result.GetProperty("faces").GetArrayLength());

        await AssertProblem(await Client.PostAsync("/v1/faces/verify", Form(("a", Bbt("sheldon", 1)), ("b", Sanity("chelsea.png")))), HttpStatusCode.UnprocessableEntity, "no_face");
        await AssertProblem(await Client.PostAsync("/v1/gallery/people/Chelsea/faces", Form(Sanity("chelsea.png"))), HttpStatusCode.UnprocessableEntity, "no_face");
        await AssertProblem(await Client.PostAsync("/v1/gallery/people/Chelsea/faces", Form(("1", Sanity("chelsea.png")), ("2", Sanity("coffee.png")))), HttpStatusCode.UnprocessableEntity, "no_face");
        Assert.DoesNotContain("Chelsea", await PeopleAsync());
    }

    [Fact]
    public async Task Verify_says_same_for_two_photos_of_one_person_and_different_for_two_people()
    {
        var same = await Json(await Client.PostAsync("/v1/faces/verify", Form(("a", Bbt("sheldon", 1)), ("b", Bbt("sheldon", 2)))));
        Assert.True(same.GetProperty("same").GetBoolean(), same.ToString());
        Assert.True(same.GetProperty("distance").GetSingle() < same.GetProperty("threshold").GetSingle());
        Assert.InRange(same.GetProperty("confidence").GetSingle(), 0.5f, 1f);
        Assert.Equal("face-api-face-recognition", same.GetProperty("descriptor").GetProperty("id").GetString());
        Assert.Equal("sheldon1.png", same.GetProperty("a").GetProperty("source").GetString());
        Assert.Equal(1, same.GetProperty("a").GetProperty("faces").GetInt32());
        Assert.Equal(150, same.GetProperty("b").GetProperty("image").GetProperty("width").GetInt32());

        var different = await Json(await Client.PostAsync("/v1/faces/verify?descriptor=faceres", Form(("a", Bbt("sheldon", 1)), ("b", Bbt("penny", 1)))));
        Assert.False(different.GetProperty("same").GetBoolean(), different.ToString());
        Assert.Equal("human-faceres", different.GetProperty("descriptor").GetProperty("id").GetString());

        await AssertProblem(await Client.PostAsync("/v1/faces/verify", Form(("a", Bbt("sheldon", 1)))), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        await AssertProblem(await Client.PostAsync("/v1/faces/verify?threshold=-1", Form(("a", Bbt("sheldon", 1)), ("b", Bbt("sheldon", 2)))), HttpStatusCode.UnprocessableEntity, "bad_parameter");
    }

    [Fact]
    public async Task Enroll_then_identify_finds_the_person_and_the_gallery_can_be_listed_renamed_and_emptied()
    {
        var created = await Client.PostAsync("/v1/gallery/people/Sheldon/faces", Form(("image", Bbt("sheldon", 1)), ("image", Bbt("sheldon", 2)), ("image", Sanity("chelsea.png"))));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var enrolled = await Json(created);
        Assert.True(enrolled.GetProperty("createdPerson").GetBoolean());
        Assert.Equal(2, enrolled.GetProperty("enrolled").GetArrayLength());
        Assert.Equal("chelsea.png", enrolled.GetProperty("skipped")[0].GetProperty("source").GetString());
        Assert.Equal(2, enrolled.GetProperty("person").GetProperty("faces").GetInt32());
        var more = await Client.PostAsync("/v1/gallery/people/sheldon/faces", Form(Bbt("sheldon", 3)));
        Assert.Equal(HttpStatusCode.OK, more.StatusCode);
        Assert.Equal(3, (await Json(more)).GetProperty("person").GetProperty("faces").GetInt32());
        Assert.Equal(HttpStatusCode.Created, (await Client.PostAsync("/v1/gallery/people/Leonard/faces", Form(("a", Bbt("leonard", 1)), ("b", Bbt("leonard", 2))))).StatusCode);

        var gallery = await Json(await Client.GetAsync("/v1/gallery/people"));
        Assert.Equal("face-api-face-recognition", gallery.GetProperty("model").GetProperty("id").GetString());
        Assert.Equal(128, gallery.GetProperty("model").GetProperty("dimension").GetInt32());
        var people = gallery.GetProperty("people").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("faces").GetInt32());
        Assert.Equal(3, people["Sheldon"]);
        Assert.Equal(2, people["Leonard"]);
        var sheldon = await Json(await Client.GetAsync("/v1/gallery/people/SHELDON"));
        Assert.Equal(3, sheldon.GetProperty("faces").GetArrayLength());
        Assert.Equal("sheldon1.png", sheldon.GetProperty("faces")[0].GetProperty("source").GetString());

        var identified = await Json(await Client.PostAsync("/v1/faces/identify", Form(Bbt("sheldon", 4))));
        var identity = identified.GetProperty("faces")[0].GetProperty("identity");
        Assert.True(identity.GetProperty("known").GetBoolean(), identity.ToString());
        Assert.Equal("Sheldon", identity.GetProperty("name").GetString());
        Assert.InRange(identity.GetProperty("similarity").GetSingle(), 0f, 1f);
        Assert.InRange(identity.GetProperty("confidence").GetSingle(), 0.9f, 1f);
        Assert.True(identity.GetProperty("distance").GetSingle() < identity.GetProperty("threshold").GetSingle());
        Assert.True(identified.GetProperty("gallery").GetProperty("people").GetInt32() >= 2);

        var leonard = await Json(await Client.PostAsync("/v1/faces?identify=true", Form(Bbt("leonard", 4))));
        var face = leonard.GetProperty("faces")[0];
        Assert.Equal("Leonard", face.GetProperty("identity").GetProperty("name").GetString());
        Assert.True(face.TryGetProperty("emotion", out _));

        // A strict threshold turns the match into an unknown face, still naming the nearest person.
        var strict = await Json(await Client.PostAsync("/v1/faces/identify?threshold=0.01", Form(Bbt("sheldon", 4))));
        var unknown = strict.GetProperty("faces")[0].GetProperty("identity");
        Assert.False(unknown.GetProperty("known").GetBoolean());
        Assert.False(unknown.TryGetProperty("name", out _));
        Assert.Equal("Sheldon", unknown.GetProperty("nearest").GetString());
        Assert.True(unknown.GetProperty("confidence").GetSingle() < 0.1f, "unknown only by a strict threshold: probably wrong, and the confidence says so");

        await AssertProblem(await Client.PostAsync("/v1/faces/identify?descriptor=faceres", Form(Bbt("sheldon", 4))), HttpStatusCode.UnprocessableEntity, "gallery_model_mismatch");
        await AssertProblem(await Client.PostAsync("/v1/gallery/people/Raj/faces?descriptor=faceres", Form(Bbt("raj", 1))), HttpStatusCode.UnprocessableEntity, "gallery_model_mismatch");

        var renamed = await Client.PatchAsync("/v1/gallery/people/leonard", JsonContent.Create(new { name = "Leonard Hofstadter" }));
        Assert.Equal("Leonard Hofstadter", (await Json(renamed)).GetProperty("name").GetString());
        await AssertProblem(await Client.PatchAsync("/v1/gallery/people/Leonard%20Hofstadter", JsonContent.Create(new { name = "sheldon" })), HttpStatusCode.Conflict, "name_taken");
        await AssertProblem(await Client.PatchAsync("/v1/gallery/people/Nobody", JsonContent.Create(new { name = "Somebody" })), HttpStatusCode.NotFound, "unknown_person");
        await AssertProblem(await Client.PatchAsync("/v1/gallery/people/Sheldon", JsonContent.Create(new { name = "  " })), HttpStatusCode.UnprocessableEntity, "bad_parameter");

        var faceId = sheldon.GetProperty("faces")[2].GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/v1/gallery/faces/{faceId}")).StatusCode);
        await AssertProblem(await Client.DeleteAsync($"/v1/gallery/faces/{faceId}"), HttpStatusCode.NotFound, "unknown_face");
        Assert.Equal(2, (await Json(await Client.GetAsync("/v1/gallery/people/Sheldon"))).GetProperty("faceCount").GetInt32());

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync("/v1/gallery/people/Leonard%20Hofstadter")).StatusCode);
        await AssertProblem(await Client.DeleteAsync("/v1/gallery/people/Leonard%20Hofstadter"), HttpStatusCode.NotFound, "unknown_person");
        await AssertProblem(await Client.GetAsync("/v1/gallery/people/Leonard%20Hofstadter"), HttpStatusCode.NotFound, "unknown_person");
        Assert.DoesNotContain("Leonard Hofstadter", await PeopleAsync());
        Assert.True(System.IO.File.Exists(fixture.GalleryPath), "the gallery lives in the configured file");
    }

    [Fact]
    public async Task Bad_parameters_are_422_corrupt_images_400_and_wrong_content_415()
    {
        var astronaut = Sanity("astronaut.png");
        await AssertProblem(await Client.PostAsync("/v1/faces?minScore=2", Form(astronaut)), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        await AssertProblem(await Client.PostAsync("/v1/faces?minSize=-1", Form(astronaut)), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        await AssertProblem(await Client.PostAsync("/v1/faces?max=0", Form(astronaut)), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        await AssertProblem(await Client.PostAsync("/v1/faces?descriptor=arcface", Form(astronaut)), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        await AssertProblem(await Client.PostAsync("/v1/faces?emotion=mood", Form(astronaut)), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        await AssertProblem(await Client.PostAsync("/v1/faces/identify?threshold=0", Form(astronaut)), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        await AssertProblem(await Client.PostAsync("/v1/gallery/people/%20/faces", Form(Bbt("raj", 1))), HttpStatusCode.UnprocessableEntity, "bad_parameter");

        var png = System.IO.File.ReadAllBytes(astronaut);
        var broken = png.ToArray();
        for (var i = 40; i < 2000; i++) broken[i] = 0xFF;
        var form = new MultipartFormDataContent { { File(broken), "image", "broken.png" } };
        var response = await Client.PostAsync("/v1/faces", form);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertProblem(await Client.PostAsync("/v1/faces", new MultipartFormDataContent { { File(png[..5000]), "image", "cut.png" } }), HttpStatusCode.BadRequest, "truncated_image");
        await AssertProblem(await Client.PostAsync("/v1/faces/verify", new MultipartFormDataContent { { File(png), "a", "a.png" }, { File([]), "b", "b.png" } }), HttpStatusCode.BadRequest, "empty_image");
        // A bad photo among good ones fails the enrolment and writes nothing.
        var enrol = new MultipartFormDataContent { { File(System.IO.File.ReadAllBytes(Bbt("howard", 1))), "image", "howard1.png" }, { File(png[..5000]), "image", "cut.png" } };
        await AssertProblem(await Client.PostAsync("/v1/gallery/people/Howard/faces", enrol), HttpStatusCode.BadRequest, "truncated_image");
        Assert.DoesNotContain("Howard", await PeopleAsync());

        await AssertProblem(await Client.PostAsync("/v1/faces", new StringContent("hello", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await AssertProblem(await Client.PostAsync("/v1/gallery/people/X/faces", new StringContent("hello", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        var eleven = Form(Enumerable.Range(0, 11).Select(i => ("image", Bbt("raj", 1 + i % 5))).ToArray());
        await AssertProblem(await Client.PostAsync("/v1/gallery/people/Raj/faces", eleven), HttpStatusCode.UnprocessableEntity, "bad_parameter");
    }

    [Fact]
    public async Task Openapi_document_lists_the_face_and_gallery_endpoints()
    {
        var document = await Json(await Client.GetAsync("/openapi/v1.json"));
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/v1/faces", "/v1/faces/verify", "/v1/faces/identify", "/v1/gallery/people", "/v1/gallery/people/{name}", "/v1/gallery/people/{name}/faces", "/v1/gallery/faces/{id}" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from the OpenAPI document");
        Assert.True(paths.GetProperty("/v1/gallery/people/{name}").TryGetProperty("delete", out _));
        Assert.True(paths.GetProperty("/v1/gallery/people/{name}").TryGetProperty("patch", out _));
        Assert.True(paths.GetProperty("/v1/faces").TryGetProperty("post", out _));
    }
}

/// <summary>Face endpoints on servers configured with API keys or a tiny queue.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class FaceProtectionTests
{
    private static MultipartFormDataContent Form()
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(File.ReadAllBytes(Path.Combine(TestPaths.Data("sanity"), "astronaut.png")));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "image", "astronaut.png");
        return form;
    }

    [Fact]
    public async Task With_a_key_configured_face_and_gallery_endpoints_answer_401_without_it()
    {
        var dir = Directory.CreateTempSubdirectory("sightline-faces-key-").FullName;
        try
        {
            await using (var server = await RunningServer.StartAsync(new ServerOptions { ApiKeys = ["face-key"], GalleryPath = Path.Combine(dir, "g.gallery") }))
            {
                foreach (var response in new[]
                {
                    await server.Client.PostAsync("/v1/faces", Form()),
                    await server.Client.PostAsync("/v1/faces/identify", Form()),
                    await server.Client.PostAsync("/v1/faces/verify", Form()),
                    await server.Client.GetAsync("/v1/gallery/people"),
                    await server.Client.PostAsync("/v1/gallery/people/Someone/faces", Form()),
                    await server.Client.DeleteAsync("/v1/gallery/people/Someone"),
                })
                {
                    Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                    Assert.Contains("unauthorized", await response.Content.ReadAsStringAsync());
                }
                using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/gallery/people") { Headers = { { SightlineServer.ApiKeyHeader, "face-key" } } };
                Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(request)).StatusCode);
                using var faces = new HttpRequestMessage(HttpMethod.Post, "/v1/faces") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "face-key") }, Content = Form() };
                Assert.Equal(HttpStatusCode.OK, (await server.Client.SendAsync(faces)).StatusCode);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_full_face_queue_answers_429_and_the_server_recovers()
    {
        var dir = Directory.CreateTempSubdirectory("sightline-faces-queue-").FullName;
        try
        {
            await using var server = await RunningServer.StartAsync(new ServerOptions { QueueCapacity = 1, GalleryPath = Path.Combine(dir, "g.gallery") });
            Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync("/v1/faces", Form())).StatusCode); // loads the models
            var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => server.Client.PostAsync("/v1/faces", Form())));
            Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, r.StatusCode.ToString()));
            var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
            Assert.NotEmpty(refused);
            Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
            Assert.Equal("1", refused[0].Headers.RetryAfter?.ToString());
            Assert.Contains("queue_full", await refused[0].Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync("/v1/faces", Form())).StatusCode);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
