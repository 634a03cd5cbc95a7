using Sightline.Tests.Shared;
using Sightline.Vision.Classification;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Similarity;

namespace Sightline.Vision.Tests.Classification;

/// <summary>
/// ../shared/data/flowers-5 embedded once per test run (about ten seconds on two cores) and shared by
/// every classification test that needs real features.
/// </summary>
internal static class FlowerEmbeddings
{
    private static readonly Lock Gate = new();
    private static LabelledSet? _set;
    private static IImageEmbedder? _embedder;

    public static IImageEmbedder Embedder(PretrainedModels models)
    {
        lock (Gate)
            return _embedder ??= Embedders.Create(models.Get(Embedders.DefaultModel), models.Engine, new EmbedderOptions(8));
    }

    public static LabelledSet Get(PretrainedModels models)
    {
        var embedder = Embedder(models);
        lock (Gate)
        {
            if (_set is not null)
                return _set;
            var root = TestPaths.Data("flowers-5");
            var files = SimilarityIndex.ImageFiles(root);
            var outcomes = embedder.EmbedFiles(files);
            Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Error?.Message));
            var classes = outcomes.Select(o => ClassOf(o.Source.Name)).Distinct().Order(StringComparer.Ordinal).ToList();
            _set = new LabelledSet(classes, outcomes.Select(o => new LabelledExample(o.Source.Name, classes.IndexOf(ClassOf(o.Source.Name)), FeatureMap.Apply(o.Result!.Vector))).ToList());
            return _set;
        }
    }

    private static string ClassOf(string path) => Path.GetFileName(Path.GetDirectoryName(path)!);
}
