namespace Sightline.Faces.Descriptors;

/// <summary>
/// The answer to "are these the same person?": the distance, the threshold it was held against, the
/// decision, and the calibrated probability that the decision is right.
/// </summary>
public readonly record struct FaceComparison(bool Same, float Distance, float Threshold, float Confidence, string ModelId)
{
    /// <summary>Compares two descriptors of <paramref name="describer"/>'s model at its threshold, or at <paramref name="threshold"/> when given.</summary>
    public static FaceComparison Of(FaceDescriptor a, FaceDescriptor b, IFaceDescriber describer, float? threshold = null)
    {
        if (a.ModelId != describer.ModelId)
            throw new DescriptorMismatchException($"descriptor of '{a.ModelId}' given to compare with the threshold of '{describer.ModelId}'");
        var distance = a.DistanceTo(b);
        var t = threshold ?? describer.Threshold;
        var same = distance < t;
        var p = describer.Calibration.Probability(distance);
        return new FaceComparison(same, distance, t, same ? p : 1 - p, describer.ModelId);
    }
}
