using System.Net;
using System.Net.Http.Headers;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared;
using SkiaSharp;

using static Sightline.Server.Tests.Api.ApiAssert;

namespace Sightline.Server.Tests.Api;

/// <summary>One server shared by the text-reading API tests.</summary>
public sealed class OcrServerFixture : IAsyncLifetime
{
    public RunningServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RunningServer.StartAsync(new ServerOptions());

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>POST /v1/ocr through the real HTTP stack, on pages printed in code.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class OcrApiTests(OcrServerFixture fixture) : IClassFixture<OcrServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    private static ByteArrayContent Png(SKBitmap bitmap)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var body = new ByteArrayContent(data.ToArray());
        body.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return body;
    }

    [Fact]
    public async Task A_page_answers_its_lines_in_reading_order_with_boxes_and_the_full_text()
    {
        using var page = TextImages.Page(["Platform 4 to Uppsala", "Departs 17:45"], degrees: 180);
        var json = await Json(await Client.PostAsync("/v1/ocr", Png(page)));
        Assert.Equal("Platform 4 to Uppsala\nDeparts 17:45", json.GetProperty("text").GetString());
        Assert.Equal(180, json.GetProperty("rotation").GetInt32());
        Assert.Equal("ocr-models", json.GetProperty("modelId").GetString());
        var lines = json.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(2, lines.Count);
        foreach (var line in lines)
        {
            var box = line.GetProperty("box");
            Assert.InRange(box.GetProperty("x").GetDouble(), 0, page.Width);
            Assert.InRange(box.GetProperty("width").GetDouble(), 50, page.Width);
            Assert.Equal(line.GetProperty("text").GetString()!.Length, line.GetProperty("charConfidences").GetArrayLength());
            Assert.Equal(4, line.GetProperty("corners").EnumerateObject().Count());
        }
    }

    [Fact]
    public async Task A_line_layout_reads_the_whole_image_as_one_line_and_a_high_bar_drops_it()
    {
        // A word cut from a page a few pixels around its ink, as a cropped word comes.
        using var printed = TextImages.Page(["Exit"], size: 48);
        var ink = TextImages.LineBounds("Exit", 0, size: 48);
        using var cut = new SKBitmap();
        Assert.True(printed.ExtractSubset(cut, SKRectI.Round(SKRect.Inflate(ink, 4, 4))));
        using var page = cut.Copy(SKColorType.Rgba8888);
        var json = await Json(await Client.PostAsync("/v1/ocr?layout=LINE", Png(page)));
        var line = Assert.Single(json.GetProperty("lines").EnumerateArray());
        Assert.Equal("Exit", line.GetProperty("text").GetString());
        Assert.Equal(0, line.GetProperty("box").GetProperty("x").GetDouble());
        Assert.Equal(page.Width, line.GetProperty("box").GetProperty("width").GetDouble(), 1);

        var none = await Json(await Client.PostAsync("/v1/ocr?minConfidence=1", Png(page)));
        Assert.Empty(none.GetProperty("lines").EnumerateArray());
        Assert.Equal("", none.GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("layout=column")]
    [InlineData("minConfidence=1.5")]
    [InlineData("minConfidence=-1")]
    public async Task Bad_options_are_the_servers_option_error(string query)
    {
        using var page = TextImages.Page(["Exit"]);
        await AssertProblem(await Client.PostAsync($"/v1/ocr?{query}", Png(page)), HttpStatusCode.UnprocessableEntity, "bad_parameter");
    }

    [Fact]
    public async Task A_broken_image_is_400()
    {
        var broken = new ByteArrayContent([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2]);
        broken.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PostAsync("/v1/ocr", broken)).StatusCode);
    }
}
