using System.Net;
using System.Text.Json;

namespace Sightline.Cli.Tests.Parity;

/// <summary>
/// The CLI and the API take their options from the same records, so they accept and refuse the same values:
/// a refused value is exit code 2 naming --the-option on the CLI and 422 bad_parameter naming theOption in
/// the API; an accepted one runs on both. classify and faces verify are held to it too.
/// </summary>
[Collection(Sightline.Tests.Shared.PretrainedCollection.Name)]
public sealed class OptionParityTests(ParityServer server) : IClassFixture<ParityServer>
{
    private static readonly Dictionary<string, (string[] Cli, string Api)> Tasks = new()
    {
        ["detect"] = (["detect"], "/v1/detect"),
        ["localize"] = (["localize"], "/v1/localize"),
        ["faces"] = (["faces"], "/v1/faces"),
        ["segment"] = (["segment"], "/v1/segment"),
    };

    public static TheoryData<string, string, string, bool> Values => new()
    {
        // task, option (the API's name; the CLI's is its kebab-case), value, accepted
        { "detect", "minScore", "-0.1", false },
        { "detect", "minScore", "1.5", false },
        { "detect", "minScore", "NaN", false },
        { "detect", "minScore", "0", true },
        { "detect", "minScore", "1", true },
        { "detect", "iou", "0", false },
        { "detect", "iou", "1.01", false },
        { "detect", "iou", "1", true },
        { "detect", "max", "0", false },
        { "detect", "max", "1001", false },
        { "detect", "max", "1000", true },
        { "localize", "minScore", "2", false },
        { "localize", "minScore", "0.5", true },
        { "faces", "minScore", "1.5", false },
        { "faces", "minSize", "-1", false },
        { "faces", "minSize", "10001", false },
        { "faces", "minSize", "10000", true },
        { "faces", "max", "0", false },
        { "faces", "max", "1001", false },
        { "faces", "threshold", "0", false },
        { "faces", "threshold", "4.5", false },
        { "faces", "threshold", "0.6", true },
        { "faces", "descriptor", "arcface", false },
        { "faces", "emotion", "hsemotion", false },
        { "segment", "threshold", "0", false },
        { "segment", "threshold", "1", false },
        { "segment", "threshold", "0.4", true },
        { "segment", "minScore", "1.5", false },
        { "segment", "method", "tiles", false },
        { "classify", "top", "0", false },
        { "classify", "top", "1001", false },
        { "classify", "top", "1", true },
        { "verify", "threshold", "0", false },
        { "verify", "threshold", "4.5", false },
        { "verify", "threshold", "0.6", true },
        { "verify", "minScore", "1.5", false },
        { "verify", "descriptor", "arcface", false },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task Cli_and_api_accept_and_refuse_the_same_values(string task, string option, string value, bool accepted)
    {
        var cliOption = OptionSpelling.ToCli(option);
        var query = $"{option}={Uri.EscapeDataString(value)}";
        // classify needs its classifier on both sides; verify takes two images (multipart fields a and b in the API).
        var flower = ParityServer.UnseenFlower("daisy");
        var (faceA, faceB) = (Crop("sheldon", 1), Crop("sheldon", 2));
        string[] cliInputs = task switch
        {
            "classify" => ["classify", "--model", server.ClassifierPath, flower],
            "verify" => ["faces", "verify", faceA, faceB],
            _ => [.. Tasks[task].Cli, ParityServer.Sanity("bus.jpg")],
        };
        var cli = await CliRunner.RunAsync([.. cliInputs, cliOption, value, "--json"]);
        using var api = task switch
        {
            "classify" => await server.PostImageAsync($"/v1/classify?classifier=flowers&{query}", flower),
            "verify" => await server.PostFormAsync($"/v1/faces/verify?{query}", ("a", faceA), ("b", faceB)),
            _ => await server.PostImageAsync($"{Tasks[task].Api}?{query}", ParityServer.Sanity("bus.jpg")),
        };
        var body = await api.Content.ReadAsStringAsync();
        if (accepted)
        {
            Assert.True(cli.ExitCode == ExitCodes.Ok, $"CLI {cliOption} {value}: exit {cli.ExitCode}, {cli.Error}");
            Assert.True(api.StatusCode == HttpStatusCode.OK, $"API {option}={value}: {(int)api.StatusCode} {body}");
            return;
        }
        Assert.True(cli.ExitCode == ExitCodes.Usage, $"CLI {cliOption} {value}: exit {cli.ExitCode}, {cli.Error}");
        Assert.Contains(cliOption, cli.Error);
        Assert.True(api.StatusCode == HttpStatusCode.UnprocessableEntity, $"API {option}={value}: {(int)api.StatusCode} {body}");
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("bad_parameter", problem.GetProperty("code").GetString());
        Assert.Contains(option, problem.GetProperty("detail").GetString());
    }

    private static string Crop(string person, int photo) =>
        Path.Combine(Sightline.Tests.Shared.TestPaths.Data("faces-bbt"), "images", person, $"{person}{photo}.png");

    [Theory]
    [InlineData("minScore", "--min-score")]
    [InlineData("iou", "--iou")]
    [InlineData("sameObjectIou", "--same-object-iou")]
    public void Option_names_map_to_the_cli_spelling(string api, string cli) => Assert.Equal(cli, OptionSpelling.ToCli(api));
}
