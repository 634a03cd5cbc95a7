using System.Text.Json;
using Sightline.Imaging;
using Sightline.Inference.Timing;
using Sightline.Models;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Pipeline;
using Sightline.Vision.Results;

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

/// <summary>When an image is answered "unknown": the score the rule looks at and the threshold below which it fires (null: it never fires), and whether the rule is off (it could not be calibrated on the training folder).</summary>
public sealed record ClassifierUnknownRule(string Score, double? Threshold, bool Off)
{
    public static ClassifierUnknownRule From(UnknownRule rule) =>
        new(JsonNamingPolicy.CamelCase.ConvertName(rule.Score.ToString()), rule.Threshold is { } t && double.IsFinite(t) ? t : null, rule.IsOff);
}

/// <summary>
/// The <c>classify</c> task's result, the one record <c>sightline classify --json</c>, <c>POST /v1/classify</c> and
/// <c>analyze</c> answer: <see cref="Answer"/> is the top class, or "unknown" when the unknown rule fires (then
/// <see cref="Label"/> is null); <see cref="Predictions"/> are the <see cref="ClassifyTaskOptions.Top"/> best classes
/// by probability; the classifier's backbone, when it was trained and its unknown rule come with every answer.
/// </summary>
public sealed record ClassifyResult(string Source, ImageSize Image, string Classifier, ModelRef Backbone, DateTimeOffset TrainedAt, string Answer,
    string? Label, bool Unknown, double UnknownScore, ClassifierUnknownRule UnknownRule, IReadOnlyList<ClassProbability> Predictions, StageTimings Timings)
{
    public const string UnknownAnswer = "unknown";

    /// <summary>The record of a classifier's answer on an image of <paramref name="image"/>'s size, its <paramref name="top"/> best classes listed.</summary>
    public static ClassifyResult From(ClassificationResult result, ClassifierModel model, string classifier, ImageSize image, int top) =>
        new(result.Source, image, classifier, new ModelRef(model.Backbone.Id, model.Backbone.Version), model.Created, result.Label ?? UnknownAnswer,
            result.Label, result.Unknown, result.UnknownScore, ClassifierUnknownRule.From(model.Unknown), result.Top(top).ToList(), result.Timings);
}

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
        return new ClassifyTask(new ImageClassifier(model, worker.Embedder), worker, NameOf(path), options.Top);
    }

    public override string Name => TaskName;
    public override DecodeSize DecodeSize => _classification.DecodeSize;
    public override IReadOnlyList<string> ModelIds => _classification.ModelIds;
    public IReadOnlyList<string> Classes => classifier.Classes;

    /// <summary>How a result names the classifier of a file: its file name without the extension (<c>flowers</c> for <c>flowers.sightline</c>).</summary>
    public static string NameOf(string path) => Path.GetFileNameWithoutExtension(path);

    public override async Task<ClassifyResult> RunAsync(DecodedImage image, CancellationToken cancellationToken)
    {
        var result = await _classification.RunAsync(image, cancellationToken).ConfigureAwait(false);
        return ClassifyResult.From(result, classifier.Model, name, new ImageSize(image.OriginalWidth, image.OriginalHeight), top);
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
