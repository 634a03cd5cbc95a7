using Sightline.Cli;

namespace Sightline.Cli.Tests.Library;

/// <summary><c>library accounts</c> and what <c>serve</c> asks for beyond loopback.</summary>
public sealed class AccountCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sightline-accounts-cli-").FullName;

    private string Library => Path.Combine(_root, "library");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    private string PasswordFile(string password)
    {
        var file = Path.Combine(_root, $"pw-{Guid.NewGuid():N}");
        File.WriteAllText(file, password + "\n");
        return file;
    }

    [Fact]
    public async Task Accounts_are_added_listed_without_their_passwords_and_removed()
    {
        Assert.Equal(ExitCodes.Ok, (await CliRunner.RunAsync("library", "init", Library, "--tasks", "none")).ExitCode);
        var added = await CliRunner.RunAsync("library", "accounts", "add", Library, "olivia", "--role", "owner", "--password-file", PasswordFile("correct horse"));
        Assert.Equal(ExitCodes.Ok, added.ExitCode);
        Assert.DoesNotContain("correct horse", added.Output + added.Error);

        var list = await CliRunner.RunAsync("library", "accounts", "list", Library, "--json");
        Assert.Equal(ExitCodes.Ok, list.ExitCode);
        var account = Assert.Single(list.Json.EnumerateArray());
        Assert.Equal("olivia", account.GetProperty("name").GetString());
        Assert.Equal("owner", account.GetProperty("role").GetString());
        Assert.DoesNotContain("hash", list.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("correct horse", list.Output);

        // A short password, a password given no way, and an unknown account are usage errors naming the reason.
        var short_ = await CliRunner.RunAsync("library", "accounts", "add", Library, "victor", "--password-file", PasswordFile("short"));
        Assert.Equal(ExitCodes.Usage, short_.ExitCode);
        Assert.Contains("at least 8 characters", short_.Error);
        var none = await CliRunner.RunAsync("library", "accounts", "add", Library, "victor");
        Assert.Equal(ExitCodes.Usage, none.ExitCode);
        Assert.Contains("--password-file", none.Error);
        var missing = await CliRunner.RunAsync("library", "accounts", "remove", Library, "nobody");
        Assert.Equal(ExitCodes.Usage, missing.ExitCode);
        Assert.Contains("no account 'nobody'", missing.Error);

        Assert.Equal(ExitCodes.Ok, (await CliRunner.RunAsync("library", "accounts", "remove", Library, "olivia")).ExitCode);
        Assert.Empty((await CliRunner.RunAsync("library", "accounts", "list", Library, "--json")).Json.EnumerateArray());
    }

    [Fact]
    public async Task Serve_beyond_loopback_without_an_account_or_a_key_refuses_to_start_and_says_what_to_do()
    {
        Assert.Equal(ExitCodes.Ok, (await CliRunner.RunAsync("library", "init", Library, "--tasks", "none")).ExitCode);
        var refused = await CliRunner.RunAsync("serve", "--library", Library, "--urls", "http://0.0.0.0:0");
        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.Contains("reaches beyond this machine", refused.Error);
        Assert.Contains("library accounts add", refused.Error);
        var noLibrary = await CliRunner.RunAsync("serve", "--urls", "http://0.0.0.0:0");
        Assert.Equal(ExitCodes.Usage, noLibrary.ExitCode);
        Assert.Contains("--api-key", noLibrary.Error);
    }
}
