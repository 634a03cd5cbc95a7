using Sightline.Models.Cache;
using Sightline.Models.Catalog;

namespace Sightline.Models.Tests.Cache;

/// <summary>Pulls real packages from the registries this machine is configured for.</summary>
public sealed class RealRegistryTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("sightline-real-").FullName;

    [Fact]
    public async Task Pulls_face_api_from_npm_and_verifies_its_integrity()
    {
        var store = new ModelStore(_home);
        var model = await store.PullAsync("face-api");
        Assert.Contains(model.Manifest.Files, f => f.Name == "face_recognition_model-weights_manifest.json");
        Assert.Contains(model.Manifest.Files, f => f.Name == "sample1.jpg");
        Assert.Equal(6, model.Manifest.Files.Count(f => f.Name.StartsWith("sample", StringComparison.Ordinal)));
        Assert.Equal(ModelCatalog.BuiltIn.Get("face-api").Source.Integrity, model.Manifest.Integrity);
        Assert.Equal(model.Directory, new ModelStore(_home).Verify("face-api").Directory);
    }

    [Fact]
    public async Task The_same_package_with_a_wrong_pinned_hash_is_refused()
    {
        var real = ModelCatalog.BuiltIn.Get("face-api");
        var wrong = real with { Source = real.Source with { Integrity = "sha512-" + Convert.ToBase64String(new byte[64]) } };
        var store = new ModelStore(_home, new ModelCatalog([wrong]));
        var error = await Assert.ThrowsAsync<ModelStoreException>(() => store.PullAsync("face-api"));
        Assert.Equal(ModelStoreErrorKind.IntegrityMismatch, error.Kind);
        Assert.False(store.List().Single().Cached);
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);
}
