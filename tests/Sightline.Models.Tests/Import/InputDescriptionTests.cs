using Sightline.Models.Catalog;
using Sightline.Models.Import;

namespace Sightline.Models.Tests.Import;

/// <summary>The catalog's words for an input spec, derived from the numbers the code uses.</summary>
public sealed class InputDescriptionTests
{
    [Theory]
    [InlineData(1f, 0f, "0-255 pixel values")]
    [InlineData(1f / 255, 0f, "0..1 (pixel / 255)")]
    [InlineData(1f / 127.5f, -1f, "-1..1 (pixel / 127.5 - 1)")]
    [InlineData(1f / 255, 0.5f, "0.5..1.5 (pixel / 255 + 0.5)")]
    public void Values_are_described_from_scale_and_offset(float scale, float offset, string expected)
    {
        Assert.Equal(expected, TfjsModels.Describe(new TfjsInputSpec(8, 8, Scale: scale, Offset: offset)).Normalization);
    }

    [Fact]
    public void Fit_layout_and_colour_follow_the_spec()
    {
        var letterbox = TfjsModels.Describe(new TfjsInputSpec(416, 320, ChannelsFirst: true, Fit: InputFit.Letterbox));
        Assert.Equal((416, 320, "NCHW", "RGB"), (letterbox.Width, letterbox.Height, letterbox.Layout, letterbox.ColorOrder));
        Assert.StartsWith("letterbox", letterbox.Resize);
        var grey = TfjsModels.Describe(new TfjsInputSpec(64, 64, Channels: 1), "a face crop");
        Assert.Equal(("NHWC, 1 channel", "grey (BT.601)"), (grey.Layout, grey.ColorOrder));
        Assert.StartsWith("stretch", grey.Resize);
        Assert.EndsWith("of a face crop", grey.Normalization);
    }
}
