using Sightline.Imaging.Tensors;

namespace Sightline.Imaging.Tests.Tensors;

/// <summary>The one tensor writer on a 2x1 image made in code, for every colour order, layout and scale form.</summary>
public sealed class TensorWriterTests
{
    // Two pixels, (10, 20, 30, alpha 255) and (40, 50, 60, alpha 0): alpha must never leak in.
    private static readonly byte[] Pixels = [10, 20, 30, 255, 40, 50, 60, 0];

    private static float[] Write(TensorFormat format)
    {
        var tensor = new float[format.ItemLength(2, 1)];
        TensorWriter.Write(Pixels, 2, 1, tensor, format);
        return tensor;
    }

    [Theory]
    [InlineData(PixelColours.Rgb, false, new float[] { 10, 20, 30, 40, 50, 60 })]
    [InlineData(PixelColours.Rgb, true, new float[] { 10, 40, 20, 50, 30, 60 })]
    [InlineData(PixelColours.Bgr, false, new float[] { 30, 20, 10, 60, 50, 40 })]
    [InlineData(PixelColours.Bgr, true, new float[] { 30, 60, 20, 50, 10, 40 })]
    public void Colour_orders_and_layouts_place_each_value(PixelColours colours, bool channelsFirst, float[] expected)
    {
        Assert.Equal(expected, Write(TensorFormat.Uniform(colours, channelsFirst, 1f, 0f)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Grey_is_bt601_luma_in_either_layout(bool channelsFirst)
    {
        var grey = Write(TensorFormat.Uniform(PixelColours.Grey, channelsFirst, 1f, 0f));
        Assert.Equal(2, grey.Length);
        Assert.Equal(0.299f * 10 + 0.587f * 20 + 0.114f * 30, grey[0], 4);
        Assert.Equal(0.299f * 40 + 0.587f * 50 + 0.114f * 60, grey[1], 4);
    }

    [Fact]
    public void Grey_takes_scale_and_offset_after_the_luma()
    {
        var grey = Write(TensorFormat.Uniform(PixelColours.Grey, false, 2f / 255, -1f));
        Assert.Equal((0.299f * 10 + 0.587f * 20 + 0.114f * 30) * 2 / 255 - 1, grey[0], 5);
    }

    [Theory]
    [InlineData(false, new float[] { 5, 39, 16, 20, 99, 31 })]
    [InlineData(true, new float[] { 5, 20, 39, 99, 16, 31 })]
    public void Per_channel_scale_and_offset_follow_the_channel_not_the_position(bool channelsFirst, float[] expected)
    {
        // R * 0.5, G * 2 - 1, B * 0.5 + 1.
        Assert.Equal(expected, Write(TensorFormat.PerChannel(PixelColours.Rgb, channelsFirst, [0.5f, 2f, 0.5f], [0f, -1f, 1f])));
    }

    [Fact]
    public void Per_channel_values_of_bgr_belong_to_the_tensor_channels()
    {
        // Channel 0 is blue here, so its scale 2 doubles blue.
        Assert.Equal([60f, 20f, 10f, 120f, 50f, 40f], Write(TensorFormat.PerChannel(PixelColours.Bgr, false, [2f, 1f, 1f], [0f, 0f, 0f])));
    }

    [Theory]
    [InlineData(false, new float[] { 9, 18, 27, 36, 45, 54 })]
    [InlineData(true, new float[] { 9, 38, 17, 46, 25, 54 })]
    public void Per_element_offsets_are_indexed_in_the_tensor_order(bool channelsFirst, float[] expected)
    {
        var offsets = new float[] { -1, -2, -3, -4, -5, -6 };
        Assert.Equal(expected, Write(TensorFormat.PerChannel(PixelColours.Rgb, channelsFirst, [1, 1, 1, 1, 1, 1], offsets)));
    }

    [Fact]
    public void Grey_per_element_scales_each_pixel()
    {
        var grey = Write(TensorFormat.PerChannel(PixelColours.Grey, false, [1f, 0f], [0f, 7f]));
        Assert.Equal(0.299f * 10 + 0.587f * 20 + 0.114f * 30, grey[0], 4);
        Assert.Equal(7f, grey[1]);
    }

    [Fact]
    public void Custom_sources_reorder_any_way()
    {
        Assert.Equal([20f, 30f, 10f, 50f, 60f, 40f], Write(TensorFormat.Custom([1, 2, 0], false, [1f, 1f, 1f], [0f, 0f, 0f])));
        Assert.Equal(PixelColours.Bgr, TensorFormat.Custom([2, 1, 0], true, [1f, 1f, 1f], [0f, 0f, 0f]).Colours);
    }

    [Fact]
    public void Mean_std_is_the_torchvision_normalisation()
    {
        var t = Write(TensorFormat.MeanStd(PixelColours.Rgb, true, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]));
        Assert.Equal((10 / 255f - 0.485f) / 0.229f, t[0], 4);
        Assert.Equal((50 / 255f - 0.456f) / 0.224f, t[3], 4);
        Assert.Equal((60 / 255f - 0.406f) / 0.225f, t[5], 4);
    }

    [Fact]
    public void Scaled_by_multiplies_the_scale_and_keeps_the_offset()
    {
        var t = Write(TensorFormat.Uniform(PixelColours.Rgb, false, 1f, 1f).ScaledBy(0.5f));
        Assert.Equal([6f, 11f, 16f, 21f, 26f, 31f], t);
    }

    [Fact]
    public void Wrong_sizes_are_refused_with_the_reason()
    {
        var rgb = TensorFormat.Uniform(PixelColours.Rgb, false, 1f, 0f);
        Assert.Contains("needs 6", Assert.Throws<ArgumentException>(() => TensorWriter.Write(Pixels, 2, 1, new float[5], rgb)).Message);
        Assert.Contains("RGBA pixels", Assert.Throws<ArgumentException>(() => TensorWriter.Write(Pixels.AsSpan(0, 4), 2, 1, new float[6], rgb)).Message);
        var perElement = TensorFormat.PerChannel(PixelColours.Rgb, false, new float[12], new float[12]);
        Assert.Contains("per-element", Assert.Throws<ArgumentException>(() => TensorWriter.Write(Pixels, 2, 1, new float[6], perElement)).Message);
        Assert.Throws<ArgumentException>(() => TensorFormat.PerChannel(PixelColours.Rgb, false, [1f, 1f], [0f, 0f]));
        Assert.Throws<ArgumentException>(() => TensorFormat.PerChannel(PixelColours.Rgb, false, [1f, 1f, 1f], [0f]));
    }

    [Fact]
    public void A_larger_image_matches_the_per_pixel_definition_in_every_layout()
    {
        // 7x5 pixels of varied values: the unrolled loops must agree with value = pixel[source] * a + b everywhere.
        const int w = 7, h = 5;
        var random = new Random(3);
        var rgba = new byte[w * h * 4];
        random.NextBytes(rgba);
        foreach (var colours in new[] { PixelColours.Rgb, PixelColours.Bgr })
            foreach (var first in new[] { false, true })
            {
                var format = TensorFormat.PerChannel(colours, first, [0.1f, 0.2f, 0.3f], [1f, 2f, 3f]);
                var tensor = new float[3 * w * h];
                TensorWriter.Write(rgba, w, h, tensor, format);
                for (var p = 0; p < w * h; p++)
                    for (var c = 0; c < 3; c++)
                    {
                        var expected = rgba[p * 4 + format.Sources[c]] * format.Scale[c] + format.Offset[c];
                        Assert.Equal(expected, tensor[first ? c * w * h + p : p * 3 + c], 5);
                    }
            }
    }
}
