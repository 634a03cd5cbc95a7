using Sightline.Models.Catalog;
using Sightline.Models.Import;
using Sightline.Vision.Detection;

namespace Sightline.Vision.Tests.Detection;

/// <summary>The detectors' input comes from their catalog entries, and the entries describe it truthfully.</summary>
public sealed class DetectorInputTests
{
    [Theory]
    [InlineData(Detectors.CenterNet, 512, false, 1f, true)]
    [InlineData(Detectors.NanoDet, 416, true, 1f / 255, true)]
    public void Detector_input_is_read_from_the_catalog_and_letterboxed(string id, int size, bool channelsFirst, float scale, bool keepAspect)
    {
        var input = Detectors.InputOf(id);
        Assert.Equal(new DetectorInput(size, size, channelsFirst, scale, 0, keepAspect), input);
        var spec = TfjsModels.InputOf(id)!;
        Assert.Equal(keepAspect ? InputFit.Letterbox : InputFit.Stretch, spec.Fit);
        Assert.Equal(TfjsModels.Describe(spec), ModelCatalog.BuiltIn.Get(id).Input);
    }

    [Fact]
    public void A_model_that_is_not_a_whole_image_detector_has_no_detector_input()
    {
        Assert.Throws<ArgumentException>(() => Detectors.InputOf("human-blazeface"));
        Assert.Throws<ArgumentException>(() => Detectors.InputOf("resnet18-imagenet"));
    }
}
