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

        var result = check.Check(id, model.ModelPath, model.PathOf(TfjsModels.ModelJsonOf(model.Entry)), TfjsModels.InputOf(id)!, Photos());

        Assert.Equal(5, result.Images);
        Assert.NotEmpty(result.Outputs);
        foreach (var output in result.Outputs)
            Assert.True(output.WithinBounds,
                $"{id} output {output.Output}: worst |abs| {output.WorstAbsolute:g3}, rel {output.WorstRelative:g3}, {output.WorstBoundRatio:g3} x the bound {output.Problem}");
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
