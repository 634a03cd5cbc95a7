using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sightline.Library;
using Sightline.Library.Accounts;
using Sightline.Library.Scanning;
using Sightline.Server.Hosting;
using Sightline.Server.Security;
using Sightline.Server.Tests.Api;

namespace Sightline.Server.Tests.Security;

/// <summary>A library with an owner and a viewer account, served with sign-in required.</summary>
public sealed class AccountsLibraryFixture : IAsyncLifetime
{
    public const string OwnerPassword = "owner-password-1";
    public const string ViewerPassword = "viewer-password-1";

    public string Root { get; } = Directory.CreateTempSubdirectory("sightline-access-").FullName;
    public string Folder => Path.Combine(Root, "library");

    public async Task InitializeAsync()
    {
        await using var library = await PhotoLibrary.InitAsync(Folder, settings: LibrarySettings.Default with { Tasks = [] });
        var accounts = new AccountService(library.Store.Accounts);
        await accounts.SetAsync("olivia", OwnerPassword, AccountRole.Owner);
        await accounts.SetAsync("victor", ViewerPassword, AccountRole.Viewer);
    }

    public Task<RunningServer> ServeAsync(ServerOptions? options = null) =>
        RunningServer.StartAsync((options ?? new ServerOptions()) with { Library = Folder, SignIn = true });

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class AccessTests(AccountsLibraryFixture library) : IClassFixture<AccountsLibraryFixture>
{
    private static async Task<string> CodeOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString()!;

    private static async Task<string> SignInAsync(HttpClient client, string name, string password)
    {
        var response = await client.PostAsJsonAsync("/v1/auth/login", new { name, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var session = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(session.GetProperty("signedIn").GetBoolean());
        return session.GetProperty("csrfToken").GetString()!;
    }

    private static HttpRequestMessage Post(string path, string? csrf) =>
        new(HttpMethod.Post, path) { Headers = { { AccessRules.CsrfHeader, csrf ?? "" } } };

    [Fact]
    public async Task A_stranger_gets_the_app_page_but_no_photos_and_is_told_to_sign_in()
    {
        await using var server = await library.ServeAsync();
        var status = await server.Client.GetAsync("/v1/library/status");
        Assert.Equal(HttpStatusCode.Unauthorized, status.StatusCode);
        Assert.Equal("sign_in_required", await CodeOf(status));
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.GetAsync("/v1/library/photos/1/original")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.GetAsync("/v1/library/photos/1/thumbnail")).StatusCode);
        var me = JsonDocument.Parse(await server.Client.GetStringAsync("/v1/auth/me")).RootElement;
        Assert.False(me.GetProperty("signedIn").GetBoolean());
        Assert.True(me.GetProperty("signInRequired").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/photos/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_name_are_refused_alike_and_the_owner_gets_in()
    {
        await using var server = await library.ServeAsync();
        foreach (var (name, password) in new[] { ("olivia", "not-her-password"), ("nobody", AccountsLibraryFixture.OwnerPassword) })
        {
            var refused = await server.Client.PostAsJsonAsync("/v1/auth/login", new { name, password });
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("sign_in_failed", await CodeOf(refused));
        }
        var malformed = await server.Client.PostAsync("/v1/auth/login", new StringContent("name=olivia", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        var response = await server.Client.PostAsJsonAsync("/v1/auth/login", new { name = "olivia", password = AccountsLibraryFixture.OwnerPassword });
        var cookie = string.Join(";", response.Headers.GetValues("Set-Cookie"));
        Assert.Contains(AccessRules.SessionCookie, cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var csrf = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("csrfToken").GetString();
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/v1/library/status")).StatusCode);

        // A state-changing call needs the session's token: without it, or with another, it is refused.
        var noToken = await server.Client.PostAsync("/v1/library/scan", null);
        Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
        Assert.Equal("csrf_token_invalid", await CodeOf(noToken));
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Client.SendAsync(Post("/v1/library/scan", csrf + "x"))).StatusCode);
        var scan = await server.Client.SendAsync(Post("/v1/library/scan", csrf));
        Assert.True(scan.IsSuccessStatusCode, $"the owner's scan: {(int)scan.StatusCode} {await scan.Content.ReadAsStringAsync()}");

        // Signed out, the session is gone.
        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.PostAsync("/v1/auth/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.GetAsync("/v1/library/status")).StatusCode);
    }

    [Fact]
    public async Task A_viewer_browses_but_cannot_change_the_library_or_its_people()
    {
        await using var server = await library.ServeAsync();
        var csrf = await SignInAsync(server.Client, "victor", AccountsLibraryFixture.ViewerPassword);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/v1/library/status")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/v1/library/people")).StatusCode);
        foreach (var path in new[] { "/v1/library/scan", "/v1/library/people/merge", "/v1/library/people/1/name" })
        {
            var refused = await server.Client.SendAsync(Post(path, csrf));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("forbidden", problem.GetProperty("code").GetString());
            Assert.Equal("Forbidden", problem.GetProperty("title").GetString());
            // The answer names its request, as the response header does (and the server's log line).
            Assert.Equal(refused.Headers.GetValues("X-Request-Id").Single(), problem.GetProperty("requestId").GetString());
        }
    }

    [Fact]
    public async Task A_removed_account_loses_its_session_at_its_next_request()
    {
        await using var server = await library.ServeAsync();
        await using (var opened = await PhotoLibrary.OpenAsync(library.Folder))
            await new AccountService(opened.Store.Accounts).SetAsync("walter", "walter-password", AccountRole.Viewer);
        await SignInAsync(server.Client, "walter", "walter-password");
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/v1/library/status")).StatusCode);
        await using (var opened = await PhotoLibrary.OpenAsync(library.Folder))
            Assert.True(await opened.Store.Accounts.RemoveAccountAsync("walter"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.GetAsync("/v1/library/status")).StatusCode);
    }

    [Fact]
    public async Task An_api_key_still_lets_a_program_in_without_a_session()
    {
        await using var server = await library.ServeAsync(new ServerOptions { ApiKeys = ["program-key"] });
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.GetAsync("/v1/library/status")).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/library/scan") { Headers = { { SightlineServer.ApiKeyHeader, "program-key" } } };
        Assert.True((await server.Client.SendAsync(request)).IsSuccessStatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/v1/library/status") { Headers = { { SightlineServer.ApiKeyHeader, "program-kez" } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.SendAsync(wrong)).StatusCode);
    }

    [Fact]
    public async Task Sign_in_attempts_are_limited_per_address()
    {
        await using var server = await library.ServeAsync(new ServerOptions { SignInAttemptsPerMinute = 3 });
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.PostAsJsonAsync("/v1/auth/login", new { name = "olivia", password = $"guess-{i}" })).StatusCode);
        var limited = await server.Client.PostAsJsonAsync("/v1/auth/login", new { name = "olivia", password = AccountsLibraryFixture.OwnerPassword });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("too_many_sign_ins", await CodeOf(limited));
        Assert.True(limited.Headers.RetryAfter is not null);
    }

    [Fact]
    public async Task A_file_swapped_for_a_link_to_something_else_after_the_scan_is_not_served()
    {
        var root = Directory.CreateTempSubdirectory("sightline-swap-").FullName;
        try
        {
            var source = Directory.CreateDirectory(Path.Combine(root, "photos")).FullName;
            var folder = Path.Combine(root, "library");
            var ids = new Dictionary<string, long>();
            await using (var opened = await PhotoLibrary.InitAsync(folder, settings: LibrarySettings.Default with { Tasks = [] }))
            {
                var registered = await opened.Store.AddFolderAsync(source);
                foreach (var name in new[] { "dog.jpg", "bus.jpg", "eagle.jpg" })
                {
                    var path = Path.Combine(source, name);
                    File.Copy(Path.Combine(Sightline.Tests.Shared.TestPaths.Data("sanity"), name), path);
                    var bytes = await File.ReadAllBytesAsync(path);
                    var hash = ContentHash.Of(bytes);
                    var entry = new FileEntry(path, registered.Id, FileKind.Photo, bytes.Length, File.GetLastWriteTimeUtc(path), hash, null, DateTimeOffset.UtcNow);
                    await opened.Store.CommitAsync([new PhotoUpdate(hash, MediaKind.Photo, "jpeg", bytes.Length, null, null, Sightline.Library.Metadata.PhotoMetadata.Empty, entry, [])]);
                    ids[name] = (await opened.Store.FindByHashAsync(hash))!.Id;
                }
            }
            await using var server = await RunningServer.StartAsync(new ServerOptions { Library = folder });
            Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync($"/v1/library/photos/{ids["dog.jpg"]}/original")).StatusCode);

            // A link to a file outside the library (a secret of the same length, even), and one to another photo.
            var secret = Path.Combine(root, "secret.txt");
            var length = new FileInfo(Path.Combine(source, "dog.jpg")).Length;
            await File.WriteAllTextAsync(secret, "root:x:0:0:" + new string('s', (int)length - 11));
            Assert.Equal(length, new FileInfo(secret).Length);
            File.Delete(Path.Combine(source, "dog.jpg"));
            File.CreateSymbolicLink(Path.Combine(source, "dog.jpg"), secret);
            var other = Path.Combine(root, "kite.jpg");
            File.Copy(Path.Combine(Sightline.Tests.Shared.TestPaths.Data("sanity"), "kite.jpg"), other);
            File.Delete(Path.Combine(source, "bus.jpg"));
            File.CreateSymbolicLink(Path.Combine(source, "bus.jpg"), other);
            // And one to the very same photo, kept outside the source folder: same bytes, still not the library's file.
            var copy = Path.Combine(root, "eagle-copy.jpg");
            File.Copy(Path.Combine(source, "eagle.jpg"), copy);
            File.Delete(Path.Combine(source, "eagle.jpg"));
            File.CreateSymbolicLink(Path.Combine(source, "eagle.jpg"), copy);

            foreach (var name in ids.Keys)
            {
                var response = await server.Client.GetAsync($"/v1/library/photos/{ids[name]}/original");
                var body = await response.Content.ReadAsStringAsync();
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                Assert.Equal("photo_offline", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
                Assert.Contains("holds another file since the last scan", body);
                Assert.DoesNotContain("root:", body);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://127.0.0.1:5080;http://[::1]:5080", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://192.168.1.20:5080", false)]
    [InlineData("http://127.0.0.1:5080;http://0.0.0.0:5081", false)]
    public void Loopback_addresses_are_told_apart_from_those_beyond(string urls, bool loopback) =>
        Assert.Equal(loopback, AccessRules.AllLoopback(urls));

    [Fact]
    public async Task Serving_beyond_loopback_without_a_way_to_sign_in_is_refused_with_what_to_do()
    {
        Task<int> None(CancellationToken _) => Task.FromResult(0);
        Task<int> One(CancellationToken _) => Task.FromResult(1);
        var open = new ServerOptions { Urls = "http://0.0.0.0:5080" };
        Assert.Contains("--api-key", await AccessRules.ProblemAsync(open, None, default));
        Assert.Contains("accounts add", await AccessRules.ProblemAsync(open with { Library = "/lib" }, None, default));
        Assert.Null(await AccessRules.ProblemAsync(open with { Library = "/lib" }, One, default));
        Assert.Null(await AccessRules.ProblemAsync(open with { ApiKeys = ["k"] }, None, default));
        Assert.Null(await AccessRules.ProblemAsync(new ServerOptions(), None, default));
    }
}
