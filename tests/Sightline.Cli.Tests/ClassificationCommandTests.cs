using System.Text.Json;
using Sightline.Tests.Shared;

namespace Sightline.Cli.Tests;

/// <summary>train, classify, eval classify, eval unknown and export, in process, on a few real flower photos.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class ClassificationCommandTests(PretrainedModels models) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-cli-classify-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string ModelPath => Path.Combine(_dir, "flowers.sightline");

    /// <summary>A labelled folder of the first <paramref name="perClass"/> photos of each class, copied to a temporary folder.</summary>
    private string Folder(string name, int perClass, params string[] classes)
    {
        models.Get("resnet18-imagenet");
        var root = Directory.CreateDirectory(Path.Combine(_dir, name)).FullName;
        foreach (var c in classes)
        {
            var target = Directory.CreateDirectory(Path.Combine(root, c)).FullName;
            foreach (var photo in Directory.GetFiles(Path.Combine(TestPaths.Data("flowers-5"), c)).Order(StringComparer.Ordinal).Take(perClass))
                File.Copy(photo, Path.Combine(target, Path.GetFileName(photo)));
        }
        return root;
    }

    [Fact]
    public async Task Train_classify_evaluate_and_export_work_end_to_end_and_report_bad_files()
    {
        var root = Folder("train", 8, "daisy", "sunflowers");
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        var good = Directory.GetFiles(Path.Combine(root, "daisy"))[0];
        File.WriteAllBytes(Path.Combine(root, "daisy", "cut.jpg"), File.ReadAllBytes(good)[..1500]);

        var train = await CliRunner.RunAsync("train", root, "--out", ModelPath, "--folds", "4", "--json");
        var trainTable = await CliRunner.RunAsync("train", root, "--out", Path.Combine(_dir, "table.sightline"), "--folds", "4", "--validation", "0.25");
        Assert.True(trainTable.ExitCode == ExitCodes.Ok, trainTable.Error);
        Assert.Contains("hold-out", trainTable.Output);
        Assert.Contains("unknown-image rejection trade-off", trainTable.Output);
        Assert.True(train.ExitCode == ExitCodes.Ok, train.Error);
        Assert.Contains("empty", train.Error);
        Assert.Equal(["daisy", "sunflowers"], train.Json.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.EndsWith("cut.jpg", train.Json.GetProperty("skipped").EnumerateArray().Single().GetProperty("path").GetString());
        Assert.Equal([8, 8], train.Json.GetProperty("imagesPerClass").EnumerateArray().Select(c => c.GetInt32()));
        Assert.True(train.Json.GetProperty("accuracy").GetDouble() >= 0.75);
        Assert.True(File.Exists(ModelPath));

        var query = Directory.GetFiles(Path.Combine(TestPaths.Data("flowers-5"), "sunflowers")).Order(StringComparer.Ordinal).Last();
        var classify = await CliRunner.RunAsync("classify", query, Path.Combine(root, "daisy"), Path.Combine(_dir, "missing.jpg"), "--model", ModelPath, "--top", "2", "--json");
        Assert.True(classify.ExitCode == ExitCodes.Ok, classify.Error);
        var results = classify.Json.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(9, results.Count);
        var first = results.Single(r => r.GetProperty("source").GetString() == query);
        var top = first.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(2, top.Count);
        Assert.Equal("sunflowers", top[0].GetProperty("label").GetString());
        Assert.Equal(1.0, top.Sum(t => t.GetProperty("probability").GetDouble()), 4);
        Assert.Contains(first.GetProperty("unknown").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
        Assert.True(first.GetProperty("timings").GetProperty("inferenceMs").GetDouble() > 0);
        Assert.Equal("resnet18-imagenet", classify.Json.GetProperty("model").GetProperty("backbone").GetString());
        var failed = classify.Json.GetProperty("failed").EnumerateArray().Select(f => f.GetProperty("path").GetString()!).ToList();
        Assert.Contains(failed, f => f.EndsWith("missing.jpg"));
        Assert.Contains(failed, f => f.EndsWith("cut.jpg"));

        var table = await CliRunner.RunAsync("classify", query, "--model", ModelPath);
        Assert.Equal(ExitCodes.Ok, table.ExitCode);
        Assert.Contains("sunflowers", table.Output);

        var plot = Path.Combine(_dir, "confusion.png");
        var eval = await CliRunner.RunAsync("eval", "classify", root, "--model", ModelPath, "--plot", plot, "--json");
        Assert.True(eval.ExitCode == ExitCodes.Ok, eval.Error);
        Assert.Equal(16, eval.Json.GetProperty("images").GetInt32());
        Assert.Equal(2, eval.Json.GetProperty("confusion").GetArrayLength());
        Assert.True(eval.Json.GetProperty("accuracy").GetDouble() >= 0.9, "the model has seen these images");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(plot)[..4]);

        var onnx = Path.Combine(_dir, "flowers.onnx");
        var export = await CliRunner.RunAsync("export", ModelPath, "--onnx", onnx, "--json");
        Assert.True(export.ExitCode == ExitCodes.Ok, export.Error);
        Assert.True(new FileInfo(onnx).Length > 40_000_000, "the backbone's weights travel with the head");
        Assert.Equal("pixels", export.Json.GetProperty("input").GetProperty("name").GetString());
        File.Delete(onnx);
        var exportTable = await CliRunner.RunAsync("export", ModelPath, "--onnx", onnx);
        Assert.True(exportTable.ExitCode == ExitCodes.Ok, exportTable.Error);
        Assert.Contains("[N,224,224,3]", exportTable.Output);
        Assert.True(File.Exists(onnx));

        var evalTable = await CliRunner.RunAsync("eval", "classify", root, "--model", ModelPath);
        Assert.Equal(ExitCodes.Ok, evalTable.ExitCode);
        Assert.Contains("confusion", evalTable.Output);
    }

    [Fact]
    public async Task Eval_unknown_reports_the_rejection_of_a_held_out_class()
    {
        var root = Folder("open", 8, "daisy", "roses", "sunflowers");
        var result = await CliRunner.RunAsync("eval", "unknown", root, "--holdout-class", "roses", "--folds", "4", "--json");
        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        var report = result.Json.GetProperty("report");
        Assert.Equal(16, report.GetProperty("knownImages").GetInt32());
        Assert.Equal(8, report.GetProperty("unknownImages").GetInt32());
        var rejected = report.GetProperty("unknownRejected").GetDouble();
        Assert.InRange(rejected, 0, 1);
        var table = await CliRunner.RunAsync("eval", "unknown", root, "--holdout-class", "roses", "--folds", "4");
        Assert.Equal(ExitCodes.Ok, table.ExitCode);
        Assert.Contains("answered unknown", table.Output);
        var missing = await CliRunner.RunAsync("eval", "unknown", root, "--holdout-class", "tulips");
        Assert.Equal(ExitCodes.BadInput, missing.ExitCode);
        Assert.Contains("tulips", missing.Error);
    }

    [Fact]
    public async Task A_folder_too_small_to_calibrate_trains_with_the_rule_off_and_classify_json_says_off()
    {
        var root = Folder("tiny", 4, "daisy", "sunflowers");
        var train = await CliRunner.RunAsync("train", root, "--out", ModelPath, "--folds", "2");
        Assert.True(train.ExitCode == ExitCodes.Ok, train.Error);
        Assert.Contains("unknown rule is off", train.Error);
        var photo = Directory.GetFiles(Path.Combine(root, "daisy"))[0];
        var json = await CliRunner.RunAsync("classify", photo, "--model", ModelPath, "--json");
        Assert.True(json.ExitCode == ExitCodes.Ok, json.Error);
        Assert.Equal("off", json.Json.GetProperty("model").GetProperty("unknownRule").GetProperty("threshold").GetString());
        Assert.False(json.Json.GetProperty("results")[0].GetProperty("unknown").GetBoolean());
        var table = await CliRunner.RunAsync("classify", photo, "--model", ModelPath);
        Assert.Equal(ExitCodes.Ok, table.ExitCode);
        Assert.Contains("is off", table.Error);
    }

    [Fact]
    public async Task Eval_unknown_on_a_held_out_split_measures_known_photos_and_outliers()
    {
        var root = Folder("split", 12, "daisy", "roses", "sunflowers");
        var result = await CliRunner.RunAsync("eval", "unknown", root, "--split", "8", "--classes", "daisy,sunflowers",
            "--outliers", TestPaths.Data("sanity"), "--json");
        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        var report = result.Json.GetProperty("report");
        Assert.Equal(16, report.GetProperty("trainImages").GetInt32());
        Assert.Equal(8, report.GetProperty("testImages").GetInt32());
        var outlier = report.GetProperty("outliers").EnumerateArray().Single();
        Assert.Equal(13, outlier.GetProperty("images").GetInt32());
        Assert.InRange(outlier.GetProperty("rejected").GetDouble(), 0, 1);
        var both = await CliRunner.RunAsync("eval", "unknown", root, "--split", "8", "--holdout-class", "roses");
        Assert.Equal(ExitCodes.Usage, both.ExitCode);
        var tooMany = await CliRunner.RunAsync("eval", "unknown", root, "--split", "12");
        Assert.Equal(ExitCodes.BadInput, tooMany.ExitCode);
        Assert.Contains("leaves none to test", tooMany.Error);
    }

    [Fact]
    public async Task Bad_training_folders_are_bad_input_with_a_clear_message()
    {
        var single = Folder("single", 3, "daisy");
        var one = await CliRunner.RunAsync("train", single, "--out", ModelPath);
        Assert.Equal(ExitCodes.BadInput, one.ExitCode);
        Assert.Contains("only 1 class", one.Error);

        var empty = Directory.CreateDirectory(Path.Combine(_dir, "nothing")).FullName;
        Directory.CreateDirectory(Path.Combine(empty, "cats"));
        var none = await CliRunner.RunAsync("train", empty, "--out", ModelPath);
        Assert.Equal(ExitCodes.BadInput, none.ExitCode);
        Assert.Contains("no class sub-folders with images", none.Error);

        var missing = await CliRunner.RunAsync("train", Path.Combine(_dir, "absent"), "--out", ModelPath);
        Assert.Equal(ExitCodes.BadInput, missing.ExitCode);
        Assert.False(File.Exists(ModelPath));

        var usage = await CliRunner.RunAsync("train", single, "--out", ModelPath, "--folds", "1");
        Assert.Equal(ExitCodes.Usage, usage.ExitCode);
    }

    [Fact]
    public async Task Corrupt_or_foreign_classifier_files_get_their_own_exit_code()
    {
        var photo = Directory.GetFiles(Path.Combine(TestPaths.Data("flowers-5"), "daisy"))[0];
        var corrupt = Path.Combine(_dir, "corrupt.sightline");
        File.WriteAllText(corrupt, "not a classifier");
        var result = await CliRunner.RunAsync("classify", photo, "--model", corrupt);
        Assert.Equal(ExitCodes.Classifier, result.ExitCode);
        Assert.Contains("corrupt.sightline", result.Error);

        var future = Path.Combine(_dir, "future.sightline");
        using (var zip = System.IO.Compression.ZipFile.Open(future, System.IO.Compression.ZipArchiveMode.Create))
        using (var writer = new StreamWriter(zip.CreateEntry("classifier.json").Open()))
            writer.Write("{\"formatVersion\": 99}");
        var newer = await CliRunner.RunAsync("export", future, "--onnx", Path.Combine(_dir, "x.onnx"));
        Assert.Equal(ExitCodes.Classifier, newer.ExitCode);
        Assert.Contains("format version 99", newer.Error);

        var absent = await CliRunner.RunAsync("classify", photo, "--model", Path.Combine(_dir, "absent.sightline"));
        Assert.Equal(ExitCodes.Classifier, absent.ExitCode);
    }
}
