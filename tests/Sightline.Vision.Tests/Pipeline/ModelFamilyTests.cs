using Sightline.Models;
using Sightline.Models.Catalog;
using Sightline.Vision.Detection;
using Sightline.Vision.Segmentation;

namespace Sightline.Vision.Tests.Pipeline;

/// <summary>Detector and segmentation families resolved by id, family name, alias and default, and refused by role.</summary>
public sealed class ModelFamilyTests
{
    [Theory]
    [InlineData("centernet", Detectors.CenterNet)]
    [InlineData("CenterNet", Detectors.CenterNet)]
    [InlineData("human-nanodet", Detectors.NanoDet)]
    [InlineData("NANODET", Detectors.NanoDet)]
    public void Detector_names_resolve_to_catalog_ids(string name, string id)
    {
        Assert.Equal(id, Detectors.Resolve(name));
        Assert.Equal(id, Detectors.Registry.ResolveId(name));
    }

    [Fact]
    public void Detector_default_is_centernet_and_unknown_names_pass_through_resolve_id()
    {
        Assert.Equal(Detectors.DefaultModel, Detectors.Registry.ResolveId(null));
        Assert.Equal("my-imported-model", Detectors.ResolveId("my-imported-model"));
    }

    [Fact]
    public void Unknown_detector_lists_the_detectors_only()
    {
        var error = Assert.Throws<ModelStoreException>(() => Detectors.Resolve("yolo"));
        Assert.Equal(ModelStoreErrorKind.UnknownModel, error.Kind);
        Assert.Contains("'yolo' is not an object detector", error.Message);
        Assert.Contains("centernet (human-centernet, the default)", error.Message);
        Assert.Contains("nanodet (human-nanodet)", error.Message);
        Assert.DoesNotContain("selfie", error.Message);
    }

    [Theory]
    [InlineData("selfie", SegmentationModels.Selfie)]
    [InlineData("meet", SegmentationModels.Meet)]
    [InlineData("salient", SegmentationModels.Salient)]
    [InlineData("u2net", SegmentationModels.Salient)]
    [InlineData("U2NETP", SegmentationModels.Salient)]
    public void Segmentation_names_resolve_to_catalog_ids(string name, string id)
    {
        Assert.Equal(id, SegmentationModels.ResolveId(name));
    }

    [Fact]
    public void Unknown_segmentation_model_lists_the_segmentation_families_only()
    {
        Assert.Equal(SegmentationModels.DefaultModel, SegmentationModels.Registry.ResolveId(null));
        var error = Assert.Throws<ModelStoreException>(() => SegmentationModels.Registry.Resolve("centernet"));
        Assert.Contains("is not a segmentation model", error.Message);
        Assert.Contains("selfie (human-selfie, the default), meet (human-meet), salient (u2netp)", error.Message);
        Assert.DoesNotContain("nanodet", error.Message);
    }

    [Fact]
    public void Every_family_has_a_typed_input_in_the_catalog()
    {
        var ids = Detectors.Registry.Entries.Select(e => e.ModelId).Concat(SegmentationModels.Registry.Entries.Select(e => e.ModelId)).ToList();
        Assert.Equal(5, ids.Count);
        Assert.All(ids, id => Assert.NotNull(ModelInputs.Of(id)));
    }

    [Fact]
    public void U2net_input_comes_from_the_catalog_with_imagenet_mean_and_std_folded_in()
    {
        var input = SegmentationModels.InputOf(ModelInputs.Of(SegmentationModels.Salient)!);
        Assert.Equal((320, 320, true, true), (input.Width, input.Height, input.ChannelsFirst, input.DivideByMax));
        Assert.Equal(1 / 0.229f, input.Scale[0], 5);
        Assert.Equal(-0.406f / 0.225f, input.Offset[2], 5);
        var description = ModelCatalog.BuiltIn.Get(SegmentationModels.Salient).Input!;
        Assert.Contains("max pixel", description.Normalization);
        Assert.Contains("0.485, 0.456, 0.406", description.Normalization);
    }
}
