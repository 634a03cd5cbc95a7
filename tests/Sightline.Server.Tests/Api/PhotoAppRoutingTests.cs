using System.Net;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared.People;

using static Sightline.Server.Tests.Api.ApiAssert;

namespace Sightline.Server.Tests.Api;

/// <summary>Where the photo app and the "try a task" page are served, and the photo detail's people, on a library whose faces the test committed.</summary>
public sealed class PhotoAppRoutingTests : IAsyncLifetime
{
    private PeopleLibrary _library = null!;
    private RunningServer _server = null!;

    public async Task InitializeAsync()
    {
        _library = await PeopleLibrary.CreateAsync();
        _server = await RunningServer.StartAsync(new ServerOptions { Library = _library.Folder });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _library.DisposeAsync();
    }

    [Fact]
    public async Task With_a_library_the_root_serves_the_photo_app_and_the_one_image_page_moves_to_try()
    {
        var root = await _server.Client.GetStringAsync("/");
        Assert.Contains("/photos/app.js", root);
        Assert.Equal(root, await _server.Client.GetStringAsync(SightlineServer.PhotoAppPath));
        Assert.Contains("<canvas", await _server.Client.GetStringAsync(SightlineServer.TryPagePath));
        foreach (var asset in new[] { "/photos/app.js", "/photos/api.js", "/photos/grid.js", "/photos/viewer.js", "/photos/people.js", "/photos/status.js", "/photos/app.css" })
        {
            var text = await _server.Client.GetStringAsync(asset);
            Assert.DoesNotMatch(@"(src|href|from)\s*=?\s*[""']https?://", text);
            Assert.DoesNotContain("@import", text);
        }
    }

    [Fact]
    public async Task Without_a_library_the_root_stays_the_one_image_page_and_the_app_is_at_photos()
    {
        await using var bare = await RunningServer.StartAsync(new ServerOptions());
        Assert.Contains("<canvas", await bare.Client.GetStringAsync("/"));
        Assert.Contains("/photos/app.js", await bare.Client.GetStringAsync(SightlineServer.PhotoAppPath));
        Assert.Equal(HttpStatusCode.NotFound, (await bare.Client.GetAsync("/v1/library/status")).StatusCode);
    }

    [Fact]
    public async Task The_photo_detail_says_which_person_each_detected_face_belongs_to_and_their_name()
    {
        var a = _library.Person("A0");
        var b = _library.Person("B0");
        var named = await _server.Client.PutAsync($"/v1/library/people/{b}/name", new StringContent("{\"name\":\"Bea\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        var group = _library.Hashes["group.jpg"];
        var page = await Json(await _server.Client.GetAsync("/v1/library/photos?limit=50"));
        var id = page.GetProperty("photos").EnumerateArray().Single(p => p.GetProperty("contentHash").GetString() == group).GetProperty("id").GetInt64();

        var detail = await Json(await _server.Client.GetAsync($"/v1/library/photos/{id}"));
        var people = detail.GetProperty("people").EnumerateArray().ToList();
        Assert.Equal([0, 1], people.Select(p => p.GetProperty("index").GetInt32()));
        Assert.Equal([_library.Face("A0"), _library.Face("B0")], people.Select(p => p.GetProperty("faceId").GetInt64()));
        Assert.Equal([a, b], people.Select(p => p.GetProperty("personId").GetInt64()));
        Assert.False(people[0].TryGetProperty("personName", out _));
        Assert.Equal("Bea", people[1].GetProperty("personName").GetString());
        Assert.All(people, p => Assert.Equal("assigned", p.GetProperty("status").GetString()));

        // A face in no person says why, without a person.
        var stranger = page.GetProperty("photos").EnumerateArray().Single(p => p.GetProperty("contentHash").GetString() == _library.Hashes["stranger.jpg"]).GetProperty("id").GetInt64();
        var alone = Assert.Single((await Json(await _server.Client.GetAsync($"/v1/library/photos/{stranger}"))).GetProperty("people").EnumerateArray());
        Assert.False(alone.TryGetProperty("personId", out _));
        Assert.Equal("unassigned", alone.GetProperty("status").GetString());
    }
}
