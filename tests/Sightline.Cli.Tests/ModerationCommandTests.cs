using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared;

namespace Sightline.Cli.Tests;

[Collection(PretrainedCollection.Name)]
public sealed class ModerationCommandTests(PretrainedModels models) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-cli-moderate-").FullName;

    private static string Sanity(string name) => Path.Combine(TestPaths.Data("sanity"), name);

    [Fact]
    public async Task A_folder_gives_one_record_per_photo_and_lists_the_broken_and_the_other_files()
    {
        models.Get("nsfwjs-mobilenet-v2");
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "photos")).FullName;
        File.Copy(Sanity("dog.jpg"), Path.Combine(folder, "dog.jpg"));
        File.Copy(Sanity("chelsea.png"), Path.Combine(folder, "chelsea.png"));
        File.WriteAllBytes(Path.Combine(folder, "broken.jpg"), File.ReadAllBytes(Sanity("dog.jpg"))[..3000]);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not a photo");

        var result = await CliRunner.RunAsync("moderate", folder, "--json");
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var results = result.Json.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2, results.Count);
        foreach (var r in results)
        {
            var m = r.GetProperty("moderation");
            Assert.Equal("safe", m.GetProperty("verdict").GetString());
            Assert.Equal(5, m.GetProperty("scores").GetArrayLength());
            Assert.Equal(0.5, m.GetProperty("threshold").GetDouble());
        }
        var failed = result.Json.GetProperty("failed")[0];
        Assert.EndsWith("broken.jpg", failed.GetProperty("path").GetString());
        Assert.Equal("truncated_image", failed.GetProperty("code").GetString());
        Assert.EndsWith("notes.txt", result.Json.GetProperty("skipped")[0].GetProperty("path").GetString());

        var table = await CliRunner.RunAsync("moderate", folder);
        Assert.Contains("safe", table.Output);
        Assert.Contains("broken.jpg", table.Error);
        Assert.Contains("notes.txt", table.Output);
    }

    [Fact]
    public async Task A_bad_threshold_or_class_is_a_usage_error_naming_it()
    {
        var high = await CliRunner.RunAsync("moderate", Sanity("dog.jpg"), "--threshold", "1.5");
        Assert.Equal(ExitCodes.Usage, high.ExitCode);
        Assert.Contains("threshold must be between 0 and 1", high.Error);
        var unknown = await CliRunner.RunAsync("moderate", Sanity("dog.jpg"), "--sensitive", "porn,nudity");
        Assert.Equal(ExitCodes.Usage, unknown.ExitCode);
        Assert.Contains("'nudity'", unknown.Error);
        Assert.Equal(ExitCodes.Usage, (await CliRunner.RunAsync("eval", "moderate", Sanity(""), "--threshold", "-1")).ExitCode);
    }

    [Fact]
    public async Task Nothing_readable_is_bad_input()
    {
        models.Get("nsfwjs-mobilenet-v2");
        var broken = Path.Combine(_dir, "broken.jpg");
        File.WriteAllBytes(broken, [0xff, 0xd8, 0xff, 0x00]);
        Assert.Equal(ExitCodes.BadInput, (await CliRunner.RunAsync("moderate", broken)).ExitCode);
    }

    [Fact]
    public async Task Eval_counts_the_sensitive_verdicts_per_folder_at_the_threshold_given()
    {
        models.Get("nsfwjs-mobilenet-v2");
        var a = Directory.CreateDirectory(Path.Combine(_dir, "a")).FullName;
        var b = Directory.CreateDirectory(Path.Combine(_dir, "b")).FullName;
        File.Copy(Sanity("dog.jpg"), Path.Combine(a, "dog.jpg"));
        File.Copy(Sanity("bus.jpg"), Path.Combine(b, "bus.jpg"));
        File.Copy(Sanity("kite.jpg"), Path.Combine(b, "kite.jpg"));

        var usual = await CliRunner.RunAsync("eval", "moderate", a, b, "--json");
        Assert.Equal(ExitCodes.Ok, usual.ExitCode);
        Assert.Equal([1, 2], usual.Json.GetProperty("sets").EnumerateArray().Select(s => s.GetProperty("images").GetInt32()));
        Assert.Equal(3, usual.Json.GetProperty("total").GetProperty("images").GetInt32());
        Assert.Equal(0, usual.Json.GetProperty("total").GetProperty("sensitive").GetInt32());

        // At threshold 0 every image is sensitive: the count follows the rule, it is not a constant.
        var all = await CliRunner.RunAsync("eval", "moderate", a, b, "--threshold", "0", "--json");
        Assert.Equal(3, all.Json.GetProperty("total").GetProperty("sensitive").GetInt32());
        Assert.Equal(3, all.Json.GetProperty("total").GetProperty("sensitiveFiles").GetArrayLength());
    }

    [Fact]
    public async Task The_cli_record_and_the_api_answer_are_the_same_json()
    {
        models.Get("nsfwjs-mobilenet-v2");
        var photo = Sanity("bus.jpg");
        var cli = await CliRunner.RunAsync("moderate", photo, "--threshold", "0.3", "--json");
        var fromCli = JsonNode.Parse(cli.Output)!["results"]![0]!["moderation"]!.AsObject();

        var app = SightlineServer.Build(new ServerOptions { Urls = "http://127.0.0.1:0" });
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            var body = new ByteArrayContent(await File.ReadAllBytesAsync(photo));
            body.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            var response = await client.PostAsync("/v1/moderate?threshold=0.3", body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, text);
            var fromApi = JsonNode.Parse(text)!.AsObject();

            // Timings differ run to run; everything else is the same record with the same names.
            fromCli.Remove("timings");
            fromApi.Remove("timings");
            Assert.Equal(fromCli.Select(p => p.Key), fromApi.Select(p => p.Key));
            Assert.Equal(fromCli["verdict"]!.GetValue<string>(), fromApi["verdict"]!.GetValue<string>());
            Assert.Equal(fromCli["threshold"]!.GetValue<double>(), fromApi["threshold"]!.GetValue<double>());
            Assert.Equal(fromCli["drivenBy"]!.ToJsonString(), fromApi["drivenBy"]!.ToJsonString());
            var cliScores = fromCli["scores"]!.AsArray().Select(s => s!["score"]!.GetValue<float>()).ToArray();
            var apiScores = fromApi["scores"]!.AsArray().Select(s => s!["score"]!.GetValue<float>()).ToArray();
            Assert.Equal(cliScores.Length, apiScores.Length);
            for (var i = 0; i < cliScores.Length; i++)
                Assert.Equal(cliScores[i], apiScores[i], 5);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
