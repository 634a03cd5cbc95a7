using Sightline.Library.Metadata;

namespace Sightline.Library.Tests.Metadata;

public sealed class MetadataTextTests
{
    [Theory]
    [InlineData("  Canon  ", "Canon")]
    [InlineData("NIKON\0\0", "NIKON")]
    [InlineData("   ", null)]
    [InlineData(null, null)]
    public void Clean_trims_and_empties_become_null(string? raw, string? clean) => Assert.Equal(clean, MetadataText.Clean(raw));

    [Fact]
    public void Keywords_are_deduplicated_ignoring_case_in_first_seen_order() =>
        Assert.Equal(["beach", "Sun", "sea"], MetadataText.MergeKeywords(["beach", " Sun ", "", null, "BEACH", "sea", "sun"]));

    [Theory]
    [InlineData("Places|Europe|Paris", "Paris")]
    [InlineData("flat", "flat")]
    public void Hierarchical_keywords_give_their_leaf(string raw, string leaf) => Assert.Equal(leaf, MetadataText.HierarchyLeaf(raw));

    [Theory]
    [InlineData("OLYMPUS DIGITAL CAMERA", true)]
    [InlineData("SONY DSC", true)]
    [InlineData("Sunset over the harbour", false)]
    public void Camera_default_captions_are_recognised(string description, bool isDefault) =>
        Assert.Equal(isDefault, MetadataText.IsCameraDefaultDescription(description));
}
