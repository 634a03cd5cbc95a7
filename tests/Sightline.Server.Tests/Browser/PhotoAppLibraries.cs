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
/// A library of about fifty shared photos (faces-bbt scenes, expressions and crops, faces-lfw, the photo collection,
/// coco128) and one corrupt file, ingested by the server's own scan (detect, faces, embed), and its server.
/// </summary>
public sealed class SharedPhotoLibraryFixture : IAsyncLifetime
{
    public const string CorruptName = "broken.jpg";

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(8);

    private static IEnumerable<(string From, string As)> Photos()
    {
        var bbt = Path.Combine(TestPaths.Data("faces-bbt"), "images");
        foreach (var scene in new[] { "bbt1", "bbt2", "bbt3", "bbt4", "bbt5" })
            yield return (Path.Combine(bbt, scene + ".jpg"), $"bbt/{scene}.jpg");
        foreach (var emotion in new[] { "angry", "disgusted", "fearful", "happy", "neutral", "sad", "surprised" })
            yield return (Path.Combine(bbt, emotion + ".jpg"), $"bbt/{emotion}.jpg");
        foreach (var person in new[] { "sheldon", "leonard", "penny", "raj" })
            foreach (var file in Directory.GetFiles(Path.Combine(bbt, person)).Order(StringComparer.Ordinal).Take(3))
                yield return (file, $"bbt/{person}/{Path.GetFileName(file)}");
        var lfw = TestPaths.Data("faces-lfw");
        var labels = File.ReadLines(Path.Combine(lfw, "labels.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        foreach (var identity in new[] { "Joschka_Fischer", "Andy_Roddick" })
            foreach (var row in labels.Where(r => r[1] == identity).Take(5))
                yield return (Path.Combine(lfw, row[0]), $"lfw/{Path.GetFileName(row[0])}");
        var collection = TestPaths.Data("photo-collection");
        foreach (var file in new[] { "immich/albums/nature/prairie_falcon.jpg", "immich/albums/nature/tanners_ridge.jpg", "photoprism-examples/beach_sand.jpg",
                     "photoprism-examples/cat_brown.jpg", "photoprism-examples/clowns_colorful.jpg", "photoprism-examples/dog_orange.jpg",
                     "photoprism-examples/IMG_4120.JPG", "photoprism-examples/chameleon_lime.jpg" })
            yield return (Path.Combine(collection, file), $"collection/{Path.GetFileName(file)}");
        var coco = Path.Combine(TestPaths.Data("coco128-train"), "images");
        foreach (var id in new[] { "000000000036", "000000000061", "000000000136", "000000000192", "000000000042", "000000000074", "000000000307", "000000000394" })
            yield return (Path.Combine(coco, id + ".jpg"), $"coco/{id}.jpg");
    }

    public string Root { get; } = Directory.CreateTempSubdirectory("sightline-photoapp-").FullName;
    public string Source => Path.Combine(Root, "photos");
    public string Folder => Path.Combine(Root, "library");
    public RunningServer Server { get; private set; } = null!;
    public int PhotoCount { get; private set; }

    public async Task InitializeAsync()
    {
        foreach (var (from, name) in Photos())
        {
            var to = Path.Combine(Source, name);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to);
            PhotoCount++;
        }
        // A JPEG header and noise: the scan records it as failed with the decoder's reason.
        var header = File.ReadAllBytes(Path.Combine(Source, "coco", "000000000036.jpg")).AsSpan(0, 20).ToArray();
        File.WriteAllBytes(Path.Combine(Source, CorruptName), [.. header, .. Enumerable.Range(0, 4000).Select(i => (byte)(i * 7 % 251))]);
        await using (var library = await PhotoLibrary.InitAsync(Folder, settings: LibrarySettings.Default with { Tasks = ["detect", "faces", "embed"] }))
            await library.AddFoldersAsync([Source]);
        Server = await RunningServer.StartAsync(new ServerOptions { Library = Folder });
        var started = await Server.Client.PostAsync("/v1/library/scan", null);
        started.EnsureSuccessStatusCode();
        using var patience = new CancellationTokenSource(Patience);
        while (true)
        {
            var scan = (await Server.Client.GetFromJsonAsync<JsonElement>("/v1/library/status", patience.Token)).GetProperty("scan");
            if (!scan.GetProperty("running").GetBoolean())
            {
                if (scan.TryGetProperty("error", out var error))
                    throw new InvalidOperationException($"the scan of the shared photos failed: {error}");
                break;
            }
            await Task.Delay(500, patience.Token);
        }
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Root, recursive: true);
    }
}

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
