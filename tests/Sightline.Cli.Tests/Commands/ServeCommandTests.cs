namespace Sightline.Cli.Tests.Commands;

/// <summary><c>sightline serve --library</c> refuses a library it cannot serve before it listens.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task A_library_folder_that_does_not_exist_is_bad_input_saying_how_to_make_one()
    {
        var missing = Path.Combine(Path.GetTempPath(), "sightline-no-library-" + Guid.NewGuid().ToString("N"));
        var result = await CliRunner.RunAsync("serve", "--library", missing, "--urls", "http://127.0.0.1:0");
        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains(missing, result.Error, StringComparison.Ordinal);
        Assert.Contains("sightline library init", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task A_folder_that_holds_no_library_is_a_library_error_and_stays_as_it_was()
    {
        var folder = Directory.CreateTempSubdirectory("sightline-not-a-library-").FullName;
        try
        {
            var result = await CliRunner.RunAsync("serve", "--library", folder, "--urls", "http://127.0.0.1:0");
            Assert.Equal(ExitCodes.Library, result.ExitCode);
            Assert.Contains("library", result.Error, StringComparison.OrdinalIgnoreCase);
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
