using Sightline.Imaging;
using Sightline.Inference.Batching;
using Sightline.Vision.Pipeline;

namespace Sightline.Vision.Detection;

/// <summary>
/// Options of the <c>detect</c> task; each default is <see cref="DetectOptions.Default"/>'s, so the library, the
/// CLI and the API share it. <see cref="Model"/> is a detector's short name or catalog id.
/// </summary>
public sealed record DetectTaskOptions : TaskOptions
{
    public string Model { get; init; } = Detectors.DefaultModel;
    public float MinScore { get; init; } = DetectOptions.Default.MinScore;
    public float Iou { get; init; } = DetectOptions.Default.IouThreshold;
    public int Max { get; init; } = DetectOptions.Default.MaxDetections;

    /// <summary>Only these classes (any case); null or empty: every class.</summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>Boxes of two classes overlapping above this are one object (the stronger class stays); null keeps every class.</summary>
    public float? SameObjectIou { get; init; } = DetectOptions.Default.SameObjectIou;

    public override void Validate()
    {
        if (string.IsNullOrWhiteSpace(Model))
            throw new TaskOptionsException("model", "model must name a detector");
        // The detector's own rules: the ranges /v1/detect and 'detect' accept.
        new DetectOptions(MinScore, Iou, Max, null, SameObjectIou).Validate();
    }

    /// <summary>The detector's options, the class names checked against its labels.</summary>
    public DetectOptions ToDetectOptions(IObjectDetector detector)
    {
        try
        {
            var classes = Classes is { Count: > 0 } names ? DetectOptions.ParseClasses(string.Join(',', names), detector) : null;
            return new DetectOptions(MinScore, Iou, Max, classes, SameObjectIou);
        }
        catch (ArgumentException e)
        {
            throw new TaskOptionsException("classes", e.Message);
        }
    }
}

/// <summary>
/// A detector and the batcher that feeds it, one per model in a <see cref="TaskContext"/>: concurrent images
/// (each with its own options) go through the model in shared runs.
/// </summary>
public sealed class DetectorWorker : IAsyncDisposable
{
    private readonly DynamicBatcher<(DecodedImage Image, DetectOptions Options), DetectionResult> _batcher;

    public DetectorWorker(IObjectDetector detector, BatchingOptions batching)
    {
        Detector = detector;
        _batcher = SharedWorkers.Batcher<(DecodedImage, DetectOptions), DetectionResult>(batching, supportsBatch: true, detector.Detect);
    }

    public IObjectDetector Detector { get; }

    /// <summary>Runs so far and images they held.</summary>
    public (long Batches, long Items) Statistics => _batcher.Statistics;

    public Task<DetectionResult> DetectAsync(DecodedImage image, DetectOptions options, CancellationToken cancellationToken) =>
        _batcher.EnqueueAsync((image, options), cancellationToken);

    /// <summary>The context's worker for the detector <paramref name="name"/> selects, pulling the model when missing.</summary>
    public static async Task<DetectorWorker> GetAsync(TaskContext context, string name, CancellationToken cancellationToken)
    {
        var id = Detectors.Resolve(name);
        var model = await context.Store.EnsureAsync(id, cancellationToken: cancellationToken).ConfigureAwait(false);
        return context.Workers.GetOrAdd($"detector:{id}", () =>
            new DetectorWorker(Detectors.Create(model, context.Engine, context.Batching.MaxBatch, context.Limits), context.Batching));
    }

    public ValueTask DisposeAsync() => _batcher.DisposeAsync();
}

/// <summary>The <c>detect</c> task: every object of the detector's classes, boxes in pixels of the upright original.</summary>
public sealed class DetectTask(DetectorWorker worker, DetectOptions options) : ImageTask<DetectionResult>
{
    public const string TaskName = "detect";

    public static TaskEntry Entry { get; } = TaskEntry.For<DetectTaskOptions, DetectionResult>(TaskName,
        "objects of the 80 COCO classes, each with a box", CreateAsync);

    public static async Task<IImageTask<DetectionResult>> CreateAsync(TaskContext context, DetectTaskOptions options, CancellationToken cancellationToken)
    {
        var worker = await DetectorWorker.GetAsync(context, options.Model, cancellationToken).ConfigureAwait(false);
        return new DetectTask(worker, options.ToDetectOptions(worker.Detector));
    }

    public override string Name => TaskName;
    public override DecodeSize DecodeSize => worker.Detector.DecodeSize;
    public override IReadOnlyList<string> ModelIds => [worker.Detector.ModelId];
    public DetectOptions Options => options;

    /// <summary>The detector and its batcher, shared with the context's other tasks on this model.</summary>
    public DetectorWorker Worker => worker;

    public override Task<DetectionResult> RunAsync(DecodedImage image, CancellationToken cancellationToken) =>
        worker.DetectAsync(image, options, cancellationToken);
}
