using System.Net;
using Microsoft.AspNetCore.Http;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Sightline.Library.Accounts;
using Sightline.Server.Hosting;

namespace Sightline.Server.Security;

/// <summary>
/// Who may use the API. A valid API key (X-Api-Key or a Bearer token) may do everything: it is for programs. A person
/// signs in to the photo app with a library account (a session cookie: HTTP-only, SameSite=Strict, Secure over
/// HTTPS); an owner may do everything, a viewer only reads (GET). Every state-changing call of a session carries
/// the session's CSRF token in <see cref="CsrfHeader"/>. Sign-in is required whenever the server listens beyond
/// loopback (or when <see cref="ServerOptions.SignIn"/> says so); on loopback without keys the API is open, as
/// for one person on their own machine.
/// </summary>
public static class AccessRules
{
    public const string CsrfHeader = "X-CSRF-Token";
    public const string CsrfClaim = "sightline:csrf";
    public const string SessionCookie = "sightline.session";

    /// <summary>Whether every address of <paramref name="urls"/> (semicolon-separated, as Kestrel takes them) is a loopback one.</summary>
    public static bool AllLoopback(string urls) => urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(IsLoopback);

    private static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            return false;
        var host = uri.Host.Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    public static bool SignInRequired(ServerOptions options) => options.SignIn ?? !AllLoopback(options.Urls);

    /// <summary>
    /// Why the server must not start as configured, or null: sign-in is required and there is no way to sign in
    /// (no API key, and no library with an account).
    /// </summary>
    public static async Task<string?> ProblemAsync(ServerOptions options, Func<CancellationToken, Task<int>> accounts, CancellationToken cancellationToken)
    {
        if (!SignInRequired(options) || options.ApiKeys.Count > 0)
            return null;
        if (options.Library is not null && await accounts(cancellationToken).ConfigureAwait(false) > 0)
            return null;
        var where = AllLoopback(options.Urls) ? "sign-in is required" : $"listening on {options.Urls} reaches beyond this machine, so sign-in is required";
        return options.Library is null
            ? $"{where}, and there is no way to sign in: give an API key (--api-key), or serve a library (--library) that has an account"
            : $"{where}, and library {options.Library} has no account: add one with 'sightline library accounts add {options.Library} NAME --role owner --password-stdin', or give an API key (--api-key)";
    }

    /// <summary>The claims of a signed-in session: the account's name and role, and a fresh CSRF token.</summary>
    public static ClaimsPrincipal Principal(Account account, string scheme)
    {
        var csrf = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, account.Name), new Claim(ClaimTypes.Role, account.Role.ToString()), new Claim(CsrfClaim, csrf)], scheme);
        return new ClaimsPrincipal(identity);
    }

    public static AccountRole? RoleOf(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && Enum.TryParse<AccountRole>(user.FindFirstValue(ClaimTypes.Role), out var role) ? role : null;

    /// <summary>Whether the request's CSRF header is the session's token (compared in constant time).</summary>
    public static bool CsrfMatches(ClaimsPrincipal user, string? presented)
    {
        var expected = user.FindFirstValue(CsrfClaim);
        return expected is not null && presented is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));
    }

    /// <summary>GET, HEAD and OPTIONS change nothing; every other method may.</summary>
    public static bool IsSafe(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);
}
