using System.Collections;
using Sightline.Library.Search;

namespace Sightline.Library.Tests.Search;

/// <summary>
/// <see cref="SearchQueryLanguage.Format"/> writes text that <see cref="SearchQueryLanguage.Parse"/> reads back to an
/// equal search, on thousands of searches drawn by a seeded generator over every key (names with spaces, commas,
/// quotes and '#', scores, counts, dates of each precision, places, orders).
/// </summary>
public sealed class SearchQueryRoundTripTests
{
    /// <summary>Each property of two searches equal; lists element by element (the record's own Equals compares lists by reference).</summary>
    internal static void AssertSameSearch(PhotoSearch expected, PhotoSearch actual, string because = "")
    {
        foreach (var property in typeof(PhotoSearch).GetProperties().Where(p => p.GetIndexParameters().Length == 0 && !p.GetMethod!.IsStatic))
        {
            var (e, a) = (property.GetValue(expected), property.GetValue(actual));
            if (e is IEnumerable first and not string && a is IEnumerable second and not string)
                Assert.True(first.Cast<object?>().SequenceEqual(second.Cast<object?>()),
                    $"{property.Name} differs {because}: [{string.Join(", ", first.Cast<object?>())}] vs [{string.Join(", ", second.Cast<object?>())}]");
            else
                Assert.True(Equals(e, a), $"{property.Name} differs {because}: {e} vs {a}");
        }
    }

    private static readonly string[] Names = ["Amy", "Raj", "Mary Ann", "O'Brien", "Zoë", "A, B", "x=y", "#hash", "say \"hi\"", "back\\slash", "a>=b", "同名"];
    private static readonly string[] Labels = ["dog", "person", "traffic light", "cell phone", "a>=b", "hot dog"];
    private static readonly string[] Words = ["total", "42.50", "receipt", "total 42.50", "note:this", "\"quoted\"", "#12", "12:30", "ünï", "back\\slash"];
    private static readonly string[] Cameras = ["canon", "Canon EOS 5D", "iPhone 15 Pro", "#1", "x:y"];

    private static PersonRef Person(Random random) =>
        random.Next(3) == 0 ? new PersonRef(Id: random.NextInt64(1, 100_000)) : new PersonRef(Name: Names[random.Next(Names.Length)]);

    private static DateTime Date(Random random) =>
        random.Next(4) switch
        {
            0 => new DateTime(random.Next(1990, 2030), 1, 1),
            1 => new DateTime(random.Next(1990, 2030), random.Next(1, 13), 1),
            2 => new DateTime(random.Next(1990, 2030), random.Next(1, 13), random.Next(1, 29)),
            _ => new DateTime(random.Next(1990, 2030), random.Next(1, 13), random.Next(1, 29), random.Next(24), random.Next(60), random.Next(60)).AddTicks(random.Next(2) * random.Next(10_000_000)),
        };

    internal static PhotoSearch Generate(Random random)
    {
        var search = new PhotoSearch();
        var people = random.Next(4) == 0 ? 0 : random.Next(0, 4);
        var noFaces = people == 0 && random.Next(6) == 0;
        if (people > 0)
            search = search with
            {
                People = Enumerable.Range(0, people).Select(_ => Person(random)).ToList(),
                PeopleMatch = (PeopleMatch)random.Next(3),
            };
        if (!noFaces)
            search = search with
            {
                Emotions = Enumerable.Range(0, random.Next(3)).Select(_ => new EmotionFilter(
                    SearchQueryLanguage.EmotionNames[random.Next(SearchQueryLanguage.EmotionNames.Count)],
                    random.Next(2) == 0 ? Person(random) : null,
                    random.Next(3) == 0 ? 0f : (float)random.NextDouble())).ToList(),
            };
        search = search with
        {
            Objects = Enumerable.Range(0, random.Next(3)).Select(_ => new ObjectFilter(Labels[random.Next(Labels.Length)], random.Next(3) == 0 ? random.Next(2, 20) : 1)).ToList(),
            Text = Enumerable.Range(0, random.Next(3)).Select(_ => Words[random.Next(Words.Length)]).ToList(),
        };
        if (random.Next(2) == 0)
            search = search with { TakenFrom = Date(random) };
        if (random.Next(2) == 0)
        {
            var before = Date(random);
            if (search.TakenFrom is { } from && before <= from)
                before = from.AddDays(random.Next(1, 400));
            search = search with { TakenBefore = before };
        }
        if (random.Next(3) == 0)
            search = search with { Camera = Cameras[random.Next(Cameras.Length)] };
        if (random.Next(3) == 0)
        {
            var lat = random.NextDouble() * 170 - 85;
            var lon = random.NextDouble() * 350 - 175;
            search = search with
            {
                Place = random.Next(2) == 0
                    ? new PlaceFilter(lat, lon, RadiusKm: random.Next(2) == 0 ? random.Next(1, 50) : random.NextDouble() * 100 + 1e-6)
                    : new PlaceFilter(lat, lon, ToLatitude: lat + random.NextDouble() * (89.9 - lat), ToLongitude: lon + random.NextDouble() * (179.9 - lon)),
            };
        }
        if (random.Next(3) == 0)
            search = search with { Kind = (MediaKind)random.Next(2) };
        if (random.Next(3) == 0)
            search = search with { SimilarTo = random.NextInt64(1, 1_000_000) };
        search = search with
        {
            Faces = noFaces ? FacePresence.None : random.Next(5) == 0 ? FacePresence.Some : FacePresence.Any,
            NeedsReview = random.Next(4) == 0,
            Moderation = random.Next(4) switch { 0 => "safe", 1 => "sensitive", _ => null },
        };
        var orders = Enum.GetValues<SearchOrder>().Where(o => o != SearchOrder.Similarity || search.SimilarTo is not null).ToArray();
        return search with { Order = orders[random.Next(orders.Length)] };
    }

    [Fact]
    public void Five_thousand_generated_searches_parse_back_from_their_text_unchanged()
    {
        var random = new Random(1717);
        var keysSeen = new HashSet<string>();
        for (var i = 0; i < 5000; i++)
        {
            var search = Generate(random);
            var text = SearchQueryLanguage.Format(search);
            PhotoSearch parsed;
            try
            {
                parsed = SearchQueryLanguage.Parse(text);
            }
            catch (SearchQueryException e)
            {
                Assert.Fail($"search {i}: '{text}' does not parse: {e.Message} (at {e.Position})");
                throw;
            }
            AssertSameSearch(search, parsed, $"in search {i}: '{text}'");
            // Canonical: the text of the parsed search is the same text.
            Assert.Equal(text, SearchQueryLanguage.Format(parsed));
            foreach (var key in SearchQueryLanguage.Keys)
                if (text.StartsWith(key + ":", StringComparison.Ordinal) || text.Contains(" " + key + ":", StringComparison.Ordinal))
                    keysSeen.Add(key);
        }
        // The generator reaches every key; text is written as bare words and phrases, never as text:.
        Assert.Equal(SearchQueryLanguage.Keys.Where(k => k != "text").Order(), keysSeen.Order());
    }

    [Fact]
    public void The_empty_search_is_the_empty_text()
    {
        Assert.Equal("", SearchQueryLanguage.Format(PhotoSearch.All));
        AssertSameSearch(PhotoSearch.All, SearchQueryLanguage.Parse(""));
        AssertSameSearch(PhotoSearch.All, SearchQueryLanguage.Parse("   \t "));
    }

    [Fact]
    public void The_equality_check_itself_tells_searches_apart()
    {
        var random = new Random(5);
        var search = Generate(random);
        var other = search with { Text = [.. search.Text, "extra"] };
        Assert.ThrowsAny<Exception>(() => AssertSameSearch(search, other));
    }
}
