using Microsoft.AspNetCore.Identity;

namespace Sightline.Library.Accounts;

/// <summary>What a signed-in person may do: an owner manages the library and its people, a viewer only browses.</summary>
public enum AccountRole
{
    Viewer,
    Owner,
}

/// <summary>A local account of the library: its name, role and password hash (ASP.NET Core Identity's format: PBKDF2 with a salt, versioned).</summary>
public sealed record Account(string Name, AccountRole Role, string PasswordHash, DateTimeOffset CreatedAt);

/// <summary>A mistake in an account request (a name taken or missing, a password too short): the message says which.</summary>
public sealed class AccountException(string message) : Exception(message);

/// <summary>The accounts of a library, kept in its database beside the photos.</summary>
public interface IAccountStore
{
    Task<Account?> GetAccountAsync(string name, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Account>> ListAccountsAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds the account, or replaces the one of that name (its role and password).</summary>
    Task SaveAccountAsync(Account account, CancellationToken cancellationToken = default);

    /// <summary>Whether there was an account of that name.</summary>
    Task<bool> RemoveAccountAsync(string name, CancellationToken cancellationToken = default);
}

/// <summary>
/// The rules of accounts: names, password length and hashing with ASP.NET Core Identity's password hasher, so
/// that no home-made scheme guards the photos; checking a password never says whether the name exists.
/// </summary>
public sealed class AccountService(IAccountStore store)
{
    /// <summary>NIST SP 800-63B's least length for a password a person chooses.</summary>
    public const int MinPasswordLength = 8;

    public const int MaxNameLength = 64;

    private static readonly PasswordHasher<Account> Hasher = new();

    // A hash of no password: a sign-in with an unknown name costs what one with a wrong password does.
    private static readonly string DummyHash = Hasher.HashPassword(null!, Guid.NewGuid().ToString("N"));

    public IAccountStore Store { get; } = store;

    public static string CheckName(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
            throw new AccountException("an account needs a name");
        if (trimmed.Length > MaxNameLength || trimmed.Any(c => char.IsControl(c)))
            throw new AccountException($"the account name '{trimmed}' is longer than {MaxNameLength} characters or holds control characters");
        return trimmed;
    }

    /// <summary>Adds an account or changes its role and password.</summary>
    public async Task<Account> SetAsync(string name, string password, AccountRole role, CancellationToken cancellationToken = default)
    {
        name = CheckName(name);
        if (password is null || password.Length < MinPasswordLength)
            throw new AccountException($"the password of '{name}' must have at least {MinPasswordLength} characters");
        var existing = await Store.GetAccountAsync(name, cancellationToken).ConfigureAwait(false);
        var account = new Account(name, role, "", existing?.CreatedAt ?? DateTimeOffset.UtcNow);
        account = account with { PasswordHash = Hasher.HashPassword(account, password) };
        await Store.SaveAccountAsync(account, cancellationToken).ConfigureAwait(false);
        return account;
    }

    /// <summary>The account when the password is its own; null otherwise, in about the same time whether or not the name exists.</summary>
    public async Task<Account?> CheckPasswordAsync(string? name, string? password, CancellationToken cancellationToken = default)
    {
        var account = string.IsNullOrWhiteSpace(name) ? null : await Store.GetAccountAsync(name.Trim(), cancellationToken).ConfigureAwait(false);
        var verdict = Hasher.VerifyHashedPassword(account!, account?.PasswordHash ?? DummyHash, password ?? "");
        if (account is null || verdict == PasswordVerificationResult.Failed)
            return null;
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            account = account with { PasswordHash = Hasher.HashPassword(account, password!) };
            await Store.SaveAccountAsync(account, cancellationToken).ConfigureAwait(false);
        }
        return account;
    }
}
