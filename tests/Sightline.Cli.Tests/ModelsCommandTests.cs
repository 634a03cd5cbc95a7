using Sightline.Tests.Shared;

namespace Sightline.Cli.Tests;

[Collection(PretrainedCollection.Name)]
public sealed class ModelsCommandTests(PretrainedModels models)
{
    [Fact]
    public async Task List_as_json_names_every_catalog_model_with_source_licence_and_cache_state()
    {
        models.Get("resnet18-imagenet");
        var result = await CliRunner.RunAsync("models", "list", "--json");
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var rows = result.Json.GetProperty("models").EnumerateArray().ToList();
        var resnet = rows.Single(r => r.GetProperty("id").GetString() == "resnet18-imagenet");
        Assert.True(resnet.GetProperty("cached").GetBoolean());
        Assert.Equal("nuget:Microsoft.ML.DnnImageFeaturizer.ResNet18@0.23.1", resnet.GetProperty("source").GetString());
        Assert.Equal("MIT", resnet.GetProperty("license").GetString());
        Assert.Contains(rows, r => r.GetProperty("id").GetString() == "human-models");
    }

    [Fact]
    public async Task Info_shows_input_spec_metrics_and_integrity()
    {
        var result = await CliRunner.RunAsync("models", "info", "resnet18-imagenet", "--json");
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var entry = result.Json.GetProperty("entry");
        Assert.Equal(224, entry.GetProperty("input").GetProperty("width").GetInt32());
        Assert.StartsWith("sha512-", entry.GetProperty("source").GetProperty("integrity").GetString());
        Assert.NotEmpty(entry.GetProperty("metrics").EnumerateArray());
        var table = await CliRunner.RunAsync("models", "info", "resnet18-imagenet");
        Assert.Contains("224x224", table.Output);
    }

    [Fact]
    public async Task Verify_rechecks_cached_models()
    {
        models.Get("resnet18-imagenet");
        var result = await CliRunner.RunAsync("models", "verify", "resnet18-imagenet", "--json");
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.True(result.Json[0].GetProperty("ok").GetBoolean());
    }
}
