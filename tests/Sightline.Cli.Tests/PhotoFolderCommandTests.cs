using ImageMagick;
using Sightline.Tests.Shared;

namespace Sightline.Cli.Tests;

/// <summary>Folders as cameras and phones leave them: TIFF among the JPEGs, videos, sidecars, hidden folders.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class PhotoFolderCommandTests(PretrainedModels models) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-cli-photos-").FullName;

    private static readonly byte[] Mp4Head = [0, 0, 0, 0x18, .. "ftypisom"u8, 0, 0, 2, 0, .. "isomiso2"u8, .. new byte[40]];

    /// <summary>A JPEG, the same photo as TIFF, a video, an XMP sidecar, a text file and a hidden folder.</summary>
    private string CameraFolder()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "camera")).FullName;
        var photo = models.SamplePhotos()[0];
        File.Copy(photo, Path.Combine(folder, "IMG_0001.jpg"));
        using (var image = new MagickImage(photo))
            image.Write(Path.Combine(folder, "IMG_0002.tif"), MagickFormat.Tiff);
        File.WriteAllBytes(Path.Combine(folder, "MOV_0003.mp4"), Mp4Head);
        File.WriteAllText(Path.Combine(folder, "IMG_0001.xmp"), "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>");
        File.WriteAllText(Path.Combine(folder, "readme.txt"), "holiday 2024");
        Directory.CreateDirectory(Path.Combine(folder, ".trash"));
        File.Copy(photo, Path.Combine(folder, ".trash", "old.jpg"));
        return folder;
    }

    private static Dictionary<string, string> Skipped(CliRunner.Result result) =>
        result.Json.GetProperty("skipped").EnumerateArray().ToDictionary(
            s => Path.GetFileName(s.GetProperty("path").GetString()!.TrimEnd(Path.DirectorySeparatorChar)), s => s.GetProperty("reason").GetString()!);

    [Fact]
    public async Task Index_reads_the_tiff_and_lists_every_other_file_with_its_reason()
    {
        var folder = CameraFolder();
        models.Get("resnet18-imagenet");
        var indexPath = Path.Combine(_dir, "camera.index");

        var json = await CliRunner.RunAsync("index", folder, "--out", indexPath, "--json");
        var table = await CliRunner.RunAsync("index", folder, "--out", Path.Combine(_dir, "again.index"));

        Assert.True(json.ExitCode == ExitCodes.Ok, json.Error);
        Assert.Equal(2, json.Json.GetProperty("images").GetInt32());
        Assert.Empty(json.Json.GetProperty("failed").EnumerateArray());
        var skipped = Skipped(json);
        Assert.Equal(4, skipped.Count);
        Assert.Equal("video (not an image)", skipped["MOV_0003.mp4"]);
        Assert.Equal("sidecar metadata (XMP), not an image", skipped["IMG_0001.xmp"]);
        Assert.Equal("not an image", skipped["readme.txt"]);
        Assert.Equal("hidden folder (not searched)", skipped[".trash"]);
        Assert.Contains("4 file(s) not processed", table.Output);
        Assert.Contains("MOV_0003.mp4: video (not an image)", table.Output);
    }

    [Fact]
    public async Task Detect_on_a_folder_lists_what_it_skipped_in_json_and_in_the_table()
    {
        var folder = CameraFolder();
        models.Get("human-centernet");

        var json = await CliRunner.RunAsync("detect", folder, "--json");
        var table = await CliRunner.RunAsync("detect", folder);

        Assert.True(json.ExitCode == ExitCodes.Ok, json.Error);
        Assert.Equal(2, json.Json.GetProperty("results").GetArrayLength());
        Assert.Equal("video (not an image)", Skipped(json)["MOV_0003.mp4"]);
        Assert.Contains("IMG_0002.tif", table.Output);
        Assert.Contains("4 file(s) not processed", table.Output);
        Assert.Contains("readme.txt: not an image", table.Output);
    }

    [Fact]
    public async Task A_folder_with_only_videos_is_bad_input_that_says_what_it_found()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "videos")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "a.mp4"), Mp4Head);
        File.WriteAllBytes(Path.Combine(folder, "b.mov"), Mp4Head);

        var result = await CliRunner.RunAsync("detect", folder);

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("2 video (not an image)", result.Error);
    }

    [Fact]
    public async Task Eval_emotions_reads_8_bit_grey_tiff_as_jaffe_ships()
    {
        var bbt = TestPaths.Data("faces-bbt");
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "jaffe")).FullName;
        var lines = new List<string> { "file,emotion" };
        foreach (var line in File.ReadAllLines(Path.Combine(bbt, "emotions.csv")).Skip(1))
        {
            var (file, emotion) = (line.Split(',')[0], line.Split(',')[1]);
            using var image = new MagickImage(Path.Combine(bbt, file));
            image.Grayscale();
            image.ColorType = ColorType.Grayscale;
            image.Depth = 8;
            var name = Path.GetFileNameWithoutExtension(file) + ".tiff";
            image.Write(Path.Combine(folder, name), MagickFormat.Tiff);
            lines.Add($"{name},{emotion}");
        }
        var labels = Path.Combine(folder, "labels.csv");
        File.WriteAllLines(labels, lines);

        var result = await CliRunner.RunAsync("eval", "emotions", "--labels", labels, "--json");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.Error);
        Assert.Equal(lines.Count - 1, result.Json.GetProperty("images").GetInt32());
        Assert.Empty(result.Json.GetProperty("failed").EnumerateArray());

        // Grey copies of the photos: the expressions must still be read, not merely decoded.
        Assert.True(result.Json.GetProperty("accuracy").GetDouble() >= 0.5, result.Output);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
