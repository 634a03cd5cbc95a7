using System.CommandLine;
using Sightline.Library;
using Sightline.Library.Accounts;
using Spectre.Console;

namespace Sightline.Cli.Commands;

/// <summary>
/// <c>sightline library accounts</c>: the local accounts the photo app signs in with. A password is never an
/// argument (it would stay in the shell's history and in the process list): it is read from a file or stdin.
/// </summary>
public static class AccountCommands
{
    public static Command Create(Func<ParseResult, CliContext> context) => new("accounts", "The accounts that sign in to the photo app: owners manage the library and its people, viewers only browse")
    {
        Add(context), List(context), Remove(context),
    };

    private static Command Add(Func<ParseResult, CliContext> context)
    {
        var library = LibraryCommands.LibraryArgument();
        var name = new Argument<string>("name") { Description = "The account's name" };
        var role = new Option<AccountRole>("--role") { Description = "owner (manages the library and people) or viewer (browses)", DefaultValueFactory = _ => AccountRole.Viewer };
        var passwordFile = new Option<string?>("--password-file") { Description = "A file whose first line is the password" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of stdin" };
        var command = new Command("add", $"Add an account, or change its role and password (at least {AccountService.MinPasswordLength} characters)") { library, name, role, passwordFile, passwordStdin };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            var password = Password(parse.GetValue(passwordFile), parse.GetValue(passwordStdin));
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            Account account;
            try
            {
                account = await new AccountService(opened.Store.Accounts).SetAsync(parse.GetValue(name)!, password, parse.GetValue(role), ct).ConfigureAwait(false);
            }
            catch (AccountException e)
            {
                throw new UsageException(e.Message);
            }
            if (ctx.Json)
                ctx.WriteJson(new { account.Name, account.Role, account.CreatedAt });
            else
                ctx.OutputConsole.MarkupLine(Markup.Escape($"account {account.Name} ({account.Role.ToString().ToLowerInvariant()}) saved in {opened.Folder}"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(Func<ParseResult, CliContext> context)
    {
        var library = LibraryCommands.LibraryArgument();
        var command = new Command("list", "The accounts, with their roles (never their passwords)") { library };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            var accounts = await opened.Store.Accounts.ListAccountsAsync(ct).ConfigureAwait(false);
            if (ctx.Json)
            {
                ctx.WriteJson(accounts.Select(a => new { a.Name, a.Role, a.CreatedAt }));
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("name", "role", "created");
            foreach (var a in accounts)
                table.AddRow(Markup.Escape(a.Name), a.Role.ToString().ToLowerInvariant(), a.CreatedAt.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture));
            if (accounts.Count == 0)
                table.AddRow("[grey]no accounts[/]", "", "");
            ctx.OutputConsole.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove(Func<ParseResult, CliContext> context)
    {
        var library = LibraryCommands.LibraryArgument();
        var name = new Argument<string>("name") { Description = "The account to remove" };
        var command = new Command("remove", "Remove an account: its sessions end at their next request") { library, name };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context(parse);
            await using var opened = await PhotoLibrary.OpenAsync(parse.GetValue(library)!, ct).ConfigureAwait(false);
            var who = parse.GetValue(name)!.Trim();
            if (!await opened.Store.Accounts.RemoveAccountAsync(who, ct).ConfigureAwait(false))
                throw new UsageException($"the library has no account '{who}'");
            if (!ctx.Json)
                ctx.OutputConsole.MarkupLine(Markup.Escape($"account {who} removed"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Password(string? file, bool stdin)
    {
        if (file is not null && stdin)
            throw new UsageException("give the password one way: --password-file or --password-stdin");
        string? line;
        if (file is not null)
        {
            try
            {
                line = File.ReadLines(file).FirstOrDefault();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"cannot read the password file '{file}': {e.Message}");
            }
        }
        else if (stdin)
            line = Console.In.ReadLine();
        else
            throw new UsageException("give the password with --password-file FILE or --password-stdin (never as an argument)");
        return line?.TrimEnd('\r', '\n') ?? throw new UsageException("the password is empty");
    }
}
