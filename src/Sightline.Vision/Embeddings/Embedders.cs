using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Models.Catalog;

namespace Sightline.Vision.Embeddings;

/// <summary>Picks the embedder class for a catalog model.</summary>
public static class Embedders
{
    public const string DefaultModel = "resnet18-imagenet";

    public static IImageEmbedder Create(CachedModel model, InferenceEngine engine, EmbedderOptions? options = null) =>
        model.Entry switch
        {
            { Id: DefaultModel } => new ResNetEmbedder(model, engine, options),
            { Task: ModelTask.ImageEmbedding } => throw new NotSupportedException($"no embedder is registered for model '{model.Entry.Id}'"),
            _ => throw new ArgumentException($"model '{model.Entry.Id}' is a {model.Entry.Task} model, not an image embedding model"),
        };
}
