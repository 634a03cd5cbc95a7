using Sightline.Imaging;
using Sightline.Tests.Shared;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Preprocessing;

namespace Sightline.Vision.Tests.Embeddings;

[Collection(PretrainedCollection.Name)]
public sealed class ResNetEmbedderTests(PretrainedModels models)
{
    private IImageEmbedder Embedder(int batch = 8) => Embedders.Create(models.Get(Embedders.DefaultModel), models.Engine, new EmbedderOptions(batch));

    [Fact]
    public void Embeds_a_photo_into_a_unit_length_512_d_vector_with_timings()
    {
        var photo = models.SamplePhotos()[0];
        var embedding = Embedder().Embed(photo);
        Assert.Equal(512, embedding.Vector.Length);
        Assert.Equal(1f, MathF.Sqrt(embedding.Vector.Sum(v => v * v)), 4);
        Assert.Equal("resnet18-imagenet", embedding.ModelId);
        Assert.StartsWith("0.23.1+", embedding.ModelVersion);
        Assert.True(embedding.Timings.InferenceMs > 0 && embedding.Timings.PreprocessMs > 0);
    }

    [Fact]
    public void Batch_results_equal_single_image_results()
    {
        var photos = models.SamplePhotos();
        var batched = Embedder(batch: 8).EmbedFiles(photos);
        var single = Embedder(batch: 1);
        for (var i = 0; i < photos.Count; i++)
        {
            var one = single.Embed(photos[i]).Vector;
            var many = batched[i].Result!.Vector;
            Assert.True(one.Zip(many).Max(p => MathF.Abs(p.First - p.Second)) < 1e-4f, $"photo {i} differs between batch and single runs");
        }
    }

    [Fact]
    public void Folded_preprocessing_equals_running_the_package_preprocessing_graph()
    {
        var model = models.Get(Embedders.DefaultModel);
        var graph = models.Engine.Open(model.PathOf("preprocess.onnx"));
        var affine = PreprocessingGraph.FoldAffine(graph, 3, 224, 224);

        using var image = ImageDecoder.Decode(models.SamplePhotos()[1], DecodeSize.Cover(224, 224));
        using var crop = ImageResize.CoverCrop(image.Bitmap, 224, 224);
        var pixels = crop.GetPixelSpan();
        // What the package's own pipeline feeds its graph: planar R, G, B values 0-255.
        var raw = new float[3 * 224 * 224];
        for (int i = 0, p = 0; i < 224 * 224; i++, p += 4)
        {
            raw[i] = pixels[p];
            raw[224 * 224 + i] = pixels[p + 1];
            raw[2 * 224 * 224 + i] = pixels[p + 2];
        }
        var expected = graph.Run(raw, 1)[0].Values;
        var folded = new float[raw.Length];
        PixelTensor.WriteChw(pixels, 224, 224, folded, affine);
        Assert.True(expected.Zip(folded).Max(p => MathF.Abs(p.First - p.Second)) < 1e-3f);
    }

    [Fact]
    public void Unreadable_files_fail_alone_and_the_rest_are_embedded()
    {
        var dir = Directory.CreateTempSubdirectory("sightline-embed-").FullName;
        try
        {
            var bad = Path.Combine(dir, "broken.jpg");
            File.WriteAllBytes(bad, [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]);
            var photos = models.SamplePhotos();
            var outcomes = Embedder(batch: 2).EmbedFiles([photos[0], bad, photos[1]]);
            Assert.True(outcomes[0].Succeeded);
            Assert.False(outcomes[1].Succeeded);
            Assert.Contains("broken.jpg", outcomes[1].Error!.Message);
            Assert.True(outcomes[2].Succeeded);
            Assert.Throws<ImageLoadException>(() => Embedder().Embed(bad));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Similar_pictures_embed_closer_than_different_ones()
    {
        var dir = Directory.CreateTempSubdirectory("sightline-embed-").FullName;
        try
        {
            var red1 = TestImages.Write(Path.Combine(dir, "r1.jpg"), SkiaSharp.SKColors.DarkRed, SkiaSharp.SKColors.Yellow, 1);
            var red2 = TestImages.Write(Path.Combine(dir, "r2.jpg"), SkiaSharp.SKColors.DarkRed, SkiaSharp.SKColors.Yellow, 2);
            var blue = TestImages.Write(Path.Combine(dir, "b.jpg"), SkiaSharp.SKColors.LightBlue, SkiaSharp.SKColors.DarkGreen, 3);
            var embedder = Embedder();
            var (a, b, c) = (embedder.Embed(red1).Vector, embedder.Embed(red2).Vector, embedder.Embed(blue).Vector);
            Assert.True(VectorMath.Cosine(a, b) > VectorMath.Cosine(a, c) + 0.05f);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
