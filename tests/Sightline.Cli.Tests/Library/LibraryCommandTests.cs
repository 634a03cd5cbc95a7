using Sightline.Cli.Commands;
using Sightline.Tests.Shared;

namespace Sightline.Cli.Tests.Library;

/// <summary><c>sightline library</c>: its commands in process, their exit codes and messages, and the settings they make.</summary>
public sealed class LibraryCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-library-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Library => Path.Combine(_dir, "lib");

    private string PhotoFolder(params string[] sanity)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "photos")).FullName;
        foreach (var name in sanity)
            File.Copy(Path.Combine(TestPaths.Data("sanity"), name), Path.Combine(folder, name), overwrite: true);
        return folder;
    }

    [Fact]
    public async Task A_folder_that_is_no_library_is_exit_8_with_how_to_make_one()
    {
        var result = await CliRunner.RunAsync("library", "status", _dir);
        Assert.Equal(ExitCodes.Library, result.ExitCode);
        Assert.Contains($"{_dir} is not a Sightline library (no library.json): run sightline library init {_dir}", result.Error);
    }

    [Fact]
    public async Task Init_refuses_a_folder_that_already_holds_a_library()
    {
        Assert.Equal(ExitCodes.Ok, (await CliRunner.RunAsync("library", "init", Library, "--tasks", "none")).ExitCode);
        var again = await CliRunner.RunAsync("library", "init", Library);
        Assert.Equal(ExitCodes.Library, again.ExitCode);
        Assert.Contains("already holds a Sightline library", again.Error);
    }

    [Theory]
    [InlineData("--set", "detect.minScore=2", "minScore must be between 0 and 1")]
    [InlineData("--tasks", "detect,ocr", "'ocr' is not a task")]
    [InlineData("--set", "faces.minScore", "is not task.option=value")]
    public async Task Init_with_bad_settings_is_a_usage_error_and_makes_no_library(string option, string value, string message)
    {
        var result = await CliRunner.RunAsync("library", "init", Library, option, value);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.False(File.Exists(Path.Combine(Library, "library.json")));
    }

    [Fact]
    public async Task Adding_a_missing_folder_is_bad_input_naming_it()
    {
        await CliRunner.RunAsync("library", "init", Library, "--tasks", "none");
        var missing = Path.Combine(_dir, "nowhere");
        var result = await CliRunner.RunAsync("library", "add", Library, missing);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains($"the folder {missing} does not exist", result.Error);
    }

    [Fact]
    public async Task Add_ingests_and_status_accounts_for_every_file_as_json()
    {
        var folder = PhotoFolder("bus.jpg", "dog.jpg");
        File.WriteAllText(Path.Combine(folder, "readme.txt"), "text");
        Assert.Equal(ExitCodes.Ok, (await CliRunner.RunAsync("library", "init", Library, "--tasks", "none")).ExitCode);

        var add = await CliRunner.RunAsync("--json", "library", "add", Library, folder);
        Assert.Equal(ExitCodes.Ok, add.ExitCode);
        Assert.Equal(2, add.Json.GetProperty("newPhotos").GetInt32());
        Assert.Equal(1, add.Json.GetProperty("ignored").GetInt32());
        Assert.True(add.Json.GetProperty("stageSeconds").TryGetProperty("thumbnails", out _));

        var scan = await CliRunner.RunAsync("--json", "library", "scan", Library);
        Assert.Equal((0, 2), (scan.Json.GetProperty("newPhotos").GetInt32(), scan.Json.GetProperty("unchanged").GetInt32()));

        var status = await CliRunner.RunAsync("--json", "library", "status", Library);
        Assert.Equal(ExitCodes.Ok, status.ExitCode);
        var counts = status.Json.GetProperty("counts");
        Assert.Equal((2, 1), (counts.GetProperty("photos").GetInt64(), counts.GetProperty("ignored").GetInt64()));
        Assert.True(status.Json.GetProperty("databaseBytes").GetInt64() > 0);
        Assert.Equal(folder, status.Json.GetProperty("folders")[0].GetProperty("path").GetString());

        var table = await CliRunner.RunAsync("library", "status", Library);
        Assert.Contains("files on disk accounted for", table.Output);
        Assert.Contains("not an image or video", table.Output);
    }

    [Fact]
    public async Task Settings_show_and_change_the_analyses()
    {
        await CliRunner.RunAsync("library", "init", Library, "--tasks", "detect,embed");
        var changed = await CliRunner.RunAsync("--json", "library", "settings", Library, "--set", "detect.minScore=0.6");
        Assert.Equal(ExitCodes.Ok, changed.ExitCode);
        Assert.Equal("0.6", changed.Json.GetProperty("options").GetProperty("detect.minScore").GetString());

        var shown = await CliRunner.RunAsync("library", "settings", Library);
        Assert.Contains("detect, embed; detect.minScore=0.6", shown.Output);

        var bad = await CliRunner.RunAsync("library", "settings", Library, "--set", "faces.minScore=0.5");
        Assert.Equal(ExitCodes.Usage, bad.ExitCode);
        Assert.Contains("not among the chosen tasks", bad.Error);
    }

    [Fact]
    public void Changing_tasks_drops_the_options_of_tasks_no_longer_chosen_with_a_warning()
    {
        var warnings = new List<string>();
        var current = Sightline.Library.LibrarySettings.Default with { Options = new Dictionary<string, string> { ["detect.minScore"] = "0.6", ["faces.maxFaces"] = "5" } };
        var changed = LibraryCommands.ApplySettings(current, "faces,embed", [], warnings.Add);
        Assert.Equal(["faces", "embed"], changed.Tasks);
        Assert.Equal(["faces.maxFaces"], changed.Options.Keys);
        Assert.Contains(warnings, w => w.Contains("detect.minScore"));
    }

    [Fact]
    public void An_empty_value_returns_an_option_to_its_default_and_none_means_no_analyses()
    {
        var current = Sightline.Library.LibrarySettings.Default with { Options = new Dictionary<string, string> { ["detect.minScore"] = "0.6" } };
        Assert.Empty(LibraryCommands.ApplySettings(current, null, ["detect.minScore="], _ => { }).Options);
        Assert.Empty(LibraryCommands.ApplySettings(current, "none", [], _ => { }).Tasks);
        Assert.Contains("names no task", Assert.Throws<UsageException>(() => LibraryCommands.ApplySettings(current, ",", [], _ => { })).Message);
    }

    [Theory]
    [InlineData(-1.0, null, "--debounce")]
    [InlineData(null, 0.5, "--rescan")]
    public void Watch_timings_out_of_range_are_usage_errors(double? debounce, double? rescan, string option)
    {
        Assert.Contains(option, Assert.Throws<UsageException>(() => LibraryCommands.WatchOptionsFrom(debounce, rescan)).Message);
    }

    [Fact]
    public void Watch_timings_default_to_the_library_defaults()
    {
        var options = LibraryCommands.WatchOptionsFrom(null, 30);
        Assert.Equal(Sightline.Library.WatchOptions.Default.Debounce, options.Debounce);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Rescan);
    }

    [Fact]
    public void The_scan_summary_names_only_the_buckets_that_are_not_empty()
    {
        static Sightline.Library.IngestReport Report(int seen, int newPhotos, int linked, int unchanged, int failed, int analyses) =>
            new(seen, newPhotos, 0, 0, linked, unchanged, 0, 0, 0, failed, analyses, TimeSpan.FromSeconds(83.46),
                new Dictionary<string, double>(), []);

        Assert.Equal("10 files: 7 new photos, 2 linked to photos already held, 1 failed; 28 analyses in 83.5 s",
            LibraryCommands.Summary(Report(10, 7, 2, 0, 1, 28)));
        Assert.Equal("8 files: 8 unchanged; 0 analyses in 83.5 s", LibraryCommands.Summary(Report(8, 0, 0, 8, 0, 0)));
        Assert.Equal("0 files; 0 analyses in 83.5 s", LibraryCommands.Summary(Report(0, 0, 0, 0, 0, 0)));
    }

    [Fact]
    public void The_progress_note_gives_stage_rate_time_left_and_failures()
    {
        var note = LibraryCommands.ProgressNote(new Sightline.Library.IngestProgress("analysing", 10, 100, 2, 4.25, TimeSpan.FromSeconds(75)));
        Assert.Equal("analysing, 4.3 photos/s, 1:15 left, 2 failed", note);
        Assert.Equal("scanning, 0.0 photos/s", LibraryCommands.ProgressNote(new Sightline.Library.IngestProgress("scanning", 0, 0, 0, 0, null)));
    }

    [Fact]
    public void Every_library_error_kind_maps_to_its_exit_code()
    {
        Assert.Equal(ExitCodes.Library, SightlineCli.Classify(new Sightline.Library.LibraryStoreException("x")).Code);
        Assert.Equal(ExitCodes.BadInput, SightlineCli.Classify(new Sightline.Library.LibraryInputException("x")).Code);
    }
}
