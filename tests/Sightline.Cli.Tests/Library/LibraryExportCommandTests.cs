using System.Text.Json;
using Sightline.Tests.Shared.Search;

namespace Sightline.Cli.Tests.Library;

/// <summary>
/// <c>sightline library export</c> and <c>library duplicates</c> on a library the test committed itself
/// (<see cref="SearchLibrary"/>): folders by person as links to the originals, a second run that writes nothing, a dry
/// run, copies by date, and the exit codes of a refused target and of bad options. Expected folders are computed from
/// the library's own table of photos.
/// </summary>
public sealed class LibraryExportCommandTests : IAsyncLifetime
{
    private SearchLibrary _library = null!;
    private string _target = null!;

    public async Task InitializeAsync()
    {
        _library = await SearchLibrary.CreateAsync();
        _target = Path.Combine(_library.Root, "sorted");
    }

    public async Task DisposeAsync() => await _library.DisposeAsync();

    private static void AssertOk(CliRunner.Result result) => Assert.True(result.ExitCode == ExitCodes.Ok, $"exit {result.ExitCode}: {result.Error}");

    private Task<CliRunner.Result> ExportJson(string query, params string[] args) =>
        CliRunner.RunAsync(["--json", "library", "export", _library.Folder, query, "--to", _target, .. args]);

    private static string[] Files(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray() : [];

    private static string[] FilesOf(Func<SearchLibrary.PhotoSpec, bool> match) =>
        SearchLibrary.Photos.Where(match).Select(p => p.File).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task By_person_links_each_photo_into_the_folder_of_every_named_person_in_it()
    {
        var result = await ExportJson("person:Raj", "--by", "person");
        AssertOk(result);

        var raj = FilesOf(p => p.Faces.Any(f => f.Person == 'R'));
        var amyWithRaj = FilesOf(p => p.Faces.Any(f => f.Person == 'R') && p.Faces.Any(f => f.Person == 'A'));
        Assert.NotEmpty(amyWithRaj);
        Assert.Equal(raj, Files(Path.Combine(_target, SearchLibrary.RajName)));
        Assert.Equal(amyWithRaj, Files(Path.Combine(_target, SearchLibrary.AmyName)));
        Assert.Equal([SearchLibrary.AmyName, SearchLibrary.RajName], Directory.GetDirectories(_target).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        foreach (var file in raj)
        {
            var link = new FileInfo(Path.Combine(_target, SearchLibrary.RajName, file));
            Assert.Equal(_library.PathOf(file), link.LinkTarget);
        }

        Assert.Equal(raj.Length, result.Json.GetProperty("photos").GetInt32());
        Assert.Equal(raj.Length + amyWithRaj.Length, result.Json.GetProperty("items").GetArrayLength());
        Assert.False(result.Json.GetProperty("dryRun").GetBoolean());
    }

    [Fact]
    public async Task A_second_run_writes_nothing_and_counts_what_is_already_there()
    {
        var first = await ExportJson("person:Amy", "--by", "person");
        AssertOk(first);
        var written = first.Json.GetProperty("items").GetArrayLength();
        Assert.True(written > 0);

        var second = await ExportJson("person:Amy", "--by", "person");
        AssertOk(second);
        Assert.Equal(0, second.Json.GetProperty("items").GetArrayLength());
        Assert.Equal(written, second.Json.GetProperty("alreadyThere").GetInt32());
        Assert.Equal(written, Directory.GetFiles(_target, "*", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public async Task A_dry_run_plans_the_same_files_and_writes_none()
    {
        var dry = await ExportJson("", "--by", "date", "--dry-run");
        AssertOk(dry);
        Assert.True(dry.Json.GetProperty("dryRun").GetBoolean());
        Assert.False(Directory.Exists(_target), "a dry run made the target folder");

        var real = await ExportJson("", "--by", "date");
        AssertOk(real);
        string[] Destinations(JsonElement report) =>
            report.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("destination").GetString()!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Destinations(dry.Json), Destinations(real.Json));
        Assert.Equal(SearchLibrary.Photos.Count, Destinations(real.Json).Length);
    }

    [Fact]
    public async Task Copies_by_date_are_the_originals_bytes_in_year_and_month_folders()
    {
        var result = await ExportJson("before:2024", "--by", "date", "--copy");
        AssertOk(result);
        var expected = SearchLibrary.Photos.Where(p => p.TakenAt is { Year: < 2024 }).ToList();
        Assert.NotEmpty(expected);
        foreach (var photo in expected)
        {
            var taken = photo.TakenAt!.Value;
            var copy = new FileInfo(Path.Combine(_target, $"{taken:yyyy}", $"{taken:yyyy-MM}", photo.File));
            Assert.True(copy.Exists, $"{copy.FullName} is missing");
            Assert.Null(copy.LinkTarget);
            Assert.Equal(await File.ReadAllBytesAsync(_library.PathOf(photo.File)), await File.ReadAllBytesAsync(copy.FullName));
        }

        Assert.Equal(expected.Count, Directory.GetFiles(_target, "*", SearchOption.AllDirectories).Length);
        Assert.True(result.Json.GetProperty("bytesCopied").GetInt64() > 0);
    }

    [Fact]
    public async Task A_target_inside_a_source_folder_exits_10_and_writes_nothing()
    {
        var inside = Path.Combine(_library.PhotoFolder, "sorted");
        var result = await CliRunner.RunAsync(["library", "export", _library.Folder, "", "--to", inside, "--by", "person"]);
        Assert.Equal(ExitCodes.Export, result.ExitCode);
        Assert.Contains("sorted", result.Error);
        Assert.False(Directory.Exists(inside));
        Assert.Equal(SearchLibrary.Photos.Count, Directory.GetFiles(_library.PhotoFolder).Length);
    }

    [Theory]
    [InlineData("--by", "colour")]
    [InlineData("--by", "person", "--link", "--copy")]
    public async Task Bad_export_options_exit_2_and_write_nothing(params string[] args)
    {
        var result = await CliRunner.RunAsync(["library", "export", _library.Folder, "", "--to", _target, .. args]);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.False(Directory.Exists(_target));
    }

    [Fact]
    public async Task A_malformed_export_query_exits_2()
    {
        var result = await CliRunner.RunAsync(["library", "export", _library.Folder, "emtion:happy", "--to", _target, "--by", "person"]);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("emtion", result.Error);
        Assert.False(Directory.Exists(_target));
    }

    [Fact]
    public async Task Duplicates_of_distinct_photos_are_no_group_and_a_bad_kind_exits_2()
    {
        var result = await CliRunner.RunAsync(["--json", "library", "duplicates", _library.Folder]);
        AssertOk(result);
        Assert.Equal(0, result.Json.GetProperty("groups").GetArrayLength());
        Assert.Equal(0, result.Json.GetProperty("redundant").GetInt32());

        var bad = await CliRunner.RunAsync(["library", "duplicates", _library.Folder, "--kind", "sideways"]);
        Assert.Equal(ExitCodes.Usage, bad.ExitCode);
        Assert.Contains("sideways", bad.Error);
    }

    [Fact]
    public async Task Duplicates_within_a_search_compare_only_its_photos_and_a_malformed_search_exits_2()
    {
        var within = await CliRunner.RunAsync(["--json", "library", "duplicates", _library.Folder, "person:Raj"]);
        AssertOk(within);
        Assert.Equal(FilesOf(p => p.Faces.Any(f => f.Person == 'R')).Length, within.Json.GetProperty("photos").GetInt32());

        var bad = await CliRunner.RunAsync(["library", "duplicates", _library.Folder, "emtion:happy"]);
        Assert.Equal(ExitCodes.Usage, bad.ExitCode);
        Assert.Contains("emtion", bad.Error);
    }
}
