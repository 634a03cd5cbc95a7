using Sightline.Library.Samples;
using Sightline.Tests.Shared;

namespace Sightline.Cli.Tests.Library;

/// <summary><c>sightline library samples</c>: a library built from a folder of photos, updated by a second run, and refused inputs.</summary>
public sealed class LibrarySamplesCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-library-samples-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Library => Path.Combine(_dir, "photos.library");

    private string Folder(string name, string data, params string[] files)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, name)).FullName;
        foreach (var file in files)
            File.Copy(Path.Combine(TestPaths.Data(data), file), Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
        return folder;
    }

    [Fact]
    public async Task The_first_run_builds_the_library_and_the_second_picks_up_only_what_changed()
    {
        var photos = Folder("photos", "sanity", "bus.jpg", "dog.jpg");
        var first = await CliRunner.RunAsync("--json", "library", "samples", Library, "--from", photos, "--tasks", "none");
        Assert.Equal(ExitCodes.Ok, first.ExitCode);
        Assert.True(first.Json.GetProperty("created").GetBoolean());
        Assert.Equal("--from", first.Json.GetProperty("origin").GetString());
        Assert.Equal(2, first.Json.GetProperty("scan").GetProperty("newPhotos").GetInt32());
        Assert.True(File.Exists(Path.Combine(Library, "library.json")));

        var again = await CliRunner.RunAsync("--json", "library", "samples", Library, "--from", photos);
        Assert.Equal(ExitCodes.Ok, again.ExitCode);
        Assert.False(again.Json.GetProperty("created").GetBoolean());
        Assert.Equal((0, 2), (again.Json.GetProperty("scan").GetProperty("newPhotos").GetInt32(), again.Json.GetProperty("scan").GetProperty("unchanged").GetInt32()));

        File.Copy(Path.Combine(TestPaths.Data("sanity"), "horses.jpg"), Path.Combine(photos, "horses.jpg"));
        var table = await CliRunner.RunAsync("library", "samples", Library, "--from", photos);
        Assert.Equal(ExitCodes.Ok, table.ExitCode);
        Assert.Contains("1 new photos", table.Output);
        Assert.Contains("2 unchanged", table.Output);
        Assert.Contains($"next: sightline serve --library {Library}", table.Output);
    }

    [Fact]
    public async Task Faces_of_the_samples_are_grouped_into_people()
    {
        var faces = Directory.CreateDirectory(Path.Combine(_dir, "faces")).FullName;
        foreach (var crop in new[] { "amy/amy1.png", "amy/amy2.png", "amy/amy3.png", "howard/howard1.png" })
            File.Copy(Path.Combine(TestPaths.Data("faces-bbt"), "images", crop), Path.Combine(faces, Path.GetFileName(crop)));
        var result = await CliRunner.RunAsync("--json", "library", "samples", Library, "--from", faces, "--tasks", "faces");
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var people = result.Json.GetProperty("scan").GetProperty("people");
        Assert.Equal(4, people.GetProperty("newFaces").GetInt32());
        Assert.True(people.GetProperty("people").GetInt32() >= 1 && people.GetProperty("assigned").GetInt32() >= 3, people.ToString());
    }

    [Fact]
    public async Task A_missing_folder_is_bad_input_naming_it_and_makes_no_library()
    {
        var missing = Path.Combine(_dir, "nowhere");
        var result = await CliRunner.RunAsync("library", "samples", Library, "--from", missing);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains($"--from {missing}: the folder does not exist", result.Error);
        Assert.False(Directory.Exists(Library));
    }

    [Fact]
    public async Task Bad_tasks_are_a_usage_error_and_make_no_library()
    {
        var photos = Folder("photos", "sanity", "bus.jpg");
        var result = await CliRunner.RunAsync("library", "samples", Library, "--from", photos, "--tasks", "detect,nothing");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("'nothing' is not a task", result.Error);
        Assert.False(File.Exists(Path.Combine(Library, "library.json")));
    }

    [Fact]
    public void The_samples_are_the_shared_folders_that_exist_else_none()
    {
        var data = Directory.CreateDirectory(Path.Combine(_dir, "data")).FullName;
        Assert.Null(SampleSources.FromSharedData(data, SampleOptions.Default));
        Directory.CreateDirectory(Path.Combine(data, "faces-lfw"));
        Directory.CreateDirectory(Path.Combine(data, "coco128-train", "images"));
        var set = SampleSources.FromSharedData(data, SampleOptions.Default)!;
        Assert.Equal([Path.Combine(data, "faces-lfw"), Path.Combine(data, "coco128-train", "images")], set.Folders);

        Assert.Equal(data, SampleSources.FindSharedData(_dir, name => name == "SIGHTLINE_DATA" ? data : null));
        Assert.Null(SampleSources.FindSharedData(_dir, name => name == "SIGHTLINE_DATA" ? Path.Combine(_dir, "gone") : null));
    }

    [Fact]
    public void A_model_package_without_sample_photos_says_how_to_get_them()
    {
        var model = Directory.CreateDirectory(Path.Combine(_dir, "face-api")).FullName;
        var e = Assert.Throws<Sightline.Library.LibraryInputException>(() => SampleSources.FromModelPackage(model, SampleOptions.Default));
        Assert.Contains("sightline models pull face-api --force", e.Message);
        Directory.CreateDirectory(Path.Combine(model, "demo"));
        File.Copy(Path.Combine(TestPaths.Data("sanity"), "dog.jpg"), Path.Combine(model, "demo", "sample1.jpg"));
        Assert.Equal([Path.Combine(model, "demo")], SampleSources.FromModelPackage(model, SampleOptions.Default).Folders);
    }
}
