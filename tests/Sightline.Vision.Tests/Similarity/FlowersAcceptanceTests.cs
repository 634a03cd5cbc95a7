using Sightline.Tests.Shared;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Similarity;

namespace Sightline.Vision.Tests.Similarity;

/// <summary>Similarity on real photos: ../shared/data/flowers-5, 5 classes x 40.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class FlowersAcceptanceTests(PretrainedModels models)
{
    [Fact]
    public void Leave_one_out_nearest_neighbour_finds_the_queries_class_at_least_80_percent_of_the_time()
    {
        var root = TestPaths.Data("flowers-5");
        var files = SimilarityIndex.ImageFiles(root);
        Assert.Equal(200, files.Count);
        var embedder = Embedders.Create(models.Get(Embedders.DefaultModel), models.Engine, new EmbedderOptions(8));
        var outcomes = embedder.EmbedFiles(files);
        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Error?.Message));
        var labels = outcomes.Select(o => Path.GetFileName(Path.GetDirectoryName(o.Source.Name)!)).ToList();
        var result = NeighbourEvaluation.LeaveOneOut(labels, outcomes.Select(o => o.Result!.Vector).ToList());
        Assert.Equal(5, result.PerClass.Count);
        Assert.True(result.Accuracy >= 0.80, $"leave-one-out accuracy {result.Accuracy:P1}");
    }
}
