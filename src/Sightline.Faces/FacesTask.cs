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

    public override void Validate()
    {
        InRange("minScore", MinScore, 0, 1);
        InRange("minFaceSize", MinFaceSize, 0, 100_000);
        if (MaxFaces < 1)
            throw new TaskOptionsException("maxFaces", $"maxFaces must be at least 1, got {MaxFaces}");
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
/// small faces keep their pixels.
/// </summary>
public sealed class FacesTask(FaceAnalyzer analyzer, FaceAnalysisOptions options) : ImageTask<FaceAnalysis>
{
    public const string TaskName = "faces";

    public static TaskEntry Entry { get; } = TaskEntry.For<FacesTaskOptions, FaceAnalysis>(TaskName,
        "faces with landmarks, descriptor, expression, age and gender", CreateAsync);

    public static async Task<IImageTask<FaceAnalysis>> CreateAsync(TaskContext context, FacesTaskOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var analyzer = await FaceAnalyzer.CreateAsync(context.Store, context.Engine, options.Models, context.Limits, cancellationToken).ConfigureAwait(false);
            return new FacesTask(analyzer, options.ToAnalysisOptions());
        }
        catch (ArgumentException e) when (e is not TaskOptionsException)
        {
            // A catalog model of another kind named as a face model.
            throw new TaskOptionsException("model", e.Message);
        }
    }

    public override string Name => TaskName;
    public override DecodeSize DecodeSize { get; } = DecodeSize.Within(FaceAnalyzer.MaxDecodeSide, FaceAnalyzer.MaxDecodeSide);
    public override IReadOnlyList<string> ModelIds => [.. analyzer.Models.Values.Distinct()];

    // The face models take one face at a time: the analysis runs on the thread pool beside the image's other tasks.
    public override Task<FaceAnalysis> RunAsync(DecodedImage image, CancellationToken cancellationToken) =>
        Task.Run(() => analyzer.Analyze(image, options), cancellationToken);
}
