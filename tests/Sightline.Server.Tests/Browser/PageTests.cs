using Microsoft.Playwright;
using Sightline.Server.Hosting;
using Sightline.Server.Tests.Api;
using Sightline.Tests.Shared;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Similarity;

namespace Sightline.Server.Tests.Browser;

/// <summary>The web page in a real browser: Debian's Chromium driven by Playwright.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class PageTests(PretrainedModels models) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-page-").FullName;
    private RunningServer _server = null!;

    public static string Chromium =>
        new[] { Environment.GetEnvironmentVariable("SIGHTLINE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p))
        ?? throw new FileNotFoundException("Chromium is not installed: run ./test.sh (it installs Debian's chromium) or set SIGHTLINE_CHROMIUM");

    /// <summary>Where screenshots are kept as test artefacts.</summary>
    public static string ArtefactDirectory => Directory.CreateDirectory(Path.Combine(TestPaths.RepoRoot, "artifacts", "screenshots")).FullName;

    public async Task InitializeAsync()
    {
        var embedder = Embedders.Create(models.Get(Embedders.DefaultModel), models.Engine);
        var flowers = TestPaths.Data("flowers-5");
        var indexPath = Path.Combine(_dir, "flowers.index");
        using (var index = SimilarityIndex.OpenOrCreate(indexPath, embedder))
            index.Update(Path.Combine(flowers, "roses"), embedder);
        _server = await RunningServer.StartAsync(new ServerOptions { Indexes = new Dictionary<string, string> { ["roses"] = indexPath } });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Upload_an_image_run_similarity_and_see_results_and_json()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var external = new List<string>();
        page.Request += (_, request) => { if (!request.Url.StartsWith(_server.Address.ToString(), StringComparison.Ordinal) && !request.Url.StartsWith("blob:", StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal)) external.Add(request.Url); };
        await page.GotoAsync(_server.Address.ToString());

        await page.Locator("input[value=similar]").WaitForAsync();
        var query = Directory.GetFiles(Path.Combine(TestPaths.Data("flowers-5"), "roses")).Order().First();
        await page.SetInputFilesAsync("#file", query);
        await page.Locator("#run:not([disabled])").WaitForAsync();
        await page.ClickAsync("#run");
        await page.Locator("#status", new PageLocatorOptions { HasText = "Done." }).WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });

        var rows = await page.Locator("#results table tr").CountAsync();
        Assert.True(rows >= 2, $"expected result rows, found {rows}");
        Assert.Contains(Path.GetFileName(query), await page.Locator("#results").InnerTextAsync());
        var json = await page.Locator("#json").TextContentAsync();
        Assert.Contains("\"matches\"", json);
        var canvasWidth = await page.EvaluateAsync<int>("document.getElementById('canvas').width");
        Assert.True(canvasWidth > 100, "the uploaded image is drawn on the canvas");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtefactDirectory, "page-similar.png"), FullPage = true });
        Assert.Empty(external);
    }
}
