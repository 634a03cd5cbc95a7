using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Sightline.Server.Hosting;

namespace Sightline.Bench;

/// <summary>
/// Time to the first grid paint of the photo app: a server on a library, Debian's Chromium driven by Playwright (as
/// the browser tests drive it), a fresh browser context per run (nothing cached), and the time from navigation to the
/// first thumbnail of the Photos grid painted: the first image of the page loaded, then two animation frames (the frame
/// that shows it has been drawn). The peer in the same run is the browser opening that first thumbnail's own address:
/// what the image alone costs, without the app.
/// </summary>
public static class GridPaintBenchmark
{
    /// <summary>Installed before any script of the page: notes when the first image has loaded and been painted (milliseconds since navigation).</summary>
    private const string FirstImageScript = """
        window.__firstThumbnail = null;
        document.addEventListener('load', e => {
          const img = e.target;
          if (window.__firstThumbnail !== null || !(img instanceof HTMLImageElement) || img.naturalWidth === 0) return;
          window.__firstThumbnail = { src: img.currentSrc || img.src, loaded: performance.now(), painted: null };
          requestAnimationFrame(() => requestAnimationFrame(() => { window.__firstThumbnail.painted = performance.now(); }));
        }, true);
        """;

    public sealed record RunResult(double FirstThumbnailMs, double DomContentLoadedMs, string Thumbnail, double ThumbnailAloneMs);

    public static async Task<int> RunAsync(string[] args)
    {
        var folder = BenchHarness.Option(args, "--library")
            ?? throw new BenchOptionException("--library: name a library with photos (./sightline library samples photos.library makes one)");
        if (!File.Exists(Path.Combine(folder, "library.json")))
            throw new BenchOptionException($"--library: {folder} holds no library (./sightline library samples {folder} makes one)");
        var runs = BenchHarness.IntOption(args, "--runs", 7);
        var path = BenchHarness.Option(args, "--path") ?? "/photos/";
        var chromium = new[] { Environment.GetEnvironmentVariable("SIGHTLINE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p))
            ?? throw new BenchOptionException("Chromium is not installed: run ./test.sh (it installs Debian's chromium) or set SIGHTLINE_CHROMIUM");
        Console.WriteLine($"grid-paint benchmark: the photo app at {path} on the library {Path.GetFullPath(folder)}, Chromium {chromium}, 1280x900; {BenchHarness.Machine()}");
        Console.WriteLine($"command: {BenchHarness.CommandLine(args)}");

        await using var app = SightlineServer.Build(new ServerOptions { Library = Path.GetFullPath(folder), Urls = "http://127.0.0.1:0" },
            logging => logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var results = new List<RunResult>();
        // The first run warms the server (the library opened, its first page read); it is reported on its own.
        for (var i = 0; i <= runs; i++)
            results.Add(await MeasureAsync(browser, new Uri(address, path)));
        await app.StopAsync();

        var timed = results.Skip(1).ToList();
        double Median(Func<RunResult, double> value) => BenchHarness.Median(timed.Select(value).ToArray());
        Console.WriteLine();
        Console.WriteLine("| measure | median of " + runs + " runs | first run (server just started) |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine($"| navigation to the first grid thumbnail painted | **{Median(r => r.FirstThumbnailMs):0} ms** | {results[0].FirstThumbnailMs:0} ms |");
        Console.WriteLine($"| navigation to DOMContentLoaded | {Median(r => r.DomContentLoadedMs):0} ms | {results[0].DomContentLoadedMs:0} ms |");
        Console.WriteLine($"| peer: that thumbnail opened alone (load event) | {Median(r => r.ThumbnailAloneMs):0} ms | {results[0].ThumbnailAloneMs:0} ms |");
        Console.WriteLine($"| app / thumbnail alone | {Median(r => r.FirstThumbnailMs) / Math.Max(0.1, Median(r => r.ThumbnailAloneMs)):0.0}x | |");
        Console.WriteLine();
        Console.WriteLine($"first thumbnail: {results[^1].Thumbnail}");
        BenchHarness.WriteJson(BenchHarness.Option(args, "--json"), new { path, runs, results });
        return 0;
    }

    private static async Task<RunResult> MeasureAsync(IBrowser browser, Uri url)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await context.AddInitScriptAsync(FirstImageScript);
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(url.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        if (response is null || !response.Ok)
            throw new BenchOptionException($"--path: {url} answered HTTP {response?.Status.ToString(CultureInfo.InvariantCulture) ?? "nothing"}: is the photo app in this build?");
        try
        {
            await page.WaitForFunctionAsync("() => window.__firstThumbnail && window.__firstThumbnail.painted !== null", null,
                new PageWaitForFunctionOptions { Timeout = 60_000, PollingInterval = 10 });
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"{url} painted no image within 60 s: does the library have photos with thumbnails?");
        }
        var painted = await page.EvaluateAsync<double>("() => window.__firstThumbnail.painted");
        var thumbnail = await page.EvaluateAsync<string>("() => window.__firstThumbnail.src");
        var domReady = await page.EvaluateAsync<double>("() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd");

        // The peer in a context of its own, so that the thumbnail is not already in the browser's cache.
        if (!thumbnail.StartsWith("http", StringComparison.Ordinal))
            return new RunResult(painted, domReady, thumbnail, double.NaN);
        await using var fresh = await browser.NewContextAsync();
        var alone = await fresh.NewPageAsync();
        await alone.GotoAsync(thumbnail, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        var aloneMs = await alone.EvaluateAsync<double>("() => performance.getEntriesByType('navigation')[0].loadEventEnd");
        return new RunResult(painted, domReady, thumbnail, aloneMs);
    }
}
