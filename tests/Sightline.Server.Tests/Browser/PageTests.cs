using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Sightline.Server.Hosting;
using Sightline.Server.Tests.Api;
using Sightline.Tests.Shared;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Segmentation.Masks;
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
        _server = await RunningServer.StartAsync(new ServerOptions
        {
            Indexes = new Dictionary<string, string> { ["roses"] = indexPath },
            GalleryPath = Path.Combine(_dir, "faces.gallery"),
        });
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

    /// <summary>Loads a photo into the page and runs just the given tasks on it (the others, similarity search included, off).</summary>
    private static async Task RunTasksAsync(IPage page, string photo, string? minScore, params string[] tasks)
    {
        await page.SetInputFilesAsync("#file", photo);
        await ChooseAndRunAsync(page, minScore, tasks);
    }

    /// <summary>Drops a photo on the page's drop zone as a user dragging a file there does.</summary>
    private static async Task DropAsync(IPage page, string photo)
    {
        var dataTransfer = await page.EvaluateHandleAsync("""
            ([base64, name, type]) => {
              const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
              const transfer = new DataTransfer();
              transfer.items.add(new File([bytes], name, { type }));
              return transfer;
            }
            """, new[] { Convert.ToBase64String(File.ReadAllBytes(photo)), Path.GetFileName(photo), "image/jpeg" });
        await page.DispatchEventAsync("#drop", "dragover", new { dataTransfer });
        await page.DispatchEventAsync("#drop", "drop", new { dataTransfer });
    }

    /// <summary>Checks just the given tasks (the others, similarity search included, off) on the loaded photo and runs them.</summary>
    private static async Task ChooseAndRunAsync(IPage page, string? minScore, params string[] tasks)
    {
        await page.Locator("#run:not([disabled])").WaitForAsync();
        foreach (var box in await page.Locator("input[name=task]").AllAsync())
        {
            var task = await box.GetAttributeAsync("value");
            if (!tasks.Contains(task))
                await box.UncheckAsync();
        }
        foreach (var task in tasks)
            await page.CheckAsync($"input[value={task}]");
        if (minScore is not null)
            await page.FillAsync("input[name=minScore]", minScore);
        await page.ClickAsync("#run");
    }

    /// <summary>Waits until the page has finished its run and returns the JSON it shows.</summary>
    private static async Task<JsonElement> ResultJsonAsync(IPage page, float timeoutMs)
    {
        await page.Locator("#status", new PageLocatorOptions { HasText = "Done." }).WaitForAsync(new LocatorWaitForOptions { Timeout = timeoutMs });
        return JsonDocument.Parse(await page.Locator("#json").TextContentAsync() ?? "{}").RootElement;
    }

    /// <summary>A CSS colour (a JavaScript expression on the page) as the canvas reads it back: r, g, b.</summary>
    private static Task<int[]> RgbAsync(IPage page, string cssColor) => page.EvaluateAsync<int[]>($$"""
        (() => {
          const probe = document.createElement('canvas').getContext('2d');
          probe.fillStyle = {{cssColor}};
          return [1, 3, 5].map(i => parseInt(probe.fillStyle.slice(i, i + 2), 16));
        })()
        """);

    /// <summary>Every fourth pixel of every fourth row of a width by height image where <paramref name="keep"/> holds, as x, y pairs.</summary>
    private static int[] GridPoints(int width, int height, Func<int, int, bool> keep)
    {
        var points = new List<int>();
        for (var y = 2; y < height; y += 4)
            for (var x = 2; x < width; x += 4)
                if (keep(x, y))
                    points.AddRange([x, y]);
        return [.. points];
    }

    /// <summary>
    /// The share of the points (x, y pairs) where the canvas shows the uploaded photo itself (<paramref name="tint"/> null) or the photo
    /// blended half and half with <paramref name="tint"/>, as the page draws a mask.
    /// </summary>
    private static async Task<double> PhotoShareAsync(IPage page, int[] points, int[]? tint)
    {
        // Per point: the canvas's r, g, b now, then the photo's own r, g, b (the page's decoded image drawn afresh).
        var pixels = await page.EvaluateAsync<int[]>("""
            points => {
              const canvas = document.getElementById('canvas'), { width, height } = canvas;
              const photo = document.createElement('canvas'); photo.width = width; photo.height = height;
              photo.getContext('2d').drawImage(image.bitmap, 0, 0);
              const now = canvas.getContext('2d').getImageData(0, 0, width, height).data, was = photo.getContext('2d').getImageData(0, 0, width, height).data;
              const out = [];
              for (let i = 0; i < points.length; i += 2) {
                const o = 4 * (points[i + 1] * width + points[i]);
                out.push(now[o], now[o + 1], now[o + 2], was[o], was[o + 1], was[o + 2]);
              }
              return out;
            }
            """, points);
        var hits = 0;
        for (var i = 0; i < pixels.Length; i += 6)
            if (Enumerable.Range(0, 3).All(c => Math.Abs(pixels[i + c] - (tint is null ? pixels[i + 3 + c] : (pixels[i + 3 + c] + tint[c]) >> 1)) <= 2))
                hits++;
        return hits / (pixels.Length / 6.0);
    }

    [Fact]
    public async Task Moderate_an_ordinary_photo_and_see_it_called_safe_with_its_class_scores()
    {
        var (playwright, browser, page, external) = await OpenAsync();
        using (playwright)
        await using (browser)
        {
            await page.Locator("input[value=moderate]").WaitForAsync();
            await RunTasksAsync(page, Path.Combine(TestPaths.Data("sanity"), "dog.jpg"), null, "moderate");
            var json = (await ResultJsonAsync(page, 120_000)).GetProperty("moderate");
            Assert.Equal("safe", json.GetProperty("verdict").GetString());
            var results = await page.Locator("#results").InnerTextAsync();
            Assert.Contains("Moderation: safe", results);
            Assert.Contains("neutral", results);
            Assert.Empty(external);
        }
    }

    [Fact]
    public async Task Drop_the_bus_photo_run_detection_and_embedding_in_one_analyze_request_and_see_both_results()
    {
        var (playwright, browser, page, external) = await OpenAsync();
        using (playwright)
        await using (browser)
        {
            var posts = new List<string>();
            page.Request += (_, request) => { if (request.Method == "POST") posts.Add(new Uri(request.Url).AbsolutePath); };
            await DropAsync(page, Path.Combine(TestPaths.Data("sanity"), "bus.jpg"));
            await ChooseAndRunAsync(page, "0.2", "detect", "embeddings");
            var document = await ResultJsonAsync(page, 180_000);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtefactDirectory, "page-analyze.png"), FullPage = true });

            // One request for both tasks, answered with the analyze document: one decode, both tasks' records.
            Assert.Equal(["/v1/analyze"], posts);
            Assert.Equal("bus.jpg", document.GetProperty("source").GetString());
            var results = document.GetProperty("results");
            var detections = results.GetProperty("detect").GetProperty("detections").EnumerateArray().ToList();
            Assert.True(detections.Count(d => d.GetProperty("className").GetString() == "person") >= 4);
            Assert.Equal(512, results.GetProperty("embed").GetProperty("dimension").GetInt32());
            Assert.Equal(["detect", "embed"], document.GetProperty("timings").GetProperty("taskMs").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

            // The page shows both: the detections' table and boxes, the embedding, and the one decode's timing.
            var shown = await page.Locator("#results").InnerTextAsync();
            Assert.Contains("person", shown);
            Assert.Contains("512-d vector from resnet18-imagenet", shown);
            Assert.Contains("one decode", shown);
            Assert.Equal(detections.Count, int.Parse(await page.Locator("#canvas").GetAttributeAsync("data-drawn") ?? "0"));
            Assert.Empty(external);
        }
    }

    [Fact]
    public async Task Upload_the_bus_photo_run_detection_and_see_the_boxes_drawn()
    {
        var (playwright, browser, page, external) = await OpenAsync();
        using (playwright)
        await using (browser)
        {
            await RunTasksAsync(page, Path.Combine(TestPaths.Data("sanity"), "bus.jpg"), "0.2", "detect");
            var json = await ResultJsonAsync(page, 120_000);
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

    /// <summary>The share of pixels on a vertical line of the canvas that have the colour <paramref name="cssColor"/>.</summary>
    private static Task<double> EdgeShareAsync(IPage page, string cssColor, System.Text.Json.JsonElement box) => page.EvaluateAsync<double>($$"""
        (() => {
          const probe = document.createElement('canvas').getContext('2d');
          probe.fillStyle = {{cssColor}};
          const hex = probe.fillStyle, want = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
          const x = Math.round({{box.GetProperty("x").GetDouble()}}), y = Math.round({{box.GetProperty("y").GetDouble()}}), h = Math.max(1, Math.round({{box.GetProperty("height").GetDouble()}}));
          const data = document.getElementById('canvas').getContext('2d').getImageData(x, y, 1, h).data;
          let hits = 0;
          for (let i = 0; i < h; i++) if (want.every((v, k) => Math.abs(data[4 * i + k] - v) <= 12)) hits++;
          return hits / h;
        })()
        """);

    [Fact]
    public async Task Upload_the_bus_photo_run_detection_and_faces_together_and_see_both_drawn()
    {
        var (playwright, browser, page, external) = await OpenAsync();
        using (playwright)
        await using (browser)
        {
            await RunTasksAsync(page, Path.Combine(TestPaths.Data("sanity"), "bus.jpg"), "0.2", "detect", "faces");
            var json = await ResultJsonAsync(page, 180_000);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtefactDirectory, "page-faces.png"), FullPage = true });

            var detections = json.GetProperty("detect").GetProperty("detections").EnumerateArray().ToList();
            var faces = json.GetProperty("faces").GetProperty("faces").EnumerateArray().ToList();
            Assert.True(detections.Count(d => d.GetProperty("className").GetString() == "person") >= 4);
            Assert.NotEmpty(faces);
            Assert.All(faces, f => Assert.Equal(68, f.GetProperty("landmarks68").GetArrayLength()));
            Assert.Equal(detections.Count + faces.Count, int.Parse(await page.Locator("#canvas").GetAttributeAsync("data-drawn") ?? "0"));
            Assert.Equal(faces.Count, int.Parse(await page.Locator("#canvas").GetAttributeAsync("data-faces") ?? "0"));

            // Both kinds of box really are on the canvas: a person's in its class colour, a face's in the face colour.
            var person = detections.First(d => d.GetProperty("className").GetString() == "person");
            var personShare = await EdgeShareAsync(page, "colorFor('person')", person.GetProperty("box"));
            Assert.True(personShare > 0.3, $"only {personShare:P0} of the person box edge has the class colour");
            var face = faces.OrderByDescending(f => f.GetProperty("box").GetProperty("height").GetDouble()).First();
            var faceShare = await EdgeShareAsync(page, "FACE_COLOR", face.GetProperty("box"));
            Assert.True(faceShare > 0.5, $"only {faceShare:P0} of the face box edge has the face colour");
            // Landmarks are drawn: the landmark colour appears around the nose tip (point 30).
            var nose = face.GetProperty("landmarks68")[30];
            var landmarkPixels = await page.EvaluateAsync<int>($$"""
                (() => {
                  const probe = document.createElement('canvas').getContext('2d'); probe.fillStyle = LANDMARK_COLOR;
                  const hex = probe.fillStyle, want = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
                  const data = document.getElementById('canvas').getContext('2d').getImageData(Math.round({{nose.GetProperty("x").GetDouble()}}) - 2, Math.round({{nose.GetProperty("y").GetDouble()}}) - 2, 5, 5).data;
                  let hits = 0;
                  for (let i = 0; i < 25; i++) if (want.every((v, k) => Math.abs(data[4 * i + k] - v) <= 30)) hits++;
                  return hits;
                })()
                """);
            Assert.True(landmarkPixels > 0, "no landmark drawn at the nose tip");

            var results = await page.Locator("#results").InnerTextAsync();
            Assert.Contains("person", results);
            Assert.Contains("unknown", results);
            Assert.Contains("\"landmarks68\"", await page.Locator("#json").TextContentAsync());
            Assert.Empty(external);
        }
    }

    [Fact]
    public async Task Upload_the_bus_photo_segment_the_people_then_each_object_and_see_the_masks_drawn()
    {
        var (playwright, browser, page, external) = await OpenAsync();
        using (playwright)
        await using (browser)
        {
            var bus = Path.Combine(TestPaths.Data("sanity"), "bus.jpg");

            // Semantic: the selfie model on person crops; the person mask is blended over the photo, the rest left as it was.
            await RunTasksAsync(page, bus, null, "segment");
            var semantic = (await ResultJsonAsync(page, 180_000)).GetProperty("segment");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtefactDirectory, "page-segment.png"), FullPage = true });
            Assert.Equal("human-selfie", semantic.GetProperty("model").GetProperty("id").GetString());
            Assert.Equal("crops", semantic.GetProperty("method").GetString());
            Assert.Equal("person", semantic.GetProperty("maskClass").GetString());
            var (width, height) = (semantic.GetProperty("image").GetProperty("width").GetInt32(), semantic.GetProperty("image").GetProperty("height").GetInt32());
            Assert.Equal(width, await page.EvaluateAsync<int>("document.getElementById('canvas').width"));
            Assert.Equal(height, await page.EvaluateAsync<int>("document.getElementById('canvas').height"));
            var mask = MaskRle.Decode(semantic.GetProperty("mask"));
            Assert.Equal((width, height), (mask.Width, mask.Height));
            var person = semantic.GetProperty("classes").EnumerateArray().Single(c => c.GetProperty("className").GetString() == "person");
            Assert.Equal(mask.Area, person.GetProperty("pixels").GetInt32());
            Assert.InRange(person.GetProperty("fraction").GetDouble(), 0.05, 0.6);
            Assert.Equal("0", await page.Locator("#canvas").GetAttributeAsync("data-drawn"));
            var masked = GridPoints(width, height, (x, y) => mask[x, y]);
            var rest = GridPoints(width, height, (x, y) => !mask[x, y]);
            Assert.True(masked.Length / 2 > 1000, $"{masked.Length / 2} sampled mask pixels");
            var tinted = await PhotoShareAsync(page, masked, await RgbAsync(page, "MASK_COLOR"));
            Assert.True(tinted > 0.98, $"only {tinted:P1} of the person mask's pixels are blended with the mask colour");
            var untouched = await PhotoShareAsync(page, rest, null);
            Assert.True(untouched > 0.99, $"only {untouched:P1} of the pixels outside the mask show the photo as it was");
            var percent = (100 * person.GetProperty("fraction").GetDouble()).ToString("0.0", CultureInfo.InvariantCulture);
            Assert.Contains($"person: {percent}% of the pixels", await page.Locator("#results").InnerTextAsync());

            // Instances: one mask per detected object over its box, a person's in the person class colour.
            await page.CheckAsync("input[name=segInstances]");
            await RunTasksAsync(page, bus, null, "segment");
            var objects = (await ResultJsonAsync(page, 180_000)).GetProperty("segment");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtefactDirectory, "page-segment-instances.png"), FullPage = true });
            var instances = objects.GetProperty("instances").EnumerateArray().ToList();
            Assert.True(instances.Count(i => i.GetProperty("className").GetString() == "person") >= 3);
            Assert.Equal(instances.Count, int.Parse(await page.Locator("#canvas").GetAttributeAsync("data-drawn") ?? "0"));
            var masks = instances.Select(i => MaskRle.Decode(i.GetProperty("rle"))).ToList();
            foreach (var (instance, m) in instances.Zip(masks))
            {
                Assert.Equal((width, height), (m.Width, m.Height));
                Assert.True(m.Area > 0);
                Assert.Equal(instance.GetProperty("area").GetInt32(), m.Area);
                Assert.False(string.IsNullOrEmpty(instance.GetProperty("rle").GetProperty("compressed").GetString()));
                var outline = instance.GetProperty("polygons")[0];
                Assert.True(outline.GetArrayLength() >= 6 && outline.GetArrayLength() % 2 == 0, $"{instance.GetProperty("className")}: outline of {outline.GetArrayLength()} values");
                if (instance.GetProperty("className").GetString() == "person")
                    Assert.Equal("person", instance.GetProperty("maskSource").GetString());
            }
            // Pixels clear of every box outline and label, covered by the largest person's mask alone or by no mask at all.
            var scale = Math.Max(1, width / 800.0);
            var boxes = instances.Select(i => i.GetProperty("box")).Select(b => (X: b.GetProperty("x").GetDouble(), Y: b.GetProperty("y").GetDouble(),
                Right: b.GetProperty("x").GetDouble() + b.GetProperty("width").GetDouble(), Bottom: b.GetProperty("y").GetDouble() + b.GetProperty("height").GetDouble())).ToList();
            var edge = 2 * scale + 2;
            bool Decorated(int x, int y) => boxes.Any(b =>
                (x >= b.X - edge && x <= b.Right + edge && y >= b.Y - edge && y <= b.Bottom + edge
                    && (Math.Abs(x - b.X) <= edge || Math.Abs(x - b.Right) <= edge || Math.Abs(y - b.Y) <= edge || Math.Abs(y - b.Bottom) <= edge))
                || (x >= b.X - 1 && x <= b.X + 250 * scale && y >= Math.Max(0, b.Y - 18 * scale) - 1 && y <= Math.Max(0, b.Y - 18 * scale) + 18 * scale + 1));
            var largest = Enumerable.Range(0, instances.Count).Where(i => instances[i].GetProperty("className").GetString() == "person").MaxBy(i => masks[i].Area);
            var alone = GridPoints(width, height, (x, y) => masks[largest][x, y] && masks.Count(m => m[x, y]) == 1 && !Decorated(x, y));
            var bare = GridPoints(width, height, (x, y) => !masks.Any(m => m[x, y]) && !Decorated(x, y));
            Assert.True(alone.Length / 2 > 300, $"{alone.Length / 2} sampled pixels of the largest person's mask");
            Assert.True(bare.Length / 2 > 1000, $"{bare.Length / 2} sampled pixels outside every mask");
            var personShare = await PhotoShareAsync(page, alone, await RgbAsync(page, "colorFor('person')"));
            Assert.True(personShare > 0.98, $"only {personShare:P1} of the largest person's mask is blended with the person colour");
            var bareShare = await PhotoShareAsync(page, bare, null);
            Assert.True(bareShare > 0.99, $"only {bareShare:P1} of the pixels outside every mask and box show the photo as it was");
            // Where the largest person stands in front of the bus, both masks cover the pixel: it takes the
            // smaller instance's colour, once.
            var busIndex = Enumerable.Range(0, instances.Count).Single(i => instances[i].GetProperty("className").GetString() == "bus");
            var both = GridPoints(width, height, (x, y) => masks[largest][x, y] && masks[busIndex][x, y] && masks.Count(m => m[x, y]) == 2 && !Decorated(x, y));
            Assert.True(both.Length / 2 > 300, $"{both.Length / 2} sampled pixels where the person and the bus overlap");
            var frontShare = await PhotoShareAsync(page, both, await RgbAsync(page, "colorFor('person')"));
            Assert.True(frontShare > 0.98, $"only {frontShare:P1} of the person's pixels over the bus show the person colour alone");
            var results = await page.Locator("#results").InnerTextAsync();
            Assert.Contains($"{instances.Count} object masks", results);
            Assert.Contains("person", results);
            Assert.Empty(external);
        }
    }

    [Fact]
    public async Task Enrol_faces_from_the_page_and_see_them_named_in_a_group_photo()
    {
        var (playwright, browser, page, external) = await OpenAsync();
        using (playwright)
        await using (browser)
        {
            // The panel shows once the page has read the API description, which may come after the load event.
            await page.Locator("#gallery").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
            await page.Locator("#gallery summary").ClickAsync();
            await page.Locator("#people", new PageLocatorOptions { HasText = "nobody enrolled yet" }).WaitForAsync();
            foreach (var (name, file) in new[] { ("Sheldon", "sheldon/sheldon1.png"), ("Sheldon", "sheldon/sheldon2.png"), ("Leonard", "leonard/leonard1.png"), ("Leonard", "leonard/leonard2.png"),
                         ("Penny", "penny/penny1.png"), ("Penny", "penny/penny2.png"), ("Howard", "howard/howard1.png"), ("Raj", "raj/raj1.png") })
            {
                await page.SetInputFilesAsync("#file", Path.Combine(TestPaths.Data("faces-bbt"), "images", file));
                await page.Locator("#enroll:not([disabled])").WaitForAsync();
                await page.FillAsync("#person", name);
                await page.ClickAsync("#enroll");
                await page.Locator("#status", new PageLocatorOptions { HasText = $"Enrolled a face of {name}" }).WaitForAsync(new LocatorWaitForOptions { Timeout = 120_000 });
            }
            var people = await page.Locator("#people").InnerTextAsync();
            foreach (var name in new[] { "Sheldon", "Leonard", "Penny", "Howard", "Raj" })
                Assert.Contains(name, people);

            await RunTasksAsync(page, Path.Combine(TestPaths.Data("faces-bbt"), "images", "bbt4.jpg"), null, "detect", "faces");
            var json = await ResultJsonAsync(page, 180_000);
            var faces = json.GetProperty("faces").GetProperty("faces").EnumerateArray().ToList();
            Assert.True(faces.Count >= 3, $"{faces.Count} faces in the group photo");
            Assert.All(faces, f => Assert.True(f.TryGetProperty("identity", out _)));
            var named = faces.Where(f => f.GetProperty("identity").GetProperty("known").GetBoolean()).Select(f => f.GetProperty("identity").GetProperty("name").GetString()).ToList();
            Assert.NotEmpty(named);
            Assert.Contains(named[0]!, await page.Locator("#results").InnerTextAsync());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtefactDirectory, "page-faces-gallery.png"), FullPage = true });
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
