using System.Diagnostics;
using Sightline.Inference.Sessions;
using Sightline.Inference.Timing;
using Sightline.Models.Cache;
using Sightline.Vision.Embeddings;

namespace Sightline.Vision.Classification;

/// <summary>A class and its probability.</summary>
public readonly record struct ClassProbability(string Label, float Probability);

/// <summary>
/// The answer for one image: every class ranked by probability, <see cref="Probabilities"/> in class
/// order, whether the image counts as none of the classes, the score that rule looked at, and timings.
/// </summary>
public sealed record ClassificationResult(string Source, IReadOnlyList<ClassProbability> Ranked, float[] Probabilities, bool Unknown, double UnknownScore, StageTimings Timings)
{
    /// <summary>The predicted class, or null when the image is unknown.</summary>
    public string? Label => Unknown ? null : Ranked[0].Label;

    public IEnumerable<ClassProbability> Top(int k) => Ranked.Take(k);
}

/// <summary>Tells which of a fixed set of classes an image shows, or that it shows none of them.</summary>
public interface IImageClassifier
{
    ClassifierModel Model { get; }
    IReadOnlyList<string> Classes { get; }

    /// <summary>Classifies one file; throws <see cref="Imaging.ImageLoadException"/> when it cannot be read.</summary>
    ClassificationResult Classify(string path);
}

/// <summary>A trained softmax head on top of its backbone embedder.</summary>
public sealed class ImageClassifier : IImageClassifier
{
    private readonly IImageEmbedder _embedder;

    public ImageClassifier(ClassifierModel model, IImageEmbedder embedder)
    {
        if (embedder.ModelId != model.Backbone.Id || embedder.ModelVersion != model.Backbone.Version)
            throw new ClassifierFileException(ClassifierFileErrorKind.BackboneMismatch,
                $"the classifier was trained on {model.Backbone.Id} {model.Backbone.Version}, but the embedder is {embedder.ModelId} {embedder.ModelVersion}");
        Model = model;
        _embedder = embedder;
    }

    /// <summary>Opens a classifier on its backbone, checking that the backbone is the one it was trained on.</summary>
    public static ImageClassifier Open(ClassifierModel model, CachedModel backbone, InferenceEngine engine, EmbedderOptions? options = null)
    {
        if (model.Backbone.Mismatch(backbone) is { } problem)
            throw new ClassifierFileException(ClassifierFileErrorKind.BackboneMismatch, problem);
        return new ImageClassifier(model, Embedders.Create(backbone, engine, options));
    }

    public ClassifierModel Model { get; }
    public IReadOnlyList<string> Classes => Model.Classes;

    /// <summary>The backbone the head was trained on.</summary>
    public IImageEmbedder Embedder => _embedder;

    public ClassificationResult Classify(string path) => Classify(_embedder.Embed(path));

    /// <summary>Classifies an embedding made by the backbone's embedder.</summary>
    public ClassificationResult Classify(ImageEmbedding embedding)
    {
        var start = Stopwatch.GetTimestamp();
        var result = Classify(Model, embedding.Vector, embedding.Source);
        var post = StageTimings.Since(start);
        return result with { Timings = embedding.Timings with { PostprocessMs = embedding.Timings.PostprocessMs + post } };
    }

    /// <summary>The pure part: feature map, head, softmax, ranking and the unknown rule.</summary>
    public static ClassificationResult Classify(ClassifierModel model, ReadOnlySpan<float> embedding, string source)
    {
        var features = FeatureMap.Apply(embedding);
        var logits = model.Head.Logits(features);
        var probabilities = LinearHead.Softmax(logits);
        var ranked = Enumerable.Range(0, probabilities.Length)
            .OrderByDescending(k => probabilities[k]).ThenBy(k => k)
            .Select(k => new ClassProbability(model.Classes[k], probabilities[k]))
            .ToArray();
        var score = model.Unknown.Measure(logits, features);
        return new ClassificationResult(source, ranked, probabilities, model.Unknown.IsUnknown(score), score, default);
    }
}
