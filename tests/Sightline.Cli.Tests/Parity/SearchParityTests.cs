using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared.Search;

namespace Sightline.Cli.Tests.Parity;

/// <summary>
/// One answer to a query: <c>sightline library search --json</c> and <c>GET /v1/library/search?q=</c> on the same
/// library give the same photos in the same order, the same totals and the same document.
/// </summary>
public sealed class SearchParityTests : IAsyncLifetime
{
    private SearchLibrary _library = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _library = await SearchLibrary.CreateAsync();
        _app = SightlineServer.Build(new ServerOptions { Urls = "http://127.0.0.1:0", Library = _library.Folder }, logging => logging.SetMinimumLevel(LogLevel.Warning));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _library.DisposeAsync();
    }

    private static long[] Ids(JsonElement results) =>
        results.GetProperty("photos").EnumerateArray().Select(p => p.GetProperty("photo").GetProperty("id").GetInt64()).ToArray();

    [Theory]
    [InlineData("")]
    [InlineData("person:Amy")]
    [InlineData("person:Amy person:Raj")]
    [InlineData("any:Amy,Raj sort:date-asc")]
    [InlineData("only:Raj")]
    [InlineData("emotion:happy")]
    [InlineData("emotion:Raj=happy after:2024")]
    [InlineData("camera:canon before:2024-03")]
    [InlineData("faces:none")]
    [InlineData("sort:added")]
    public async Task Cli_json_and_api_answer_the_same_photos_in_the_same_order(string query)
    {
        var cli = await CliRunner.RunAsync("--json", "library", "search", _library.Folder, query, "--limit", "4");
        Assert.True(cli.ExitCode == ExitCodes.Ok, cli.Error);
        using var response = await _client.GetAsync($"/v1/library/search?q={Uri.EscapeDataString(query)}&limit=4");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var api = JsonDocument.Parse(body).RootElement;

        Assert.Equal(Ids(api), Ids(cli.Json));
        Assert.Equal(api.GetProperty("total").GetInt64(), cli.Json.GetProperty("total").GetInt64());
        Assert.Equal(api.GetProperty("query").GetString(), cli.Json.GetProperty("query").GetString());
        // The same document, whitespace aside.
        Assert.Equal(JsonSerializer.Serialize(api), JsonSerializer.Serialize(cli.Json));
    }

    [Fact]
    public async Task The_second_page_by_the_cli_and_by_the_api_is_the_same()
    {
        var first = await CliRunner.RunAsync("--json", "library", "search", _library.Folder, "", "--limit", "3");
        Assert.True(first.ExitCode == ExitCodes.Ok, first.Error);
        var cursor = first.Json.GetProperty("nextCursor").GetString()!;
        var cli = await CliRunner.RunAsync("--json", "library", "search", _library.Folder, "", "--limit", "3", "--cursor", cursor);
        Assert.True(cli.ExitCode == ExitCodes.Ok, cli.Error);
        var api = JsonDocument.Parse(await _client.GetStringAsync($"/v1/library/search?limit=3&cursor={Uri.EscapeDataString(cursor)}")).RootElement;
        Assert.Equal(Ids(api), Ids(cli.Json));
        Assert.NotEmpty(Ids(api));
        Assert.Empty(Ids(api).Intersect(Ids(first.Json)));
    }
}
