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

    [Fact]
    public async Task An_emotion_of_a_person_or_of_anyone_holds_with_its_minimum_score()
    {
        var (world, service) = await StandardAsync();

        Assert.Equal(["palace", "garden", "beach", "clip"], await NamesAsync(world, service, new PhotoSearch { Emotions = [new("happy")] }));
        Assert.Equal(["beach", "clip"], await NamesAsync(world, service, new PhotoSearch { Emotions = [new("Happy", new PersonRef("Amy"))] }));
        Assert.Equal(["garden", "beach"], await NamesAsync(world, service, new PhotoSearch { Emotions = [new("happy", MinScore: 0.86f)] }));
        Assert.Equal(["beach"], await NamesAsync(world, service, new PhotoSearch { Emotions = [new("happy", new PersonRef("Amy"), 0.86f)] }));
        // Amy and Raj both happy: one filter each, on the same photo.
        var both = new PhotoSearch
        {
            People = [new("Amy"), new("Raj")],
            Emotions = [new("happy", new PersonRef("Amy")), new("happy", new PersonRef("Raj"))],
        };
        Assert.Equal(["beach"], await NamesAsync(world, service, both));
        Assert.Empty(await NamesAsync(world, service, new PhotoSearch { Emotions = [new("happy", new PersonRef("Raj"), 0.95f)] }));
    }

    [Fact]
    public async Task Objects_match_their_class_and_at_least_their_count()
    {
        var (world, service) = await StandardAsync();

        Assert.Equal(["receipt", "pets", "beach"], await NamesAsync(world, service, new PhotoSearch { Objects = [new("dog")] }));
        Assert.Equal(["pets"], await NamesAsync(world, service, new PhotoSearch { Objects = [new("DOG", 2)] }));
        Assert.Equal(["beach"], await NamesAsync(world, service, new PhotoSearch { Objects = [new("person", 2)] }));
        Assert.Equal(["pets"], await NamesAsync(world, service, new PhotoSearch { Objects = [new("dog"), new("cat")] }));
        Assert.Empty(await NamesAsync(world, service, new PhotoSearch { Objects = [new("person", 3)] }));
    }

    [Fact]
    public async Task Text_words_all_occur_in_read_text_title_description_keywords_or_file_names_accents_folded_and_prefixes_match()
    {
        var (world, service) = await StandardAsync();

        Assert.Equal(["receipt"], await NamesAsync(world, service, new PhotoSearch { Text = ["total", "42.50"] }));
        Assert.Equal(["receipt"], await NamesAsync(world, service, new PhotoSearch { Text = ["CREME", "café"] }));
        Assert.Equal(["beach"], await NamesAsync(world, service, new PhotoSearch { Text = ["beach"] }));
        Assert.Equal(["pets"], await NamesAsync(world, service, new PhotoSearch { Text = ["dogs", "cat"] }));
        Assert.Equal(["party"], await NamesAsync(world, service, new PhotoSearch { Text = ["birthday"] }));
        Assert.Equal(["party"], await NamesAsync(world, service, new PhotoSearch { Text = ["img", "party"] }));
        Assert.Equal(["receipt"], await NamesAsync(world, service, new PhotoSearch { Text = ["tot"] }));
        Assert.Empty(await NamesAsync(world, service, new PhotoSearch { Text = ["total", "beach"] }));
    }

    [Fact]
    public async Task Camera_words_are_each_contained_in_make_or_model()
    {
        var (world, service) = await StandardAsync();

        Assert.Equal(["beach"], await NamesAsync(world, service, new PhotoSearch { Camera = "canon" }));
        Assert.Equal(["beach"], await NamesAsync(world, service, new PhotoSearch { Camera = "EOS r5" }));
        Assert.Equal(["receipt"], await NamesAsync(world, service, new PhotoSearch { Camera = "apple iphone" }));
        Assert.Empty(await NamesAsync(world, service, new PhotoSearch { Camera = "nikon" }));
    }

    [Fact]
    public async Task A_place_is_a_circle_by_great_circle_distance_or_a_box()
    {
        var (world, service) = await StandardAsync();

        // Versailles is 17 km from the centre of Paris.
        Assert.Equal(["beach"], await NamesAsync(world, service, new PhotoSearch { Place = new(Paris.Latitude, Paris.Longitude, 10) }));
        Assert.Equal(["palace", "beach"], await NamesAsync(world, service, new PhotoSearch { Place = new(Paris.Latitude, Paris.Longitude, 20) }));
        // London is 344 km away.
        Assert.Equal(["palace", "beach"], await NamesAsync(world, service, new PhotoSearch { Place = new(Paris.Latitude, Paris.Longitude, 340) }));
        Assert.Equal(["palace", "receipt", "beach"], await NamesAsync(world, service, new PhotoSearch { Place = new(Paris.Latitude, Paris.Longitude, 350) }));
        Assert.Equal(["receipt"], await NamesAsync(world, service, new PhotoSearch { Place = new(51, -1, ToLatitude: 52, ToLongitude: 0) }));
        Assert.Equal(["palace", "beach"], await NamesAsync(world, service, new PhotoSearch { Place = new(48, 2, ToLatitude: 49, ToLongitude: 3) }));
        var north = await Assert.ThrowsAsync<SearchQueryException>(() => service.SearchAsync(new PhotoSearch { Place = new(95, 2, 10) }, new SearchPageRequest()));
        Assert.Equal("place: latitude 95 is not between -90 and 90", north.Message);
        var pointless = await Assert.ThrowsAsync<SearchQueryException>(() => service.SearchAsync(new PhotoSearch { Place = new(48, 2) }, new SearchPageRequest()));
        Assert.Equal(SearchErrorKind.Malformed, pointless.Kind);
        // The store itself refuses what the service would not hand it.
        await Assert.ThrowsAsync<ArgumentException>(() => world.Store.SearchAsync(
            new StoreSearch(new PhotoSearch { Place = new(48, 200, 5) }, [], [], null), new SearchPageRequest()));
    }

    [Fact]
    public async Task Kind_faces_review_and_moderation_filter_alone()
    {
        var (world, service) = await StandardAsync();

        Assert.Equal(["clip"], await NamesAsync(world, service, new PhotoSearch { Kind = MediaKind.Video }));
        Assert.Equal(7, (await NamesAsync(world, service, new PhotoSearch { Kind = MediaKind.Photo })).Count);
        Assert.Equal(["pets", "street"], await NamesAsync(world, service, new PhotoSearch { Faces = FacePresence.None }));
        Assert.Equal(["palace", "receipt", "garden", "beach", "party", "clip"], await NamesAsync(world, service, new PhotoSearch { Faces = FacePresence.Some }));
        // The palace's stranger is identifiable and in no person; the clip's second face is too poor.
        Assert.Equal(["palace", "clip"], await NamesAsync(world, service, new PhotoSearch { NeedsReview = true }));
        Assert.Equal(["receipt", "beach"], await NamesAsync(world, service, new PhotoSearch { Moderation = "safe" }));
        Assert.Equal(["palace"], await NamesAsync(world, service, new PhotoSearch { Moderation = "Sensitive" }));
    }

    [Fact]
    public async Task Filters_combine_with_and()
    {
        var (world, service) = await StandardAsync();

        var search = new PhotoSearch
        {
            People = [new("Amy")],
            Objects = [new("dog")],
            TakenFrom = new DateTime(2024, 1, 1),
            TakenBefore = new DateTime(2024, 3, 1),
        };
        Assert.Equal(["receipt", "beach"], await NamesAsync(world, service, search));
        Assert.Equal(["beach"], await NamesAsync(world, service, search with { People = [new("Amy"), new("Raj")] }));
        Assert.Equal(["receipt"], await NamesAsync(world, service, search with { Text = ["total"] }));
        Assert.Equal(["beach"], await NamesAsync(world, service, search with { Emotions = [new("happy")], Moderation = "safe", Camera = "canon" }));
        Assert.Empty(await NamesAsync(world, service, search with { Faces = FacePresence.None }));
        Assert.Equal(["pets"], await NamesAsync(world, service, new PhotoSearch { Faces = FacePresence.None, Objects = [new("cat")] }));
    }

    [Fact]
    public async Task Each_date_order_pages_one_at_a_time_through_every_match_without_repeats_or_gaps()
    {
        var (world, service) = await StandardAsync();

        foreach (var order in new[] { SearchOrder.TakenDescending, SearchOrder.TakenAscending, SearchOrder.AddedDescending })
        {
            var search = new PhotoSearch { Order = order };
            var whole = await NamesAsync(world, service, search);
            var (hits, totals, pages) = await AllPagesAsync(service, search, 1);
            Assert.Equal(whole, hits.Select(h => world.NameOf(h.Photo.Id)));
            Assert.Equal(8, pages);
            Assert.All(totals, t => Assert.Equal(8, t));
        }
        Assert.Equal(["party", "beach", "garden", "pets", "receipt", "palace", "street", "clip"],
            await NamesAsync(world, service, new PhotoSearch { Order = SearchOrder.TakenAscending }));
        // All were added in one commit: the same time, newest id first.
        Assert.Equal(["pets", "garden", "clip", "street", "party", "palace", "receipt", "beach"],
            await NamesAsync(world, service, new PhotoSearch { Order = SearchOrder.AddedDescending }));
        var filtered = await AllPagesAsync(service, new PhotoSearch { Objects = [new("dog")], Order = SearchOrder.TakenAscending }, 2);
        Assert.Equal(["beach", "pets", "receipt"], filtered.Hits.Select(h => world.NameOf(h.Photo.Id)));
        Assert.All(filtered.Totals, t => Assert.Equal(3, t));
    }

    [Fact]
    public async Task A_cursor_of_another_order_or_no_cursor_at_all_is_refused_by_name()
    {
        var (_, service) = await StandardAsync();
        var page = await service.SearchAsync(PhotoSearch.All, new SearchPageRequest(2));

        var other = await Assert.ThrowsAsync<ArgumentException>(() =>
            service.SearchAsync(new PhotoSearch { Order = SearchOrder.AddedDescending }, new SearchPageRequest(2, page.NextCursor)));
        Assert.Contains($"cursor \"{page.NextCursor}\" belongs to another order than AddedDescending", other.Message);
        var garbage = await Assert.ThrowsAsync<ArgumentException>(() => service.SearchAsync(PhotoSearch.All, new SearchPageRequest(2, "0:d:1:2")));
        Assert.Contains("is not a cursor of a search page", garbage.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => service.SearchAsync(PhotoSearch.All, new SearchPageRequest(0)));
        var empty = await Assert.ThrowsAsync<SearchQueryException>(() =>
            service.SearchAsync(new PhotoSearch { TakenFrom = new DateTime(2024, 3, 1), TakenBefore = new DateTime(2024, 3, 1) }, new SearchPageRequest()));
        Assert.Equal("the date range from 2024-03-01 to before 2024-03-01 holds no day", empty.Message);
    }

    [Fact]
    public async Task Relevance_of_a_text_search_puts_exact_words_before_prefixes_and_pages_by_offset()
    {
        var (world, service) = await StandardAsync();
        await world.AddAsync([new PhotoSpec("dogsled") { Taken = new(2025, 1, 1), Title = "dogsled" }]);

        var search = new PhotoSearch { Text = ["dog"], Order = SearchOrder.Relevance };
        var (hits, totals, pages) = await AllPagesAsync(service, search, 1);

        // pets says "dogs" and "dogsled" has a word starting "dog": both half a match; no photo says "dog" itself.
        Assert.Equal(["dogsled", "pets"], hits.Select(h => world.NameOf(h.Photo.Id)));
        Assert.All(hits, h => Assert.Equal(0.5, h.Score));
        Assert.Equal(2, pages);
        await world.AddAsync([new PhotoSpec("dogonly") { Taken = new(2020, 1, 1), Keywords = ["dog"] }]);
        var ranked = await service.SearchAsync(search, new SearchPageRequest(10));
        Assert.Equal("dogonly", world.NameOf(ranked.Photos[0].Photo.Id));
        Assert.Equal(1.0, ranked.Photos[0].Score);
        Assert.Equal(3, ranked.Total);
        // Without text or similar-to, relevance is the date.
        Assert.Equal(await NamesAsync(world, service, PhotoSearch.All), await NamesAsync(world, service, new PhotoSearch { Order = SearchOrder.Relevance }));
    }

    [Fact]
    public async Task Similar_to_finds_the_most_similar_embeddings_above_the_minimum_and_the_other_filters_apply()
    {
        var (world, service) = await StandardAsync(new SearchOptions { MinSimilarity = 0.5 });

        var search = new PhotoSearch { SimilarTo = world.Ids["beach"], Order = SearchOrder.Similarity };
        var (hits, totals, _) = await AllPagesAsync(service, search, 1);

        // receipt 0.99, palace 0.70; garden is orthogonal; beach itself is left out.
        Assert.Equal(["receipt", "palace"], hits.Select(h => world.NameOf(h.Photo.Id)));
        Assert.Equal(0.99, hits[0].Score!.Value, 2);
        Assert.Equal(0.70, hits[1].Score!.Value, 2);
        Assert.All(totals, t => Assert.Equal(2, t));
        Assert.Equal(["palace"], await NamesAsync(world, service, search with { People = [new("Raj")] }));
        Assert.Equal(["receipt", "palace"], await NamesAsync(world, service, search with { Order = SearchOrder.Relevance }));
        Assert.Equal(["palace", "receipt"], await NamesAsync(world, service, search with { Order = SearchOrder.TakenDescending }));

        var fewer = new SearchService(world.Store, new SearchOptions { SimilarCandidates = 1 });
        Assert.Equal(["receipt"], await NamesAsync(world, fewer, search));
        var stricter = new SearchService(world.Store, new SearchOptions { MinSimilarity = 0.9 });
        Assert.Equal(["receipt"], await NamesAsync(world, stricter, search));
    }

    [Fact]
    public async Task Similar_to_sees_an_embedding_written_after_the_first_search()
    {
        var (world, service) = await StandardAsync();
        var search = new PhotoSearch { SimilarTo = world.Ids["garden"], Order = SearchOrder.Similarity };
        Assert.Empty(await NamesAsync(world, service, search));

        await world.AddAsync([Standard[4] with { Embedding = [0.1f, 0, 1, 0] }]);

        Assert.Equal(["street"], await NamesAsync(world, service, search));
    }

    [Fact]
    public async Task A_photo_without_an_embedding_and_the_similarity_order_without_a_photo_are_refused()
    {
        var (world, service) = await StandardAsync();

        var none = await Assert.ThrowsAsync<SearchQueryException>(() =>
            service.SearchAsync(new PhotoSearch { SimilarTo = world.Ids["street"] }, new SearchPageRequest()));
        Assert.Equal(SearchErrorKind.Unknown, none.Kind);
        Assert.Contains($"photo #{world.Ids["street"]} has no image embedding", none.Message);
        var order = await Assert.ThrowsAsync<SearchQueryException>(() =>
            service.SearchAsync(new PhotoSearch { Order = SearchOrder.Similarity }, new SearchPageRequest()));
        Assert.Equal(SearchErrorKind.Malformed, order.Kind);
    }

    [Fact]
    public async Task An_unknown_person_is_named_with_the_nearest_name_suggested_and_unknown_ids_emotions_and_classes_are_refused()
    {
        var (world, service) = await StandardAsync();

        var typo = await Assert.ThrowsAsync<SearchQueryException>(() => service.SearchAsync(People(PeopleMatch.AllOf, "Amyy"), new SearchPageRequest()));
        Assert.Equal("no person named 'Amyy'; did you mean 'Amy'?", typo.Message);
        Assert.Equal(SearchErrorKind.Unknown, typo.Kind);
        var far = await Assert.ThrowsAsync<SearchQueryException>(() => service.SearchAsync(People(PeopleMatch.AllOf, "Zoe"), new SearchPageRequest()));
        Assert.Equal("no person named 'Zoe'", far.Message);
        var missing = world.People.Values.Max() + 100;
        var id = await Assert.ThrowsAsync<SearchQueryException>(() =>
            service.SearchAsync(new PhotoSearch { People = [new PersonRef(Id: missing)] }, new SearchPageRequest()));
        Assert.Equal($"no person #{missing}", id.Message);
        var emotionOfUnknown = await Assert.ThrowsAsync<SearchQueryException>(() =>
            service.SearchAsync(new PhotoSearch { Emotions = [new("happy", new PersonRef("Mary Anne"))] }, new SearchPageRequest()));
        Assert.Equal("no person named 'Mary Anne'; did you mean 'Mary Ann'?", emotionOfUnknown.Message);

        var emotion = await Assert.ThrowsAsync<SearchQueryException>(() => service.SearchAsync(new PhotoSearch { Emotions = [new("smiling")] }, new SearchPageRequest()));
        Assert.Equal(SearchErrorKind.Unknown, emotion.Kind);
        Assert.Equal("unknown emotion 'smiling'; the expressions are neutral, happy, sad, angry, fearful, disgusted, surprised", emotion.Message);
        var item = await Assert.ThrowsAsync<SearchQueryException>(() => service.SearchAsync(new PhotoSearch { Objects = [new("dogs")] }, new SearchPageRequest()));
        Assert.Equal(SearchErrorKind.Unknown, item.Kind);
        Assert.StartsWith("unknown object class 'dogs'; the classes are person, bicycle, car", item.Message);
        var verdict = await Assert.ThrowsAsync<SearchQueryException>(() => service.SearchAsync(new PhotoSearch { Moderation = "nsfw" }, new SearchPageRequest()));
        Assert.Equal("unknown moderation verdict 'nsfw'; the verdicts are safe, sensitive", verdict.Message);
    }

    [Fact]
    public async Task A_hidden_person_is_still_found_by_name_and_counts_as_someone_else_for_only_and_a_rejected_face_is_no_longer_theirs()
    {
        var (world, service) = await StandardAsync();
        var people = new Sightline.Library.People.PeopleService(world.Store, Sightline.Library.People.PeopleOptions.Default);
        await people.HideAsync(world.People["Mary Ann"], true);

        Assert.Equal(["garden"], await NamesAsync(world, service, People(PeopleMatch.AllOf, "Mary Ann")));
        Assert.DoesNotContain("garden", await NamesAsync(world, service, People(PeopleMatch.Only, "Raj")));

        await world.Store.People.RejectFacesAsync(world.People["Amy"], [await world.FaceIdAsync("party", 0)]);

        Assert.Equal(["receipt", "beach", "clip"], await NamesAsync(world, service, People(PeopleMatch.AllOf, "Amy")));
        // The rejected face is identifiable and in no person now: the party needs review.
        Assert.Contains("party", await NamesAsync(world, service, new PhotoSearch { NeedsReview = true }));
    }

    [Fact]
    public async Task The_index_follows_a_new_analysis_a_changed_title_and_paths_moved_or_removed()
    {
        var (world, service) = await StandardAsync();

        await world.AddAsync([Standard[4] with { Objects = ["bicycle"], Title = "Morning ride", Verdict = ModerationVerdict.Sensitive }]);
        Assert.Equal(["street"], await NamesAsync(world, service, new PhotoSearch { Objects = [new("bicycle")] }));
        Assert.Empty(await NamesAsync(world, service, new PhotoSearch { Objects = [new("car")] }));
        Assert.Equal(["street"], await NamesAsync(world, service, new PhotoSearch { Text = ["morning"] }));
        Assert.Equal(["palace", "street"], await NamesAsync(world, service, new PhotoSearch { Moderation = "sensitive" }));

        var folder = (await world.Store.GetFoldersAsync())[0].Id;
        var seen = DateTimeOffset.UtcNow;
        await world.Store.SaveFilesAsync([new FileEntry("/photos/holiday/Lisbon tram.jpg", folder, FileKind.Photo, 1, seen, "street", null, seen)]);
        Assert.Equal(["street"], await NamesAsync(world, service, new PhotoSearch { Text = ["lisbon", "tram"] }));

        // The file name moves with its path to another photo.
        await world.Store.SaveFilesAsync([new FileEntry("/photos/holiday/Lisbon tram.jpg", folder, FileKind.Photo, 1, seen, "pets", null, seen)]);
        Assert.Equal(["pets"], await NamesAsync(world, service, new PhotoSearch { Text = ["lisbon"] }));

        await world.Store.RemoveFilesAsync(["/photos/holiday/Lisbon tram.jpg"]);
        Assert.Empty(await NamesAsync(world, service, new PhotoSearch { Text = ["lisbon"] }));
        Assert.Equal(["pets"], await NamesAsync(world, service, new PhotoSearch { Text = ["pets"] }));
    }

    [Fact]
    public async Task A_library_made_before_the_index_gets_it_when_opened_again()
    {
        var old = await OpenAsync(schema: 4);
        // The old library's photos are committed by today's code, which writes the frame time of a video's faces
        // (migration 8): the column is added ahead of its migration, which then leaves it as it is.
        await old.ExecuteAsync("ALTER TABLE faces ADD COLUMN frame_time DOUBLE PRECISION");
        var world = await SearchWorld.BuildAsync(old, Standard);
        var (spec, folder) = LastDatabase;

        var reopened = await OpenAsync(spec, folder);
        Assert.Equal(SqlLibraryStore.LatestSchemaVersion, await reopened.SchemaVersionAsync(default));
        var service = new SearchService(reopened);

        Assert.Equal(["receipt", "pets", "beach"], await NamesAsync(world, service, new PhotoSearch { Objects = [new("dog")] }));
        Assert.Equal(["receipt"], await NamesAsync(world, service, new PhotoSearch { Text = ["total"] }));
        Assert.Equal(["palace"], await NamesAsync(world, service, new PhotoSearch { Moderation = "sensitive" }));
        Assert.Equal(["beach"], await NamesAsync(world, service, new PhotoSearch { Camera = "canon" }));
        Assert.Equal(["party"], await NamesAsync(world, service, new PhotoSearch { Text = ["birthday"] }));
    }

    [Fact]
    public async Task Facets_count_photos_per_object_class_emotion_and_camera_with_the_years_taken()
    {
        var (_, service) = await StandardAsync();

        var facets = await service.GetFacetsAsync();

        Assert.Equal([new FacetCount("dog", 3), new FacetCount("cat", 2), new FacetCount("car", 1), new FacetCount("person", 1)], facets.Objects);
        Assert.Equal([new FacetCount("happy", 4), new FacetCount("neutral", 3), new FacetCount("sad", 1), new FacetCount("surprised", 1)], facets.Emotions);
        Assert.Equal([new FacetCount("Apple iPhone 13", 1), new FacetCount("Canon EOS R5", 1)], facets.Cameras);
        Assert.Equal((2023, 2024), (facets.FirstYear, facets.LastYear));
    }
}
