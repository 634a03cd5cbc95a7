using System.Text.Json;
using Microsoft.Playwright;
using Sightline.Library.Export;
using Sightline.Library.Search;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared;

namespace Sightline.Server.Tests.Browser;

/// <summary>
/// The photo app in Chromium over a library ingested from shared photos (<see cref="IngestedLibraryFixture"/>): name a
/// person and merge two in People, filter by the person and an expression and get what the API gets, the photo view's
/// overlays and keys, a phone-sized screen, and an export of the same search into folders by person.
/// </summary>
public sealed class PhotoAppAcceptanceTests(IngestedLibraryFixture library) : IClassFixture<IngestedLibraryFixture>
{
    private const float WaitMs = 20_000;

    private HttpClient Client => library.Server.Client;

    private async Task<JsonElement> GetAsync(string path)
    {
        var response = await Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static long Id(JsonElement e, string property = "id") => e.GetProperty(property).GetInt64();

    private async Task<List<JsonElement>> PeopleAsync() => [.. (await GetAsync("/v1/library/people")).EnumerateArray()];

    /// <summary>The photo ids of a person's faces, from the API.</summary>
    private async Task<HashSet<long>> PhotosOfAsync(long person) =>
        [.. (await GetAsync($"/v1/library/people/{person}")).GetProperty("faces").EnumerateArray().Select(f => Id(f, "photoId"))];

    /// <summary>Who most of a person's photos show by the shared data's labels, or null when none of them is a labelled single-person photo.</summary>
    private async Task<string?> IdentityOfAsync(long person)
    {
        var names = new List<string>();
        foreach (var photo in await PhotosOfAsync(person))
            foreach (var path in (await GetAsync($"/v1/library/photos/{photo}")).GetProperty("paths").EnumerateArray())
                if (library.Identities.TryGetValue(Path.GetFileName(path.GetString()!), out var identity))
                    names.Add(identity);
        return names.GroupBy(n => n).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).FirstOrDefault()?.Key;
    }

    /// <summary>The query language's term for a person by name (quoted when it has a space).</summary>
    private static string PersonTerm(string name) => name.Contains(' ') ? $"person:\"{name}\"" : $"person:{name}";

    /// <summary>Every photo of a search, in order, through the API's pages, and its total.</summary>
    private async Task<(List<long> Ids, int Total)> SearchAsync(string query)
    {
        var ids = new List<long>();
        string? cursor = null;
        int total;
        do
        {
            var page = await GetAsync($"/v1/library/search?q={Uri.EscapeDataString(query)}&limit=500" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            total = page.GetProperty("total").GetInt32();
            ids.AddRange(page.GetProperty("photos").EnumerateArray().Select(p => Id(p.GetProperty("photo"))));
            cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        } while (cursor is not null);
        return (ids, total);
    }

    /// <summary>The faces, the detected objects and the lines of text read of a photo, as the API gives them.</summary>
    private static (int Faces, int Objects, int Lines) OverlaysOf(JsonElement detail)
    {
        int Count(string task, string list) => detail.GetProperty("analyses").EnumerateArray()
            .Where(a => a.GetProperty("task").GetString() == task)
            .Select(a => a.TryGetProperty("result", out var r) && r.TryGetProperty(list, out var d) ? d.GetArrayLength() : 0)
            .Sum();
        return (detail.GetProperty("faces").GetArrayLength(), Count("detect", "detections"), Count("text", "lines"));
    }

    private async Task<List<long>> TileIdsAsync(IPage page) =>
        [.. (await page.Locator("#grid .tile").EvaluateAllAsync<long[]>("tiles => tiles.map(t => Number(t.dataset.id))"))];

    /// <summary>
    /// The person to name: the one with the most photos among those whose photos the shared data labels, so the name
    /// given is who they are (and no other person has that name).
    /// </summary>
    private async Task<(long Id, string Name)> PersonToNameAsync()
    {
        // The screenshots may have named people already: then the person is named again, to the same name.
        foreach (var person in (await PeopleAsync()).OrderByDescending(p => p.GetProperty("photoCount").GetInt32()).ThenBy(p => Id(p)))
            if (await IdentityOfAsync(Id(person)) is { } identity
                && !(await PeopleAsync()).Any(p => Id(p) != Id(person) && p.TryGetProperty("name", out var n) && n.GetString() == identity))
                return (Id(person), identity);
        throw new InvalidOperationException("no person has a labelled photo: the clustering found none of the shared data's people");
    }

    [Fact]
    public async Task Naming_merging_filtering_viewing_and_exporting_agree_with_the_api()
    {
        var people = await PeopleAsync();
        Assert.True(people.Count >= 3, $"the library's clustering gave {people.Count} people from photos of at least five people");

        await using var app = await AppBrowser.OpenAsync(library.Server.Address);
        var page = app.Page;
        await page.GotoAsync(new Uri(library.Server.Address, "/photos/#people").ToString());
        await page.Locator("#people-list .person").First.WaitForAsync(new() { Timeout = WaitMs });
        Assert.Equal(people.Select(p => Id(p)).Order(), (await page.Locator("#people-list .person").EvaluateAllAsync<long[]>("cards => cards.map(c => Number(c.dataset.id))")).Order());

        // Name a person through their page.
        var (named, name) = await PersonToNameAsync();
        await page.Locator($"#people-list .person[data-id='{named}'] a.name").ClickAsync();
        await page.Locator("#view-person:not([hidden])").WaitForAsync();
        await page.FillAsync("#person-name", name);
        await page.ClickAsync("#name-form button[type=submit]");
        await page.Locator("#person-status", new() { HasText = "Named" }).WaitForAsync(new() { Timeout = WaitMs });
        Assert.Equal(name, (await GetAsync($"/v1/library/people/{named}")).GetProperty("person").GetProperty("name").GetString());
        Assert.Contains(name, await page.Locator("#person-title").TextContentAsync());

        // Merge two others: a pair the API suggests as one person, else two that share no photo (a merge of those is refused).
        await page.Locator("#tabs a[data-view=people]").ClickAsync();
        await page.Locator("#view-people:not([hidden])").WaitForAsync();
        var (into, other) = await PairToMergeAsync(named);
        var intoFaces = (await GetAsync($"/v1/library/people/{into}")).GetProperty("person").GetProperty("faceCount").GetInt32();
        var otherFaces = (await GetAsync($"/v1/library/people/{other}")).GetProperty("person").GetProperty("faceCount").GetInt32();
        await page.Locator($"#people-list .person[data-id='{into}'] .pick").CheckAsync();
        await page.Locator($"#people-list .person[data-id='{other}'] .pick").CheckAsync();
        await page.ClickAsync("#merge:not([disabled])");
        await page.Locator($"#people-list .person[data-id='{other}']").WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = WaitMs });
        await page.Locator($"#people-list .person[data-id='{into}']").WaitForAsync();
        var afterMerge = await PeopleAsync();
        Assert.DoesNotContain(other, afterMerge.Select(p => Id(p)));
        Assert.Equal(intoFaces + otherFaces, (await GetAsync($"/v1/library/people/{into}")).GetProperty("person").GetProperty("faceCount").GetInt32());

        // Give a face under review to a new person, by typing a name into its tile.
        var review = (await GetAsync("/v1/library/faces/unassigned?limit=60")).EnumerateArray().ToList();
        Assert.True(review.Count > 0, "the ingested photos left no face to review (their group scenes have faces cut by the frame)");
        {
            var faceId = review[0].GetProperty("faceId").GetInt64();
            var newName = $"Reviewed {faceId}";
            var tile = page.Locator($"#unassigned .face[data-id='{faceId}']");
            await tile.WaitForAsync(new() { Timeout = WaitMs });
            await tile.Locator("form.assign input").FillAsync(newName);
            await tile.Locator("form.assign button[type=submit]").ClickAsync();
            await page.Locator("#people-status", new() { HasText = "Face given to" }).WaitForAsync(new() { Timeout = WaitMs });
            var given = (await PeopleAsync()).Single(p => p.TryGetProperty("name", out var n) && n.GetString() == newName);
            Assert.Contains(faceId, (await GetAsync($"/v1/library/people/{Id(given)}")).GetProperty("faces").EnumerateArray().Select(f => f.GetProperty("faceId").GetInt64()));
            await page.Locator($"#unassigned .face[data-id='{faceId}']").WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = WaitMs });
        }

        // Filter Photos by the named person and the expression most of their faces have, through the search box.
        var emotion = (await GetAsync($"/v1/library/people/{named}")).GetProperty("faces").EnumerateArray()
            .Select(f => f.TryGetProperty("expression", out var e) ? e.GetString() : null).OfType<string>()
            .GroupBy(e => e).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
        var query = $"{PersonTerm(name)} emotion:{emotion}";
        var (expected, total) = await SearchAsync(query);
        Assert.True(total >= 1, $"{query} found no photo although {name} has a face with that expression");
        await page.Locator("#tabs a[data-view=photos]").ClickAsync();
        await page.FillAsync("#q", query);
        await page.PressAsync("#q", "Enter");
        await page.Locator($"#count[data-total='{total}']").WaitForAsync(new() { Timeout = WaitMs });
        await page.WaitForFunctionAsync("n => document.querySelectorAll('#grid .tile').length === n", total, new() { Timeout = WaitMs });
        Assert.Equal(expected, await TileIdsAsync(page));
        Assert.Contains(total == 1 ? "1 photo" : $"{total} photos", await page.Locator("#count").TextContentAsync());

        // The photo view: every face and object of the photo drawn, next and previous with the arrow keys, Escape closes.
        await page.FillAsync("#q", "");
        await page.PressAsync("#q", "Enter");
        var all = (await GetAsync("/v1/library/photos?limit=500")).GetProperty("photos").EnumerateArray().Select(p => Id(p)).ToList();
        await page.Locator($"#count[data-total='{all.Count}']").WaitForAsync(new() { Timeout = WaitMs });
        var (shown, index, overlays) = await PhotoWithFacesAndObjectsAsync(all);
        await page.Locator($"#grid .tile[data-id='{shown}']").ScrollIntoViewIfNeededAsync();
        await page.Locator($"#grid .tile[data-id='{shown}']").ClickAsync();
        await page.Locator($"#viewer[data-state=shown][data-id='{shown}']").WaitForAsync(new() { Timeout = WaitMs });
        Assert.Equal(overlays.Faces, await page.Locator("#overlay g[data-layer=faces] rect").CountAsync());
        Assert.Equal(overlays.Objects, await page.Locator("#overlay g[data-layer=objects] rect").CountAsync());
        Assert.Equal(overlays.Lines, await page.Locator("#overlay g[data-layer=text] rect").CountAsync());
        Assert.Equal(overlays.Faces + overlays.Objects + overlays.Lines, await page.Locator("#overlay rect").CountAsync());

        await page.Keyboard.PressAsync("ArrowRight");
        await page.Locator($"#viewer[data-state=shown][data-id='{all[index + 1]}']").WaitForAsync(new() { Timeout = WaitMs });
        await page.Keyboard.PressAsync("ArrowLeft");
        await page.Locator($"#viewer[data-state=shown][data-id='{shown}']").WaitForAsync(new() { Timeout = WaitMs });
        await page.Keyboard.PressAsync("ArrowLeft");
        await page.Locator($"#viewer[data-state=shown][data-id='{all[index - 1]}']").WaitForAsync(new() { Timeout = WaitMs });
        await page.Keyboard.PressAsync("Escape");
        await page.Locator("#viewer").WaitForAsync(new() { State = WaitForSelectorState.Hidden });

        // The same search exported into folders by person, as links to the originals.
        var libraryPhotos = await library.Server.Get<LibraryServices>().LibraryAsync(CancellationToken.None);
        var to = Path.Combine(library.Root, "export");
        var report = await libraryPhotos.Export.ExportAsync(new ExportRequest(SearchQueryLanguage.Parse(query), to, ExportGrouping.Person, ExportMode.Link));
        Assert.Equal(expected.Order(), report.Items.Where(i => Path.GetFileName(Path.GetDirectoryName(i.Destination)) == name).Select(i => i.PhotoId).Order());
        Assert.All(report.Items, item =>
        {
            var target = File.ResolveLinkTarget(item.Destination, returnFinalTarget: false);
            Assert.NotNull(target);
            Assert.Equal(Path.GetFullPath(item.Source), target.FullName);
            Assert.Equal(Path.GetFullPath(library.Photos), Path.GetDirectoryName(item.Source));
        });
        Assert.Empty(app.External);
        Assert.Empty(app.PageErrors);
    }

    /// <summary>Two people other than <paramref name="named"/> to merge: the API's first suggestion without them, else two that share no photo.</summary>
    private async Task<(long Into, long Other)> PairToMergeAsync(long named)
    {
        foreach (var s in (await GetAsync("/v1/library/people/suggestions?limit=50")).EnumerateArray())
        {
            var (first, second) = (Id(s.GetProperty("first")), Id(s.GetProperty("second")));
            if (first != named && second != named)
                return (first, second);
        }
        var others = (await PeopleAsync()).Select(p => Id(p)).Where(id => id != named).ToList();
        foreach (var a in others)
            foreach (var b in others.Where(b => b > a))
                if (!(await PhotosOfAsync(a)).Overlaps(await PhotosOfAsync(b)))
                    return (a, b);
        throw new InvalidOperationException("no two people share no photo");
    }

    /// <summary>A photo with both faces and objects that is neither the first nor the last of the timeline, its place, and what it holds.</summary>
    private async Task<(long Id, int Index, (int Faces, int Objects, int Lines) Overlays)> PhotoWithFacesAndObjectsAsync(List<long> timeline)
    {
        for (var i = 1; i < timeline.Count - 1; i++)
        {
            var overlays = OverlaysOf(await GetAsync($"/v1/library/photos/{timeline[i]}"));
            if (overlays.Faces > 0 && overlays.Objects > 0)
                return (timeline[i], i, overlays);
        }
        throw new InvalidOperationException("no photo inside the timeline has both faces and objects");
    }

    [Fact]
    public async Task A_word_on_a_photo_finds_it_and_the_photo_view_draws_the_text_read()
    {
        // Every photo the API finds by a word of the beer labels holds that word in its text analysis.
        var (found, _) = await SearchAsync("warrior");
        var ids = new List<long>();
        foreach (var id in found)
        {
            var detail = await GetAsync($"/v1/library/photos/{id}");
            if (detail.GetProperty("paths").EnumerateArray().Any(p => Path.GetFileName(p.GetString()) == IngestedLibraryFixture.TextPhoto))
                ids.Add(id);
        }
        var shown = Assert.Single(ids);
        Assert.Contains(shown, (await SearchAsync("text:\"pale ale\"")).Ids);
        var photo = await GetAsync($"/v1/library/photos/{shown}");
        var lines = OverlaysOf(photo).Lines;
        Assert.True(lines >= 3, $"{lines} lines read on the beer labels");

        await using var app = await AppBrowser.OpenAsync(library.Server.Address);
        var page = app.Page;
        await page.GotoAsync(new Uri(library.Server.Address, "/photos/").ToString());
        await page.Locator("#grid .tile").First.WaitForAsync(new() { Timeout = WaitMs });
        await page.FillAsync("#q", "warrior");
        await page.PressAsync("#q", "Enter");
        await page.Locator($"#grid .tile[data-id='{shown}']").ClickAsync();
        await page.Locator($"#viewer[data-state=shown][data-id='{shown}']").WaitForAsync(new() { Timeout = WaitMs });
        Assert.Equal(lines, await page.Locator("#overlay g[data-layer=text] rect").CountAsync());
        Assert.True(await page.Locator("#layers label:has([data-layer=text])").IsVisibleAsync(), "the text layer's switch is hidden");
        Assert.Contains("WARRIOR", (await page.Locator("#meta").TextContentAsync())?.ToUpperInvariant() ?? "");
        Assert.Empty(app.PageErrors);
    }

    [Fact]
    public async Task On_a_phone_sized_screen_the_grid_fits_the_width()
    {
        await using var app = await AppBrowser.OpenAsync(library.Server.Address, 390, 844, phone: true);
        var page = app.Page;
        await page.GotoAsync(new Uri(library.Server.Address, "/photos/").ToString());
        await page.Locator("#grid .tile").First.WaitForAsync(new() { Timeout = WaitMs });
        var widths = await page.EvaluateAsync<int[]>("""
            () => [document.documentElement.scrollWidth, document.documentElement.clientWidth,
                   document.getElementById('grid-scroll').scrollWidth, document.getElementById('grid-scroll').clientWidth,
                   Math.ceil(Math.max(...[...document.querySelectorAll('#grid .tile, #filter, #top')].map(e => e.getBoundingClientRect().right)))]
            """);
        Assert.True(widths[0] <= widths[1], $"the page scrolls sideways: {widths[0]} px wide in a {widths[1]} px screen");
        Assert.True(widths[2] <= widths[3], $"the grid scrolls sideways: {widths[2]} px wide in {widths[3]} px");
        Assert.True(widths[4] <= 390, $"something ends at {widths[4]} px, past the 390 px screen");
        Assert.True(await page.Locator("#grid .tile").CountAsync() >= 2, "the phone shows fewer than two tiles");
        Assert.Empty(app.PageErrors);
    }

    /// <summary>
    /// The README's screenshots, at 1280x800 after naming people, every visible image loaded: into docs/ with
    /// SIGHTLINE_SCREENSHOTS=1, otherwise into a temporary folder (the views are still checked, the README's images left alone).
    /// </summary>
    [Fact]
    public async Task Screenshots_of_photos_people_and_a_photo_for_the_readme()
    {
        // Name every person whose photos the shared data labels, as a user would have.
        foreach (var person in await PeopleAsync())
            if (!person.TryGetProperty("name", out _) && await IdentityOfAsync(Id(person)) is { } identity
                && !(await PeopleAsync()).Any(p => p.TryGetProperty("name", out var n) && n.GetString() == identity))
                (await Client.PutAsync($"/v1/library/people/{Id(person)}/name", JsonContent(new { name = identity }))).EnsureSuccessStatusCode();

        var docs = Environment.GetEnvironmentVariable("SIGHTLINE_SCREENSHOTS") == "1"
            ? Path.Combine(TestPaths.RepoRoot, "docs")
            : Directory.CreateTempSubdirectory("sightline-screenshots-").FullName;
        await using var app = await AppBrowser.OpenAsync(library.Server.Address);
        var page = app.Page;
        await page.GotoAsync(new Uri(library.Server.Address, "/photos/").ToString());
        await page.Locator("#grid .tile img").First.WaitForAsync(new() { Timeout = WaitMs });
        // The end of the timeline holds the undated faces-lfw photos: full rows of thumbnails.
        await page.EvaluateAsync("() => { const s = document.getElementById('grid-scroll'); s.scrollTop = s.scrollHeight; }");
        await page.WaitForTimeoutAsync(300);
        // Then up to the last month header (rows are placed by their transform), so that the shot shows which part of the timeline it is.
        await page.EvaluateAsync("() => { const s = document.getElementById('grid-scroll'); const m = [...document.querySelectorAll('#grid .row.month')].pop(); if (m) s.scrollTop = new DOMMatrix(getComputedStyle(m).transform).m42; }");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await WaitForImagesAsync(page, "#grid");
        await page.ScreenshotAsync(new() { Path = Path.Combine(docs, "app-photos.png") });

        await page.Locator("#tabs a[data-view=people]").ClickAsync();
        await page.Locator("#people-list .person img").First.WaitForAsync(new() { Timeout = WaitMs });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await WaitForImagesAsync(page, "#view-people");
        await page.ScreenshotAsync(new() { Path = Path.Combine(docs, "app-people.png") });

        var all = (await GetAsync("/v1/library/photos?limit=500")).GetProperty("photos").EnumerateArray().Select(p => Id(p)).ToList();
        var (shown, _, _) = await PhotoWithFacesAndObjectsAsync(all);
        await page.Locator("#tabs a[data-view=photos]").ClickAsync();
        await page.Locator($"#grid .tile[data-id='{shown}']").ScrollIntoViewIfNeededAsync();
        await page.Locator($"#grid .tile[data-id='{shown}']").ClickAsync();
        await page.Locator($"#viewer[data-state=shown][data-id='{shown}']").WaitForAsync(new() { Timeout = WaitMs });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.ScreenshotAsync(new() { Path = Path.Combine(docs, "app-photo.png") });

        // A photo with text on it: the lines read drawn over it, the text listed beside.
        var (withText, _) = await SearchAsync("warrior");
        await page.Keyboard.PressAsync("Escape");
        await page.FillAsync("#q", "warrior");
        await page.PressAsync("#q", "Enter");
        await page.Locator($"#grid .tile[data-id='{withText[0]}']").ClickAsync();
        await page.Locator($"#viewer[data-state=shown][data-id='{withText[0]}']").WaitForAsync(new() { Timeout = WaitMs });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.ScreenshotAsync(new() { Path = Path.Combine(docs, "app-photo-text.png") });
        Assert.Empty(app.PageErrors);
    }

    /// <summary>Waits until every image under <paramref name="selector"/> that is in view has loaded with pixels (a broken one fails the wait).</summary>
    private static Task WaitForImagesAsync(IPage page, string selector) => page.WaitForFunctionAsync("""
        selector => [...document.querySelectorAll(`${selector} img`)]
          .filter(img => { const r = img.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight && r.width > 0; })
          .every(img => img.complete && img.naturalWidth > 0)
        """, selector, new() { Timeout = WaitMs });

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
