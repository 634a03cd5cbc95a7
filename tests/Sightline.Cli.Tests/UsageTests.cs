namespace Sightline.Cli.Tests;

public sealed class UsageTests
{
    [Theory]
    [InlineData("--no-such-option")]
    [InlineData("similar")]
    [InlineData("index")]
    [InlineData("models", "frobnicate")]
    [InlineData("similar", "q.jpg", "--index", "x.index", "--top", "many")]
    public async Task Command_line_mistakes_exit_with_the_usage_code(params string[] args)
    {
        var result = await CliRunner.RunAsync(args);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("error:", result.Error);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task Out_of_range_values_are_usage_errors_too()
    {
        var result = await CliRunner.RunAsync("similar", "q.jpg", "--index", "x.index", "--top", "0");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--top", result.Error);
        Assert.Equal(ExitCodes.Usage, (await CliRunner.RunAsync("models", "list", "--threads", "0")).ExitCode);
    }

    [Fact]
    public async Task Pull_without_models_says_what_to_name()
    {
        var result = await CliRunner.RunAsync("models", "pull");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--all", result.Error);
    }

    [Fact]
    public async Task Unknown_model_is_a_model_store_error_listing_the_known_ones()
    {
        var result = await CliRunner.RunAsync("models", "info", "no-such-model");
        Assert.Equal(ExitCodes.ModelStore, result.ExitCode);
        Assert.Contains("resnet18-imagenet", result.Error);
    }

    [Fact]
    public async Task Help_lists_the_commands()
    {
        var result = await CliRunner.RunAsync("--help");
        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        foreach (var command in new[] { "models", "index", "similar", "eval" })
            Assert.Contains(command, result.Output);
    }
}
