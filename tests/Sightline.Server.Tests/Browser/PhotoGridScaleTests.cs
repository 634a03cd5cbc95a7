using System.Text.Json;
using Microsoft.Playwright;

namespace Sightline.Server.Tests.Browser;

/// <summary>The Photos grid over a 10,000-photo library: paged to the end with a bounded DOM, placeholders where there are no thumbnails.</summary>
public sealed class PhotoGridScaleTests(GeneratedLibraryFixture library) : IClassFixture<GeneratedLibraryFixture>
{
    /// <summary>Tiles the grid may hold at once at 1280x800: the rows of the view and its margins, far below the library's size.</summary>
    private const int MaxTilesInDom = 600;

    [Fact]
    public async Task Scrolling_to_the_end_loads_every_page_while_the_dom_holds_a_bounded_number_of_tiles()
    {
        await using var app = await AppBrowser.OpenAsync(library.Server.Address);
        var page = app.Page;
        var pages = new List<Task<JsonElement>>();
        page.Response += (_, response) =>
        {
            if (new Uri(response.Url).AbsolutePath == "/v1/library/photos")
                pages.Add(response.JsonAsync().ContinueWith(t => t.Result!.Value));
        };
        await page.GotoAsync(new Uri(library.Server.Address, "/photos/").ToString());
        await page.Locator("#count", new PageLocatorOptions { HasText = "10,000 photos" }).WaitForAsync();
        Assert.Equal("10000", await page.Locator("#count").GetAttributeAsync("data-total"));

        // Every tile is a placeholder: the generated photos have no thumbnails, and none is asked for.
        await page.Locator(".tile").First.WaitForAsync();
        Assert.Equal(await page.Locator(".tile").CountAsync(), await page.Locator(".tile.missing").CountAsync());
        Assert.Equal(0, await page.Locator(".tile img").CountAsync());

        var mostTiles = 0;
        var started = DateTime.UtcNow;
        while (await page.Locator("#grid-end").TextContentAsync() != "")
        {
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromMinutes(3), "the grid did not reach the end of the library in 3 minutes");
            await page.EvaluateAsync("() => { const s = document.getElementById('grid-scroll'); s.scrollTop = s.scrollHeight; }");
            await page.WaitForTimeoutAsync(50);
            mostTiles = Math.Max(mostTiles, await page.Locator(".tile").CountAsync());
        }
        // The last page made the grid taller: to its new end once more.
        await page.EvaluateAsync("() => { const s = document.getElementById('grid-scroll'); s.scrollTop = s.scrollHeight; }");
        await page.WaitForTimeoutAsync(200);
        mostTiles = Math.Max(mostTiles, await page.Locator(".tile").CountAsync());

        // Every page was asked for once, in order, and together they are the whole library.
        var answers = await Task.WhenAll(pages);
        var ids = answers.SelectMany(a => a.GetProperty("photos").EnumerateArray().Select(p => p.GetProperty("id").GetInt64())).ToList();
        Assert.Equal(GeneratedLibraryFixture.Count, ids.Count);
        Assert.Equal(GeneratedLibraryFixture.Count, ids.Distinct().Count());
        // The last page has no next cursor (null is left out of the JSON); every other page has one.
        Assert.False(answers[^1].TryGetProperty("nextCursor", out _));
        Assert.All(answers[..^1], a => Assert.Equal(JsonValueKind.String, a.GetProperty("nextCursor").ValueKind));
        Assert.InRange(mostTiles, 1, MaxTilesInDom);

        // The end of the timeline is drawn: the oldest photo's tile, under day headers.
        var last = answers[^1].GetProperty("photos").EnumerateArray().Last().GetProperty("id").GetInt64();
        await page.Locator($".tile[data-id='{last}']").WaitForAsync();
        Assert.True(await page.Locator(".row.day").CountAsync() > 0, "no day header at the end of the timeline");
        // Scrolled back to the top, the first tiles are drawn again and the far end leaves the DOM.
        await page.EvaluateAsync("() => { document.getElementById('grid-scroll').scrollTop = 0; }");
        await page.Locator($".tile[data-id='{ids[0]}']").WaitForAsync();
        await page.Locator($".tile[data-id='{last}']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        Assert.InRange(await page.Locator(".tile").CountAsync(), 1, MaxTilesInDom);
        Assert.Empty(app.External);
        Assert.Empty(app.PageErrors);
    }
}
