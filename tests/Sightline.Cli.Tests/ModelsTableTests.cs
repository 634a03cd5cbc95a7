using Sightline.Models.Catalog;

namespace Sightline.Cli.Tests;

/// <summary>What 'models list' and 'models info' print; neither needs a cached model.</summary>
public sealed class ModelsTableTests
{
    [Fact]
    public async Task List_is_one_row_per_model_within_100_columns_with_short_licences()
    {
        var result = await CliRunner.RunAsync("models", "list");
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var lines = result.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var table = lines.Where(l => l.StartsWith('│') || l.StartsWith('╭') || l.StartsWith('├') || l.StartsWith('╰')).ToList();
        Assert.All(table, l => Assert.True(l.Length <= 100, $"{l.Length} columns: {l}"));
        foreach (var entry in ModelCatalog.BuiltIn.Entries)
            Assert.Single(table, l => l.StartsWith($"│ {entry.Id} ", StringComparison.Ordinal));
        // Header, three rules and one line per model: nothing wraps onto a second line.
        Assert.Equal(ModelCatalog.BuiltIn.Entries.Count + 4, table.Count);
        Assert.Contains(table, l => l.Contains("MIT (weights: upstream)"));
        Assert.DoesNotContain("original authors' terms", result.Output);
    }

    [Fact]
    public async Task List_as_json_keeps_the_full_licence_text()
    {
        var result = await CliRunner.RunAsync("models", "list", "--json");
        var centernet = result.Json.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("id").GetString() == "human-centernet");
        Assert.Contains("original authors' terms", centernet.GetProperty("license").GetString());
        Assert.True(result.Json.GetProperty("cacheBytes").GetProperty("models").GetInt64() >= 0);
    }

    [Fact]
    public void Every_catalog_licence_has_a_table_sized_summary()
    {
        Assert.All(ModelCatalog.BuiltIn.Entries, e => Assert.True(e.ShortLicense.Length <= 24, $"{e.Id}: '{e.ShortLicense}'"));
    }

    [Theory]
    [InlineData("human-centernet", "512x512", "letterbox")]
    [InlineData("human-nanodet", "416x416", "letterbox")]
    [InlineData("human-selfie", "256x256", "stretch")]
    [InlineData("human-blazeface", "256x256", "square regions")]
    public async Task Info_describes_the_input_as_the_code_makes_it(string id, string size, string fit)
    {
        var result = await CliRunner.RunAsync("models", "info", id);
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var input = result.Output.Split('\n').Single(l => l.StartsWith("input", StringComparison.Ordinal));
        Assert.Contains(size, input);
        Assert.Contains(fit, input);
        foreach (var other in new[] { "letterbox", "stretch", "square regions" }.Where(o => o != fit))
            Assert.DoesNotContain(other, input);
    }
}
