using System.Net;
using System.Text.Json;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared.Search;

using static Sightline.Server.Tests.Api.ApiAssert;

namespace Sightline.Server.Tests.Api;

/// <summary>
/// GET /v1/library/search and /v1/library/facets on a library the test committed itself (<see cref="SearchLibrary"/>):
/// the answer's shape, paging, and the problems of a malformed query (400 bad_query with position and query), an
/// unknown person (422 search_unknown) and a bad limit (422 bad_parameter). Expected answers come from the library's table.
/// </summary>
public sealed class SearchApiTests : IAsyncLifetime
{
    private SearchLibrary _library = null!;
    private RunningServer _server = null!;

    public async Task InitializeAsync()
    {
        _library = await SearchLibrary.CreateAsync();
        _server = await RunningServer.StartAsync(new ServerOptions { Library = _library.Folder });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _library.DisposeAsync();
    }

    private HttpClient Client => _server.Client;

    private Task<HttpResponseMessage> SearchAsync(string query, string extra = "") =>
        Client.GetAsync($"/v1/library/search?q={Uri.EscapeDataString(query)}{extra}");

    private static long[] Ids(JsonElement results) =>
        results.GetProperty("photos").EnumerateArray().Select(p => p.GetProperty("photo").GetProperty("id").GetInt64()).ToArray();

    /// <summary>The problem of <paramref name="response"/>, checked to have this status and code.</summary>
    private static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        await AssertProblem(response, status, code);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task A_search_answers_query_total_cursor_and_photos_as_the_photo_list_gives_them()
    {
        var results = await Json(await SearchAsync("any:Amy,Raj emotion:sad"));
        var expected = _library.Expected(p => p.Faces.Any(f => f.Expression == "sad"));
        Assert.NotEmpty(expected);
        Assert.Equal(expected, Ids(results));
        Assert.Equal(expected.Length, results.GetProperty("total").GetInt64());
        Assert.Equal("any:Amy,Raj emotion:sad", results.GetProperty("query").GetString());
        Assert.Equal(JsonValueKind.Null, results.GetProperty("nextCursor").ValueKind);
        var photo = results.GetProperty("photos")[0];
        Assert.Equal(JsonValueKind.Null, photo.GetProperty("score").ValueKind);
        // The photo row is the one GET /v1/library/photos/{id} holds.
        var id = photo.GetProperty("photo").GetProperty("id").GetInt64();
        var detail = await Json(await Client.GetAsync($"/v1/library/photos/{id}"));
        Assert.Equal(detail.GetProperty("photo").GetProperty("contentHash").GetString(), photo.GetProperty("photo").GetProperty("contentHash").GetString());
        Assert.Equal(detail.GetProperty("photo").GetProperty("takenAt").GetString(), photo.GetProperty("photo").GetProperty("takenAt").GetString());
    }

    [Fact]
    public async Task No_query_lists_every_photo_and_pages_follow_the_cursor()
    {
        var all = _library.Expected(_ => true);
        var first = await Json(await Client.GetAsync("/v1/library/search?limit=5"));
        Assert.Equal(all.Length, first.GetProperty("total").GetInt64());
        Assert.Equal(all[..5], Ids(first));
        var cursor = first.GetProperty("nextCursor").GetString()!;
        var second = await Json(await Client.GetAsync($"/v1/library/search?limit=5&cursor={Uri.EscapeDataString(cursor)}"));
        Assert.Equal(all[5..], Ids(second));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task A_malformed_query_is_400_bad_query_with_its_position_and_text()
    {
        const string query = "person:Amy after:2024-13";
        var response = await SearchAsync(query);
        var problem = await Problem(response, HttpStatusCode.BadRequest, "bad_query");
        Assert.Equal(17, problem.GetProperty("position").GetInt32());
        Assert.Equal(query, problem.GetProperty("query").GetString());
        Assert.Contains("after: '2024-13' is not a date", problem.GetProperty("detail").GetString());

        var conflict = await Problem(await SearchAsync("sort:date sort:added"), HttpStatusCode.BadRequest, "bad_query");
        Assert.Equal(10, conflict.GetProperty("position").GetInt32());
    }

    [Fact]
    public async Task An_unknown_person_is_422_search_unknown()
    {
        var problem = await Problem(await SearchAsync("person:Zed"), HttpStatusCode.UnprocessableEntity, "search_unknown");
        Assert.Contains("Zed", problem.GetProperty("detail").GetString());
        Assert.Equal("person:Zed", problem.GetProperty("query").GetString());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("501")]
    [InlineData("ten")]
    public async Task A_limit_out_of_range_is_422_bad_parameter(string limit)
    {
        var problem = await Problem(await Client.GetAsync($"/v1/library/search?limit={limit}"), HttpStatusCode.UnprocessableEntity, "bad_parameter");
        Assert.Contains("limit", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Facets_count_photos_per_emotion_and_camera()
    {
        var facets = await Json(await Client.GetAsync("/v1/library/facets"));
        long Count(string facet, string value) =>
            facets.GetProperty(facet).EnumerateArray().Single(f => f.GetProperty("value").GetString() == value).GetProperty("photos").GetInt64();
        Assert.Equal(SearchLibrary.Photos.Count(p => p.Faces.Any(f => f.Expression == "happy")), Count("emotions", "happy"));
        Assert.Equal(SearchLibrary.Photos.Count(p => p.Camera == "Canon EOS 5D"), Count("cameras", "Canon EOS 5D"));
    }

    [Fact]
    public async Task The_openapi_document_lists_search_and_facets_with_their_problems()
    {
        var paths = (await Json(await Client.GetAsync("/openapi/v1.json"))).GetProperty("paths");
        var search = paths.GetProperty("/v1/library/search").GetProperty("get");
        var responses = search.GetProperty("responses");
        foreach (var status in new[] { "200", "400", "422" })
            Assert.True(responses.TryGetProperty(status, out _), $"search lacks the {status} response");
        Assert.Contains("bad_query", search.GetProperty("description").GetString());
        Assert.True(paths.TryGetProperty("/v1/library/facets", out _));
    }
}
