using Sightline.Faces.Alignment;
using Sightline.Faces.Detection;
using Sightline.Imaging.Tensors;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Vision.Pipeline;
using SkiaSharp;

namespace Sightline.Faces.Descriptors;

/// <summary>
/// face-api's recognition net (dlib's ResNet-34-like face model, trained with a metric loss): the 150x150
/// face chip it was trained on (<see cref="FaceChip"/>: nose, eyes and upper mouth on dlib's mean face by
/// a similarity transform), dlib's input values; 128-d descriptor compared by Euclidean distance.
/// </summary>
public sealed class FaceApiDescriber : IFaceDescriber
{
    public const string Id = "face-api-face-recognition";

    /// <summary>
    /// face-api's (and dlib's) published "same person" bound. The best thresholds on all pairs of faces-lfw
    /// (0.53, where 98 % of the pairs are different people) and faces-bbt (0.64) lie either side of it, and
    /// on pairs at even odds the calibration below crosses 0.5 at 0.61 (see the README).
    /// </summary>
    public const float DefaultThreshold = 0.6f;

    private readonly FaceNetwork _net;

    /// <summary>
    /// The values dlib's network was trained on: <c>(pixel - mean) / 256</c> per channel (dlib's <c>input_rgb_image</c>),
    /// where face-api's port, and so the converted graph, divides by 255. The graph computes <c>(x - mean) / 255</c>,
    /// so it is fed <c>x = pixel * 255/256 + mean/256</c>.
    /// </summary>
    internal static readonly TensorFormat DlibInput = TensorFormat.PerChannel(PixelColours.Rgb, channelsFirst: false,
        [255f / 256, 255f / 256, 255f / 256], [MeanRgb[0] / 256, MeanRgb[1] / 256, MeanRgb[2] / 256]);

    private static ReadOnlySpan<float> MeanRgb => [122.782f, 117.001f, 104.298f];

    public FaceApiDescriber(CachedModel model, InferenceEngine engine, TaskContext? context = null) => _net = new FaceNetwork(model, engine, DlibInput, context);

    public string ModelId => _net.ModelId;
    public DescriptorMetric Metric => DescriptorMetric.Euclidean;
    public float Threshold => DefaultThreshold;

    /// <summary>
    /// Logistic fit on faces-lfw and faces-bbt pooled: every same-person pair of each (495 and 80) and as many
    /// of its different-person pairs drawn at random (seed 1), so the confidence answers a question asked
    /// at even odds rather than the 2 % base rate of all pairs. Fitted alone, faces-bbt's 40 tight crops
    /// put the even point at 0.63 and faces-lfw at 0.61; pooled at 0.61.
    /// </summary>
    public Evaluation.DistanceCalibration Calibration { get; } = new(30.11f, -49.49f);

    public IReadOnlyList<FaceDescriptor> Describe(FaceCrops crops, IReadOnlyList<FacePoint[]> landmarks) =>
        _net.DescribeChips(crops, landmarks, 0, Metric);
}
