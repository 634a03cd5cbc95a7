using Sightline.Imaging;
using Sightline.Tests.Shared;

namespace Sightline.Cli.Tests;

[Collection(PretrainedCollection.Name)]
public sealed class DetectionCommandTests(PretrainedModels models) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-cli-detect-").FullName;

    private static string Sanity(string name) => Path.Combine(TestPaths.Data("sanity"), name);

    [Fact]
    public async Task Detect_a_folder_reports_the_corrupt_file_processes_the_rest_and_saves_drawn_images()
    {
        models.Get("human-centernet");
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "photos")).FullName;
        File.Copy(Sanity("bus.jpg"), Path.Combine(folder, "bus.jpg"));
        File.Copy(Sanity("dog.jpg"), Path.Combine(folder, "dog.jpg"));
        File.WriteAllBytes(Path.Combine(folder, "broken.jpg"), File.ReadAllBytes(Sanity("dog.jpg"))[..3000]);
        var saved = Path.Combine(_dir, "annotated");

        var result = await CliRunner.RunAsync("detect", folder, "--min-score", "0.2", "--save", saved, "--json");
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var results = result.Json.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2, results.Count);
        var bus = results.Single(r => r.GetProperty("source").GetString()!.EndsWith("bus.jpg", StringComparison.Ordinal));
        Assert.True(bus.GetProperty("detections").EnumerateArray().Count(d => d.GetProperty("className").GetString() == "person") >= 4);
        Assert.EndsWith("broken.jpg", result.Json.GetProperty("failed")[0].GetProperty("path").GetString());

        // The saved image is the photo with boxes drawn: same size, different pixels.
        using var original = ImageDecoder.Decode(Sanity("bus.jpg"));
        using var drawn = ImageDecoder.Decode(Path.Combine(saved, "bus.jpg"));
        Assert.Equal((original.Width, original.Height), (drawn.Width, drawn.Height));
        Assert.False(original.Bitmap.GetPixelSpan().SequenceEqual(drawn.Bitmap.GetPixelSpan()));
        Assert.False(File.Exists(Path.Combine(saved, "broken.jpg")));
    }

    [Fact]
    public async Task Class_filter_keeps_only_those_classes_and_unknown_classes_are_usage_errors()
    {
        models.Get("human-centernet");
        var people = await CliRunner.RunAsync("detect", Sanity("bus.jpg"), "--classes", "person", "--json");
        Assert.All(people.Json.GetProperty("results")[0].GetProperty("detections").EnumerateArray(),
            d => Assert.Equal("person", d.GetProperty("className").GetString()));
        var unknown = await CliRunner.RunAsync("detect", Sanity("bus.jpg"), "--classes", "unicorn");
        Assert.Equal(ExitCodes.Usage, unknown.ExitCode);
        Assert.Contains("unicorn", unknown.Error);
        Assert.Equal(ExitCodes.Usage, (await CliRunner.RunAsync("detect", Sanity("bus.jpg"), "--min-score", "1.5")).ExitCode);
    }

    [Fact]
    public async Task Localize_finds_the_cat_and_says_nothing_found_for_a_missing_class()
    {
        models.Get("human-centernet");
        var cat = await CliRunner.RunAsync("localize", Sanity("chelsea.png"), "--json");
        Assert.Equal(ExitCodes.Ok, cat.ExitCode);
        Assert.Equal("cat", cat.Json.GetProperty("results")[0].GetProperty("object").GetProperty("className").GetString());
        var none = await CliRunner.RunAsync("localize", Sanity("chelsea.png"), "--class", "giraffe");
        Assert.Equal(ExitCodes.Ok, none.ExitCode);
        Assert.Contains("nothing found", none.Output);
    }

    [Fact]
    public async Task One_object_is_reported_as_its_strongest_class_unless_every_class_is_asked_for()
    {
        models.Get("human-centernet");
        static List<string> Classes(CliRunner.Result r) =>
            r.Json.GetProperty("results")[0].GetProperty("detections").EnumerateArray().Select(d => d.GetProperty("className").GetString()!).ToList();
        var byDefault = await CliRunner.RunAsync("detect", Sanity("person.jpg"), "--json");
        var perClass = await CliRunner.RunAsync("detect", Sanity("person.jpg"), "--per-class", "--json");
        Assert.Equal(ExitCodes.Ok, byDefault.ExitCode);
        Assert.Contains("horse", Classes(byDefault));
        Assert.DoesNotContain("cow", Classes(byDefault));
        Assert.Contains("cow", Classes(perClass));
    }

    [Fact]
    public async Task A_model_that_is_no_detector_lists_the_detectors_only()
    {
        foreach (var command in new[] { "detect", "localize" })
            foreach (var name in new[] { "yolo", "resnet18-imagenet" })
            {
                var result = await CliRunner.RunAsync(command, Sanity("dog.jpg"), "-m", name);
                Assert.Equal(ExitCodes.ModelStore, result.ExitCode);
                Assert.Contains($"'{name}' is not an object detector", result.Error);
                Assert.Contains("centernet", result.Error);
                Assert.Contains("nanodet", result.Error);
                Assert.DoesNotContain("face-api", result.Error);
            }
    }

    [Fact]
    public async Task Localize_saves_each_image_with_its_main_object_drawn()
    {
        models.Get("human-centernet");
        var saved = Path.Combine(_dir, "main");
        var result = await CliRunner.RunAsync("localize", Sanity("chelsea.png"), "--save", saved);
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        using var original = ImageDecoder.Decode(Sanity("chelsea.png"));
        using var drawn = ImageDecoder.Decode(Path.Combine(saved, "chelsea.png"));
        Assert.Equal((original.Width, original.Height), (drawn.Width, drawn.Height));
        // The cat's box and label are drawn in the class colour, which the photo itself does not have.
        var cat = Annotator.ColorFor("cat");
        Assert.DoesNotContain(original.Bitmap.Pixels, p => p == cat);
        Assert.True(drawn.Bitmap.Pixels.Count(p => p == cat) > 500);
    }

    [Fact]
    public async Task Eval_detect_needs_exactly_one_ground_truth_and_an_images_folder()
    {
        Assert.Equal(ExitCodes.Usage, (await CliRunner.RunAsync("eval", "detect", "--images", _dir)).ExitCode);
        Assert.Equal(ExitCodes.BadInput, (await CliRunner.RunAsync("eval", "detect", "--coco", Path.Combine(_dir, "none.json"), "--images", _dir)).ExitCode);
        Assert.Equal(ExitCodes.BadInput, (await CliRunner.RunAsync("eval", "detect", "--coco", "x.json", "--images", Path.Combine(_dir, "absent"))).ExitCode);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
