using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Sightline.Library;
using Sightline.Library.Accounts;
using Sightline.Server.Hosting;
using Sightline.Server.Tests.Api;
using Sightline.Tests.Shared;

namespace Sightline.Server.Tests.Browser;

/// <summary>A library with people (a group photo and a crop of it, so each face is seen twice), an owner and a viewer, served with sign-in required.</summary>
public sealed class SignInLibraryFixture : IAsyncLifetime
{
    public const string OwnerPassword = "owner-password-1";
    public const string ViewerPassword = "viewer-password-1";

    public string Root { get; } = Directory.CreateTempSubdirectory("sightline-photoapp-signin-").FullName;
    public RunningServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var photos = Path.Combine(Root, "photos");
        Directory.CreateDirectory(photos);
        var scene = Path.Combine(TestPaths.Data("faces-bbt"), "images", "bbt2.jpg");
        File.Copy(scene, Path.Combine(photos, "bbt2.jpg"));
        TestVideos.Ffmpeg(["-i", scene, "-vf", "crop=iw*0.8:ih:iw*0.2:0", "-frames:v", "1", Path.Combine(photos, "bbt2-crop.jpg")]);
        var folder = Path.Combine(Root, "library");
        await VideoLibraryFixture.IngestAsync(folder, photos, LibrarySettings.Default with { Tasks = ["faces"] }, async library =>
        {
            var accounts = new AccountService(library.Store.Accounts);
            await accounts.SetAsync("olivia", OwnerPassword, AccountRole.Owner);
            await accounts.SetAsync("victor", ViewerPassword, AccountRole.Viewer);
        });
        Server = await RunningServer.StartAsync(new ServerOptions { Library = folder, SignIn = true });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>The photo app behind sign-in: a stranger sees the sign-in form and no photo, a viewer browses but is offered no edit and is refused one, an owner names a person.</summary>
public sealed class SignInAppTests(SignInLibraryFixture library) : IClassFixture<SignInLibraryFixture>
{
    private const float WaitMs = 20_000;

    private static async Task SignInAsync(IPage page, string name, string password)
    {
        await page.EvaluateAsync("() => document.getElementById('auth').open = true");
        await page.FillAsync("#account-name", name);
        await page.FillAsync("#account-password", password);
        await page.Locator("#sign-in-form button[type=submit]").ClickAsync();
    }

    [Fact]
    public async Task Signing_in_is_required_a_viewer_only_browses_and_an_owner_names_a_person()
    {
        await using var app = await AppBrowser.OpenAsync(library.Server.Address);
        var page = app.Page;
        await page.GotoAsync(new Uri(library.Server.Address, "/photos/").ToString());

        // A stranger: the sign-in form, and no photo.
        await page.Locator("#sign-in-form").WaitForAsync(new() { Timeout = WaitMs });
        Assert.Contains("Sign in", await page.Locator("#problem").TextContentAsync());
        Assert.Equal(0, await page.Locator("#grid .tile").CountAsync());
        Assert.Equal(401, await page.EvaluateAsync<int>("async () => (await fetch('/v1/library/photos')).status"));

        await SignInAsync(page, "victor", "wrong password");
        await page.Locator("#problem:has-text('Wrong account name or password')").WaitForAsync(new() { Timeout = WaitMs });

        // The viewer browses photos and people, and is offered no edit.
        await SignInAsync(page, "victor", SignInLibraryFixture.ViewerPassword);
        await page.Locator("#grid .tile").First.WaitForAsync(new() { Timeout = WaitMs });
        Assert.Equal("victor (viewer)", await page.Locator("#who").TextContentAsync());
        await page.GotoAsync(new Uri(library.Server.Address, "/photos/#people").ToString());
        var card = page.Locator("#people-list .person").First;
        await card.WaitForAsync(new() { Timeout = WaitMs });
        Assert.False(await page.Locator("#merge").IsVisibleAsync(), "the viewer is offered to merge people");
        Assert.False(await card.Locator(".pick").IsVisibleAsync(), "the viewer can select people to merge");
        await card.Locator("a.name").ClickAsync();
        await page.Locator("#view-person:not([hidden])").WaitForAsync(new() { Timeout = WaitMs });
        Assert.False(await page.Locator("#name-form").IsVisibleAsync(), "the viewer is offered to rename the person");
        var personId = long.Parse(page.Url.Split("#person/")[1]);
        // What the page does not offer, the server refuses all the same, token or not.
        var refused = await page.EvaluateAsync<int>($$"""
            async () => (await fetch('/v1/library/people/{{personId}}/name', { method: 'PUT', headers: { 'Content-Type': 'application/json',
              'X-CSRF-Token': sessionStorage.getItem('sightline.csrf') }, body: JSON.stringify({ name: 'Hacked' }) })).status
            """);
        Assert.Equal(403, refused);

        // Signed out: the form again. The owner signs in, is offered the edits, and names the person.
        await page.EvaluateAsync("() => document.getElementById('auth').open = true");
        await page.Locator("#sign-out").ClickAsync();
        await page.Locator("#sign-in-form:not([hidden])").WaitForAsync(new() { Timeout = WaitMs });
        await SignInAsync(page, "olivia", SignInLibraryFixture.OwnerPassword);
        await page.WaitForFunctionAsync("() => document.getElementById('who').textContent === 'olivia (owner)'", null, new() { Timeout = WaitMs });
        await page.GotoAsync(new Uri(library.Server.Address, $"/photos/#person/{personId}").ToString());
        await page.Locator("#name-form").WaitForAsync(new() { Timeout = WaitMs });
        await page.FillAsync("#person-name", "Leonard");
        await page.Locator("#name-form button[type=submit]").ClickAsync();
        await page.Locator("#person-title:has-text('Leonard')").WaitForAsync(new() { Timeout = WaitMs });
        var named = await page.EvaluateAsync<string>($"async () => await (await fetch('/v1/library/people/{personId}')).text()");
        Assert.Contains("\"Leonard\"", named);
        Assert.Empty(app.PageErrors);
    }
}
