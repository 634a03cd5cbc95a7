using Sightline.Faces.Descriptors;

namespace Sightline.Faces.Tests.Descriptors;

public sealed class FaceDescriptorUnitLengthTests
{
    [Fact]
    public void A_unit_descriptor_keeps_its_direction_and_cosine_distances()
    {
        var a = new FaceDescriptor("m", DescriptorMetric.Cosine, [3, 4, 0]);
        var b = new FaceDescriptor("m", DescriptorMetric.Cosine, [40, -2, 7]);

        var ua = a.ToUnitLength();
        var ub = b.ToUnitLength();

        Assert.Equal([0.6f, 0.8f, 0f], ua.Values);
        Assert.Equal(a.DistanceTo(b), ua.DistanceTo(ub), 5);
        Assert.Equal(ua.ModelId, a.ModelId);
        Assert.Equal([3f, 4f, 0f], a.Values);
    }

    [Fact]
    public void Between_unit_descriptors_the_squared_euclidean_distance_is_twice_the_cosine_distance()
    {
        var a = new FaceDescriptor("m", DescriptorMetric.Cosine, [1, 2, 3, -1]).ToUnitLength();
        var b = new FaceDescriptor("m", DescriptorMetric.Cosine, [-2, 0.5f, 1, 4]).ToUnitLength();

        var euclidean = FaceDescriptor.Distance(DescriptorMetric.Euclidean, a.Values, b.Values);

        Assert.Equal(2 * a.DistanceTo(b), euclidean * euclidean, 5);
    }

    [Fact]
    public void A_zero_descriptor_is_refused()
    {
        var error = Assert.Throws<DescriptorMismatchException>(() => new FaceDescriptor("zeros", DescriptorMetric.Cosine, [0, 0]).ToUnitLength());

        Assert.Contains("'zeros'", error.Message);
    }
}
