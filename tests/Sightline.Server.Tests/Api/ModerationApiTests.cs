using System.Net;
using System.Net.Http.Headers;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared;

using static Sightline.Server.Tests.Api.ApiAssert;

namespace Sightline.Server.Tests.Api;

/// <summary>One server shared by the moderation API tests.</summary>
public sealed class ModerationServerFixture : IAsyncLifetime
{
    public RunningServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RunningServer.StartAsync(new ServerOptions());

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>POST /v1/moderate through the real HTTP stack.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class ModerationApiTests(ModerationServerFixture fixture) : IClassFixture<ModerationServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    private static ByteArrayContent Photo(string name)
    {
        var body = new ByteArrayContent(File.ReadAllBytes(Path.Combine(TestPaths.Data("sanity"), name)));
        body.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return body;
    }

    [Fact]
    public async Task An_ordinary_photo_is_safe_with_five_scores()
    {
        var json = await Json(await Client.PostAsync("/v1/moderate", Photo("dog.jpg")));
        Assert.Equal("safe", json.GetProperty("verdict").GetString());
        Assert.Equal(["drawing", "hentai", "neutral", "porn", "sexy"], json.GetProperty("scores").EnumerateArray().Select(s => s.GetProperty("label").GetString()));
        Assert.Equal(1.0, json.GetProperty("scores").EnumerateArray().Sum(s => s.GetProperty("score").GetDouble()), 3);
        Assert.Equal("nsfwjs-mobilenet-v2", json.GetProperty("modelId").GetString());

        var strict = await Json(await Client.PostAsync("/v1/moderate?threshold=0&sensitive=sexy", Photo("dog.jpg")));
        Assert.Equal("sensitive", strict.GetProperty("verdict").GetString());
        Assert.Equal(["sexy"], strict.GetProperty("sensitiveClasses").EnumerateArray().Select(s => s.GetString()));
    }

    [Theory]
    [InlineData("threshold=1.5")]
    [InlineData("threshold=-0.2")]
    [InlineData("sensitive=nudity")]
    public async Task Bad_options_are_the_servers_option_error(string query)
    {
        await AssertProblem(await Client.PostAsync($"/v1/moderate?{query}", Photo("dog.jpg")), HttpStatusCode.UnprocessableEntity, "bad_parameter");
    }

    [Fact]
    public async Task An_unknown_model_is_404_and_a_broken_image_400()
    {
        await AssertProblem(await Client.PostAsync("/v1/moderate?model=mobilenet", Photo("dog.jpg")), HttpStatusCode.NotFound, "unknown_model");
        var broken = new ByteArrayContent([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3]);
        broken.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        var response = await Client.PostAsync("/v1/moderate", broken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
