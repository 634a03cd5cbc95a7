using System.Net;
using System.Text.Json;

namespace Sightline.Cli.Tests.Parity;

/// <summary>
/// One JSON schema: the CLI's --json result for an image and the API's answer for the same image are the same
/// document (the same records, serialised with the same options), apart from the source name (a path against
/// an upload) and the timings.
/// </summary>
[Collection(Sightline.Tests.Shared.PretrainedCollection.Name)]
public sealed class JsonParityTests(ParityServer server) : IClassFixture<ParityServer>
{
    [Theory]
    [InlineData("bus.jpg", "/v1/detect", "detect")]
    [InlineData("bus.jpg", "/v1/detect?perClass=true&minScore=0.1", "detect", "--per-class", "--min-score", "0.1")]
    [InlineData("chelsea.png", "/v1/localize", "localize")]
    [InlineData("astronaut.png", "/v1/faces", "faces")]
    [InlineData("astronaut.png", "/v1/faces?descriptors=true&liveness=true", "faces", "--descriptors", "--liveness")]
    [InlineData("bus.jpg", "/v1/segment", "segment")]
    [InlineData("bus.jpg", "/v1/segment?instances=true", "segment", "--instances")]
    public async Task Cli_json_and_api_answer_the_same_document(string image, string api, string command, params string[] options)
    {
        var path = ParityServer.Sanity(image);
        var cli = await CliRunner.RunAsync([command, path, .. options, "--json"]);
        Assert.True(cli.ExitCode == ExitCodes.Ok, cli.Error);
        using var response = await server.PostImageAsync(api, path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);

        var fromCli = cli.Json.GetProperty("results")[0];
        var fromApi = JsonDocument.Parse(body).RootElement;
        Assert.EndsWith(image, fromCli.GetProperty("source").GetString());
        AssertSameDocument(fromCli, fromApi, "$");
    }

    [Theory]
    [InlineData("sunflowers", "", new string[0])]
    [InlineData("daisy", "&top=1", new[] { "--top", "1" })]
    public async Task Classify_json_and_api_answer_the_same_record(string flower, string query, string[] options)
    {
        var path = ParityServer.UnseenFlower(flower);
        var cli = await CliRunner.RunAsync(["classify", path, "--model", server.ClassifierPath, .. options, "--json"]);
        Assert.True(cli.ExitCode == ExitCodes.Ok, cli.Error);
        using var response = await server.PostImageAsync($"/v1/classify?classifier=flowers{query}", path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);

        var fromCli = cli.Json.GetProperty("results")[0];
        var fromApi = JsonDocument.Parse(body).RootElement;
        Assert.EndsWith(Path.GetFileName(path), fromCli.GetProperty("source").GetString());
        Assert.Equal(options.Length == 0 ? ParityServer.FlowerClasses.Length : 1, fromApi.GetProperty("predictions").GetArrayLength());
        AssertSameDocument(fromCli, fromApi, "$");
    }

    [Theory]
    [InlineData("sheldon", 1, "sheldon", 2, new string[0])]
    [InlineData("sheldon", 1, "penny", 1, new[] { "--descriptor", "faceres" })]
    public async Task Faces_verify_json_and_api_answer_the_same_record(string personA, int photoA, string personB, int photoB, string[] options)
    {
        var a = Crop(personA, photoA);
        var b = Crop(personB, photoB);
        var cli = await CliRunner.RunAsync(["faces", "verify", a, b, .. options, "--json"]);
        Assert.True(cli.ExitCode == ExitCodes.Ok, cli.Error);
        var query = options.Length == 0 ? "" : $"?descriptor={options[1]}";
        using var response = await server.PostFormAsync($"/v1/faces/verify{query}", ("a", a), ("b", b));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);

        var fromApi = JsonDocument.Parse(body).RootElement;
        Assert.Equal(personA == personB, fromApi.GetProperty("same").GetBoolean());
        Assert.EndsWith(Path.GetFileName(a), cli.Json.GetProperty("a").GetProperty("source").GetString());
        AssertSameDocument(cli.Json, fromApi, "$");
    }

    [Theory]
    [InlineData("", new string[0])]
    [InlineData("?layout=line&minConfidence=0.2", new[] { "--layout", "line", "--min-confidence", "0.2" })]
    public async Task Ocr_json_and_api_answer_the_same_record(string query, string[] options)
    {
        var folder = Directory.CreateTempSubdirectory("sightline-ocr-parity-");
        try
        {
            // A page turned a quarter for the detector; upright for the line layout, which reads the image as it is.
            using var page = Sightline.Tests.Shared.TextImages.Page(["Gate 12 closes at 09:40"], degrees: options.Length == 0 ? 90 : 0);
            var path = Sightline.Tests.Shared.TextImages.Save(page, Path.Combine(folder.FullName, "sign.png"));
            var cli = await CliRunner.RunAsync(["ocr", path, .. options, "--json"]);
            Assert.True(cli.ExitCode == ExitCodes.Ok, cli.Error);
            using var response = await server.PostImageAsync($"/v1/ocr{query}", path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);

            var fromCli = cli.Json.GetProperty("results")[0];
            Assert.EndsWith("sign.png", fromCli.GetProperty("source").GetString());
            var fromApi = JsonDocument.Parse(body).RootElement;
            Assert.NotEmpty(fromApi.GetProperty("lines").EnumerateArray());
            AssertSameDocument(fromCli.GetProperty("text"), fromApi, "$");
        }
        finally
        {
            folder.Delete(true);
        }
    }

    private static string Crop(string person, int photo) =>
        Path.Combine(Sightline.Tests.Shared.TestPaths.Data("faces-bbt"), "images", person, $"{person}{photo}.png");

    [Fact]
    public void The_comparison_sees_a_changed_value_a_missing_field_and_a_renamed_one()
    {
        static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;
        var a = Parse("""{"source":"a.jpg","image":{"width":2},"faces":[{"age":30.5}],"timings":{"totalMs":1}}""");
        AssertSameDocument(a, Parse("""{"source":"upload","image":{"width":2},"faces":[{"age":30.500001}],"timings":{"totalMs":9}}"""), "$");
        Assert.ThrowsAny<Exception>(() => AssertSameDocument(a, Parse("""{"image":{"width":3},"faces":[{"age":30.5}]}"""), "$"));
        Assert.ThrowsAny<Exception>(() => AssertSameDocument(a, Parse("""{"image":{"width":2},"faces":[{}]}"""), "$"));
        Assert.ThrowsAny<Exception>(() => AssertSameDocument(a, Parse("""{"image":{"width":2},"faces":[{"ageGender":30.5}]}"""), "$"));
    }

    /// <summary>Equal trees, numbers within float rounding; the source and the timings are where the two runs may differ.</summary>
    private static void AssertSameDocument(JsonElement cli, JsonElement api, string at)
    {
        Assert.True(cli.ValueKind == api.ValueKind, $"{at}: {cli.ValueKind} in the CLI's JSON, {api.ValueKind} in the API's");
        switch (cli.ValueKind)
        {
            case JsonValueKind.Object:
                var ignored = new HashSet<string>(StringComparer.Ordinal) { "source", "timings" };
                var cliNames = cli.EnumerateObject().Select(p => p.Name).Where(n => !ignored.Contains(n)).Order(StringComparer.Ordinal).ToList();
                var apiNames = api.EnumerateObject().Select(p => p.Name).Where(n => !ignored.Contains(n)).Order(StringComparer.Ordinal).ToList();
                Assert.True(cliNames.SequenceEqual(apiNames), $"{at}: fields [{string.Join(", ", cliNames)}] in the CLI's JSON, [{string.Join(", ", apiNames)}] in the API's");
                foreach (var name in cliNames)
                    AssertSameDocument(cli.GetProperty(name), api.GetProperty(name), $"{at}.{name}");
                break;
            case JsonValueKind.Array:
                Assert.True(cli.GetArrayLength() == api.GetArrayLength(), $"{at}: {cli.GetArrayLength()} items in the CLI's JSON, {api.GetArrayLength()} in the API's");
                for (var i = 0; i < cli.GetArrayLength(); i++)
                    AssertSameDocument(cli[i], api[i], $"{at}[{i}]");
                break;
            case JsonValueKind.Number:
                var (x, y) = (cli.GetDouble(), api.GetDouble());
                Assert.True(Math.Abs(x - y) <= 1e-4 * Math.Max(1, Math.Abs(x)), $"{at}: {x} in the CLI's JSON, {y} in the API's");
                break;
            default:
                Assert.True(cli.GetRawText() == api.GetRawText(), $"{at}: {cli.GetRawText()} in the CLI's JSON, {api.GetRawText()} in the API's");
                break;
        }
    }
}
