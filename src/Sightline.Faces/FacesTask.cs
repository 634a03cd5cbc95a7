using Sightline.Faces.Detection;
using Sightline.Imaging;
using Sightline.Vision.Pipeline;

namespace Sightline.Faces;

/// <summary>
/// Options of the <c>faces</c> task: the models (short names or catalog ids), which faces (least detector score,
/// least size in original pixels, how many) and whether to check liveness. Defaults are the face pipeline's own
/// (<see cref="FaceModels.Default"/>, <see cref="FaceDetectOptions.Default"/>).
/// </summary>
public sealed record FacesTaskOptions : TaskOptions
{
    public string Detector { get; init; } = FaceModels.Default.Detector;
    public string Describer { get; init; } = FaceModels.Default.Describer;
    public string Emotion { get; init; } = FaceModels.Default.Emotion;
    public float MinScore { get; init; } = FaceDetectOptions.Default.MinScore;
    public float MinFaceSize { get; init; } = FaceDetectOptions.Default.MinFaceSize;
    public int MaxFaces { get; init; } = FaceDetectOptions.Default.MaxFaces;
    public bool Liveness { get; init; }

    /// <summary>Include each face's descriptor values in the result (the API's descriptors=true, the CLI's --descriptors).</summary>
    public bool Descriptors { get; init; }

    public override void Validate()
    {
        // The ranges of FaceDetectOptions, which /v1/faces and 'faces' accept.
        InRange("minScore", MinScore, 0, 1);
        InRange("minFaceSize", MinFaceSize, 0, FaceDetectOptions.MaxMinFaceSize);
        InRange("maxFaces", MaxFaces, 1, FaceDetectOptions.MaxFacesLimit);
    }

    public FaceModels Models => FaceModels.Default with
    {
        Detector = FaceModels.ResolveDetector(Detector),
        Describer = FaceModels.ResolveDescriber(Describer),
        Emotion = FaceModels.ResolveEmotion(Emotion),
    };

    public FaceAnalysisOptions ToAnalysisOptions() => new(
        FaceDetectOptions.Default with { MinScore = MinScore, MinFaceSize = MinFaceSize, MaxFaces = MaxFaces },
        Liveness ? FaceTasks.All : FaceTasks.Default);
}

/// <summary>
/// The <c>faces</c> task: every face with landmarks, descriptor, expression, age and gender, quality and whether
/// it can be identified. It needs the photo at up to <see cref="FaceAnalyzer.MaxDecodeSide"/> a side, so that
/// small faces keep their pixels. Its result is <see cref="FacesResult"/>, the record /v1/faces and 'faces --json' answer.
/// </summary>
public sealed class FacesTask(FaceAnalyzer analyzer, FaceAnalysisOptions options, IReadOnlyList<FaceModelRef> models, bool withDescriptors) : ImageTask<FacesResult>
{
    public const string TaskName = "faces";

    public static TaskEntry Entry { get; } = TaskEntry.For<FacesTaskOptions, FacesResult>(TaskName,
        "faces with landmarks, descriptor, expression, age and gender", CreateAsync);

    public static async Task<IImageTask<FacesResult>> CreateAsync(TaskContext context, FacesTaskOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var analyzer = await FaceAnalyzer.CreateAsync(context.Store, context.Engine, options.Models, context.Limits, cancellationToken).ConfigureAwait(false);
            var analysisOptions = options.ToAnalysisOptions();
            return new FacesTask(analyzer, analysisOptions, FaceModelRef.For(analyzer, analysisOptions.Tasks, context.Store), options.Descriptors);
        }
        catch (ArgumentException e) when (e is not TaskOptionsException)
        {
            // A catalog model of another kind named as a face model.
            throw new TaskOptionsException("model", e.Message);
        }
    }

    public override string Name => TaskName;
    public override DecodeSize DecodeSize => FaceAnalysisTask.Size;
    public override IReadOnlyList<string> ModelIds => [.. analyzer.Models.Values.Distinct()];

    /// <summary>The open face models, for callers that work on the analysis itself (gallery identification, verification, enrolment).</summary>
    public FaceAnalyzer Analyzer => analyzer;

    /// <summary>Which faces and which of their attributes the task analyses.</summary>
    public FaceAnalysisOptions AnalysisOptions => options;

    /// <summary>The models of <see cref="FacesResult.Models"/>, with their cached versions.</summary>
    public IReadOnlyList<FaceModelRef> Models => models;

    // The face models take one face at a time: the analysis runs on the thread pool beside the image's other tasks.
    public override Task<FacesResult> RunAsync(DecodedImage image, CancellationToken cancellationToken) =>
        Task.Run(() => FacesResult.Of(analyzer.Analyze(image, options), models, withDescriptors), cancellationToken);
}

/// <summary>
/// The face analysis itself as a task, for callers that work on <see cref="FaceAnalysis"/> rather than on the
/// answered record: naming faces from a gallery, choosing the face to enrol, the face evaluations.
/// </summary>
public sealed class FaceAnalysisTask(FaceAnalyzer analyzer, FaceAnalysisOptions options) : ImageTask<FaceAnalysis>
{
    /// <summary>Up to <see cref="FaceAnalyzer.MaxDecodeSide"/> a side, so that small faces keep their pixels.</summary>
    public static DecodeSize Size { get; } = DecodeSize.Within(FaceAnalyzer.MaxDecodeSide, FaceAnalyzer.MaxDecodeSide);

    public override string Name => FacesTask.TaskName;
    public override DecodeSize DecodeSize => Size;
    public override IReadOnlyList<string> ModelIds => [.. analyzer.Models.Values.Distinct()];

    public override Task<FaceAnalysis> RunAsync(DecodedImage image, CancellationToken cancellationToken) =>
        Task.Run(() => analyzer.Analyze(image, options), cancellationToken);
}
