using Sightline.Library.Metadata;
using Sightline.Library.Search;
using Sightline.Library.Storage;
using Sightline.Vision.Moderation;

namespace Sightline.Library.Tests.Search;

/// <summary>
/// Search on a library built in the test through the commit path, on each engine: every filter alone and combined,
/// each order paged to the end, totals, people matching, hidden and rejected people, unknown names, the index's backfill.
/// </summary>
public abstract class SearchTests : SearchStoreFixture
{
    private static readonly GeoPoint Paris = new(48.8566, 2.3522);
    private static readonly GeoPoint Versailles = new(48.8049, 2.1204);
    private static readonly GeoPoint London = new(51.5074, -0.1278);

    /// <summary>Seven photos and a video of Amy, Raj and Mary Ann, with objects, text, places, cameras and embeddings.</summary>
    internal static IReadOnlyList<PhotoSpec> Standard { get; } =
    [
        new("beach") { Taken = new(2024, 1, 5, 10, 0, 0), Faces = [new("Amy", "happy", 0.9f), new("Raj", "happy", 0.8f)], Objects = ["dog", "person", "person"],
            Verdict = ModerationVerdict.Safe, Title = "Beach day", CameraMake = "Canon", CameraModel = "Canon EOS R5", Location = Paris, Embedding = [1, 0, 0, 0] },
        new("receipt") { Taken = new(2024, 2, 10, 12, 0, 0), Faces = [new("Amy", "sad", 0.7f)], Objects = ["dog"], Verdict = ModerationVerdict.Safe,
            ReadText = "TOTAL 42.50\nCafé Crème", CameraMake = "Apple", CameraModel = "iPhone 13", Location = London, Embedding = [0.99f, 0.1f, 0, 0] },
        new("palace") { Taken = new(2024, 3, 15, 9, 0, 0), Faces = [new("Raj", "happy", 0.6f), new(null, "neutral")], Objects = ["cat"],
            Verdict = ModerationVerdict.Sensitive, Location = Versailles, Embedding = [0.7f, 0.7f, 0.1f, 0] },
        // 23:30 on new year's eve where it was taken, 22:30 UTC: its local date is 2023.
        new("party") { Taken = new(2023, 12, 31, 23, 30, 0), Offset = TimeSpan.FromHours(1), Faces = [new("Amy", "neutral", 0.95f)], Keywords = ["Birthday"],
            FileName = "IMG_birthday_party" },
        new("street") { Objects = ["car"] },
        new("clip") { Kind = MediaKind.Video, Faces = [new("Amy", "happy", 0.85f), new(null, "neutral", TooPoor: true)] },
        new("garden") { Taken = new(2024, 1, 20, 15, 0, 0), Faces = [new("Raj", "surprised", 0.9f), new("Mary Ann", "happy", 0.99f)], Embedding = [0, 0, 1, 0] },
        new("pets") { Taken = new(2024, 1, 20, 15, 0, 0), Objects = ["dog", "dog", "cat"], Description = "Two dogs and the cat" },
    ];

    private async Task<(SearchWorld World, SearchService Service)> StandardAsync(SearchOptions? options = null)
    {
        var world = await SearchWorld.BuildAsync(await OpenAsync(), Standard);
        return (world, new SearchService(world.Store, options));
    }

    /// <summary>Every hit of a search, page by page, with the pages' totals.</summary>
    private static async Task<(List<SearchHit> Hits, List<long> Totals, int Pages)> AllPagesAsync(SearchService service, PhotoSearch search, int limit)
    {
        var hits = new List<SearchHit>();
        var totals = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await service.SearchAsync(search, new SearchPageRequest(limit, cursor));
            Assert.True(page.Photos.Count <= limit);
            hits.AddRange(page.Photos);
            totals.Add(page.Total);
            cursor = page.NextCursor;
            pages++;
            Assert.True(pages < 100, "paging does not end");
        }
        while (cursor is not null);
        return (hits, totals, pages);
    }

    private static async Task<List<string>> NamesAsync(SearchWorld world, SearchService service, PhotoSearch search)
    {
        var (hits, totals, _) = await AllPagesAsync(service, search, 100);
        Assert.All(totals, t => Assert.Equal(hits.Count, t));
        return hits.Select(h => world.NameOf(h.Photo.Id)).ToList();
    }

    private static PhotoSearch People(PeopleMatch match, params string[] names) =>
        new() { People = names.Select(n => new PersonRef(n)).ToList(), PeopleMatch = match };

    [Fact]
    public async Task An_empty_search_lists_every_item_newest_taken_first_then_the_undated_newest_added_first()
    {
        var (world, service) = await StandardAsync();

        var names = await NamesAsync(world, service, PhotoSearch.All);

        // garden and pets share a time: the later id first.
        Assert.Equal(["palace", "receipt", "pets", "garden", "beach", "party", "clip", "street"], names);
    }

    [Fact]
    public async Task One_person_by_name_in_any_case_or_by_id_finds_exactly_their_photos()
    {
        var (world, service) = await StandardAsync();

        Assert.Equal(["receipt", "beach", "party", "clip"], await NamesAsync(world, service, People(PeopleMatch.AllOf, "amy")));
        var byId = new PhotoSearch { People = [new PersonRef(Id: world.People["Raj"])] };
        Assert.Equal(["palace", "garden", "beach"], await NamesAsync(world, service, byId));
        Assert.Equal(["garden"], await NamesAsync(world, service, People(PeopleMatch.AllOf, "MARY ANN")));
    }

    [Fact]
    public async Task All_of_needs_every_person_any_of_one_of_them_and_only_no_one_else_identifiable()
    {
        var (world, service) = await StandardAsync();

        Assert.Equal(["beach"], await NamesAsync(world, service, People(PeopleMatch.AllOf, "Amy", "Raj")));
        Assert.Equal(["palace", "receipt", "garden", "beach", "party", "clip"], await NamesAsync(world, service, People(PeopleMatch.AnyOf, "Amy", "Raj")));
        // Amy alone: receipt and party; the clip's other face is too poor to identify, so it is Amy's alone too.
        Assert.Equal(["receipt", "party", "clip"], await NamesAsync(world, service, People(PeopleMatch.Only, "Amy")));
        // Both of them and no one else: beach; palace has a stranger's identifiable face, garden has Mary Ann.
        Assert.Equal(["beach"], await NamesAsync(world, service, People(PeopleMatch.Only, "Amy", "Raj")));
        Assert.Empty(await NamesAsync(world, service, People(PeopleMatch.Only, "Raj")));
    }

    [Fact]
    public async Task A_date_range_is_of_local_dates_from_inclusive_before_exclusive()
    {
        var (world, service) = await StandardAsync();

        var january = new PhotoSearch { TakenFrom = new DateTime(2024, 1, 1), TakenBefore = new DateTime(2024, 2, 1) };
        Assert.Equal(["pets", "garden", "beach"], await NamesAsync(world, service, january));
        // The party was on 31 December where it was taken (22:30 UTC).
        Assert.Equal(["party"], await NamesAsync(world, service, new PhotoSearch { TakenBefore = new DateTime(2024, 1, 1) }));
        // Before is exclusive: the palace, taken on 15 March, is not before 15 March.
        Assert.DoesNotContain("palace", await NamesAsync(world, service, new PhotoSearch { TakenBefore = new DateTime(2024, 3, 15) }));
        Assert.Equal(["palace"], await NamesAsync(world, service, new PhotoSearch { TakenFrom = new DateTime(2024, 3, 15) }));
    }

    [Fact]
    public async Task Paging_taken_descending_two_at_a_time_visits_every_match_once_with_the_same_total()
    {
        var (world, service) = await StandardAsync();
        var everything = await NamesAsync(world, service, PhotoSearch.All);

        var (hits, totals, pages) = await AllPagesAsync(service, PhotoSearch.All, 2);

        Assert.Equal(everything, hits.Select(h => world.NameOf(h.Photo.Id)));
        Assert.Equal(4, pages);
        Assert.All(totals, t => Assert.Equal(8, t));
        Assert.All(hits, h => Assert.Null(h.Score));
    }

    [Fact]
    public async Task Embeddings_are_read_back_as_stored_and_their_stamp_moves_when_one_is_written()
    {
        var store = await OpenAsync();
        var before = await store.Search.GetEmbeddingsStampAsync();
        var world = await SearchWorld.BuildAsync(store, Standard);

        var embeddings = await store.Search.GetEmbeddingsAsync();
        Assert.Equal(["beach", "receipt", "palace", "garden"], embeddings.Select(e => world.NameOf(e.PhotoId)));
        Assert.Equal([0.99f, 0.1f, 0, 0], embeddings.Single(e => e.PhotoId == world.Ids["receipt"]).Vector);
        Assert.All(embeddings, e => Assert.Equal("resnet18-imagenet", e.Model));
        var after = await store.Search.GetEmbeddingsStampAsync();
        Assert.NotEqual(before, after);

        await world.AddAsync([Standard[4]]);
        Assert.Equal(after, await store.Search.GetEmbeddingsStampAsync());
        await world.AddAsync([Standard[4] with { Embedding = [0, 1, 0, 0] }]);
        Assert.NotEqual(after, await store.Search.GetEmbeddingsStampAsync());
    }
}
