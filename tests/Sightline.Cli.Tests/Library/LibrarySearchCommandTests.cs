using System.Text.Json;
using Sightline.Tests.Shared.Search;

namespace Sightline.Cli.Tests.Library;

/// <summary>
/// <c>sightline library search</c> and <c>library facets</c> on a library the test committed itself
/// (<see cref="SearchLibrary"/>: Amy and Raj with their expressions, dates and cameras): the table, --json (the API's
/// object), --paths, paging by cursor, and the exit code of each bad input. Expected answers are computed from the
/// library's own table of photos.
/// </summary>
public sealed class LibrarySearchCommandTests : IAsyncLifetime
{
    private SearchLibrary _library = null!;

    public async Task InitializeAsync() => _library = await SearchLibrary.CreateAsync();

    public async Task DisposeAsync() => await _library.DisposeAsync();

    private Task<CliRunner.Result> Search(params string[] args) => CliRunner.RunAsync(["library", "search", _library.Folder, .. args]);

    private Task<CliRunner.Result> SearchJson(params string[] args) => CliRunner.RunAsync(["--json", "library", "search", _library.Folder, .. args]);

    private static void AssertOk(CliRunner.Result result) => Assert.True(result.ExitCode == ExitCodes.Ok, $"exit {result.ExitCode}: {result.Error}");

    private static long[] Ids(JsonElement results) =>
        results.GetProperty("photos").EnumerateArray().Select(p => p.GetProperty("photo").GetProperty("id").GetInt64()).ToArray();

    private static bool Has(SearchLibrary.PhotoSpec p, char person) => p.Faces.Any(f => f.Person == person);

    [Fact]
    public async Task Json_is_the_query_the_total_the_cursor_and_the_photos_in_date_order()
    {
        var result = await SearchJson("person:Amy emotion:Amy=happy");
        AssertOk(result);
        var expected = _library.Expected(p => p.Faces.Contains(('A', "happy")));
        Assert.NotEmpty(expected);
        Assert.Equal(expected, Ids(result.Json));
        Assert.Equal(expected.Length, result.Json.GetProperty("total").GetInt64());
        Assert.Equal("person:Amy emotion:Amy=happy", result.Json.GetProperty("query").GetString());
        Assert.Equal(JsonValueKind.Null, result.Json.GetProperty("nextCursor").ValueKind);
        var first = result.Json.GetProperty("photos")[0];
        Assert.Equal(JsonValueKind.Null, first.GetProperty("score").ValueKind);
        Assert.Equal(_library.Ids["christmas.jpg"], first.GetProperty("photo").GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task The_table_has_date_file_people_and_the_count_of_all()
    {
        var result = await Search("person:Raj after:2024");
        AssertOk(result);
        var expected = SearchLibrary.Photos.Where(p => Has(p, 'R') && p.TakenAt >= new DateTime(2024, 1, 1)).ToList();
        Assert.Equal(2, expected.Count);
        Assert.Contains($"{expected.Count} of {expected.Count} photos", result.Output);
        var argument = result.Output.Split('\n').Single(l => l.Contains("argument.jpg"));
        Assert.Contains("2024-02-10 21:00", argument);
        Assert.Contains("Amy, Raj", argument.Replace("Raj, Amy", "Amy, Raj", StringComparison.Ordinal));
        Assert.Contains(_library.PathOf("rain.jpg"), result.Output);
        Assert.DoesNotContain("beach.jpg", result.Output);
    }

    [Fact]
    public async Task Pages_follow_the_cursor_to_the_end_and_together_are_the_whole_answer()
    {
        var all = _library.Expected(_ => true);
        var seen = new List<long>();
        string? cursor = null;
        for (var page = 0; page < 10; page++)
        {
            var result = await SearchJson(["", "--limit", "3", .. cursor is null ? Array.Empty<string>() : ["--cursor", cursor]]);
            AssertOk(result);
            Assert.Equal(all.Length, result.Json.GetProperty("total").GetInt64());
            var ids = Ids(result.Json);
            Assert.True(ids.Length <= 3);
            seen.AddRange(ids);
            var next = result.Json.GetProperty("nextCursor");
            if (next.ValueKind == JsonValueKind.Null)
                break;
            cursor = next.GetString();
        }
        Assert.Equal(all, seen);

        var table = await Search("", "--limit", "3");
        AssertOk(table);
        Assert.Contains($"3 of {all.Length} photos", table.Output);
        Assert.Contains("--cursor ", table.Output);
    }

    [Fact]
    public async Task Paths_prints_one_file_a_line()
    {
        var result = await Search("camera:canon", "--paths");
        AssertOk(result);
        var expected = SearchLibrary.Photos.Where(p => p.Camera?.Contains("Canon", StringComparison.OrdinalIgnoreCase) == true)
            .OrderByDescending(p => p.TakenAt).Select(p => _library.PathOf(p.File));
        Assert.Equal(expected, result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task A_malformed_query_exits_2_with_the_message_and_a_caret_under_the_fault()
    {
        var result = await Search("person:Amy emtion:happy");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("error: unknown key 'emtion' at 11; did you mean 'emotion'?", result.Error);
        var lines = result.Error.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var query = lines.FindIndex(l => l == "  person:Amy emtion:happy");
        Assert.True(query >= 0, result.Error);
        Assert.Equal("  " + new string(' ', 11) + "^", lines[query + 1]);

        var date = await Search("after:2024-13");
        Assert.Equal(ExitCodes.Usage, date.ExitCode);
        Assert.Contains("after: '2024-13' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", date.Error);
    }

    [Fact]
    public async Task An_unknown_person_exits_3_naming_them()
    {
        var result = await Search("person:Zed");
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("Zed", result.Error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("501")]
    public async Task A_limit_out_of_range_is_a_usage_error(string limit)
    {
        var result = await Search("", "--limit", limit);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains($"--limit must be between 1 and 500 (got {limit})", result.Error);
    }

    [Fact]
    public async Task Facets_count_the_photos_of_each_emotion_and_camera()
    {
        var result = await CliRunner.RunAsync("--json", "library", "facets", _library.Folder);
        AssertOk(result);
        long Count(string facet, string value) =>
            result.Json.GetProperty(facet).EnumerateArray().Single(f => f.GetProperty("value").GetString() == value).GetProperty("photos").GetInt64();
        Assert.Equal(SearchLibrary.Photos.Count(p => p.Faces.Any(f => f.Expression == "happy")), Count("emotions", "happy"));
        Assert.Equal(SearchLibrary.Photos.Count(p => p.Faces.Any(f => f.Expression == "sad")), Count("emotions", "sad"));
        Assert.Equal(SearchLibrary.Photos.Count(p => p.Camera == "iPhone 15"), Count("cameras", "iPhone 15"));
        Assert.Equal(SearchLibrary.Photos.Min(p => p.TakenAt)!.Value.Year, result.Json.GetProperty("firstYear").GetInt32());
        Assert.Equal(SearchLibrary.Photos.Max(p => p.TakenAt)!.Value.Year, result.Json.GetProperty("lastYear").GetInt32());

        var table = await CliRunner.RunAsync("library", "facets", _library.Folder);
        AssertOk(table);
        Assert.Contains("emotion:happy", table.Output);
        Assert.Contains("photos dated from 2022 to 2024", table.Output);
    }
}
