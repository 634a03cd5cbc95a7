using Sightline.Faces.Descriptors;
using Sightline.Faces.Gallery;
using Sightline.Vision.Results;

namespace Sightline.Faces;

/// <summary>One side of a verification: the image, how many faces it has, and the (largest) face compared.</summary>
public sealed record VerifiedImage(string Source, ImageSize Image, int Faces, FaceResult Face, FaceStageTimings Timings)
{
    public static VerifiedImage From(FaceAnalysis analysis, AnalyzedFace face, double decodeMs) =>
        new(analysis.Source, new ImageSize(analysis.Width, analysis.Height), analysis.Faces.Count, FaceResult.From(face),
            FaceStageTimings.From(analysis.Timings, decodeMs, 0));
}

/// <summary>
/// Whether the largest faces of images a and b are the same person: the descriptor distance, the threshold it
/// was held against (same when below), the calibrated probability (0-1) that this decision is right, the
/// descriptors' cosine similarity, and both sides. <c>sightline faces verify --json</c> and
/// <c>POST /v1/faces/verify</c> answer this record.
/// </summary>
public sealed record FaceVerification(bool Same, float Distance, float Threshold, float Confidence, DescriptorMetric Metric, float Similarity,
    ModelRef Descriptor, IReadOnlyList<FaceModelRef> Models, VerifiedImage A, VerifiedImage B)
{
    /// <summary>
    /// The verdict on two analysed faces, each with a descriptor; <paramref name="threshold"/> null is the
    /// describer's own. <paramref name="models"/> are the analyzer's (<see cref="FaceModelRef.For"/>).
    /// </summary>
    public static FaceVerification Of(VerifiedImage a, AnalyzedFace faceA, VerifiedImage b, AnalyzedFace faceB, IFaceDescriber describer,
        IReadOnlyList<FaceModelRef> models, float? threshold)
    {
        var descriptorA = faceA.Descriptor ?? throw new ArgumentException($"the face compared in '{a.Source}' has no descriptor", nameof(faceA));
        var descriptorB = faceB.Descriptor ?? throw new ArgumentException($"the face compared in '{b.Source}' has no descriptor", nameof(faceB));
        var comparison = FaceComparison.Of(descriptorA, descriptorB, describer, threshold);
        var descriptor = models.FirstOrDefault(m => m.Role == "descriptor") is { } d ? new ModelRef(d.Id, d.Version) : new ModelRef(comparison.ModelId, "");
        return new FaceVerification(comparison.Same, comparison.Distance, comparison.Threshold, comparison.Confidence, describer.Metric,
            GalleryMatch.SimilarityOf(descriptorA.Values, descriptorB.Values), descriptor, models, a, b);
    }
}
