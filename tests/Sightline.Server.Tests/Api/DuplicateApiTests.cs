using System.Net;
using System.Text.Json;
using Sightline.Library;
using Sightline.Library.Scanning;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared.Search;

using static Sightline.Server.Tests.Api.ApiAssert;

namespace Sightline.Server.Tests.Api;

/// <summary>
/// GET /v1/library/duplicates on a library the test committed itself (<see cref="SearchLibrary"/>) plus one photo found
/// again under a second name: that photo is one exact group with both paths, nothing else is grouped, the kind
/// filter keeps or drops it, and a bad kind is 422 bad_parameter.
/// </summary>
public sealed class DuplicateApiTests : IAsyncLifetime
{
    private SearchLibrary _library = null!;
    private RunningServer _server = null!;
    private string _copy = null!;

    public async Task InitializeAsync()
    {
        _library = await SearchLibrary.CreateAsync();
        var original = _library.PathOf("beach.jpg");
        _copy = _library.PathOf("beach (copy).jpg");
        File.Copy(original, _copy);
        await using (var library = await PhotoLibrary.OpenAsync(_library.Folder))
        {
            var folder = (await library.Store.GetFoldersAsync()).Single();
            var bytes = await File.ReadAllBytesAsync(_copy);
            await library.Store.SaveFilesAsync([new FileEntry(_copy, folder.Id, FileKind.Photo, bytes.Length, File.GetLastWriteTimeUtc(_copy),
                ContentHash.Of(bytes), null, DateTimeOffset.UtcNow)]);
        }

        _server = await RunningServer.StartAsync(new ServerOptions { Library = _library.Folder });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _library.DisposeAsync();
    }

    private async Task<JsonElement> Duplicates(string query = "")
    {
        var response = await _server.Client.GetAsync($"/v1/library/duplicates{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task The_photo_under_two_names_is_one_exact_group_keeping_the_shorter_path()
    {
        var report = await Duplicates();
        var group = Assert.Single(report.GetProperty("groups").EnumerateArray());
        Assert.Equal("exact", group.GetProperty("kind").GetString()!.ToLowerInvariant());
        // A member per path, the shortest kept first: removing the other path loses nothing.
        var members = group.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(2, members.Count);
        Assert.All(members, m => Assert.Equal(_library.Ids["beach.jpg"], m.GetProperty("photo").GetProperty("id").GetInt64()));
        Assert.Equal([_library.PathOf("beach.jpg")], members[0].GetProperty("paths").EnumerateArray().Select(p => p.GetString()!));
        Assert.Equal([_copy], members[1].GetProperty("paths").EnumerateArray().Select(p => p.GetString()!));
        Assert.Equal(1, report.GetProperty("redundant").GetInt32());
    }

    [Fact]
    public async Task The_kind_filter_keeps_exact_groups_and_drops_them_for_bursts()
    {
        Assert.Equal(1, (await Duplicates("?kind=exact")).GetProperty("groups").GetArrayLength());
        var bursts = await Duplicates("?kind=burst");
        Assert.Equal(0, bursts.GetProperty("groups").GetArrayLength());
        Assert.Equal(0, bursts.GetProperty("redundant").GetInt32());
    }

    [Fact]
    public async Task A_search_limits_the_photos_compared_and_a_bad_one_is_its_search_problem()
    {
        // beach.jpg shows Amy, not Raj: its exact group is found among Amy's photos and not among Raj's.
        Assert.Equal(1, (await Duplicates("?q=person:Amy")).GetProperty("groups").GetArrayLength());
        var raj = await Duplicates("?q=person:Raj");
        Assert.Equal(0, raj.GetProperty("groups").GetArrayLength());

        var malformed = await _server.Client.GetAsync("/v1/library/duplicates?q=emtion:happy");
        await AssertProblem(malformed, HttpStatusCode.BadRequest, "bad_query");
        var unknown = await _server.Client.GetAsync("/v1/library/duplicates?q=person:Nobody");
        await AssertProblem(unknown, HttpStatusCode.UnprocessableEntity, "search_unknown");
    }

    [Fact]
    public async Task A_bad_kind_is_422_bad_parameter()
    {
        var response = await _server.Client.GetAsync("/v1/library/duplicates?kind=sideways");
        await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "bad_parameter");
        Assert.Contains("sideways", await response.Content.ReadAsStringAsync());
    }
}
