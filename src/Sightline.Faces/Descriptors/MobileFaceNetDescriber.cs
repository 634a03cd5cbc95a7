using Sightline.Faces.Alignment;
using Sightline.Faces.Detection;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Vision.Pipeline;

namespace Sightline.Faces.Descriptors;

/// <summary>
/// MobileFaceNet (sirius-ai's TensorFlow port, ArcFace loss on MS1M): the 112x112 ArcFace chip
/// (<see cref="ArcFaceChip"/>), <c>(pixel - 127.5) / 128</c> as it was trained; the descriptor comes out
/// of unit length, compared by cosine distance. human feeds it its own face crop at 0-1 instead, which
/// is not what the network saw in training.
/// </summary>
public sealed class MobileFaceNetDescriber : IFaceDescriber
{
    public const string Id = "human-mobilefacenet";

    /// <summary>Cosine-distance bound for "same person": the clustering cut measured on faces-lfw and faces-bbt (unit-length Euclidean 0.01 to 0.02, README, People). The packaged network barely separates people however it is fed (faces-bbt all-pairs ROC AUC 0.58): a candidate measured, not one to use.</summary>
    public const float DefaultThreshold = 0.0002f;

    private readonly FaceNetwork _net;

    public MobileFaceNetDescriber(CachedModel model, InferenceEngine engine, TaskContext? context = null) => _net = new FaceNetwork(model, engine, context);

    public string ModelId => _net.ModelId;
    public DescriptorMetric Metric => DescriptorMetric.Cosine;
    public float Threshold => DefaultThreshold;

    /// <summary>Logistic fit on all 780 pairs of the 40 faces-bbt crops (<c>sightline eval faces</c>): nearly flat, as the network hardly tells people apart.</summary>
    public Evaluation.DistanceCalibration Calibration { get; } = new(-1.67f, -1758.68f);

    public IReadOnlyList<FaceDescriptor> Describe(FaceCrops crops, IReadOnlyList<FacePoint[]> landmarks) =>
        _net.DescribeChips(crops, landmarks, 0, Metric, ArcFaceChip.ToChip);
}
