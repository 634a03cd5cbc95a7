using Sightline.Imaging;
using Sightline.Tests.Shared;

namespace Sightline.Cli.Tests;

[Collection(PretrainedCollection.Name)]
public sealed class SegmentationCommandTests(PretrainedModels models) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-cli-segment-").FullName;

    private static string Sanity(string name) => Path.Combine(TestPaths.Data("sanity"), name);

    [Fact]
    public async Task Salient_segmentation_saves_a_mask_an_overlay_and_a_cutout_that_is_not_rectangular()
    {
        models.Get("u2netp");
        var saved = Path.Combine(_dir, "out");
        var result = await CliRunner.RunAsync("segment", Sanity("dog.jpg"), "--model", "salient", "--save", saved, "--json");
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var r = result.Json.GetProperty("results")[0];
        Assert.Equal("u2netp", r.GetProperty("model").GetProperty("id").GetString());
        Assert.Equal("salient", r.GetProperty("maskClass").GetString());
        Assert.Contains(r.GetProperty("classes").EnumerateArray(), c => c.GetProperty("className").GetString() == "salient");

        using var cutout = ImageDecoder.Decode(Path.Combine(saved, "dog.cutout.png"));
        using var original = ImageDecoder.Decode(Sanity("dog.jpg"));
        Assert.Equal((original.Width, original.Height), (cutout.Width, cutout.Height));
        var alpha = cutout.Bitmap.GetPixelSpan();
        var opaque = 0;
        int x1 = cutout.Width, x2 = -1, y1 = cutout.Height, y2 = -1;
        for (var y = 0; y < cutout.Height; y++)
            for (var x = 0; x < cutout.Width; x++)
                if (alpha[4 * (y * cutout.Width + x) + 3] > 0)
                {
                    opaque++;
                    (x1, x2, y1, y2) = (Math.Min(x1, x), Math.Max(x2, x), Math.Min(y1, y), Math.Max(y2, y));
                }
        Assert.True(opaque > 0);
        Assert.True(opaque < 0.8 * (x2 - x1 + 1) * (y2 - y1 + 1), "the cut-out fills its bounding box: a box, not a mask");
        Assert.True(File.Exists(Path.Combine(saved, "dog.mask.png")));
        Assert.True(File.Exists(Path.Combine(saved, "dog.overlay.jpg")));
    }

    [Fact]
    public async Task Instances_come_with_rle_and_polygons_and_are_drawn()
    {
        models.Get("human-centernet");
        models.Get("human-selfie");
        models.Get("u2netp");
        var saved = Path.Combine(_dir, "inst");
        var result = await CliRunner.RunAsync("segment", "--instances", Sanity("bus.jpg"), "--save", saved, "--json");
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var instances = result.Json.GetProperty("results")[0].GetProperty("instances").EnumerateArray().ToList();
        Assert.Contains(instances, i => i.GetProperty("className").GetString() == "person");
        foreach (var i in instances)
        {
            var rle = i.GetProperty("rle");
            Assert.Equal(1080, rle.GetProperty("size")[0].GetInt32());
            Assert.Equal(810 * 1080, rle.GetProperty("counts").EnumerateArray().Sum(c => c.GetInt32()));
            Assert.False(string.IsNullOrEmpty(rle.GetProperty("compressed").GetString()));
            Assert.True(i.GetProperty("polygons")[0].GetArrayLength() >= 6);
            Assert.True(i.GetProperty("area").GetInt32() > 0);
        }
        Assert.True(File.Exists(Path.Combine(saved, "bus.instances.jpg")));

        var table = await CliRunner.RunAsync("segment", "--instances", Sanity("bus.jpg"), "--classes", "giraffe");
        Assert.Equal(ExitCodes.Ok, table.ExitCode);
        Assert.Contains("nothing found", table.Output);
    }

    [Fact]
    public async Task Bad_options_are_usage_errors_and_eval_needs_ground_truth()
    {
        Assert.Equal(ExitCodes.Usage, (await CliRunner.RunAsync("segment", Sanity("dog.jpg"), "--method", "sideways")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await CliRunner.RunAsync("segment", Sanity("dog.jpg"), "--threshold", "1.5")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await CliRunner.RunAsync("segment", Sanity("dog.jpg"), "--regions", "boxes")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await CliRunner.RunAsync("eval", "segment", "--images", _dir)).ExitCode);
        Assert.Equal(ExitCodes.BadInput, (await CliRunner.RunAsync("eval", "segment", "--masks", Path.Combine(_dir, "absent"), "--images", _dir)).ExitCode);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
