using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Sightline.Imaging;
using Sightline.Library;
using Sightline.Library.Metadata;
using Sightline.Library.Scanning;
using Sightline.Library.Thumbnails;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared;

using static Sightline.Server.Tests.Api.ApiAssert;

namespace Sightline.Server.Tests.Api;

/// <summary>One photo of the test library as committed: its id, content hash, file and date taken.</summary>
public sealed record CommittedPhoto(string Name, long Id, string Hash, string Path, MediaKind Kind, DateTime? TakenAt);

/// <summary>
/// A library made through the facade, with photos committed to its store by the test itself (known dates,
/// analyses, faces and files; thumbnails written through its thumbnail store), served by one server.
/// </summary>
public sealed class LibraryServerFixture : IAsyncLifetime
{
    /// <summary>Has its thumbnails but its file was deleted after it was committed.</summary>
    public const string Deleted = "eagle.jpg";

    /// <summary>Committed without thumbnails.</summary>
    public const string Unthumbnailed = "giraffe.jpg";

    public const string Video = "mmtracking_demo.mp4";

    // Two share a date (the order must still be total) and two have none.
    private static readonly (string Name, DateTime? TakenAt)[] Photos =
    [
        ("dog.jpg", new DateTime(2021, 6, 1, 10, 0, 0)),
        ("bus.jpg", new DateTime(2019, 3, 4, 8, 30, 0)),
        ("horses.jpg", new DateTime(2021, 6, 1, 10, 0, 0)),
        ("person.jpg", new DateTime(2015, 12, 24, 18, 0, 0)),
        ("kite.jpg", null),
        (Unthumbnailed, new DateTime(2023, 1, 1, 0, 0, 0)),
        (Deleted, new DateTime(2010, 7, 7, 7, 7, 7)),
        ("chelsea.png", null),
    ];

    public string Root { get; } = Directory.CreateTempSubdirectory("sightline-libapi-").FullName;
    public string LibraryFolder => Path.Combine(Root, "library");
    public string ThumbnailType { get; private set; } = "";
    public IReadOnlyList<CommittedPhoto> Items { get; private set; } = [];
    public RunningServer Server { get; private set; } = null!;

    public CommittedPhoto Item(string name) => Items.Single(i => i.Name == name);

    public async Task InitializeAsync()
    {
        var source = Directory.CreateDirectory(Path.Combine(Root, "photos")).FullName;
        var items = new List<CommittedPhoto>();
        await using (var library = await PhotoLibrary.InitAsync(LibraryFolder))
        {
            ThumbnailType = library.Thumbnails.ContentType;
            var folder = await library.Store.AddFolderAsync(source);
            var files = Photos.Select(p => (p.Name, p.TakenAt, Data: Path.Combine(TestPaths.Data("sanity"), p.Name), Kind: MediaKind.Photo))
                .Append((Name: Video, TakenAt: (DateTime?)new DateTime(2022, 2, 2, 12, 0, 0), Data: Path.Combine(TestPaths.Data("video"), "clips", Video), Kind: MediaKind.Video));
            foreach (var (name, takenAt, data, kind) in files)
            {
                var path = Path.Combine(source, name);
                File.Copy(data, path);
                var bytes = await File.ReadAllBytesAsync(path);
                var hash = ContentHash.Of(bytes);
                var format = Path.GetExtension(name)[1..] switch { "jpg" => "jpeg", var other => other };
                var entry = new FileEntry(path, folder.Id, kind == MediaKind.Video ? FileKind.Video : FileKind.Photo, bytes.Length,
                    File.GetLastWriteTimeUtc(path), hash, null, DateTimeOffset.UtcNow);
                var metadata = new PhotoMetadata { TakenAt = takenAt, TakenAtSource = takenAt is null ? null : MetadataSource.Exif, CameraModel = "Test Camera " + name };
                var thumbnails = kind == MediaKind.Photo && name != Unthumbnailed;
                if (thumbnails)
                {
                    using var image = ImageDecoder.Decode(path, DecodeSize.Within(library.Settings.PreviewThumbnail, library.Settings.PreviewThumbnail));
                    library.Thumbnails.Write(hash, image);
                }
                await library.Store.CommitAsync([new PhotoUpdate(hash, kind, format, bytes.Length, null, null, metadata, entry,
                    AnalysesOf(name), FacesOf(name), ThumbnailsWritten: thumbnails)]);
                var stored = await library.Store.FindByHashAsync(hash) ?? throw new InvalidOperationException($"{name} was not stored");
                items.Add(new CommittedPhoto(name, stored.Id, hash, path, kind, takenAt));
            }
        }
        File.Delete(Path.Combine(source, Deleted));
        Items = items;
        Server = await RunningServer.StartAsync(new ServerOptions { Library = LibraryFolder });
    }

    private static IReadOnlyList<AnalysisRecord> AnalysesOf(string name) => name switch
    {
        "dog.jpg" =>
        [
            new("detect", "yolo-v1", """{"objects":[{"label":"dog","score":0.93},{"label":"bicycle","score":0.88}]}""", DateTimeOffset.UtcNow),
            new("moderate", "nsfwjs-v1", """{"verdict":"safe"}""", DateTimeOffset.UtcNow),
        ],
        "bus.jpg" => [new("detect", "yolo-v1", "{not json", DateTimeOffset.UtcNow)],
        _ => [],
    };

    private static IReadOnlyList<FaceRecord>? FacesOf(string name) => name == "person.jpg"
        ? [new FaceRecord(0, FaceOrigin.Detected, 10, 20, 30, 40, 0.9f, Descriptor: [0.25f, -0.5f, 0.75f], DescriptorModel: "faceres")]
        : null;

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>The /v1/library endpoints on a library whose contents the test knows.</summary>
public sealed class LibraryApiTests(LibraryServerFixture fixture) : IClassFixture<LibraryServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    private async Task<JsonElement> PhotoAsync(string name, string query = "") =>
        await Json(await Client.GetAsync($"/v1/library/photos/{fixture.Item(name).Id}{query}"));

    /// <summary>Every page of a listing, following nextCursor to the end.</summary>
    private async Task<List<List<JsonElement>>> PagesAsync(string query)
    {
        var pages = new List<List<JsonElement>>();
        string? cursor = null;
        do
        {
            var url = $"/v1/library/photos?{query}" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = await Json(await Client.GetAsync(url));
            pages.Add(page.GetProperty("photos").EnumerateArray().Select(p => p.Clone()).ToList());
            cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            Assert.True(pages.Count <= fixture.Items.Count + 1, "the listing does not end");
        }
        while (cursor is not null);
        return pages;
    }

    private static DateTime? TakenAt(JsonElement photo) =>
        photo.TryGetProperty("takenAt", out var taken) && taken.ValueKind == JsonValueKind.String ? taken.GetDateTime() : null;

    [Fact]
    public async Task Status_has_the_library_its_counts_and_no_scan_yet()
    {
        var status = await Json(await Client.GetAsync("/v1/library/status"));
        var library = status.GetProperty("library");
        Assert.Equal(fixture.LibraryFolder, library.GetProperty("folder").GetString());
        Assert.Equal(fixture.Items.Count(i => i.Kind == MediaKind.Photo), library.GetProperty("counts").GetProperty("photos").GetInt64());
        Assert.Equal(1, library.GetProperty("counts").GetProperty("videos").GetInt64());
        Assert.True(library.GetProperty("schemaVersion").GetInt64() > 0);
        Assert.False(status.TryGetProperty("scan", out _));
    }

    [Theory]
    [InlineData("limit=2", "taken-desc")]
    [InlineData("limit=3&order=taken-asc", "taken-asc")]
    [InlineData("limit=1&order=added-desc", "added-desc")]
    [InlineData("limit=500&order=taken-desc", "taken-desc")]
    public async Task Paging_with_cursors_lists_every_item_once_in_its_order(string query, string order)
    {
        var pages = await PagesAsync(query);
        var limit = int.Parse(query.Split('&')[0]["limit=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(pages, p => Assert.InRange(p.Count, 0, limit));
        var photos = pages.SelectMany(p => p).ToList();
        var ids = photos.Select(p => p.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(fixture.Items.Select(i => i.Id).Order(), ids.Order());

        var dates = photos.Select(TakenAt).ToList();
        switch (order)
        {
            case "taken-desc":
                // Newest first, undated after the dated ones.
                var dated = dates.TakeWhile(d => d is not null).Select(d => d!.Value).ToList();
                Assert.All(dates.Skip(dated.Count), d => Assert.Null(d));
                Assert.Equal(dated.OrderDescending(), dated);
                Assert.Equal(fixture.Items.Count(i => i.TakenAt is not null), dated.Count);
                break;
            case "taken-asc":
                var ascending = dates.Where(d => d is not null).Select(d => d!.Value).ToList();
                Assert.Equal(ascending.Order(), ascending);
                break;
            default:
                var added = photos.Select(p => p.GetProperty("addedAt").GetDateTimeOffset()).ToList();
                Assert.Equal(added.OrderDescending(), added);
                break;
        }
    }

    [Fact]
    public async Task Kind_filters_photos_from_videos()
    {
        var videos = (await PagesAsync("kind=video")).SelectMany(p => p).ToList();
        Assert.Equal(fixture.Item(LibraryServerFixture.Video).Id, Assert.Single(videos).GetProperty("id").GetInt64());
        Assert.Equal("video", videos[0].GetProperty("kind").GetString());
        var photos = (await PagesAsync("kind=photo&limit=4")).SelectMany(p => p).ToList();
        Assert.Equal(fixture.Items.Count - 1, photos.Count);
        Assert.All(photos, p => Assert.Equal("photo", p.GetProperty("kind").GetString()));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=many", "limit")]
    [InlineData("order=newest", "order")]
    [InlineData("kind=image", "kind")]
    public async Task Bad_page_parameters_are_422_naming_the_parameter(string query, string parameter)
    {
        var response = await Client.GetAsync($"/v1/library/photos?{query}");
        await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "bad_parameter");
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        Assert.StartsWith(parameter, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cursor_that_no_page_gave_is_422_naming_the_cursor()
    {
        var response = await Client.GetAsync("/v1/library/photos?cursor=not-a-cursor");
        await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "bad_parameter");
        Assert.Contains("cursor", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_photo_comes_with_its_analyses_as_json_objects_its_metadata_and_paths()
    {
        var dog = await PhotoAsync("dog.jpg");
        Assert.Equal(fixture.Item("dog.jpg").Hash, dog.GetProperty("photo").GetProperty("contentHash").GetString());
        Assert.Equal([fixture.Item("dog.jpg").Path], dog.GetProperty("paths").EnumerateArray().Select(p => p.GetString()));
        Assert.True(dog.GetProperty("originalAvailable").GetBoolean());
        Assert.Equal("Test Camera dog.jpg", dog.GetProperty("metadata").GetProperty("cameraModel").GetString());
        var detect = dog.GetProperty("analyses").EnumerateArray().Single(a => a.GetProperty("task").GetString() == "detect");
        Assert.Equal("yolo-v1", detect.GetProperty("version").GetString());
        Assert.Equal(JsonValueKind.Object, detect.GetProperty("result").ValueKind);
        Assert.Equal("dog", detect.GetProperty("result").GetProperty("objects")[0].GetProperty("label").GetString());
        Assert.Equal(2, dog.GetProperty("analyses").GetArrayLength());
    }

    [Fact]
    public async Task A_stored_result_that_is_not_json_is_said_and_the_photo_still_served()
    {
        var bus = await PhotoAsync("bus.jpg");
        var detect = Assert.Single(bus.GetProperty("analyses").EnumerateArray());
        Assert.False(detect.TryGetProperty("result", out _));
        Assert.Contains("not valid JSON", detect.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Face_descriptors_are_left_out_unless_asked_for()
    {
        var face = Assert.Single((await PhotoAsync("person.jpg")).GetProperty("faces").EnumerateArray());
        Assert.Equal(0.9, face.GetProperty("score").GetDouble(), 3);
        Assert.False(face.TryGetProperty("descriptor", out _));
        var withDescriptor = Assert.Single((await PhotoAsync("person.jpg", "?descriptors=true")).GetProperty("faces").EnumerateArray());
        Assert.Equal([0.25f, -0.5f, 0.75f], withDescriptor.GetProperty("descriptor").EnumerateArray().Select(v => v.GetSingle()));
    }

    [Theory]
    [InlineData("999999999")]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-3")]
    public async Task An_unknown_id_is_photo_not_found_on_every_photo_endpoint(string id)
    {
        foreach (var tail in new[] { "", "/thumbnail", "/original" })
            await AssertProblem(await Client.GetAsync($"/v1/library/photos/{id}{tail}"), HttpStatusCode.NotFound, "photo_not_found");
    }

    [Fact]
    public async Task A_thumbnail_is_served_with_its_etag_immutable_and_304_when_unchanged()
    {
        var dog = fixture.Item("dog.jpg");
        var response = await Client.GetAsync($"/v1/library/photos/{dog.Id}/thumbnail");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(fixture.ThumbnailType, response.Content.Headers.ContentType?.MediaType);
        var small = await response.Content.ReadAsByteArrayAsync();
        Assert.NotEmpty(small);
        var etag = response.Headers.ETag;
        Assert.NotNull(etag);
        Assert.Contains(dog.Hash, etag.Tag, StringComparison.Ordinal);
        Assert.Contains("immutable", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);

        using var again = new HttpRequestMessage(HttpMethod.Get, $"/v1/library/photos/{dog.Id}/thumbnail");
        again.Headers.IfNoneMatch.Add(etag);
        var notModified = await Client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        using var stale = new HttpRequestMessage(HttpMethod.Get, $"/v1/library/photos/{dog.Id}/thumbnail");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"another\""));
        Assert.Equal(HttpStatusCode.OK, (await Client.SendAsync(stale)).StatusCode);

        var preview = await Client.GetAsync($"/v1/library/photos/{dog.Id}/thumbnail?size=preview");
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.NotEqual(etag, preview.Headers.ETag);
        Assert.True((await preview.Content.ReadAsByteArrayAsync()).Length > small.Length, "the preview is larger than the grid thumbnail");
    }

    [Fact]
    public async Task A_thumbnail_not_written_yet_is_404_and_a_bad_size_422()
    {
        await AssertProblem(await Client.GetAsync($"/v1/library/photos/{fixture.Item(LibraryServerFixture.Unthumbnailed).Id}/thumbnail"),
            HttpStatusCode.NotFound, "thumbnail_not_found");
        await AssertProblem(await Client.GetAsync($"/v1/library/photos/{fixture.Item("dog.jpg").Id}/thumbnail?size=huge"),
            HttpStatusCode.UnprocessableEntity, "bad_parameter");
    }

    [Theory]
    [InlineData("dog.jpg", "image/jpeg")]
    [InlineData("chelsea.png", "image/png")]
    [InlineData(LibraryServerFixture.Video, "video/mp4")]
    public async Task The_original_is_the_file_with_the_type_of_its_format(string name, string type)
    {
        var item = fixture.Item(name);
        var response = await Client.GetAsync($"/v1/library/photos/{item.Id}/original");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        Assert.Equal(await File.ReadAllBytesAsync(item.Path), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_original_answers_range_requests()
    {
        var item = fixture.Item(LibraryServerFixture.Video);
        var bytes = await File.ReadAllBytesAsync(item.Path);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/library/photos/{item.Id}/original");
        request.Headers.Range = new RangeHeaderValue(1000, 1099);
        var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(new ContentRangeHeaderValue(1000, 1099, bytes.Length), response.Content.Headers.ContentRange);
        Assert.Equal(bytes[1000..1100], await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("bytes", response.Headers.AcceptRanges);
    }

    [Fact]
    public async Task A_photo_whose_file_was_deleted_is_offline_but_its_detail_and_thumbnail_are_served()
    {
        var eagle = fixture.Item(LibraryServerFixture.Deleted);
        await AssertProblem(await Client.GetAsync($"/v1/library/photos/{eagle.Id}/original"), HttpStatusCode.NotFound, "photo_offline");
        var detail = await PhotoAsync(LibraryServerFixture.Deleted);
        Assert.False(detail.GetProperty("originalAvailable").GetBoolean());
        Assert.Equal([eagle.Path], detail.GetProperty("paths").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync($"/v1/library/photos/{eagle.Id}/thumbnail")).StatusCode);
    }

    [Theory]
    [InlineData("/v1/library/photos/..%2F..%2F..%2F..%2Fetc%2Fpasswd/original")]
    [InlineData("/v1/library/photos/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd/original")]
    [InlineData("/v1/library/photos/%2e%2e/original")]
    [InlineData("/v1/library/photos/../../../../etc/passwd")]
    [InlineData("/v1/library/photos/../../../../etc/passwd/original")]
    [InlineData("/v1/library/photos/%2Fetc%2Fpasswd/original")]
    [InlineData("/v1/library/photos/1/original/..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/v1/library/photos/1%00/original")]
    public async Task Traversal_attempts_read_no_file(string rawPath)
    {
        // Sent as written: the client must not resolve the dot segments itself.
        var uri = new Uri(fixture.Server.Address.GetLeftPart(UriPartial.Authority) + rawPath, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, uri));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.DoesNotContain("root:", body, StringComparison.Ordinal);
        Assert.NotEqual("image/jpeg", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_path_in_the_query_is_ignored_and_a_path_as_the_id_names_no_photo()
    {
        var dog = fixture.Item("dog.jpg");
        var response = await Client.GetAsync($"/v1/library/photos/{dog.Id}/original?path=%2Fetc%2Fpasswd");
        Assert.Equal(await File.ReadAllBytesAsync(dog.Path), await response.Content.ReadAsByteArrayAsync());
        await AssertProblem(await Client.GetAsync($"/v1/library/photos/{Uri.EscapeDataString(dog.Path)}/original"), HttpStatusCode.NotFound, "photo_not_found");
    }
}

/// <summary>A server started without --library answers every library endpoint with how to start one.</summary>
public sealed class NoLibraryApiTests : IAsyncLifetime
{
    private RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync(new ServerOptions());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("GET", "/v1/library/status")]
    [InlineData("GET", "/v1/library/photos")]
    [InlineData("GET", "/v1/library/photos/1")]
    [InlineData("GET", "/v1/library/photos/1/thumbnail")]
    [InlineData("GET", "/v1/library/photos/1/original")]
    [InlineData("GET", "/v1/library/photos/abc/original")]
    [InlineData("GET", "/v1/library/photos?limit=0")]
    [InlineData("POST", "/v1/library/scan")]
    public async Task Every_library_endpoint_is_no_library(string method, string path)
    {
        var response = await _server.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await AssertProblem(response, HttpStatusCode.NotFound, "no_library");
        Assert.Contains("--library", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_library_endpoints_and_their_errors_are_documented_without_a_library_too()
    {
        var paths = (await Json(await _server.Client.GetAsync("/openapi/v1.json"))).GetProperty("paths");
        foreach (var path in new[] { "/v1/library/status", "/v1/library/photos", "/v1/library/photos/{id}", "/v1/library/photos/{id}/thumbnail",
                     "/v1/library/photos/{id}/original", "/v1/library/scan" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from the OpenAPI document");
        var errors = await _server.Client.GetStringAsync("/docs/errors");
        foreach (var code in new[] { "no_library", "photo_not_found", "thumbnail_not_found", "photo_offline", "scan_running", "library_unavailable" })
            Assert.Contains($"id=\"error-{code}\"", errors, StringComparison.Ordinal);
    }
}
