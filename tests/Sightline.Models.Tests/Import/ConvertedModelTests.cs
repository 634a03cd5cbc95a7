using Sightline.Models.Catalog;
using Sightline.Models.Import;
using Sightline.Tests.Shared;

namespace Sightline.Models.Tests.Import;

/// <summary>
/// The human-models entries, converted at pull time, against TensorFlow.js running the originals
/// (tools/reference; CI runs 'npm ci --prefix tools/reference' first).
/// </summary>
[Collection(PretrainedCollection.Name)]
public sealed class ConvertedModelTests(PretrainedModels models)
{
    public static TheoryData<string> Converted => new(TfjsModels.All.Select(e => e.Id));

    private IReadOnlyList<string> Photos() =>
        [.. models.SamplePhotos().Take(3), Path.Combine(TestPaths.Data("sanity"), "dog.jpg"), Path.Combine(TestPaths.Data("sanity"), "bus.jpg")];

    [Theory]
    [MemberData(nameof(Converted))]
    public void Every_output_agrees_with_tensorflow_js_on_five_photos(string id)
    {
        var model = models.Get(id);
        var reference = new TfjsReferenceRunner(TfjsReferenceRunner.Locate(TestPaths.RepoRoot));
        var check = new TfjsFidelityCheck(reference, (onnx, input, shape) =>
            models.Engine.Open(onnx).Run(input, shape[0]).Select(o => new NamedTensor(o.Name, o.Shape, o.Values)).ToList());

        var result = check.Check(id, model.ModelPath, model.PathOf(TfjsModels.ModelJsonOf(model.Entry)), TfjsModels.InputOf(id)!, Photos(), TfjsModels.RankedOutputsOf(id));

        Assert.Equal(5, result.Images);
        Assert.NotEmpty(result.Outputs);
        foreach (var output in result.Outputs)
            Assert.True(output.WithinBounds,
                $"{id} output {output.Output}: worst |abs| {output.WorstAbsolute:g3}, rel {output.WorstRelative:g3}, {output.WorstBoundRatio:g3} x the bound {output.Problem}");
    }

    [Theory]
    // A box spanning the image has y1 = 0.038, a centre minus an extent of 178 px; the extent's rounding
    // (within its own bound) moves y1 by 7e-4, 5.4x a bound taken on 0.038 alone.
    [InlineData("coco128-train/images/000000000542.jpg")]
    // Two rows of equal reference score (0.04138016) come out in the other order: 446 px apart element-wise.
    [InlineData("flowers-5/roses/298670754_f25edda891.jpg")]
    [InlineData("flowers-5/tulips/122450705_9885fff3c4_n.jpg")]
    // Two neighbouring heatmap cells of equal score are both peaks in TensorFlow.js and one in ours:
    // the rows below move up one place (69 rows at another index) and a new row takes the 100th.
    [InlineData("flowers-5/tulips/130685347_afbffe3afa_n.jpg")]
    public void CenterNet_agrees_where_its_top_k_head_meets_near_equal_scores_or_a_corner_at_the_edge(string photo)
    {
        const string id = "human-centernet";
        var model = models.Get(id);
        var reference = new TfjsReferenceRunner(TfjsReferenceRunner.Locate(TestPaths.RepoRoot));
        var check = new TfjsFidelityCheck(reference, (onnx, input, shape) =>
            models.Engine.Open(onnx).Run(input, shape[0]).Select(o => new NamedTensor(o.Name, o.Shape, o.Values)).ToList());
        var path = TestPaths.Data(photo);

        var result = check.Check(id, model.ModelPath, model.PathOf(TfjsModels.ModelJsonOf(model.Entry)), TfjsModels.InputOf(id)!, [path], TfjsModels.RankedOutputsOf(id));

        Assert.True(result.WithinBounds, string.Join("; ", (result.Failures ?? []).Select(f => $"{f.Error.Output} {f.Error.WorstBoundRatio:g3} x the bound {f.Error.Problem}")));
        Assert.Empty(result.Failures ?? []);
    }

    [Theory]
    [MemberData(nameof(Converted))]
    public void A_batch_of_eight_gives_each_item_what_it_gives_alone(string id)
    {
        var model = models.Get(id);
        var session = models.Engine.Open(model.ModelPath);
        var spec = TfjsModels.InputOf(id)!;
        var photos = Photos();
        var items = Enumerable.Range(0, 8).Select(i => photos[i % photos.Count]).ToList();
        var batch = TfjsInputTensor.FromImages(items, spec);
        if (!session.SupportsBatch)
        {
            // The converter keeps batch 1 only where the graph hard-codes it; such a model refuses batches.
            Assert.Throws<Sightline.Inference.Sessions.InferenceException>(() => session.Run(batch, 8));
            return;
        }

        var together = session.Run(batch, 8);
        for (var i = 0; i < 8; i += 3)
        {
            var alone = session.Run(batch.AsMemory(i * spec.ItemLength, spec.ItemLength), 1);
            foreach (var (a, t) in alone.Zip(together))
            {
                Assert.Equal(8, t.Shape[0]);
                var error = FidelityComparison.Compare(t.Name, t.Item(i), a.Values, new FidelityTolerance(1e-5, 1e-4));
                Assert.True(error.WithinBounds, $"{id} {t.Name} item {i}: worst |abs| {error.WorstAbsolute:g3}");
            }
        }
    }

    [Fact]
    public void Converted_models_carry_their_provenance()
    {
        var model = models.Get("human-emotion");
        var metadata = models.Engine.Open(model.ModelPath).Metadata;
        Assert.Equal($"tfjs-graph v{TfjsImporter.ConverterVersion}", metadata["sightline.converter"]);
        Assert.Equal(model.Entry.Source.ToString(), metadata["sightline.source"]);
        Assert.Equal(model.Entry.Source.Integrity, metadata["sightline.source_integrity"]);
        var json = model.Manifest.Files.Single(f => f.Name == "emotion.json");
        Assert.Equal(json.Sha256, metadata["sightline.tfjs.model_sha256"]);
        Assert.Equal(Sightline.Models.Cache.ModelStore.PreparerVersionOf(model.Entry), model.Manifest.PreparerVersion);
    }
}
