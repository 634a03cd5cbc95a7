using Sightline.Library.Search;
using static Sightline.Library.Tests.Search.SearchQueryRoundTripTests;

namespace Sightline.Library.Tests.Search;

/// <summary>
/// The query language key by key (what each term means as a <see cref="PhotoSearch"/>), and every error: its message
/// names the term and what was expected, its position is where the fault starts.
/// </summary>
public sealed class SearchQueryLanguageTests
{
    private static PhotoSearch Parse(string query) => SearchQueryLanguage.Parse(query);

    private static SearchQueryException Refused(string query)
    {
        var e = Assert.Throws<SearchQueryException>(() => SearchQueryLanguage.Parse(query));
        Assert.Equal(SearchErrorKind.Malformed, e.Kind);
        return e;
    }

    [Fact]
    public void Person_terms_are_all_of_by_name_quoted_name_or_id()
    {
        var search = Parse("person:Amy person:\"Mary Ann\" person:#12");
        Assert.Equal([new PersonRef("Amy"), new PersonRef("Mary Ann"), new PersonRef(Id: 12)], search.People);
        Assert.Equal(PeopleMatch.AllOf, search.PeopleMatch);
        // A quoted '#' is part of a name, not an id.
        Assert.Equal([new PersonRef("#12")], Parse("person:\"#12\"").People);
        Assert.Equal([new PersonRef("O\"Neil")], Parse("person:\"O\\\"Neil\"").People);
    }

    [Fact]
    public void Any_and_only_take_comma_separated_people_and_quoted_commas_stay_in_a_name()
    {
        var any = Parse("any:Amy,Raj,#3");
        Assert.Equal(PeopleMatch.AnyOf, any.PeopleMatch);
        Assert.Equal([new PersonRef("Amy"), new PersonRef("Raj"), new PersonRef(Id: 3)], any.People);
        var only = Parse("only:\"Smith, Jo\",Raj");
        Assert.Equal(PeopleMatch.Only, only.PeopleMatch);
        Assert.Equal([new PersonRef("Smith, Jo"), new PersonRef("Raj")], only.People);
        Assert.Equal(4, Parse("any:Amy,Raj any:Jo,Kim").People.Count);
    }

    [Fact]
    public void Emotion_is_anyones_or_a_persons_with_an_optional_minimum_score()
    {
        Assert.Equal([new EmotionFilter("happy")], Parse("emotion:happy").Emotions);
        Assert.Equal([new EmotionFilter("happy", MinScore: 0.8f)], Parse("emotion:Happy>=0.8").Emotions);
        Assert.Equal([new EmotionFilter("sad", new PersonRef("Amy"))], Parse("emotion:Amy=sad").Emotions);
        Assert.Equal([new EmotionFilter("surprised", new PersonRef("Mary Ann"), 0.5f)], Parse("emotion:\"Mary Ann\"=surprised>=0.5").Emotions);
        Assert.Equal([new EmotionFilter("neutral", new PersonRef(Id: 7))], Parse("emotion:#7=neutral").Emotions);
    }

    [Fact]
    public void Object_is_a_class_with_an_optional_minimum_count()
    {
        Assert.Equal([new ObjectFilter("dog"), new ObjectFilter("person", 2), new ObjectFilter("traffic light")],
            Parse("object:dog object:person>=2 object:\"traffic light\"").Objects);
    }

    [Fact]
    public void Bare_words_quoted_phrases_and_text_terms_are_all_text()
    {
        Assert.Equal(["receipt", "total 42.50", "total", "12:30", "note:this"],
            Parse("receipt \"total 42.50\" text:total 12:30 \"note:this\"").Text);
    }

    [Theory]
    [InlineData("after:2024", 2024, 1, 1)]
    [InlineData("after:2024-03", 2024, 3, 1)]
    [InlineData("after:2024-03-15", 2024, 3, 15)]
    public void After_starts_at_the_start_of_its_period(string query, int year, int month, int day)
    {
        var search = Parse(query);
        Assert.Equal(new DateTime(year, month, day), search.TakenFrom);
        Assert.Null(search.TakenBefore);
    }

    [Theory]
    [InlineData("before:2024", 2024, 1, 1)]
    [InlineData("before:2024-03", 2024, 3, 1)]
    [InlineData("before:2024-03-15", 2024, 3, 15)]
    public void Before_ends_before_the_start_of_its_period(string query, int year, int month, int day)
    {
        var search = Parse(query);
        Assert.Equal(new DateTime(year, month, day), search.TakenBefore);
        Assert.Null(search.TakenFrom);
    }

    [Fact]
    public void Camera_near_and_box()
    {
        Assert.Equal("Canon EOS", Parse("camera:\"Canon EOS\"").Camera);
        Assert.Equal(new PlaceFilter(48.85, 2.35, RadiusKm: 5), Parse("near:48.85,2.35,5km").Place);
        Assert.Equal(new PlaceFilter(-33.9, 18.4, RadiusKm: 0.25), Parse("near:-33.9,18.4,250m").Place);
        var box = Parse("box:48.8,2.2,48.9,2.5").Place!;
        Assert.True(box.IsBox);
        Assert.Equal(new PlaceFilter(48.8, 2.2, ToLatitude: 48.9, ToLongitude: 2.5), box);
    }

    [Fact]
    public void Kind_similar_faces_review_moderation()
    {
        Assert.Equal(MediaKind.Video, Parse("kind:video").Kind);
        Assert.Equal(MediaKind.Photo, Parse("kind:PHOTO").Kind);
        Assert.Equal(123, Parse("similar:#123").SimilarTo);
        Assert.Equal(123, Parse("similar:123").SimilarTo);
        Assert.Equal(FacePresence.None, Parse("faces:none").Faces);
        Assert.Equal(FacePresence.Some, Parse("faces:some").Faces);
        Assert.True(Parse("review:yes").NeedsReview);
        Assert.False(Parse("review:no").NeedsReview);
        Assert.Equal("sensitive", Parse("moderation:sensitive").Moderation);
        Assert.Equal("safe", Parse("moderation:safe").Moderation);
    }

    [Theory]
    [InlineData("sort:date", SearchOrder.TakenDescending)]
    [InlineData("sort:date-asc", SearchOrder.TakenAscending)]
    [InlineData("sort:added", SearchOrder.AddedDescending)]
    [InlineData("sort:relevance", SearchOrder.Relevance)]
    [InlineData("similar:#4 sort:similarity", SearchOrder.Similarity)]
    [InlineData("", SearchOrder.TakenDescending)]
    public void Sort_names_each_order(string query, SearchOrder order) => Assert.Equal(order, Parse(query).Order);

    [Fact]
    public void The_issues_example_is_one_search_of_every_part()
    {
        var search = Parse("person:Amy person:Raj emotion:happy after:2024-01 object:dog");
        var expected = new PhotoSearch
        {
            People = [new PersonRef("Amy"), new PersonRef("Raj")],
            Emotions = [new EmotionFilter("happy")],
            TakenFrom = new DateTime(2024, 1, 1),
            Objects = [new ObjectFilter("dog")],
        };
        AssertSameSearch(expected, search);
        // January 2024 starts when 2024 does: the canonical text is the shorter.
        Assert.Equal("person:Amy person:Raj emotion:happy object:dog after:2024", SearchQueryLanguage.Format(search));
    }

    [Fact]
    public void Keys_are_case_insensitive_and_white_space_of_any_kind_separates_terms()
    {
        var search = Parse("  PERSON:Amy\tObject:dog\n  sunset ");
        Assert.Equal([new PersonRef("Amy")], search.People);
        Assert.Equal([new ObjectFilter("dog")], search.Objects);
        Assert.Equal(["sunset"], search.Text);
    }

    [Theory]
    [InlineData("emtion:happy", 0, "unknown key 'emtion' at 0; did you mean 'emotion'?")]
    [InlineData("dog persn:Amy", 4, "unknown key 'persn' at 4; did you mean 'person'?")]
    [InlineData("zzzzzz:1", 0, "unknown key 'zzzzzz' at 0 (keys: person, any")]
    [InlineData("after:2024-13", 6, "after: '2024-13' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")]
    [InlineData("before:yesterday", 7, "before: 'yesterday' is not a date")]
    [InlineData("after:2024-02-30", 6, "after: '2024-02-30' is not a date")]
    [InlineData("person:", 7, "person: needs a value")]
    [InlineData("person:#x", 7, "person: '#x' is not a person id")]
    [InlineData("person:#0", 7, "person: '#0' is not a person id")]
    [InlineData("any:Amy,,Raj", 8, "any: has an empty name at 8")]
    [InlineData("emotion:gleeful", 8, "emotion: 'gleeful' is not an emotion")]
    [InlineData("emotion:hapy", 8, "did you mean 'happy'?")]
    [InlineData("emotion:happy>=1.5", 15, "emotion: '1.5' is not a minimum score between 0 and 1")]
    [InlineData("emotion:happy>=x", 15, "emotion: 'x' is not a minimum score")]
    [InlineData("emotion:=happy", 8, "emotion: has '=' but no person before it")]
    [InlineData("object:dog>=0", 12, "object: '0' is not a minimum count of 1 or more")]
    [InlineData("object:dog>=2.5", 12, "object: '2.5' is not a minimum count")]
    [InlineData("object:>=2", 7, "object: names no class")]
    [InlineData("near:48.85,2.35,5", 5, "near: the radius '5' has no unit (5km or 500m)")]
    [InlineData("near:48.85,2.35", 5, "near: '48.85,2.35' is not latitude,longitude,radius")]
    [InlineData("near:95,2.35,5km", 5, "near: '95' is not a latitude between -90 and 90")]
    [InlineData("near:48,200,5km", 5, "near: '200' is not a longitude between -180 and 180")]
    [InlineData("near:48,2,-5km", 5, "near: the radius '-5km' is not a positive distance")]
    [InlineData("near:48,2,30000km", 5, "more than half the earth's circumference")]
    [InlineData("box:1,2,3", 4, "box: '1,2,3' is not two corners")]
    [InlineData("box:10,2,5,3", 4, "box: '10,2,5,3' must give the south-west corner first")]
    [InlineData("kind:movie", 5, "kind: 'movie' is not one of photo|video")]
    [InlineData("similar:photo", 8, "similar: 'photo' is not a photo id (#123)")]
    [InlineData("faces:many", 6, "faces: 'many' is not one of none|some")]
    [InlineData("review:maybe", 7, "review: 'maybe' is not one of yes|no")]
    [InlineData("moderation:nsfw", 11, "moderation: 'nsfw' is not one of safe|sensitive")]
    [InlineData("sort:newest", 5, "sort: 'newest' is not one of date|date-asc|added|relevance|similarity")]
    [InlineData("sort:dat", 5, "did you mean 'date'?")]
    [InlineData("person:\"Mary Ann", 7, "the quote at 7 is never closed")]
    [InlineData("dog \"\"", 4, "empty quotes at 4 name nothing")]
    [InlineData("dog \" \"", 4, "the phrase at 4 is blank")]
    [InlineData("text:\" \"", 5, "text: needs a value")]
    public void A_malformed_term_names_itself_what_was_expected_and_where(string query, int position, string message)
    {
        var e = Refused(query);
        Assert.Contains(message, e.Message);
        Assert.Equal(position, e.Position);
    }

    [Theory]
    [InlineData("sort:date sort:added", 10, "sort: given twice (at 0 and 10)")]
    [InlineData("after:2024 after:2023", 11, "after: given twice")]
    [InlineData("camera:canon camera:nikon", 13, "camera: given twice")]
    [InlineData("kind:photo kind:video", 11, "kind: given twice")]
    [InlineData("after:2024-03 before:2024-01", 14, "after:2024-03 is not earlier than before:2024-01")]
    [InlineData("after:2024 before:2024", 11, "after:2024 is not earlier than before:2024")]
    [InlineData("person:Amy only:Raj", 11, "only: at 11 cannot be mixed with person: at 0")]
    [InlineData("any:Amy person:Raj", 8, "person: at 8 cannot be mixed with any: at 0")]
    [InlineData("only:Amy any:Raj", 9, "any: at 9 cannot be mixed with only: at 0")]
    [InlineData("near:1,2,3km box:1,2,3,4", 13, "box: at 13 is a second place")]
    [InlineData("person:Amy faces:none", 11, "faces:none cannot hold with people (at 0)")]
    [InlineData("emotion:happy faces:none", 14, "faces:none cannot hold with emotions (at 0)")]
    [InlineData("sort:similarity", 0, "sort:similarity needs a photo to be similar to: add similar:#id")]
    public void Conflicting_terms_are_refused_at_the_second_of_them(string query, int position, string message)
    {
        var e = Refused(query);
        Assert.Contains(message, e.Message);
        Assert.Equal(position, e.Position);
    }

    [Fact]
    public void Format_refuses_a_search_no_text_can_express()
    {
        Assert.Throws<ArgumentException>(() => SearchQueryLanguage.Format(new PhotoSearch { People = [new PersonRef()] }));
        Assert.Throws<ArgumentException>(() => SearchQueryLanguage.Format(new PhotoSearch { Emotions = [new EmotionFilter("gleeful")] }));
        Assert.Throws<ArgumentException>(() => SearchQueryLanguage.Format(new PhotoSearch { Emotions = [new EmotionFilter("happy", MinScore: 2)] }));
        Assert.Throws<ArgumentException>(() => SearchQueryLanguage.Format(new PhotoSearch { Objects = [new ObjectFilter("dog", 0)] }));
        Assert.Throws<ArgumentException>(() => SearchQueryLanguage.Format(new PhotoSearch { Order = SearchOrder.Similarity }));
        Assert.Throws<ArgumentException>(() => SearchQueryLanguage.Format(new PhotoSearch { Place = new PlaceFilter(1, 2) }));
        Assert.Throws<ArgumentException>(() => SearchQueryLanguage.Format(new PhotoSearch { TakenFrom = new DateTime(2024, 2, 1), TakenBefore = new DateTime(2024, 1, 1) }));
    }

    [Fact]
    public void Format_quotes_only_what_must_be_quoted()
    {
        var search = new PhotoSearch
        {
            People = [new PersonRef("Mary Ann"), new PersonRef("#1"), new PersonRef(Id: 9)],
            Objects = [new ObjectFilter("traffic light", 2)],
            Text = ["total 42.50", "re:invent", "receipt"],
            Place = new PlaceFilter(48.85, 2.35, RadiusKm: 0.5),
        };
        Assert.Equal("person:\"Mary Ann\" person:\"#1\" person:#9 object:\"traffic light\">=2 \"total 42.50\" \"re:invent\" receipt near:48.85,2.35,0.5km",
            SearchQueryLanguage.Format(search));
    }
}
