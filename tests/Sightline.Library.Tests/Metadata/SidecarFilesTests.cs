using Sightline.Library.Metadata;

namespace Sightline.Library.Tests.Metadata;

public sealed class SidecarFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-sidecars-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Touch(params string[] names)
    {
        foreach (var name in names)
            File.WriteAllText(Path.Combine(_dir, name), "");
    }

    [Fact]
    public void Finds_every_known_sidecar_name_whatever_its_case_and_nothing_else()
    {
        Touch("IMG_1.JPG", "img_1.xmp", "IMG_1.JPG.xmp", "IMG_1.jpg.json", "IMG_1.json", "IMG_1.JPG.supplemental-metadata.json",
            "IMG_1.JPG.suppl.json", "IMG_1.aae", "IMG_10.xmp", "IMG_1 (1).JPG.json", "IMG_1.JPG.s.json", "other.xmp");

        var names = PhotoMetadataReader.SidecarsOf(Path.Combine(_dir, "IMG_1.JPG")).Select(Path.GetFileName).ToHashSet();

        string[] expected = ["img_1.xmp", "IMG_1.JPG.xmp", "IMG_1.jpg.json", "IMG_1.json", "IMG_1.JPG.supplemental-metadata.json", "IMG_1.JPG.suppl.json", "IMG_1.aae"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_photo_without_sidecars_or_in_a_missing_folder_has_none()
    {
        Touch("lonely.jpg");

        Assert.Empty(PhotoMetadataReader.SidecarsOf(Path.Combine(_dir, "lonely.jpg")));
        Assert.Empty(PhotoMetadataReader.SidecarsOf(Path.Combine(_dir, "missing", "x.jpg")));
    }

    [Theory]
    [InlineData("a.jpg.supplemental-metadata.json", true)]
    [InlineData("a.jpg.supplemental-met.json", true)]
    [InlineData("a.jpg.suppl.json", true)]
    [InlineData("a.jpg.sup.json", false)]
    [InlineData("a.jpg.edited.json", false)]
    public void Takeout_truncated_supplemental_names(string sidecar, bool isTakeout) =>
        Assert.Equal(isTakeout, SidecarFiles.IsTakeoutSupplemental(sidecar, "a.jpg"));
}
