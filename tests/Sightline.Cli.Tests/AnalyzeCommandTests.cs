using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared;
using SkiaSharp;

namespace Sightline.Cli.Tests;

/// <summary><c>sightline analyze</c>: task choice, one document per image, the drawing, and the same document as the API.</summary>
public sealed class AnalyzeCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-analyze-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Sanity(string name) => Path.Combine(TestPaths.Data("sanity"), name);

    private static IReadOnlyList<JsonElement> Documents(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();

    [Fact]
    public async Task An_unknown_task_is_a_usage_error_listing_the_tasks()
    {
        var result = await CliRunner.RunAsync("analyze", Sanity("bus.jpg"), "--tasks", "detect,ocr");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("'ocr' is not a task", result.Error);
        Assert.Contains("classify, detect, embed, faces", result.Error);
    }

    [Theory]
    [InlineData("detect.minScore=2", "minScore must be between 0 and 1")]
    [InlineData("detect.minScore=high", "must be a number")]
    [InlineData("detect.colour=red", "detect has no option 'colour'")]
    [InlineData("faces.minScore=0.5", "not among the chosen tasks")]
    [InlineData("minScore=0.5", "is not task.option")]
    public async Task A_bad_option_is_a_usage_error_naming_it(string setting, string message)
    {
        var result = await CliRunner.RunAsync("analyze", Sanity("bus.jpg"), "--tasks", "detect", "--set", setting);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public async Task Classify_without_a_classifier_file_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync("analyze", Sanity("bus.jpg"), "--tasks", "classify");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("classifier file", result.Error);
    }

    [Fact]
    public async Task A_folder_gives_one_document_per_file_in_order_with_typed_errors_and_a_drawing_per_image()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "photos")).FullName;
        File.Copy(Sanity("bus.jpg"), Path.Combine(folder, "a-bus.jpg"));
        File.Copy(Sanity("astronaut.png"), Path.Combine(folder, "b-astronaut.png"));
        File.WriteAllBytes(Path.Combine(folder, "c-broken.jpg"), [0xFF, 0xD8, 0xFF, 0xE0, 0, 1, 2]);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image");
        var save = Path.Combine(_dir, "drawn");

        var result = await CliRunner.RunAsync("analyze", folder, "--tasks", "detect,segment", "--set", "detect.classes=person,bus", "--save", save, "--json");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var documents = Documents(result.Output);
        Assert.Equal(["a-bus.jpg", "b-astronaut.png", "c-broken.jpg", "notes.txt"], documents.Select(d => Path.GetFileName(d.GetProperty("source").GetString())));
        var bus = documents[0];
        Assert.Equal((810, 1080, "jpeg"), (bus.GetProperty("width").GetInt32(), bus.GetProperty("height").GetInt32(), bus.GetProperty("format").GetString()));
        var classes = bus.GetProperty("results").GetProperty("detect").GetProperty("detections").EnumerateArray().Select(d => d.GetProperty("className").GetString()).ToHashSet();
        Assert.Subset(new HashSet<string?> { "person", "bus" }, classes);
        Assert.Equal("person", bus.GetProperty("results").GetProperty("segment").GetProperty("maskClass").GetString());
        Assert.Equal(["human-centernet"], bus.GetProperty("models").GetProperty("detect").EnumerateArray().Select(m => m.GetString()));
        Assert.True(bus.GetProperty("timings").GetProperty("decodeMs").GetDouble() > 0);
        Assert.False(bus.TryGetProperty("error", out _));
        Assert.Contains(documents[2].GetProperty("error").GetProperty("code").GetString(), new[] { "corrupt_image", "truncated_image", "unsupported_image_format" });
        Assert.False(documents[2].TryGetProperty("results", out _));
        Assert.Equal("not_an_image", documents[3].GetProperty("error").GetProperty("code").GetString());

        Assert.Equal(["a-bus.jpg", "b-astronaut.png"], Directory.GetFiles(save).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var drawn = SKBitmap.Decode(Path.Combine(save, "a-bus.jpg"));
        Assert.Equal((810, 1080), (drawn.Width, drawn.Height));
    }

    [Fact]
    public async Task The_table_has_a_line_per_task_of_each_image()
    {
        var result = await CliRunner.RunAsync("analyze", Sanity("astronaut.png"), "--tasks", "faces,embed");
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Contains("1 face: ", result.Output);
        Assert.Contains("512-d vector", result.Output);
        Assert.Contains("astronaut.png (512x512)", result.Output);
    }

    [Fact]
    public async Task The_api_answers_the_document_the_cli_prints()
    {
        const string tasks = "detect,faces,segment,embed";
        var cli = await CliRunner.RunAsync("analyze", Sanity("bus.jpg"), "--tasks", tasks, "--set", "detect.minScore=0.4", "--json");
        Assert.Equal(ExitCodes.Ok, cli.ExitCode);

        var app = SightlineServer.Build(new ServerOptions { Urls = "http://127.0.0.1:0" }, logging => logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(3) };
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(File.ReadAllBytes(Sanity("bus.jpg")));
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(file, "image", "bus.jpg");
            using var response = await client.PostAsync($"/v1/analyze?tasks={tasks}&detect.minScore=0.4", form);
            var api = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, api);

            Assert.Equal(Comparable(Documents(cli.Output).Single().GetRawText()), Comparable(api));
            using var bad = await client.PostAsync("/v1/analyze?tasks=detect&detect.iou=0", new ByteArrayContent([1]));
            Assert.Equal(422, (int)bad.StatusCode);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>The document without what differs by nature between two runs: where the image came from and how long each step took.</summary>
    private static string Comparable(string json)
    {
        var node = JsonNode.Parse(json)!;
        Strip(node);
        return node.ToJsonString();

        static void Strip(JsonNode? node)
        {
            if (node is JsonObject obj)
            {
                foreach (var key in obj.Select(p => p.Key).Where(k => k is "source" or "timings").ToList())
                    obj.Remove(key);
                foreach (var (_, child) in obj)
                    Strip(child);
            }
            else if (node is JsonArray array)
            {
                foreach (var child in array)
                    Strip(child);
            }
        }
    }
}
