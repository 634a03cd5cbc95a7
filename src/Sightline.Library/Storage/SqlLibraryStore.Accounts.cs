using Dapper;
using Sightline.Library.Accounts;

namespace Sightline.Library.Storage;

/// <summary>The accounts on the library's own database (see <see cref="IAccountStore"/>).</summary>
internal abstract partial class SqlLibraryStore : IAccountStore
{
    public IAccountStore Accounts => this;

    public Task<Account?> GetAccountAsync(string name, CancellationToken cancellationToken = default) =>
        RunAsync(false, async (c, t) => (await c.QuerySingleOrDefaultAsync<AccountRow>(Command(
            "SELECT name, role, password_hash, created_at FROM accounts WHERE name = @name", new { name }, t, cancellationToken)))?.ToRecord(), cancellationToken);

    public Task<IReadOnlyList<Account>> ListAccountsAsync(CancellationToken cancellationToken = default) =>
        RunAsync(false, async (c, t) => (IReadOnlyList<Account>)(await c.QueryAsync<AccountRow>(Command(
            "SELECT name, role, password_hash, created_at FROM accounts ORDER BY name", null, t, cancellationToken))).Select(r => r.ToRecord()).ToList(), cancellationToken);

    public Task SaveAccountAsync(Account account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        return RunAsync(true, (c, t) => c.ExecuteAsync(Command(
            "INSERT INTO accounts (name, role, password_hash, created_at) VALUES (@name, @role, @hash, @at) " +
            "ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash",
            new { name = account.Name, role = (int)account.Role, hash = account.PasswordHash, at = StoreValues.ToMilliseconds(account.CreatedAt) }, t, cancellationToken)),
            cancellationToken);
    }

    public Task<bool> RemoveAccountAsync(string name, CancellationToken cancellationToken = default) =>
        RunAsync(true, async (c, t) => await c.ExecuteAsync(Command("DELETE FROM accounts WHERE name = @name", new { name }, t, cancellationToken)) > 0, cancellationToken);

    private sealed class AccountRow
    {
        public string Name { get; set; } = "";
        public int Role { get; set; }
        public string PasswordHash { get; set; } = "";
        public long CreatedAt { get; set; }

        public Account ToRecord() => new(Name, (AccountRole)Role, PasswordHash, StoreValues.FromMilliseconds(CreatedAt));
    }
}
