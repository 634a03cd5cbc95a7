using Sightline.Vision.Preprocessing;

namespace Sightline.Vision.Tests.Preprocessing;

public sealed class PixelTensorTests
{
    // Two pixels: (10, 20, 30, 255) and (40, 50, 60, 0).
    private static readonly byte[] Pixels = [10, 20, 30, 255, 40, 50, 60, 0];

    [Fact]
    public void Writes_planar_rgb_with_per_channel_scale_and_bias_ignoring_alpha()
    {
        var tensor = new float[6];
        PixelTensor.WriteChw(Pixels, 2, 1, tensor, ChannelAffine.PerChannel(1, 2, [1f, 2f, 0.5f], [0f, -1f, 1f]));
        Assert.Equal([10f, 40f, 39f, 99f, 16f, 31f], tensor);
    }

    [Fact]
    public void Reorders_channels_as_the_sources_say()
    {
        var tensor = new float[6];
        PixelTensor.WriteChw(Pixels, 2, 1, tensor, ChannelAffine.PerChannel(1, 2, [1f, 1f, 1f], [0f, 0f, 0f], [2, 1, 0]));
        Assert.Equal([30f, 60f, 20f, 50f, 10f, 40f], tensor);
    }

    [Fact]
    public void Applies_a_per_element_mean_image()
    {
        var tensor = new float[6];
        var affine = new ChannelAffine(3, 1, 2, [1, 1, 1, 1, 1, 1], [-1, -2, -3, -4, -5, -6], [0, 1, 2]);
        PixelTensor.WriteChw(Pixels, 2, 1, tensor, affine);
        Assert.Equal([9f, 38f, 17f, 46f, 25f, 54f], tensor);
    }

    [Fact]
    public void Refuses_mismatched_sizes()
    {
        var affine = ChannelAffine.PerChannel(1, 2, [1f, 1f, 1f], [0f, 0f, 0f]);
        Assert.Throws<ArgumentException>(() => PixelTensor.WriteChw(Pixels, 2, 1, new float[5], affine));
        Assert.Throws<ArgumentException>(() => PixelTensor.WriteChw(Pixels.AsSpan(0, 4), 2, 1, new float[6], affine));
        Assert.Throws<ArgumentException>(() => PixelTensor.WriteChw(Pixels, 1, 2, new float[6], affine));
    }

    [Fact]
    public void Simplify_collapses_constant_planes_and_keeps_varying_ones()
    {
        var constant = new ChannelAffine(3, 1, 2, [1, 1, 2, 2, 3, 3], [0, 0, 5, 5, 6, 6], [0, 1, 2]).Simplify();
        Assert.False(constant.PerElement);
        Assert.Equal([1f, 2f, 3f], constant.Scale);
        Assert.Equal([0f, 5f, 6f], constant.Bias);
        var varying = new ChannelAffine(3, 1, 2, [1, 1, 2, 2, 3, 3], [0, 1, 5, 5, 6, 6], [0, 1, 2]).Simplify();
        Assert.True(varying.PerElement);
    }
}
