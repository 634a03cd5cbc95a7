using System.Diagnostics;
using Sightline.Faces.Alignment;
using Sightline.Faces.Attributes;
using Sightline.Faces.Descriptors;
using Sightline.Faces.Detection;
using Sightline.Faces.Landmarks;
using Sightline.Imaging;
using Sightline.Imaging.Tensors;
using Sightline.Inference.Sessions;
using Sightline.Inference.Timing;
using Sightline.Models.Cache;
using Sightline.Vision.Detection;
using Sightline.Vision.Pipeline;
using SkiaSharp;

namespace Sightline.Faces;

/// <summary>Which model does each part of the face analysis.</summary>
public sealed record FaceModels(
    string Detector = BlazeFaceDetector.Id,
    string Landmarks = FaceLandmarker.Id,
    string Describer = FaceApiDescriber.Id,
    string Emotion = FaceApiExpressionClassifier.Id,
    string AgeGender = AgeGenderEstimator.Id)
{
    public static FaceModels Default { get; } = new();

    /// <summary>Short names accepted on the command line and in the API (<see cref="FaceFamilies"/>); any other name is passed on as it is.</summary>
    public static string ResolveDetector(string name) => FaceFamilies.Detectors.Find(name)?.ModelId ?? name;

    /// <inheritdoc cref="ResolveDetector"/>
    public static string ResolveDescriber(string name) => FaceFamilies.Describers.Find(name)?.ModelId ?? name;

    /// <inheritdoc cref="ResolveDetector"/>
    public static string ResolveEmotion(string name) => FaceFamilies.Emotions.Find(name)?.ModelId ?? name;

    /// <summary>The descriptor model a user's name selects (a family of <see cref="FaceFamilies.Describers"/>, or its catalog id); another throws <see cref="TaskOptionsException"/> (descriptor).</summary>
    public static string DescriberId(string name) => FaceFamilies.Describers.Find(name.Trim())?.ModelId
        ?? throw new TaskOptionsException("descriptor", $"descriptor must be one of {string.Join(", ", FaceFamilies.Describers.Entries.Select(e => e.Family))}, got '{name}'");

    /// <summary>The expression model a user's name selects (face-api or human, or their catalog ids); another throws <see cref="TaskOptionsException"/> (emotion).</summary>
    public static string EmotionId(string name) => FaceFamilies.Emotions.Find(name.Trim())?.ModelId
        ?? throw new TaskOptionsException("emotion", $"emotion must be face-api or human, got '{name}'");
}

/// <summary>
/// The face pipeline: detect (BlazeFace with tiling and a confirming second look), locate 68 landmarks
/// (face-api), align to the landmarks, describe (face-api 128-d by default), then expression, age and
/// gender, quality and, when asked, liveness; then whether each face is good enough to identify
/// (<see cref="IdentifiabilityRule"/>). Boxes and points are in pixels of the upright original.
/// </summary>
public sealed class FaceAnalyzer
{
    /// <summary>Long side the image is decoded to at most: keeps 40-pixel faces of a 1080p photo at full size.</summary>
    public const int MaxDecodeSide = 2560;

    /// <summary>Smallest face, in decoded pixels, the scan is planned for.</summary>
    public const float MinDecodedFace = 20;

    private readonly IFaceDetector _detector;
    private readonly FaceLandmarker _landmarker;
    private readonly IFaceDescriber _describer;
    private readonly IEmotionClassifier _emotion;
    private readonly AgeGenderEstimator _ageGender;
    // Several images are analysed at once (the pipeline keeps images in flight): the models open once.
    private readonly Lazy<LivenessChecker> _liveness;
    private readonly ImageLimits? _limits;
    private readonly IReadOnlyDictionary<string, string> _models;

    private FaceAnalyzer(IFaceDetector detector, FaceLandmarker landmarker, IFaceDescriber describer, IEmotionClassifier emotion,
        AgeGenderEstimator ageGender, Func<LivenessChecker> liveness, ImageLimits? limits, IReadOnlyDictionary<string, string> models)
    {
        _detector = detector;
        _landmarker = landmarker;
        _describer = describer;
        _emotion = emotion;
        _ageGender = ageGender;
        _liveness = new Lazy<LivenessChecker>(liveness, LazyThreadSafetyMode.ExecutionAndPublication);
        _limits = limits;
        _models = models;
    }

    public IFaceDescriber Describer => _describer;
    public IReadOnlyDictionary<string, string> Models => _models;

    /// <summary>Every model id the analyzer needs with these choices (for pulling ahead of time); an unknown name is an unknown model.</summary>
    public static IReadOnlyList<string> RequiredModels(FaceModels? models = null, bool liveness = false)
    {
        models ??= FaceModels.Default;
        var ids = new List<string>
        {
            FaceFamilies.Detectors.ResolveId(models.Detector), FaceFamilies.Landmarks.ResolveId(models.Landmarks),
            FaceFamilies.Describers.ResolveId(models.Describer), FaceFamilies.Emotions.ResolveId(models.Emotion),
            FaceFamilies.AgeGender.ResolveId(models.AgeGender),
        };
        if (liveness)
            ids.AddRange([LivenessChecker.AntiSpoofId, LivenessChecker.LivenessId]);
        return ids;
    }

    /// <summary>
    /// Pulls (when missing) and opens the models, each through its role's family registry (<see cref="FaceFamilies"/>).
    /// Concurrent analyses on this analyzer share model runs only when they meet: no run waits for others.
    /// </summary>
    public static Task<FaceAnalyzer> CreateAsync(ModelStore store, InferenceEngine engine, FaceModels? models = null, ImageLimits? limits = null, CancellationToken cancellationToken = default) =>
        CreateAsync(TaskContext.Create(store, engine, limits), models, cancellationToken);

    /// <summary>
    /// The analyzer on <paramref name="context"/>'s models: its networks' runs go through the context's batched
    /// sessions, shared with every other task and image of that context (the pipeline's images in flight).
    /// </summary>
    public static async Task<FaceAnalyzer> CreateAsync(TaskContext context, FaceModels? models = null, CancellationToken cancellationToken = default)
    {
        models ??= FaceModels.Default;
        var (store, engine, limits) = (context.Store, context.Engine, context.Limits);
        var detector = await FaceFamilies.Detectors.CreateAsync(context, models.Detector, cancellationToken).ConfigureAwait(false);
        var landmarker = await FaceFamilies.Landmarks.CreateAsync(context, models.Landmarks, cancellationToken).ConfigureAwait(false);
        var describer = await FaceFamilies.Describers.CreateAsync(context, models.Describer, cancellationToken).ConfigureAwait(false);
        var emotion = await FaceFamilies.Emotions.CreateAsync(context, models.Emotion, cancellationToken).ConfigureAwait(false);
        var ageGender = await FaceFamilies.AgeGender.CreateAsync(context, models.AgeGender, cancellationToken).ConfigureAwait(false);
        var used = new Dictionary<string, string>
        {
            ["detector"] = detector.ModelId,
            ["landmarks"] = landmarker.ModelId,
            ["descriptor"] = describer.ModelId,
            ["emotion"] = emotion.ModelId,
            ["ageGender"] = ageGender.ModelId,
        }.AsReadOnly();
        // Liveness models load on first use: most collections never ask for them.
        LivenessChecker Liveness() => new(store.EnsureAsync(LivenessChecker.AntiSpoofId).GetAwaiter().GetResult(),
            store.EnsureAsync(LivenessChecker.LivenessId).GetAwaiter().GetResult(), engine);
        return new FaceAnalyzer(detector, landmarker, describer, emotion, ageGender, Liveness, limits, used);
    }

    public FaceAnalysis Analyze(string path, FaceAnalysisOptions? options = null)
    {
        var start = Stopwatch.GetTimestamp();
        using var image = ImageDecoder.Decode(path, DecodeSize.Within(MaxDecodeSide, MaxDecodeSide), _limits);
        return Analyze(image, options, StageTimings.Since(start));
    }

    public FaceAnalysis Analyze(DecodedImage image, FaceAnalysisOptions? options = null) => Analyze(image, options, 0);

    private FaceAnalysis Analyze(DecodedImage image, FaceAnalysisOptions? options, double decodeMs)
    {
        options ??= FaceAnalysisOptions.Default;
        var tasks = options.Tasks;
        var bitmap = image.Bitmap;
        // Detection options are in original pixels; the decoded bitmap may be smaller.
        var transform = InputTransform.Decoded(image);
        // Below about 20 decoded pixels a face is too small to describe, so the scan does not go finer.
        var detect = options.Detect with { MinFaceSize = options.Detect.MinFaceSize <= 0 ? 0 : Math.Max(transform.ToInputLength(options.Detect.MinFaceSize), MinDecodedFace) };
        // Each crop is rendered once and shared by the networks that take it (expression, age and gender,
        // quality read the same 112x112 crop of the aligned box).
        using var crops = new FaceCrops(bitmap);

        var t = Stopwatch.GetTimestamp();
        var faces = _detector.Detect(bitmap, detect);
        var detectMs = StageTimings.Since(t);

        t = Stopwatch.GetTimestamp();
        var needLandmarks = (tasks & ~FaceTasks.Liveness) != FaceTasks.None;
        IReadOnlyList<FacePoint[]> landmarks = needLandmarks ? LocateLandmarks(crops, faces) : [];
        var aligned = landmarks.Select(l => FaceLandmarks.AlignedBox(l)).ToList();
        var landmarksMs = StageTimings.Since(t);

        t = Stopwatch.GetTimestamp();
        var descriptors = (tasks & FaceTasks.Descriptor) != 0 ? _describer.Describe(crops, landmarks.ToList()) : null;
        var descriptorMs = StageTimings.Since(t);

        t = Stopwatch.GetTimestamp();
        var emotions = (tasks & FaceTasks.Emotion) != 0 ? _emotion.Classify(crops, aligned) : null;
        var ageGender = (tasks & FaceTasks.AgeGender) != 0 ? _ageGender.Estimate(crops, aligned) : null;
        IReadOnlyList<Liveness>? liveness = null;
        if ((tasks & FaceTasks.Liveness) != 0)
        {
            liveness = _liveness.Value.Check(crops, faces.Select(f => f.Box).ToList());
        }
        IReadOnlyList<FaceQuality>? quality = null;
        if ((tasks & FaceTasks.Quality) != 0)
        {
            var grey = crops.Batch(aligned.Select(b => FaceCrop.SquareAround(b)).ToList(), (int)FaceQualityScorer.FullSize, GreyLevels);
            var plane = (int)(FaceQualityScorer.FullSize * FaceQualityScorer.FullSize);
            quality = aligned.Select((b, i) => FaceQualityScorer.Score(b.Width, grey.AsSpan(i * plane, plane), (int)FaceQualityScorer.FullSize, FaceLandmarks.Pose(landmarks[i]))).ToList();
        }
        var attributesMs = StageTimings.Since(t);

        var width = image.OriginalWidth;
        var height = image.OriginalHeight;
        FacePoint Scale(FacePoint p)
        {
            var (x, y) = transform.ToOriginal(p.X, p.Y);
            return new(x, y);
        }
        var result = new List<AnalyzedFace>(faces.Count);
        for (var i = 0; i < faces.Count; i++)
        {
            var f = faces[i];
            var box = transform.ToOriginal(f.Box);
            IReadOnlyList<FacePoint>? points68 = needLandmarks ? landmarks[i].Select(Scale).ToArray() : null;
            var five = points68 is not null ? FaceLandmarks.FivePoints(points68) : [];
            var identifiability = needLandmarks
                ? IdentifiabilityRule.Judge(landmarks[i], bitmap.Width, bitmap.Height, FaceLandmarks.Pose(landmarks[i]), aligned[i].Width, quality?[i].Sharpness)
                : null;
            // Attributes of a face too poor to identify are kept but flagged, with the same reasons.
            var unreliable = identifiability?.Summary;
            var emotion = emotions?[i] is { } e ? e with { Unreliable = unreliable } : null;
            var age = ageGender?[i] is { } ag ? ag with { Unreliable = unreliable } : (AgeGender?)null;
            result.Add(new AnalyzedFace(box, box.Normalized(width, height), f.Score, five, points68,
                points68 is not null ? FaceLandmarks.Pose(points68) : null,
                quality?[i], descriptors?[i], emotion, age, liveness?[i], identifiability));
        }
        return new FaceAnalysis(image.Source, width, height, result, _models,
            new FaceTimings(decodeMs, detectMs, landmarksMs, descriptorMs, attributesMs));
    }

    /// <summary>
    /// Landmarks in two passes: the first from a crop around the detector's box (whose framing differs
    /// from what the landmark net was trained on), the second from a crop framed by the first landmarks.
    /// </summary>
    private IReadOnlyList<FacePoint[]> LocateLandmarks(FaceCrops crops, IReadOnlyList<FaceCandidate> faces)
    {
        if (faces.Count == 0)
            return [];
        var first = _landmarker.Locate(crops, faces.Select(f => Grow(f.Box, FirstPassScale)).ToList());
        return _landmarker.Locate(crops, first.Select(l => FaceLandmarks.AlignedBox(l, SecondPassPadding)).ToList());
    }

    /// <summary>BlazeFace's box spans brows to mouth; the landmark net wants the whole head outline in view.</summary>
    private const float FirstPassScale = 1.3f;

    private const float SecondPassPadding = 0.2f;

    /// <summary>Grey levels 0-255 (BT.601 luma), the scale the quality score's sharpness bar was measured in.</summary>
    private static readonly TensorFormat GreyLevels = TensorFormat.Uniform(PixelColours.Grey, false, 1f, 0f);

    private static BoundingBox Grow(BoundingBox b, float scale) =>
        new(b.X + b.Width / 2 - b.Width * scale / 2, b.Y + b.Height / 2 - b.Height * scale / 2, b.Width * scale, b.Height * scale);
}
