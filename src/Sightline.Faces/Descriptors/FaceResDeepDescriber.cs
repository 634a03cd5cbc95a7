using Sightline.Faces.Alignment;
using Sightline.Faces.Detection;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Vision.Pipeline;

namespace Sightline.Faces.Descriptors;

/// <summary>
/// human's faceres-deep: faceres's network with full-precision (float32) weights, fed as faceres is (224x224
/// crop of the aligned box padded to a square, 0-255 values); the 1024-d descriptor, divided by its length
/// (<see cref="FaceDescriptor.ToUnitLength"/>) so that the library's Euclidean clustering follows its cosine distance.
/// </summary>
public sealed class FaceResDeepDescriber : IFaceDescriber
{
    public const string Id = "human-faceres-deep";

    /// <summary>Cosine-distance bound for "same person": the best threshold on all 780 pairs of the 40 faces-bbt crops (<c>sightline eval faces</c>; ROC AUC 0.963, against faceres's 0.989).</summary>
    public const float DefaultThreshold = 0.325f;

    private readonly FaceNetwork _net;
    private readonly string _descriptor;

    public FaceResDeepDescriber(CachedModel model, InferenceEngine engine, TaskContext? context = null)
    {
        _net = new FaceNetwork(model, engine, context);
        _descriptor = _net.OutputOfLength(1024);
    }

    public string ModelId => _net.ModelId;
    public DescriptorMetric Metric => DescriptorMetric.Cosine;
    public float Threshold => DefaultThreshold;

    /// <summary>Logistic fit on all 780 pairs of the 40 faces-bbt crops (<c>sightline eval faces</c>).</summary>
    public Evaluation.DistanceCalibration Calibration { get; } = new(10.45f, -32.17f);

    public IReadOnlyList<FaceDescriptor> Describe(FaceCrops crops, IReadOnlyList<FacePoint[]> landmarks) =>
        [.. _net.Describe(crops, landmarks, _descriptor, Metric).Select(d => d.ToUnitLength())];
}
