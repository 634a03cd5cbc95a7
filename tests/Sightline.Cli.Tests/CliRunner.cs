using System.Text.Json;

namespace Sightline.Cli.Tests;

/// <summary>Runs the CLI in process and captures what it prints.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public JsonElement Json => JsonDocument.Parse(Output).RootElement;
    }

    public static async Task<Result> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await SightlineCli.RunAsync(args, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }
}
