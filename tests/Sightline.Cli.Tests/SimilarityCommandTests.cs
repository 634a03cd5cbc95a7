using Sightline.Tests.Shared;

namespace Sightline.Cli.Tests;

[Collection(PretrainedCollection.Name)]
public sealed class SimilarityCommandTests(PretrainedModels models) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-cli-").FullName;
    private string IndexPath => Path.Combine(_dir, "photos.index");

    private string PhotoFolder()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "photos")).FullName;
        foreach (var photo in models.SamplePhotos())
            File.Copy(photo, Path.Combine(folder, Path.GetFileName(photo)));
        File.WriteAllBytes(Path.Combine(folder, "cut.jpg"), File.ReadAllBytes(models.SamplePhotos()[0])[..2000]);
        return folder;
    }

    [Fact]
    public async Task Index_then_similar_finds_the_query_itself_first_and_reports_the_bad_file()
    {
        var folder = PhotoFolder();
        models.Get("resnet18-imagenet");
        var index = await CliRunner.RunAsync("index", folder, "--out", IndexPath, "--json", "--batch", "4");
        Assert.Equal(ExitCodes.Ok, index.ExitCode);
        Assert.Equal(6, index.Json.GetProperty("images").GetInt32());
        var failed = index.Json.GetProperty("failed").EnumerateArray().Single();
        Assert.EndsWith("cut.jpg", failed.GetProperty("path").GetString());
        Assert.Contains("truncated", failed.GetProperty("reason").GetString());

        var query = Path.Combine(folder, "sample3.jpg");
        var similar = await CliRunner.RunAsync("similar", query, "--index", IndexPath, "--top", "3", "--json");
        Assert.Equal(ExitCodes.Ok, similar.ExitCode);
        var matches = similar.Json.GetProperty("matches").EnumerateArray().ToList();
        Assert.Equal(3, matches.Count);
        Assert.Equal(query, matches[0].GetProperty("path").GetString());
        Assert.True(matches[0].GetProperty("score").GetSingle() > 0.999f);
        Assert.True(similar.Json.GetProperty("timings").GetProperty("inferenceMs").GetDouble() > 0);

        var again = await CliRunner.RunAsync("index", folder, "--out", IndexPath, "--json");
        Assert.Equal(0, again.Json.GetProperty("added").GetInt32());
        Assert.Equal(6, again.Json.GetProperty("unchanged").GetInt32());

        var table = await CliRunner.RunAsync("similar", query, "--index", IndexPath, "--top", "2");
        Assert.Contains("sample3.jpg", table.Output);
        Assert.Contains("cosine", table.Output);
    }

    [Fact]
    public async Task Bad_query_image_is_a_bad_input_error_naming_the_file()
    {
        var folder = PhotoFolder();
        await CliRunner.RunAsync("index", folder, "--out", IndexPath);
        var result = await CliRunner.RunAsync("similar", Path.Combine(folder, "cut.jpg"), "--index", IndexPath);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("cut.jpg", result.Error);
        var missing = await CliRunner.RunAsync("similar", Path.Combine(folder, "nope.jpg"), "--index", IndexPath);
        Assert.Equal(ExitCodes.BadInput, missing.ExitCode);
    }

    [Fact]
    public async Task Image_limits_are_the_users_to_change()
    {
        var folder = PhotoFolder();
        await CliRunner.RunAsync("index", folder, "--out", IndexPath);
        var query = Path.Combine(folder, "sample1.jpg");
        var tooManyPixels = await CliRunner.RunAsync("similar", query, "--index", IndexPath, "--max-megapixels", "0.01");
        Assert.Equal(ExitCodes.BadInput, tooManyPixels.ExitCode);
        Assert.Contains("sample1.jpg", tooManyPixels.Error);
        Assert.Contains("pixels", tooManyPixels.Error);
        var tooLarge = await CliRunner.RunAsync("similar", query, "--index", IndexPath, "--max-image-mb", "0.01");
        Assert.Equal(ExitCodes.BadInput, tooLarge.ExitCode);
        Assert.Equal(ExitCodes.Usage, (await CliRunner.RunAsync("similar", query, "--index", IndexPath, "--max-image-mb", "-1")).ExitCode);
    }

    [Fact]
    public async Task Missing_or_damaged_index_is_an_index_error()
    {
        var query = models.SamplePhotos()[0];
        var missing = await CliRunner.RunAsync("similar", query, "--index", IndexPath);
        Assert.Equal(ExitCodes.Index, missing.ExitCode);
        Assert.Contains("sightline index", missing.Error);
        File.WriteAllText(IndexPath, new string('x', 4096));
        Assert.Equal(ExitCodes.Index, (await CliRunner.RunAsync("similar", query, "--index", IndexPath)).ExitCode);
    }

    [Fact]
    public async Task Index_of_a_missing_folder_is_a_bad_input_error()
    {
        var result = await CliRunner.RunAsync("index", Path.Combine(_dir, "absent"), "--out", IndexPath);
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.False(File.Exists(IndexPath));
    }

    [Fact]
    public async Task Eval_similar_reports_per_class_leave_one_out_accuracy()
    {
        var root = Path.Combine(_dir, "labelled");
        var photos = models.SamplePhotos();
        for (var i = 0; i < photos.Count; i++)
        {
            var cls = Directory.CreateDirectory(Path.Combine(root, i % 2 == 0 ? "even" : "odd")).FullName;
            File.Copy(photos[i], Path.Combine(cls, Path.GetFileName(photos[i])));
        }
        var result = await CliRunner.RunAsync("eval", "similar", root, "--json");
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Equal(6, result.Json.GetProperty("queries").GetInt32());
        var perClass = result.Json.GetProperty("perClass").EnumerateArray().Select(c => c.GetProperty("label").GetString()).ToList();
        Assert.Equal(["even", "odd"], perClass);
        var accuracy = result.Json.GetProperty("accuracy").GetDouble();
        Assert.InRange(accuracy, 0, 1);
        Assert.Equal(result.Json.GetProperty("correct").GetInt32() / 6.0, accuracy, 6);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
