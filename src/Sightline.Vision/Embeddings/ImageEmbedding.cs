using Sightline.Inference.Timing;

namespace Sightline.Vision.Embeddings;

/// <summary>A unit-length image embedding, the model that made it, and what it cost.</summary>
public sealed record ImageEmbedding(string Source, float[] Vector, string ModelId, string ModelVersion, StageTimings Timings);

/// <summary>Options of an embedder. <see cref="BatchSize"/> images go through the model in one run.</summary>
public sealed record EmbedderOptions(int BatchSize = 8, Imaging.ImageLimits? Limits = null)
{
    public static EmbedderOptions Default { get; } = new();
}
