using System.Text.Json;
using Sightline.Library.Scanning;
using Sightline.Library.Search;
using Sightline.Tests.Shared;
using SkiaSharp;

namespace Sightline.Library.Tests.Ingestion;

/// <summary>The text task in a library: words read from a photo are found by a text search, on both storage backends.</summary>
[Collection(IngestCollection.Name)]
public sealed class TextIngestionTests(IngestFixture fixture) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-text-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_photo_is_found_by_a_word_printed_in_it(string backend)
    {
        var photos = Path.Combine(_dir, "photos");
        using (var invoice = TextImages.Page(["Invoice 2041 from Lindqvist", "Total due 318.40"]))
            TextImages.Save(invoice, Path.Combine(photos, "scan-0001.png"));
        using (var menu = TextImages.Page(["Dinner menu", "Soup of the day"], degrees: 90))
            TextImages.Save(menu, Path.Combine(photos, "scan-0002.png"));
        File.Copy(IngestFixture.Sanity("dog.jpg"), Path.Combine(photos, "dog.jpg"));

        await using var library = await PhotoLibrary.InitAsync(Path.Combine(_dir, "library"), await fixture.DatabaseAsync(backend),
            LibrarySettings.Default with { Tasks = ["text"] });
        await library.AddFoldersAsync([photos]);
        var report = await library.ScanAsync(fixture.Context);
        Assert.Equal((3, 0), (report.NewPhotos, report.Failed));
        Assert.True(report.StageSeconds.ContainsKey("text"));

        SearchService search = library.Search;
        Sightline.Library.Storage.ILibraryStore store = library.Store;
        async Task<List<string>> Find(params string[] words)
        {
            var page = await search.SearchAsync(new PhotoSearch { Text = words }, new SearchPageRequest());
            var names = new List<string>();
            foreach (var hit in page.Photos)
                names.Add(Path.GetFileName((await store.GetPhotoAsync(hit.Photo.Id))!.Paths.Single()));
            return names;
        }
        Assert.Equal(["scan-0001.png"], await Find("lindqvist"));
        Assert.Equal(["scan-0001.png"], await Find("INVOICE", "2041"));
        Assert.Equal(["scan-0002.png"], await Find("soup"));
        Assert.Empty(await Find("invoice", "soup"));

        // The stored analysis is the text task's own result: lines with their boxes in the photo's pixels.
        var row = await library.Store.FindByHashAsync(await ContentHash.OfFileAsync(Path.Combine(photos, "scan-0001.png")));
        var detail = (await library.Store.GetPhotoAsync(row!.Id))!;
        using var json = JsonDocument.Parse(detail.Analyses.Single(a => a.Task == "text").Json);
        var lines = json.RootElement.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal("Invoice 2041 from Lindqvist", lines[0].GetProperty("text").GetString());
        Assert.InRange(lines[0].GetProperty("box").GetProperty("width").GetDouble(), 100.0, (double)detail.Photo.Width!.Value);
    }
}
