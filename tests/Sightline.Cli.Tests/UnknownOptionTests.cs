using System.CommandLine;

namespace Sightline.Cli.Tests;

public sealed class UnknownOptionTests
{
    /// <summary>The path of every command that runs something, read from the real command tree.</summary>
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        void Walk(Command command, string path)
        {
            if (command.Action is not null && path.Length > 0)
                data.Add(path);
            foreach (var sub in command.Subcommands)
                Walk(sub, (path + " " + sub.Name).Trim());
        }
        Walk(SightlineCli.BuildRoot(_ => throw new InvalidOperationException("no command may run while parsing")), "");
        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_command_refuses_an_unknown_option_by_name(string command)
    {
        var result = await CliRunner.RunAsync([.. command.Split(' '), "--bogus"]);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--bogus", result.Error);
        Assert.Equal("", result.Output);
    }

    [Theory]
    [InlineData("detect", "photo.jpg", "--bogus")]
    [InlineData("localize", "x.jpg", "--save-as", "out/")]
    [InlineData("faces", "-x", "photo.jpg")]
    public async Task An_unknown_option_among_image_paths_is_a_usage_error_not_an_image(params string[] args)
    {
        var result = await CliRunner.RunAsync(args);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains($"unknown option '{args.First(a => a.StartsWith('-'))}'", result.Error);
    }

    private static System.CommandLine.ParseResult Parse(params string[] args) =>
        SightlineCli.BuildRoot(_ => throw new InvalidOperationException("no command may run while parsing")).Parse(args);

    [Fact]
    public void A_path_beginning_with_a_dash_is_taken_literally_after_double_dash()
    {
        var parse = Parse("detect", "photo.jpg", "--", "-dashed.jpg", "--bogus.jpg");
        Assert.Empty(parse.Errors);
        Assert.Empty(SightlineCli.UnknownOptions(parse));
        Assert.Equal(["photo.jpg", "-dashed.jpg", "--bogus.jpg"], parse.GetValue<string[]>("images")!);
        Assert.Equal(["-dashed.jpg"], SightlineCli.UnknownOptions(Parse("detect", "photo.jpg", "-dashed.jpg")));
    }

    [Fact]
    public void Option_values_that_begin_with_a_dash_are_values_not_options()
    {
        var parse = Parse("detect", "photo.jpg", "--min-score", "-0.5");
        Assert.Empty(SightlineCli.UnknownOptions(parse));
        Assert.Equal(["photo.jpg"], parse.GetValue<string[]>("images")!);
    }
}
