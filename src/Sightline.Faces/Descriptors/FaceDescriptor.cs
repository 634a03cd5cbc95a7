using System.Numerics.Tensors;
using System.Text.Json.Serialization;

namespace Sightline.Faces.Descriptors;

/// <summary>How two descriptors of one model are compared: smaller distance means more alike.</summary>
public enum DescriptorMetric
{
    /// <summary>Euclidean distance (face-api's 128-d descriptor: "same person" below 0.6).</summary>
    Euclidean,

    /// <summary>1 - cosine similarity (descriptors that are meaningful only by direction).</summary>
    Cosine,
}

/// <summary>
/// A face descriptor together with the model that made it. Descriptors of different models live in
/// different spaces, so comparing them is an error rather than a meaningless number.
/// </summary>
public sealed record FaceDescriptor(string ModelId, DescriptorMetric Metric, float[] Values)
{
    [JsonIgnore] public int Dimension => Values.Length;

    /// <summary>The distance to <paramref name="other"/> under this model's metric.</summary>
    /// <exception cref="DescriptorMismatchException">The descriptors come from different models or have different lengths.</exception>
    public float DistanceTo(FaceDescriptor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!string.Equals(ModelId, other.ModelId, StringComparison.Ordinal) || Metric != other.Metric)
            throw new DescriptorMismatchException($"cannot compare a descriptor of '{ModelId}' with one of '{other.ModelId}': descriptors of different models live in different spaces");
        if (Values.Length != other.Values.Length)
            throw new DescriptorMismatchException($"cannot compare descriptors of '{ModelId}' of lengths {Values.Length} and {other.Values.Length}");
        return Distance(Metric, Values, other.Values);
    }

    /// <summary>
    /// This descriptor divided by its length. Cosine distances do not change; Euclidean distances between unit
    /// vectors are then monotone in them (d² = 2 (1 − cos)), so a store that compares by Euclidean distance
    /// (the library's clustering) ranks such descriptors as their cosine does. A zero vector is refused.
    /// </summary>
    public FaceDescriptor ToUnitLength()
    {
        var length = TensorPrimitives.Norm(Values);
        if (!(length > 0) || !float.IsFinite(length))
            throw new DescriptorMismatchException($"descriptor of '{ModelId}' has length {length}: it has no direction to keep");
        var values = new float[Values.Length];
        TensorPrimitives.Divide(Values, length, values);
        return this with { Values = values };
    }

    public static float Distance(DescriptorMetric metric, ReadOnlySpan<float> a, ReadOnlySpan<float> b) => metric switch
    {
        DescriptorMetric.Euclidean => TensorPrimitives.Distance(a, b),
        DescriptorMetric.Cosine => 1 - TensorPrimitives.CosineSimilarity(a, b),
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown descriptor metric"),
    };
}

/// <summary>Two descriptors that cannot be compared (different models or lengths).</summary>
public sealed class DescriptorMismatchException(string message) : Sightline.Imaging.SightlineException(message);
