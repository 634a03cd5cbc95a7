using Sightline.Faces.Alignment;
using Sightline.Faces.Detection;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using SkiaSharp;

namespace Sightline.Faces.Descriptors;

/// <summary>
/// face-api's recognition net (dlib's ResNet-34-like face model, trained with a metric loss): the 150x150
/// face chip it was trained on (<see cref="FaceChip"/>: eye corners and nose base on the canonical face by
/// a similarity transform), 0-255 values; 128-d descriptor compared by Euclidean distance.
/// </summary>
public sealed class FaceApiDescriber : IFaceDescriber
{
    public const string Id = "face-api-face-recognition";

    /// <summary>
    /// face-api's published "same person" bound. Measured on faces-bbt all pairs, the best threshold is
    /// close to it (see the README); it is kept so results agree with face-api users' expectations.
    /// </summary>
    public const float DefaultThreshold = 0.6f;

    private readonly FaceNetwork _net;

    public FaceApiDescriber(CachedModel model, InferenceEngine engine) => _net = new FaceNetwork(model, engine, 1f, 0f);

    public string ModelId => _net.ModelId;
    public DescriptorMetric Metric => DescriptorMetric.Euclidean;
    public float Threshold => DefaultThreshold;

    /// <summary>Logistic fit on all 780 pairs of the 40 faces-bbt crops (<c>sightline eval faces</c>).</summary>
    public Evaluation.DistanceCalibration Calibration { get; } = new(31.76f, -52.73f);

    public IReadOnlyList<FaceDescriptor> Describe(SKBitmap image, IReadOnlyList<FacePoint[]> landmarks) =>
        _net.DescribeChips(image, landmarks, 0, Metric);
}
