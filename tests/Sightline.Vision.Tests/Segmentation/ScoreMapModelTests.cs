using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Models.Catalog;
using Sightline.Models.Onnx;
using Sightline.Vision.Segmentation;
using Sightline.Vision.Segmentation.Rendering;
using SkiaSharp;

namespace Sightline.Vision.Tests.Segmentation;

/// <summary>Any model with a per-pixel class score map and a label list segments through the generic path.</summary>
public sealed class ScoreMapModelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-segment-").FullName;
    private readonly InferenceEngine _engine = new(new EngineOptions(1));

    /// <summary>[N,3,8,8] -> 1x1 convolution -> [N,2,8,8] logits: class 1 ("red") = 20 * red - 10, class 0 = 0.</summary>
    private CachedModel TinyRedModel()
    {
        var weights = OnnxBuilder.Tensor("w", [2, 3, 1, 1], new float[] { 0, 0, 0, 20, 0, 0 });
        var bias = OnnxBuilder.Tensor("b", [2], new float[] { 0, -10 });
        var graph = OnnxBuilder.Graph("tiny-segmenter",
            [OnnxBuilder.Node("Conv", ["x", "w", "b"], ["y"], "conv")],
            [weights, bias],
            [OnnxBuilder.Value("x", OnnxType.Float, "batch", 3, 8, 8)],
            [OnnxBuilder.Value("y", OnnxType.Float, "batch", 2, 8, 8)]);
        File.WriteAllBytes(Path.Combine(_dir, "tiny.onnx"), OnnxBuilder.Model(graph));
        var entry = new ModelEntry("tiny-red", "tiny segmenter", ModelTask.Imported, new PackageSource(RegistryKind.Local, "tiny", "1", "", []),
            "MIT", "tests", Labels: ["background", "red"], ModelFile: "tiny.onnx");
        return new CachedModel(entry, _dir, new CacheManifest("tiny-red", "test", "", "", DateTimeOffset.UnixEpoch, 1, [new CachedFile("tiny.onnx", 0, new string('0', 64))]));
    }

    private static DecodedImage HalfRed(string dir)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(32, 16, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(SKColors.Black);
        using (var canvas = new SKCanvas(bitmap))
            canvas.DrawRect(0, 0, 16, 16, new SKPaint { Color = SKColors.Red });
        var path = Path.Combine(dir, "half-red.png");
        Annotator.Save(bitmap, path);
        return ImageDecoder.Decode(path);
    }

    [Fact]
    public void A_tiny_score_map_model_segments_through_the_generic_path()
    {
        var cached = TinyRedModel();
        var model = SegmentationModels.Open(cached, _engine);
        Assert.Equal((8, 8, true), (model.Spec.Input.Width, model.Spec.Input.Height, model.Spec.Input.ChannelsFirst));
        Assert.Equal(1f / 255, model.Spec.Input.Scale[0], 6);
        var segmenter = new SemanticSegmenter(model);
        using var image = HalfRed(_dir);
        var result = segmenter.Segment(image);

        Assert.Equal(SegmentationMethod.FullImage, result.Method);
        Assert.Equal((32, 16), (result.Width, result.Height));
        Assert.Equal(["background", "red"], result.Labels);
        // Left half red, right half background, to within the bilinear blur at the border.
        Assert.Equal(1, result.ClassMap[5 * 32 + 3]);
        Assert.Equal(0, result.ClassMap[5 * 32 + 28]);
        var red = result.Classes.Single(c => c.ClassName == "red");
        Assert.InRange(red.Fraction, 0.4, 0.6);
        Assert.True(result.Timings.InferenceMs > 0);

        using var cutout = SegmentationRendering.Cutout(image.Bitmap, result.Foreground());
        Assert.Equal(255, cutout.GetPixel(2, 2).Alpha);
        Assert.Equal(0, cutout.GetPixel(30, 2).Alpha);
        using var mask = SegmentationRendering.ClassMask(result);
        Assert.Equal(SKColorType.Gray8, mask.ColorType);
    }

    [Fact]
    public void A_model_without_labels_or_with_a_bad_method_is_refused()
    {
        var cached = TinyRedModel();
        var unlabelled = cached with { Entry = cached.Entry with { Labels = null } };
        Assert.Throws<ArgumentException>(() => SegmentationModels.Open(unlabelled, _engine));
        var segmenter = new SemanticSegmenter(SegmentationModels.Open(cached, _engine));
        using var image = HalfRed(_dir);
        Assert.Throws<InvalidOperationException>(() => segmenter.Segment(image, new SegmentOptions(SegmentationMethod.PersonCrops)));
        // Crops from the mask need no detector but still a person model; auto falls back to the whole image.
        var fromMask = new SegmentOptions(SegmentationMethod.PersonCrops, Regions: PersonRegionSource.Mask);
        Assert.Contains("person model", Assert.Throws<InvalidOperationException>(() => segmenter.Segment(image, fromMask)).Message);
        Assert.Equal(SegmentationMethod.FullImage, segmenter.MethodFor(fromMask with { Method = SegmentationMethod.Auto }));
    }

    [Fact]
    public void Rembg_style_input_divides_by_the_brightest_pixel_then_applies_mean_and_std()
    {
        var input = new ScoreMapInput(2, 1, true, [2f, 2f, 2f], [-1f, -1f, -1f], DivideByMax: true);
        var values = new float[6];
        ScoreMapModel.WriteInput([100, 50, 0, 255, 200, 0, 0, 255], input, values);
        Assert.Equal([0f, 1f, -0.5f, -1f, -1f, -1f], values, (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void Uniform_input_is_written_interleaved_or_as_planes()
    {
        byte[] rgba = [10, 20, 30, 255, 40, 50, 60, 255];
        var interleaved = new float[6];
        ScoreMapModel.WriteInput(rgba, ScoreMapInput.Uniform(2, 1, false, 0.5f, 1f), interleaved);
        Assert.Equal([6f, 11f, 16f, 21f, 26f, 31f], interleaved);
        var planes = new float[6];
        ScoreMapModel.WriteInput(rgba, ScoreMapInput.Uniform(2, 1, true, 0.5f, 1f), planes);
        Assert.Equal([6f, 21f, 11f, 26f, 16f, 31f], planes);
        Assert.True(ScoreMapInput.Uniform(2, 1, true, 0.5f, 1f).IsUniform);
        Assert.False(new ScoreMapInput(2, 1, true, [1f, 2f, 1f], [0f, 0f, 0f]).IsUniform);
    }

    [Fact]
    public void Stretch_shrinks_far_and_keeps_flat_colour()
    {
        using var source = new SKBitmap(new SKImageInfo(600, 400, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        // Left half red, right half blue: far more than 2x down, the halves stay apart and flat.
        for (var y = 0; y < 400; y++)
            for (var x = 0; x < 600; x++)
                source.SetPixel(x, y, x < 300 ? SKColors.Red : SKColors.Blue);
        using var small = ScoreMapModel.Stretch(source, 64, 32);
        Assert.Equal((64, 32, SKColorType.Rgba8888), (small.Width, small.Height, small.ColorType));
        Assert.Equal(SKColors.Red, small.GetPixel(5, 16));
        Assert.Equal(SKColors.Blue, small.GetPixel(58, 16));
    }

    public void Dispose()
    {
        _engine.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
