using Sightline.Vision.Pipeline;

namespace Sightline.Faces.Descriptors;

/// <summary>
/// The answer to "are these the same person?": the distance, the threshold it was held against, the
/// decision, and the calibrated probability that the decision is right.
/// </summary>
public readonly record struct FaceComparison(bool Same, float Distance, float Threshold, float Confidence, string ModelId)
{
    /// <summary>The largest distance threshold accepted: unit descriptors are at most 2 apart (Euclidean) and 4 (squared).</summary>
    public const float MaxThreshold = 4;

    /// <summary>
    /// The distance under which two faces are one person: <paramref name="requested"/> when given, else the
    /// describer's own; a requested one outside (0, <see cref="MaxThreshold"/>] throws <see cref="TaskOptionsException"/> (threshold).
    /// </summary>
    public static float ThresholdFor(IFaceDescriber describer, float? requested)
    {
        CheckThreshold(requested);
        return requested ?? describer.Threshold;
    }

    /// <summary>Throws <see cref="TaskOptionsException"/> (threshold) unless the threshold is absent or a distance in (0, <see cref="MaxThreshold"/>].</summary>
    public static void CheckThreshold(float? requested)
    {
        if (requested is { } t && !(t > 0 && t <= MaxThreshold))
            throw new TaskOptionsException("threshold", $"threshold must be a distance in (0, {MaxThreshold}], got {t.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    }

    /// <summary>Compares two descriptors of <paramref name="describer"/>'s model at its threshold, or at <paramref name="threshold"/> when given.</summary>
    public static FaceComparison Of(FaceDescriptor a, FaceDescriptor b, IFaceDescriber describer, float? threshold = null)
    {
        if (a.ModelId != describer.ModelId)
            throw new DescriptorMismatchException($"descriptor of '{a.ModelId}' given to compare with the threshold of '{describer.ModelId}'");
        var distance = a.DistanceTo(b);
        var t = ThresholdFor(describer, threshold);
        var same = distance < t;
        var p = describer.Calibration.Probability(distance);
        return new FaceComparison(same, distance, t, same ? p : 1 - p, describer.ModelId);
    }
}
