using Sightline.Faces.Alignment;
using Sightline.Faces.Detection;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Vision.Pipeline;
using SkiaSharp;

namespace Sightline.Faces.Descriptors;

/// <summary>
/// human's faceres (HSE face recognition): 224x224 crop of the aligned box padded to a square, 0-255 values;
/// a 1024-d descriptor compared by cosine distance (it also predicts age and gender, unused here: only the
/// descriptor output is fetched).
/// </summary>
public sealed class FaceResDescriber : IFaceDescriber
{
    public const string Id = "human-faceres";

    /// <summary>Cosine-distance bound for "same person", chosen on faces-bbt all pairs (see the README).</summary>
    public const float DefaultThreshold = 0.41f;

    private readonly FaceNetwork _net;
    private readonly string _descriptor;

    public FaceResDescriber(CachedModel model, InferenceEngine engine, TaskContext? context = null)
    {
        _net = new FaceNetwork(model, engine, context);
        _descriptor = _net.OutputOfLength(1024);
    }

    public string ModelId => _net.ModelId;
    public DescriptorMetric Metric => DescriptorMetric.Cosine;
    public float Threshold => DefaultThreshold;

    /// <summary>Logistic fit on all 780 pairs of the 40 faces-bbt crops (<c>sightline eval faces</c>).</summary>
    public Evaluation.DistanceCalibration Calibration { get; } = new(16.43f, -38.68f);

    public IReadOnlyList<FaceDescriptor> Describe(FaceCrops crops, IReadOnlyList<FacePoint[]> landmarks) =>
        _net.Describe(crops, landmarks, _descriptor, Metric);
}
