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

    private async Task<(IPlaywright Playwright, IBrowser Browser, IPage Page, List<string> External)> OpenAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
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
        return (playwright, browser, page, external);
    }

    [Fact]
    public async Task Upload_the_bus_photo_run_detection_and_see_the_boxes_drawn()
    {
        var (playwright, browser, page, external) = await OpenAsync();
        using (playwright)
        await using (browser)
        {
            await page.SetInputFilesAsync("#file", Path.Combine(TestPaths.Data("sanity"), "bus.jpg"));
            await page.Locator("#run:not([disabled])").WaitForAsync();
            await page.CheckAsync("input[value=detect]");
            await page.UncheckAsync("input[value=similar]");
            await page.FillAsync("input[name=minScore]", "0.2");
            await page.ClickAsync("#run");
            await page.Locator("#status", new PageLocatorOptions { HasText = "Done." }).WaitForAsync(new LocatorWaitForOptions { Timeout = 120_000 });

            var json = System.Text.Json.JsonDocument.Parse(await page.Locator("#json").TextContentAsync() ?? "{}").RootElement;
            var detections = json.GetProperty("detect").GetProperty("detections").EnumerateArray().ToList();
            Assert.True(detections.Count(d => d.GetProperty("className").GetString() == "person") >= 4);
            var drawn = int.Parse(await page.Locator("#canvas").GetAttributeAsync("data-drawn") ?? "0");
            Assert.Equal(detections.Count, drawn);
            // The first box's left edge really is drawn on the canvas, in its class colour.
            var box = detections[0].GetProperty("box");
            var script = $$"""
                (() => {
                  const probe = document.createElement('canvas').getContext('2d');
                  probe.fillStyle = colorFor({{System.Text.Json.JsonSerializer.Serialize(detections[0].GetProperty("className").GetString())}});
                  const hex = probe.fillStyle, want = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
                  const x = Math.round({{box.GetProperty("x").GetDouble()}}), y = Math.round({{box.GetProperty("y").GetDouble()}}), h = Math.round({{box.GetProperty("height").GetDouble()}});
                  const data = document.getElementById('canvas').getContext('2d').getImageData(x, y, 1, h).data;
                  let hits = 0;
                  for (let i = 0; i < h; i++) if (want.every((v, k) => Math.abs(data[4 * i + k] - v) <= 12)) hits++;
                  return hits / h;
                })()
                """;
            var share = await page.EvaluateAsync<double>(script);
            Assert.True(share > 0.5, $"only {share:P0} of the box edge has the class colour");
            Assert.Contains("person", await page.Locator("#results").InnerTextAsync());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtefactDirectory, "page-detect.png"), FullPage = true });
            Assert.Empty(external);
        }
    }

    [Fact]
    public async Task Upload_an_image_run_similarity_and_see_results_and_json()
    {
        var (playwright, browser, page, external) = await OpenAsync();
        using var disposePlaywright = playwright;
        await using var disposeBrowser = browser;
        await page.CheckAsync("input[value=similar]");
        await page.UncheckAsync("input[value=detect]");
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
