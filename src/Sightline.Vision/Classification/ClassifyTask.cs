using Sightline.Imaging;
using Sightline.Inference.Timing;
using Sightline.Models;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Pipeline;

namespace Sightline.Vision.Classification;

/// <summary>Options of the <c>classify</c> task: the classifier file (<c>.sightline</c>, made by <c>train</c>) and how many classes to list.</summary>
public sealed record ClassifyTaskOptions : TaskOptions
{
    /// <summary>The classifier file; there is no default classifier.</summary>
    public string? Classifier { get; init; }

    public int Top { get; init; } = ClassifyOptions.DefaultTop;

    public override void Validate()
    {
        if (string.IsNullOrWhiteSpace(Classifier))
            throw new TaskOptionsException("classifier", "the classify task needs a classifier file (.sightline, made by 'sightline train')");
        new ClassifyOptions(Top).Validate();
    }
}

/// <summary>
/// The <c>classify</c> task's result: the predicted class (null when the image counts as none of the classes),
/// the <see cref="ClassifyTaskOptions.Top"/> best classes with their probabilities, the unknown rule's score and timings.
/// </summary>
public sealed record ClassifyResult(string Classifier, string? Label, bool Unknown, double UnknownScore, IReadOnlyList<ClassProbability> Top, StageTimings Timings);

/// <summary>
/// The <c>classify</c> task: a trained head on its backbone's embedding. The embedding comes from the context's
/// worker for the backbone, so <c>embed</c> and <c>classify</c> on one image run the backbone once.
/// </summary>
public sealed class ClassifyTask(ImageClassifier classifier, EmbeddingWorker worker, string name, int top) : ImageTask<ClassifyResult>
{
    private readonly ClassificationTask _classification = new(classifier, worker);

    public const string TaskName = "classify";

    public static TaskEntry Entry { get; } = TaskEntry.For<ClassifyTaskOptions, ClassifyResult>(TaskName,
        "one of a trained classifier's classes, or unknown", CreateAsync);

    public static async Task<IImageTask<ClassifyResult>> CreateAsync(TaskContext context, ClassifyTaskOptions options, CancellationToken cancellationToken)
    {
        var path = options.Classifier!;
        var model = ClassifierFile.Load(path);
        EmbeddingWorker worker;
        try
        {
            worker = await EmbeddingWorker.GetAsync(context, model.Backbone.Id, cancellationToken).ConfigureAwait(false);
        }
        catch (ModelStoreException e)
        {
            throw new ClassifierFileException(ClassifierFileErrorKind.BackboneMismatch,
                $"'{path}' needs backbone '{model.Backbone.Id}' {model.Backbone.Version}, which is not available: {e.Message}", e);
        }
        if (model.Backbone.Mismatch(context.Store.Get(model.Backbone.Id)) is { } problem)
            throw new ClassifierFileException(ClassifierFileErrorKind.BackboneMismatch, problem);
        return new ClassifyTask(new ImageClassifier(model, worker.Embedder), worker, Path.GetFileName(path), options.Top);
    }

    public override string Name => TaskName;
    public override DecodeSize DecodeSize => _classification.DecodeSize;
    public override IReadOnlyList<string> ModelIds => _classification.ModelIds;
    public IReadOnlyList<string> Classes => classifier.Classes;

    public override async Task<ClassifyResult> RunAsync(DecodedImage image, CancellationToken cancellationToken)
    {
        var result = await _classification.RunAsync(image, cancellationToken).ConfigureAwait(false);
        return new ClassifyResult(name, result.Label, result.Unknown, result.UnknownScore, result.Top(top).ToList(), result.Timings);
    }
}

/// <summary>
/// The classifier's whole answer on one image (every class ranked, the unknown rule's score), for callers that
/// need more than <see cref="ClassifyResult"/>'s top classes: <c>sightline classify</c> and <c>eval classify</c>.
/// The backbone runs through <paramref name="worker"/>, batched across the images in flight.
/// </summary>
public sealed class ClassificationTask(ImageClassifier classifier, EmbeddingWorker worker) : ImageTask<ClassificationResult>
{
    public override string Name => ClassifyTask.TaskName;
    public override DecodeSize DecodeSize => worker.Embedder.DecodeSize;
    public override IReadOnlyList<string> ModelIds => [worker.Embedder.ModelId];

    public override async Task<ClassificationResult> RunAsync(DecodedImage image, CancellationToken cancellationToken) =>
        classifier.Classify(await worker.EmbedAsync(image, cancellationToken).ConfigureAwait(false));
}
