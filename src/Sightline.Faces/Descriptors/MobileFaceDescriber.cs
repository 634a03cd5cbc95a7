using Sightline.Faces.Alignment;
using Sightline.Faces.Detection;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Vision.Pipeline;

namespace Sightline.Faces.Descriptors;

/// <summary>
/// MobileFace (becauseofAI, MXNet): the 112x112 ArcFace chip (<see cref="ArcFaceChip"/>), 0-255 values (the
/// graph itself computes <c>(pixel - 127.5) / 128</c>); the 256-d descriptor, divided by its length
/// (<see cref="FaceDescriptor.ToUnitLength"/>) so that the library's Euclidean clustering follows its cosine distance.
/// human ships the model but no code that runs it.
/// </summary>
public sealed class MobileFaceDescriber : IFaceDescriber
{
    public const string Id = "human-mobileface";

    /// <summary>Cosine-distance bound for "same person": the best threshold on all 780 pairs of the 40 faces-bbt crops (<c>sightline eval faces</c>; ROC AUC 0.951).</summary>
    public const float DefaultThreshold = 0.557f;

    private readonly FaceNetwork _net;

    public MobileFaceDescriber(CachedModel model, InferenceEngine engine, TaskContext? context = null) => _net = new FaceNetwork(model, engine, context);

    public string ModelId => _net.ModelId;
    public DescriptorMetric Metric => DescriptorMetric.Cosine;
    public float Threshold => DefaultThreshold;

    /// <summary>Logistic fit on all 780 pairs of the 40 faces-bbt crops (<c>sightline eval faces</c>).</summary>
    public Evaluation.DistanceCalibration Calibration { get; } = new(11.00f, -18.10f);

    public IReadOnlyList<FaceDescriptor> Describe(FaceCrops crops, IReadOnlyList<FacePoint[]> landmarks) =>
        [.. _net.DescribeChips(crops, landmarks, 0, Metric, ArcFaceChip.ToChip).Select(d => d.ToUnitLength())];
}
