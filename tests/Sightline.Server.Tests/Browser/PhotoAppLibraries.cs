using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Sightline.Library;
using Sightline.Library.Metadata;
using Sightline.Server.Hosting;
using Sightline.Server.Tests.Api;
using Sightline.Tests.Shared;

namespace Sightline.Server.Tests.Browser;

/// <summary>
/// A library of <see cref="Count"/> photos committed through the store's commit path, with dates spread over some years
/// and no files or thumbnails (the grid shows placeholders), and its server.
/// </summary>
public sealed class GeneratedLibraryFixture : IAsyncLifetime
{
    public const int Count = 10_000;
    private const int Batch = 500;

    public string Root { get; } = Directory.CreateTempSubdirectory("sightline-photoapp-10k-").FullName;
    public RunningServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var folder = Path.Combine(Root, "library");
        await using (var library = await PhotoLibrary.InitAsync(folder, settings: LibrarySettings.Default with { Tasks = [] }))
        {
            var start = new DateTime(2021, 1, 1, 8, 0, 0, DateTimeKind.Unspecified);
            for (var first = 0; first < Count; first += Batch)
            {
                var updates = Enumerable.Range(first, Math.Min(Batch, Count - first)).Select(i =>
                {
                    var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture))));
                    // About nine photos a day, some days none: a timeline of a little over three years.
                    var taken = start.AddMinutes(i * 157.0 + (i % 7) * 13);
                    return new PhotoUpdate(hash, MediaKind.Photo, "jpeg", 100_000 + i, 4000, 3000, new PhotoMetadata { TakenAt = taken, CameraModel = "Generated" }, null, []);
                }).ToList();
                await library.Store.CommitAsync(updates);
            }
        }
        Server = await RunningServer.StartAsync(new ServerOptions { Library = folder });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>Debian's Chromium driven by Playwright, one page at a time, and what the page asked of other hosts.</summary>
public sealed class AppBrowser : IAsyncDisposable
{
    private AppBrowser(IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page)
    {
        Playwright = playwright;
        Browser = browser;
        Context = context;
        Page = page;
    }

    public IPlaywright Playwright { get; }
    public IBrowser Browser { get; }
    public IBrowserContext Context { get; }
    public IPage Page { get; }
    public List<string> External { get; } = [];
    public List<string> PageErrors { get; } = [];

    public static async Task<AppBrowser> OpenAsync(Uri server, int width = 1280, int height = 800, bool phone = false)
    {
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = PageTests.Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            IsMobile = phone,
            HasTouch = phone,
            DeviceScaleFactor = phone ? 2 : 1,
        });
        var page = await context.NewPageAsync();
        var opened = new AppBrowser(playwright, browser, context, page);
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(server.ToString(), StringComparison.Ordinal) && !request.Url.StartsWith("blob:", StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
                opened.External.Add(request.Url);
        };
        page.PageError += (_, error) => opened.PageErrors.Add(error);
        return opened;
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        await Browser.CloseAsync();
        Playwright.Dispose();
    }
}
