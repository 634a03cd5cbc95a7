using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared.People;
using SkiaSharp;

using static Sightline.Server.Tests.Api.ApiAssert;

namespace Sightline.Server.Tests.Api;

/// <summary>
/// /v1/library/people and /v1/library/faces on a library whose faces the test committed itself
/// (<see cref="PeopleLibrary"/>: A with 4 faces, B with 3 sharing the group photo with A, C with 2 near A, a stranger
/// and a face without a descriptor). Each test has its own library: decisions change it.
/// </summary>
public sealed class PeopleApiTests : IAsyncLifetime
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

    private HttpClient Client => _server.Client;

    private long A => _library.Person("A0");
    private long B => _library.Person("B0");
    private long C => _library.Person("C0");

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string body) =>
        Client.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") });

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object body) => SendAsync(method, path, JsonSerializer.Serialize(body));

    private async Task<JsonElement> PersonAsync(long id) => await Json(await Client.GetAsync($"/v1/library/people/{id}"));

    private static long[] Ids(JsonElement array, string property) => array.EnumerateArray().Select(e => e.GetProperty(property).GetInt64()).Order().ToArray();

    private static async Task<string> DetailAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;

    [Fact]
    public async Task The_list_has_each_person_with_counts_and_cover_in_the_records_shape()
    {
        var people = await Json(await Client.GetAsync("/v1/library/people"));
        Assert.Equal(new[] { A, B, C }.Order(), Ids(people, "id"));
        var a = people.EnumerateArray().Single(p => p.GetProperty("id").GetInt64() == A);
        Assert.Equal((4, 4), (a.GetProperty("faceCount").GetInt32(), a.GetProperty("photoCount").GetInt32()));
        Assert.False(a.TryGetProperty("name", out _));
        Assert.Contains(a.GetProperty("coverFaceId").GetInt64(), new[] { "A0", "A1", "A2", "A3" }.Select(_library.Face));
        Assert.True(a.TryGetProperty("coverPhotoId", out _));
        Assert.True(a.TryGetProperty("createdAt", out _));
    }

    [Fact]
    public async Task Named_lists_only_named_people_and_all_adds_the_hidden()
    {
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/v1/library/people/{B}/name", new { name = "Bob" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"/v1/library/people/{C}/hidden", new { hidden = true })).StatusCode);

        Assert.Equal([B], Ids(await Json(await Client.GetAsync("/v1/library/people?named=true")), "id"));
        Assert.Equal(new[] { A, B }.Order(), Ids(await Json(await Client.GetAsync("/v1/library/people")), "id"));
        var all = await Json(await Client.GetAsync("/v1/library/people?all=true"));
        Assert.Equal(new[] { A, B, C }.Order(), Ids(all, "id"));
        Assert.True(all.EnumerateArray().Single(p => p.GetProperty("id").GetInt64() == C).GetProperty("hidden").GetBoolean());

        var shown = await Json(await SendAsync(HttpMethod.Put, $"/v1/library/people/{C}/hidden", new { hidden = false }));
        Assert.False(shown.GetProperty("hidden").GetBoolean());
        Assert.Contains(C, Ids(await Json(await Client.GetAsync("/v1/library/people")), "id"));
    }

    [Theory]
    [InlineData("all=maybe", "all")]
    [InlineData("named=2", "named")]
    public async Task A_flag_that_is_not_true_or_false_is_422_naming_it(string query, string parameter)
    {
        var response = await Client.GetAsync($"/v1/library/people?{query}");
        await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "bad_parameter");
        Assert.StartsWith(parameter, await DetailAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_person_comes_with_their_faces_boxes_and_attributes()
    {
        var b = await PersonAsync(B);
        Assert.Equal(B, b.GetProperty("person").GetProperty("id").GetInt64());
        var faces = b.GetProperty("faces");
        Assert.Equal(new[] { "B0", "B1", "B2" }.Select(_library.Face).Order(), Ids(faces, "faceId"));
        var b2 = faces.EnumerateArray().Single(f => f.GetProperty("faceId").GetInt64() == _library.Face("B2"));
        var box = _library.BoxOf("B2");
        Assert.Equal((box.Left, box.Top, box.Width, box.Height),
            (b2.GetProperty("x").GetSingle(), b2.GetProperty("y").GetSingle(), b2.GetProperty("width").GetSingle(), b2.GetProperty("height").GetSingle()));
        Assert.Equal(B, b2.GetProperty("personId").GetInt64());
        Assert.Equal("assigned", b2.GetProperty("status").GetString());
        Assert.Equal("happy", b2.GetProperty("expression").GetString());
        Assert.False(b2.GetProperty("confirmed").GetBoolean());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-4")]
    [InlineData("1.5")]
    public async Task A_person_id_that_is_not_an_id_is_400_naming_it_on_every_person_endpoint(string id)
    {
        await AssertBadField(await Client.GetAsync($"/v1/library/people/{id}"), "person id");
        await AssertBadField(await SendAsync(HttpMethod.Put, $"/v1/library/people/{id}/name", new { name = "X" }), "person id");
        await AssertBadField(await SendAsync(HttpMethod.Post, $"/v1/library/people/{id}/merge", new { people = new[] { 1 } }), "person id");
        await AssertBadField(await SendAsync(HttpMethod.Post, $"/v1/library/people/{id}/split", new { faces = new[] { 1 } }), "person id");
        await AssertBadField(await SendAsync(HttpMethod.Post, $"/v1/library/people/{id}/reject", new { faces = new[] { 1 } }), "person id");
        await AssertBadField(await SendAsync(HttpMethod.Put, $"/v1/library/people/{id}/hidden", new { hidden = true }), "person id");
        await AssertBadField(await SendAsync(HttpMethod.Put, $"/v1/library/people/{id}/cover", new { face = 1 }), "person id");
        await AssertBadField(await Client.GetAsync($"/v1/library/faces/{id}/thumbnail"), "face id");
    }

    private static async Task AssertBadField(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal("bad_field", problem.GetProperty("code").GetString());
        Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_person_is_404_on_every_person_endpoint()
    {
        const long unknown = 987654;
        await AssertProblem(await Client.GetAsync($"/v1/library/people/{unknown}"), HttpStatusCode.NotFound, "people_not_found");
        await AssertProblem(await SendAsync(HttpMethod.Put, $"/v1/library/people/{unknown}/name", new { name = "X" }), HttpStatusCode.NotFound, "people_not_found");
        await AssertProblem(await SendAsync(HttpMethod.Put, $"/v1/library/people/{unknown}/hidden", new { hidden = true }), HttpStatusCode.NotFound, "people_not_found");
        await AssertProblem(await SendAsync(HttpMethod.Post, $"/v1/library/people/{A}/merge", new { people = new[] { unknown } }), HttpStatusCode.NotFound, "people_not_found");
    }

    [Fact]
    public async Task Naming_confirms_the_faces_and_a_blank_name_is_400()
    {
        var named = await Json(await SendAsync(HttpMethod.Put, $"/v1/library/people/{A}/name", new { name = "Alice" }));
        Assert.Equal(("Alice", true), (named.GetProperty("name").GetString(), named.GetProperty("confirmed").GetBoolean()));
        Assert.All((await PersonAsync(A)).GetProperty("faces").EnumerateArray(), f => Assert.True(f.GetProperty("confirmed").GetBoolean()));

        await AssertProblem(await SendAsync(HttpMethod.Put, $"/v1/library/people/{A}/name", new { name = " " }), HttpStatusCode.BadRequest, "people_invalid");
        await AssertProblem(await SendAsync(HttpMethod.Put, $"/v1/library/people/{B}/name", new { name = "ALICE" }), HttpStatusCode.Conflict, "people_conflict");
        Assert.Equal("Alice", (await PersonAsync(A)).GetProperty("person").GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("", "body")]
    [InlineData("{not json", "not JSON")]
    [InlineData("[1, 2]", "not an object")]
    [InlineData("{}", "'name'")]
    [InlineData("{\"name\": 42}", "'name'")]
    public async Task A_name_body_that_is_malformed_is_400_naming_what(string body, string named)
    {
        var response = await SendAsync(HttpMethod.Put, $"/v1/library/people/{A}/name", body);
        await AssertProblem(response, HttpStatusCode.BadRequest, "bad_field");
        Assert.Contains(named, await DetailAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merge_joins_people_and_refuses_people_who_share_a_photo_with_409()
    {
        var merged = await Json(await SendAsync(HttpMethod.Post, $"/v1/library/people/{A}/merge", new { people = new[] { C } }));
        Assert.Equal((A, 6), (merged.GetProperty("id").GetInt64(), merged.GetProperty("faceCount").GetInt32()));
        Assert.Equal(new[] { A, B }.Order(), Ids(await Json(await Client.GetAsync("/v1/library/people")), "id"));

        await AssertProblem(await SendAsync(HttpMethod.Post, $"/v1/library/people/{A}/merge", new { people = new[] { B } }), HttpStatusCode.Conflict, "people_conflict");
        await AssertProblem(await SendAsync(HttpMethod.Post, $"/v1/library/people/{B}/merge", new { people = new[] { B } }), HttpStatusCode.Conflict, "people_conflict");
        Assert.Equal(3, (await PersonAsync(B)).GetProperty("faces").GetArrayLength());
    }

    [Theory]
    [InlineData("{}", "'people'")]
    [InlineData("{\"people\": 5}", "'people' must be an array")]
    [InlineData("{\"people\": []}", "'people' is empty")]
    [InlineData("{\"people\": [3, \"x\"]}", "people[1]")]
    [InlineData("{\"people\": [0]}", "people[0]")]
    public async Task A_merge_body_that_is_malformed_is_400_naming_the_field(string body, string named)
    {
        var response = await SendAsync(HttpMethod.Post, $"/v1/library/people/{A}/merge", body);
        await AssertProblem(response, HttpStatusCode.BadRequest, "bad_field");
        Assert.Contains(named, await DetailAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Split_moves_faces_to_a_new_named_person_or_back_to_another()
    {
        var anna = await Json(await SendAsync(HttpMethod.Post, $"/v1/library/people/{A}/split",
            new { faces = new[] { _library.Face("A1"), _library.Face("A2") }, name = "Anna" }));
        Assert.Equal(("Anna", 2), (anna.GetProperty("name").GetString(), anna.GetProperty("faceCount").GetInt32()));
        Assert.Equal(new[] { "A0", "A3" }.Select(_library.Face).Order(), Ids((await PersonAsync(A)).GetProperty("faces"), "faceId"));

        var back = await Json(await SendAsync(HttpMethod.Post, $"/v1/library/people/{anna.GetProperty("id").GetInt64()}/split",
            new { faces = new[] { _library.Face("A2") }, to = A }));
        Assert.Equal((A, 3), (back.GetProperty("id").GetInt64(), back.GetProperty("faceCount").GetInt32()));
    }

    [Fact]
    public async Task Splitting_a_face_that_is_not_the_persons_is_400_and_a_bad_target_400_naming_it()
    {
        await AssertProblem(await SendAsync(HttpMethod.Post, $"/v1/library/people/{A}/split", new { faces = new[] { _library.Face("B1") } }),
            HttpStatusCode.BadRequest, "people_invalid");
        var badTarget = await SendAsync(HttpMethod.Post, $"/v1/library/people/{A}/split", $"{{\"faces\": [{_library.Face("A1")}], \"to\": \"Bob\"}}");
        await AssertProblem(badTarget, HttpStatusCode.BadRequest, "bad_field");
        Assert.Contains("'to'", await DetailAsync(badTarget), StringComparison.Ordinal);
        var badName = await SendAsync(HttpMethod.Post, $"/v1/library/people/{A}/split", $"{{\"faces\": [{_library.Face("A1")}], \"name\": 7}}");
        Assert.Contains("'name'", await DetailAsync(badName), StringComparison.Ordinal);
        Assert.Equal(4, (await PersonAsync(A)).GetProperty("faces").GetArrayLength());
    }

    [Fact]
    public async Task Rejected_faces_leave_the_person_and_stay_out_after_reclustering()
    {
        var kept = await Json(await SendAsync(HttpMethod.Post, $"/v1/library/people/{A}/reject", new { faces = new[] { _library.Face("A3") } }));
        Assert.Equal(3, kept.GetProperty("faceCount").GetInt32());

        var report = await Json(await Client.PostAsync("/v1/library/people/recluster", null));
        Assert.True(report.GetProperty("full").GetBoolean());
        Assert.True(report.GetProperty("people").GetInt32() >= 3);
        Assert.DoesNotContain(_library.Face("A3"), Ids((await PersonAsync(A)).GetProperty("faces"), "faceId"));

        await AssertProblem(await SendAsync(HttpMethod.Post, $"/v1/library/people/{A}/reject", new { faces = new[] { _library.Face("C1") } }),
            HttpStatusCode.BadRequest, "people_invalid");
        await AssertProblem(await SendAsync(HttpMethod.Post, $"/v1/library/people/{A}/reject", "{\"faces\": \"all\"}"), HttpStatusCode.BadRequest, "bad_field");
    }

    [Theory]
    [InlineData("{}", "'hidden'")]
    [InlineData("{\"hidden\": \"yes\"}", "'hidden' must be true or false")]
    [InlineData("{\"hidden\": 1}", "'hidden' must be true or false")]
    public async Task A_hidden_body_that_is_not_a_boolean_is_400(string body, string named)
    {
        var response = await SendAsync(HttpMethod.Put, $"/v1/library/people/{A}/hidden", body);
        await AssertProblem(response, HttpStatusCode.BadRequest, "bad_field");
        Assert.Contains(named, await DetailAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cover_is_one_of_the_persons_faces()
    {
        var cover = await Json(await SendAsync(HttpMethod.Put, $"/v1/library/people/{A}/cover", new { face = _library.Face("A2") }));
        Assert.Equal(_library.Face("A2"), cover.GetProperty("coverFaceId").GetInt64());
        Assert.Equal(_library.Face("A2"), (await PersonAsync(A)).GetProperty("person").GetProperty("coverFaceId").GetInt64());

        await AssertProblem(await SendAsync(HttpMethod.Put, $"/v1/library/people/{A}/cover", new { face = _library.Face("B2") }), HttpStatusCode.BadRequest, "people_invalid");
        var missing = await SendAsync(HttpMethod.Put, $"/v1/library/people/{A}/cover", "{\"faces\": [1]}");
        await AssertProblem(missing, HttpStatusCode.BadRequest, "bad_field");
        Assert.Contains("'face'", await DetailAsync(missing), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suggestions_pair_the_people_who_look_alike_and_never_two_who_share_a_photo()
    {
        var suggestions = await Json(await Client.GetAsync("/v1/library/people/suggestions?limit=5"));
        var pairs = suggestions.EnumerateArray()
            .Select(s => new[] { s.GetProperty("first").GetProperty("id").GetInt64(), s.GetProperty("second").GetProperty("id").GetInt64() }.Order().ToArray())
            .ToList();
        Assert.Contains(pairs, p => p.SequenceEqual(new[] { A, C }.Order()));
        Assert.DoesNotContain(pairs, p => p.SequenceEqual(new[] { A, B }.Order()));
        Assert.InRange(pairs.Count, 1, 5);

        Assert.Single((await Json(await Client.GetAsync("/v1/library/people/suggestions?limit=1"))).EnumerateArray());
    }

    [Theory]
    [InlineData("/v1/library/people/suggestions?limit=0")]
    [InlineData("/v1/library/people/suggestions?limit=1001")]
    [InlineData("/v1/library/faces/unassigned?limit=few")]
    public async Task A_limit_out_of_range_is_422_naming_limit(string path)
    {
        var response = await Client.GetAsync(path);
        await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "bad_parameter");
        Assert.StartsWith("limit", await DetailAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unassigned_faces_are_the_stranger_the_face_without_a_descriptor_and_the_too_poor_face_with_their_status()
    {
        var unassigned = await Json(await Client.GetAsync("/v1/library/faces/unassigned"));
        var faces = unassigned.EnumerateArray().ToDictionary(f => f.GetProperty("faceId").GetInt64(), f => f.GetProperty("status").GetString());
        Assert.Equal("unassigned", faces[_library.Face("S")]);
        Assert.Equal("noDescriptor", faces[_library.Face("N")]);
        Assert.Equal("tooPoor", faces[_library.Face("P")]);
        var poor = unassigned.EnumerateArray().Single(f => f.GetProperty("faceId").GetInt64() == _library.Face("P"));
        Assert.Equal(PeopleLibrary.TooPoorReasons, poor.GetProperty("tooPoor").GetString());
        Assert.False(poor.TryGetProperty("personId", out _));
        Assert.DoesNotContain(_library.Face("B0"), faces.Keys);
        Assert.Equal(2, (await Json(await Client.GetAsync("/v1/library/faces/unassigned?limit=2"))).GetArrayLength());
    }

    [Fact]
    public async Task Assigning_gives_the_stranger_a_new_person_and_the_too_poor_face_to_A_and_they_leave_the_unassigned_list()
    {
        var eve = await Json(await SendAsync(HttpMethod.Post, "/v1/library/faces/assign", new { faces = new[] { _library.Face("S") }, name = "Eve" }));
        Assert.Equal(("Eve", 1, true), (eve.GetProperty("name").GetString(), eve.GetProperty("faceCount").GetInt32(), eve.GetProperty("confirmed").GetBoolean()));
        var a = await Json(await SendAsync(HttpMethod.Post, "/v1/library/faces/assign", new { faces = new[] { _library.Face("P") }, to = A }));
        Assert.Equal((A, 5), (a.GetProperty("id").GetInt64(), a.GetProperty("faceCount").GetInt32()));
        Assert.Contains(_library.Face("P"), Ids((await PersonAsync(A)).GetProperty("faces"), "faceId"));

        var left = (await Json(await Client.GetAsync("/v1/library/faces/unassigned"))).EnumerateArray().Select(f => f.GetProperty("faceId").GetInt64()).ToList();
        Assert.Equal([_library.Face("N")], left);
    }

    [Fact]
    public async Task A_bad_assignment_is_400_or_409_naming_why_and_changes_nothing()
    {
        var both = await SendAsync(HttpMethod.Post, "/v1/library/faces/assign", new { faces = new[] { _library.Face("S") }, to = A, name = "Eve" });
        await AssertProblem(both, HttpStatusCode.BadRequest, "people_invalid");
        Assert.Contains("one of the two", await DetailAsync(both), StringComparison.Ordinal);
        var badFaces = await SendAsync(HttpMethod.Post, "/v1/library/faces/assign", "{\"faces\": \"S\", \"name\": \"Eve\"}");
        await AssertProblem(badFaces, HttpStatusCode.BadRequest, "bad_field");
        Assert.Contains("'faces'", await DetailAsync(badFaces), StringComparison.Ordinal);
        // B shares the group photo with A: A cannot have B's face there too.
        var shared = await SendAsync(HttpMethod.Post, "/v1/library/faces/assign", new { faces = new[] { _library.Face("B0") }, to = A });
        await AssertProblem(shared, HttpStatusCode.Conflict, "people_conflict");
        await AssertProblem(await SendAsync(HttpMethod.Post, "/v1/library/faces/assign", new { faces = new[] { 987654 }, to = A }), HttpStatusCode.NotFound, "people_not_found");

        Assert.Equal(4, (await PersonAsync(A)).GetProperty("faces").GetArrayLength());
        Assert.Equal(3, (await PersonAsync(B)).GetProperty("faces").GetArrayLength());
    }

    [Fact]
    public async Task A_too_poor_faces_thumbnail_is_served_too()
    {
        // P is at the photo's left edge: its crop is shifted right and keeps its size.
        var response = await Client.GetAsync($"/v1/library/faces/{_library.Face("P")}/thumbnail?size=100");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var image = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((100, 100), (image.Width, image.Height));
    }

    [Fact]
    public async Task A_face_thumbnail_is_a_square_jpeg_of_the_face_with_its_margin()
    {
        var response = await Client.GetAsync($"/v1/library/faces/{_library.Face("A1")}/thumbnail");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        using var image = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((160, 160), (image.Width, image.Height));
        // The face is in the middle; the margin around it shows the photo's background.
        AssertNear(PeopleLibrary.FaceColour, image.GetPixel(80, 80));
        AssertNear(PeopleLibrary.Background, image.GetPixel(4, 4));
        AssertNear(PeopleLibrary.Background, image.GetPixel(155, 155));

        var small = await Client.GetAsync($"/v1/library/faces/{_library.Face("A1")}/thumbnail?size=64");
        using var smallImage = SKBitmap.Decode(await small.Content.ReadAsByteArrayAsync());
        Assert.Equal((64, 64), (smallImage.Width, smallImage.Height));
        Assert.NotEqual(response.Headers.ETag, small.Headers.ETag);
    }

    [Fact]
    public async Task A_face_at_the_photos_corner_is_shifted_into_its_thumbnail_not_cut()
    {
        // A2's box starts at (10, 10): the square cannot be centred on it and keeps inside the preview instead.
        var response = await Client.GetAsync($"/v1/library/faces/{_library.Face("A2")}/thumbnail");
        using var image = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((160, 160), (image.Width, image.Height));
        var box = _library.BoxOf("A2");
        // The crop is the preview's top-left square, (1 + 2 x margin) x the face's larger side in the preview's pixels.
        var side = Math.Max(box.Width, box.Height) / 2 * 1.8f;
        float Scale(float original) => original / 2 / side * 160;
        AssertNear(PeopleLibrary.FaceColour, image.GetPixel((int)Scale(box.MidX), (int)Scale(box.MidY)));
        // Centred on the face, this pixel would lie outside the preview (white); shifted, it is inside the face.
        AssertNear(PeopleLibrary.FaceColour, image.GetPixel(20, 20));
        AssertNear(PeopleLibrary.Background, image.GetPixel(130, 130));
        AssertNear(PeopleLibrary.Background, image.GetPixel(140, 40));
    }

    private static void AssertNear(SKColor expected, SKColor actual)
    {
        var distance = Math.Abs(expected.Red - actual.Red) + Math.Abs(expected.Green - actual.Green) + Math.Abs(expected.Blue - actual.Blue);
        Assert.True(distance < 60, $"expected about {expected}, got {actual}");
    }

    [Fact]
    public async Task A_face_thumbnail_is_cached_by_its_etag()
    {
        var path = $"/v1/library/faces/{_library.Face("B1")}/thumbnail";
        var response = await Client.GetAsync(path);
        var etag = response.Headers.ETag;
        Assert.NotNull(etag);
        var caching = response.Headers.CacheControl?.ToString() ?? "";
        Assert.Contains("private", caching, StringComparison.Ordinal);
        Assert.Contains("immutable", caching, StringComparison.Ordinal);

        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(etag);
        var notModified = await Client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        using var stale = new HttpRequestMessage(HttpMethod.Get, path);
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"face-other\""));
        Assert.Equal(HttpStatusCode.OK, (await Client.SendAsync(stale)).StatusCode);

        var other = await Client.GetAsync($"/v1/library/faces/{_library.Face("B2")}/thumbnail");
        Assert.NotEqual(etag, other.Headers.ETag);
    }

    [Fact]
    public async Task An_unknown_face_is_404_and_a_bad_size_422()
    {
        await AssertProblem(await Client.GetAsync("/v1/library/faces/987654/thumbnail"), HttpStatusCode.NotFound, "face_not_found");
        foreach (var size in new[] { "8", "4096", "big" })
        {
            var response = await Client.GetAsync($"/v1/library/faces/{_library.Face("A1")}/thumbnail?size={size}");
            await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "bad_parameter");
            Assert.StartsWith("size", await DetailAsync(response), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_face_whose_preview_is_not_written_is_thumbnail_not_found()
    {
        var hash = _library.Hashes["b1.jpg"];
        await using (var library = await Sightline.Library.PhotoLibrary.OpenAsync(_library.Folder))
            File.Delete(library.Thumbnails.PathOf(hash, Sightline.Library.Thumbnails.ThumbnailSize.Preview));
        await AssertProblem(await Client.GetAsync($"/v1/library/faces/{_library.Face("B1")}/thumbnail"), HttpStatusCode.NotFound, "thumbnail_not_found");
    }
}

/// <summary>A server without --library answers the people endpoints as it answers the other library endpoints; the endpoints and their errors are documented.</summary>
public sealed class NoLibraryPeopleApiTests : IAsyncLifetime
{
    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync(new ServerOptions());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("GET", "/v1/library/people")]
    [InlineData("GET", "/v1/library/people?all=maybe")]
    [InlineData("GET", "/v1/library/people/1")]
    [InlineData("GET", "/v1/library/people/abc")]
    [InlineData("PUT", "/v1/library/people/1/name")]
    [InlineData("POST", "/v1/library/people/1/merge")]
    [InlineData("POST", "/v1/library/people/1/split")]
    [InlineData("POST", "/v1/library/people/1/reject")]
    [InlineData("PUT", "/v1/library/people/1/hidden")]
    [InlineData("PUT", "/v1/library/people/1/cover")]
    [InlineData("GET", "/v1/library/people/suggestions")]
    [InlineData("POST", "/v1/library/people/recluster")]
    [InlineData("GET", "/v1/library/faces/unassigned")]
    [InlineData("POST", "/v1/library/faces/assign")]
    [InlineData("GET", "/v1/library/faces/1/thumbnail")]
    public async Task Every_people_endpoint_is_no_library(string method, string path)
    {
        var response = await _server.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{not json", Encoding.UTF8, "application/json") });
        await AssertProblem(response, HttpStatusCode.NotFound, "no_library");
    }

    [Fact]
    public async Task The_people_endpoints_and_their_errors_are_documented()
    {
        var paths = (await Json(await _server.Client.GetAsync("/openapi/v1.json"))).GetProperty("paths");
        foreach (var path in new[] { "/v1/library/people", "/v1/library/people/{id}", "/v1/library/people/{id}/name", "/v1/library/people/{id}/merge",
                     "/v1/library/people/{id}/split", "/v1/library/people/{id}/reject", "/v1/library/people/{id}/hidden", "/v1/library/people/{id}/cover",
                     "/v1/library/people/suggestions", "/v1/library/people/recluster", "/v1/library/faces/unassigned", "/v1/library/faces/assign", "/v1/library/faces/{id}/thumbnail" })
        {
            Assert.True(paths.TryGetProperty(path, out var operations), $"{path} missing from the OpenAPI document");
            Assert.All(operations.EnumerateObject(), o => Assert.False(string.IsNullOrWhiteSpace(o.Value.GetProperty("summary").GetString()), $"{o.Name} {path} has no summary"));
        }
        var errors = await _server.Client.GetStringAsync("/docs/errors");
        foreach (var code in new[] { "bad_field", "people_invalid", "people_not_found", "face_not_found", "people_conflict" })
            Assert.Contains($"id=\"error-{code}\"", errors, StringComparison.Ordinal);
    }
}
