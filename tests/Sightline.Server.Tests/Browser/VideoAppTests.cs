using Microsoft.Playwright;
using Sightline.Inference.Sessions;
using Sightline.Library;
using Sightline.Models.Cache;
using Sightline.Server.Hosting;
using Sightline.Server.Tests.Api;
using Sightline.Tests.Shared;
using Sightline.Vision.Pipeline;

namespace Sightline.Server.Tests.Browser;

/// <summary>A library holding one video made in the test (black, then a group photo panning) and the photo, ingested with detect and faces, and its server.</summary>
public sealed class VideoLibraryFixture : IAsyncLifetime
{
    /// <summary>When the people of the video come into view: after the black.</summary>
    public const double PeopleFrom = 2;

    public string Root { get; } = Directory.CreateTempSubdirectory("sightline-photoapp-video-").FullName;
    public RunningServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var photos = Path.Combine(Root, "photos");
        Directory.CreateDirectory(photos);
        var scene = Path.Combine(TestPaths.Data("faces-bbt"), "images", "bbt2.jpg");
        File.Copy(scene, Path.Combine(photos, "bbt2.jpg"));
        TestVideos.Ffmpeg(["-f", "lavfi", "-i", $"color=black:s=960x890:r=10:d={PeopleFrom}", "-loop", "1", "-t", "4", "-r", "10", "-i", scene,
            "-filter_complex", "[1:v]scale=1280:-2,crop=960:ih:'t*40':0,scale=960:890,setsar=1[pan];[0:v][pan]concat=n=2:v=1[out]", "-map", "[out]",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", Path.Combine(photos, "pan.mp4")]);
        var folder = Path.Combine(Root, "library");
        await IngestAsync(folder, photos, LibrarySettings.Default with { Tasks = ["detect", "faces"] });
        Server = await RunningServer.StartAsync(new ServerOptions { Library = folder });
    }

    /// <summary>A new library in <paramref name="folder"/> that has ingested <paramref name="photos"/> on the real models; <paramref name="then"/> runs on it before it closes.</summary>
    internal static async Task IngestAsync(string folder, string photos, LibrarySettings settings, Func<PhotoLibrary, Task>? then = null)
    {
        using var engine = new InferenceEngine(new EngineOptions().ForConcurrentRuns());
        await using var context = TaskContext.Create(new ModelStore(), engine);
        await using var library = await PhotoLibrary.InitAsync(folder, settings: settings);
        await library.AddFoldersAsync([photos]);
        await library.ScanAsync(context);
        if (then is not null)
            await then(library);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>A video found by the people it shows opens in the photo view playing from when they are first seen; its times seek it.</summary>
public sealed class VideoAppTests(VideoLibraryFixture library) : IClassFixture<VideoLibraryFixture>
{
    private const float WaitMs = 20_000;

    [Fact]
    public async Task A_video_found_by_an_object_plays_from_when_it_is_seen_and_its_times_seek_it()
    {
        await using var app = await AppBrowser.OpenAsync(library.Server.Address);
        var page = app.Page;
        await page.GotoAsync(new Uri(library.Server.Address, "/photos/#photos?q=object:person").ToString());
        var tile = page.Locator("#grid .tile.video");
        await tile.WaitForAsync(new() { Timeout = WaitMs });
        // The tile says when: the first moment, after the black.
        Assert.Equal("0:02", await tile.Locator(".moment").TextContentAsync());
        await tile.ClickAsync();
        try
        {
            await page.Locator("#viewer[data-state=shown]").WaitForAsync(new() { Timeout = WaitMs });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the video did not open: {string.Join("; ", app.PageErrors)}");
        }
        var video = page.Locator("#viewer-video");
        Assert.True(await video.IsVisibleAsync(), "the video element is hidden");
        Assert.False(await page.Locator("#viewer-img").IsVisibleAsync(), "the poster image shows over the video");
        // The boxes are of the poster frame and of other frames: none is drawn over the playing video.
        Assert.False(await page.Locator("#overlay").IsVisibleAsync(), "boxes are drawn over the video");
        await page.WaitForFunctionAsync("() => document.getElementById('viewer-video').readyState >= 1 && document.getElementById('viewer-video').currentTime > 0",
            null, new() { Timeout = WaitMs });
        var at = await video.EvaluateAsync<double>("v => v.currentTime");
        Assert.InRange(at, VideoLibraryFixture.PeopleFrom, VideoLibraryFixture.PeopleFrom + 0.6);

        // The details list when each object and face is seen; a time plays the video from there.
        var meta = await page.Locator("#meta").TextContentAsync() ?? "";
        Assert.Contains("Duration", meta);
        Assert.Contains("Seen", meta);
        var seeks = page.Locator("#meta a.seek");
        Assert.True(await seeks.CountAsync() >= 2, "no times to seek to");
        // Overlapping tracks of one class read as one time.
        var objects = await page.Locator("#meta dd").Nth(await page.Locator("#meta dt").AllTextContentsAsync() is var terms ? terms.ToList().IndexOf("Objects") : -1).Locator("a.seek").CountAsync();
        Assert.True(objects <= 4, $"{objects} times listed for the objects of one 4-second pan");
        var last = seeks.Last;
        var target = double.Parse(await last.GetAttributeAsync("data-t") ?? "nan", System.Globalization.CultureInfo.InvariantCulture);
        await page.EvaluateAsync("() => document.getElementById('viewer-video').currentTime = 0.1");
        await last.ClickAsync();
        await page.WaitForFunctionAsync($"() => Math.abs(document.getElementById('viewer-video').currentTime - {target.ToString(System.Globalization.CultureInfo.InvariantCulture)}) < 0.6",
            null, new() { Timeout = WaitMs });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(PageTests.ArtefactDirectory, "app-video.png") });

        // Closing stops it: nothing plays on behind the grid.
        await page.Keyboard.PressAsync("Escape");
        Assert.True(await video.EvaluateAsync<bool>("v => v.paused && !v.getAttribute('src')"), "the video plays on after closing");
        Assert.Empty(app.PageErrors);
        Assert.Empty(app.External);
    }
}
