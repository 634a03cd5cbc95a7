using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Sightline.Library.Accounts;
using Sightline.Server.Errors;
using Sightline.Server.Hosting;
using Sightline.Server.Security;

namespace Sightline.Server.Api;

/// <summary>Who is signed in: the account's name and role and the session's CSRF token (null when signed out), and what the server asks of callers.</summary>
public sealed record SessionInfo(bool SignedIn, string? Name, AccountRole? Role, string? CsrfToken, bool SignInRequired, bool ApiKeysAccepted);

/// <summary>Sign-in with a library account: a session cookie for the photo app (see <see cref="AccessRules"/>).</summary>
public static class AuthEndpoints
{
    public const string SignInPolicy = "sign-in";

    public static void Map(IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/v1/auth").WithTags("Sign-in");
        auth.MapPost("/login", async (HttpContext context, LibraryServices services, ServerOptions options, CancellationToken ct) =>
            {
                if (options.Library is null)
                    throw new ApiProblemException(StatusCodes.Status404NotFound, "no_accounts", "this server serves no library, so it has no accounts to sign in with; programs send an API key");
                string? name, password;
                try
                {
                    using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: ct).ConfigureAwait(false);
                    name = body.RootElement.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                    password = body.RootElement.TryGetProperty("password", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                }
                catch (JsonException)
                {
                    throw new ApiProblemException(StatusCodes.Status400BadRequest, "bad_field", "the body must be JSON: {\"name\": \"...\", \"password\": \"...\"}");
                }
                if (string.IsNullOrWhiteSpace(name) || password is null)
                    throw new ApiProblemException(StatusCodes.Status400BadRequest, "bad_field", "the body needs \"name\" and \"password\"");
                var library = await services.LibraryAsync(ct).ConfigureAwait(false);
                var account = await new AccountService(library.Store.Accounts).CheckPasswordAsync(name, password, ct).ConfigureAwait(false)
                    ?? throw new ApiProblemException(StatusCodes.Status401Unauthorized, "sign_in_failed", "wrong account name or password");
                var principal = AccessRules.Principal(account, CookieAuthenticationDefaults.AuthenticationScheme);
                await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal).ConfigureAwait(false);
                return Results.Ok(Info(principal, options));
            })
            .RequireRateLimiting(SignInPolicy)
            .WithName("SignIn")
            .WithSummary("Sign in with a library account: body {\"name\", \"password\"}; sets the session cookie and answers the session with its CSRF token")
            .Produces<SessionInfo>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .DisableAntiforgery();

        auth.MapPost("/logout", async (HttpContext context) =>
            {
                await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
                return Results.NoContent();
            })
            .WithName("SignOut")
            .WithSummary("End the session: the cookie is cleared")
            .DisableAntiforgery();

        auth.MapGet("/me", (HttpContext context, ServerOptions options) => Results.Ok(Info(context.User, options)))
            .WithName("Session")
            .WithSummary("Who is signed in, with the session's CSRF token, and whether the server requires sign-in")
            .Produces<SessionInfo>();
    }

    private static SessionInfo Info(ClaimsPrincipal user, ServerOptions options)
    {
        var role = AccessRules.RoleOf(user);
        return new SessionInfo(role is not null, role is null ? null : user.FindFirstValue(ClaimTypes.Name), role,
            role is null ? null : user.FindFirstValue(AccessRules.CsrfClaim), AccessRules.SignInRequired(options), options.ApiKeys.Count > 0);
    }
}
