using Microsoft.AspNetCore.RateLimiting;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sightline.Server.Api;
using Sightline.Inference.Batching;
using Sightline.Server.Errors;
using Sightline.Server.Security;
using Sightline.Server.Telemetry;

namespace Sightline.Server.Hosting;

/// <summary>Builds the Sightline HTTP server: REST API under /v1, OpenAPI, the web page, health and metrics.</summary>
public static class SightlineServer
{
    public const string ApiKeyHeader = "X-Api-Key";

    public static WebApplication Build(ServerOptions options, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxUploadBytes;
            kestrel.AddServerHeader = false;
        });
        builder.Logging.ClearProviders();
        if (logging is not null) logging(builder.Logging);
        // Scopes carry the request's id (and path) onto every line logged while serving it.
        else builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; o.IncludeScopes = true; });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // The middleware logs every handled exception as a failure with its stack trace, client errors
        // included; WriteProblemAsync logs each request's outcome instead.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware", LogLevel.None);

        builder.Services.Configure<FormOptions>(form =>
        {
            form.MultipartBodyLengthLimit = options.MaxUploadBytes;
            form.ValueCountLimit = 64;
        });
        // The CLI's --json uses the same conventions: one JSON schema for every result.
        builder.Services.Configure<JsonOptions>(json => Sightline.Vision.Results.ResultJson.Configure(json.SerializerOptions));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<VisionServices>();
        builder.Services.AddSingleton<FaceServices>();
        builder.Services.AddSingleton<ClassifierServices>();
        builder.Services.AddSingleton<AnalysisServices>();
        builder.Services.AddSingleton<LibraryServices>();
        builder.Services.AddSingleton<VideoJobs>();
        builder.Services.AddSingleton<RequestMetrics>();
        builder.Services.AddSingleton(new ApiKeyCheck(options.ApiKeys));
        AddSignIn(builder.Services, options);
        // Every problem answer names its request, as the X-Request-Id header and the log lines do.
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = c => c.ProblemDetails.Extensions["requestId"] = c.HttpContext.TraceIdentifier);
        builder.Services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Sightline API";
            document.Info.Description = "Image recognition on your own machine: one endpoint per task. Images go in as multipart/form-data (field 'image') or as the raw body. Errors are problem details whose type links to /docs/errors.";
            return Task.CompletedTask;
        }));

        var app = builder.Build();
        var metrics = app.Services.GetRequiredService<RequestMetrics>();
        app.Use((context, next) =>
        {
            context.Response.Headers["X-Request-Id"] = context.TraceIdentifier;
            // A body refused as too large is left unread, and Kestrel drops the connection after the answer: the client
            // must be told so, or it sends its next request into a closed connection (found by the soak run).
            context.Response.OnStarting(() =>
            {
                if (context.Response.StatusCode == StatusCodes.Status413PayloadTooLarge)
                    context.Response.Headers.Connection = "close";
                return Task.CompletedTask;
            });
            return next(context);
        });
        app.Use((context, next) => metrics.MiddlewareAsync(context, () => next(context)));
        app.UseExceptionHandler(handler => handler.Run(WriteProblemAsync));
        app.UseStatusCodePages(async status =>
        {
            var code = status.HttpContext.Response.StatusCode;
            if (status.HttpContext.Response.HasStarted || status.HttpContext.Response.ContentLength > 0) return;
            var (problem, detail) = code switch
            {
                404 => ("not_found", "no such endpoint"),
                405 => ("method_not_allowed", $"this endpoint does not accept {status.HttpContext.Request.Method}"),
                415 => ("unsupported_media_type", $"content type '{status.HttpContext.Request.ContentType ?? "none"}' is not accepted: send multipart/form-data (field 'image'), image/* or application/octet-stream"),
                _ => ("http_error", $"HTTP {code}"),
            };
            LogRejected(status.HttpContext, code, problem, detail);
            await ApiProblem.ToResult(code, problem, detail, status.HttpContext.Request.Path).ExecuteAsync(status.HttpContext).ConfigureAwait(false);
        });

        // API keys and sessions guard the API and its documents; the page, health checks and metrics stay open.
        app.UseAuthentication();
        app.UseRateLimiter();
        var keys = app.Services.GetRequiredService<ApiKeyCheck>();
        var signInRequired = AccessRules.SignInRequired(options);
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/v1") || context.Request.Path.StartsWithSegments("/v1/auth"))
            {
                await next(context).ConfigureAwait(false);
                return;
            }
            var presented = context.Request.Headers[ApiKeyHeader].FirstOrDefault() ?? Bearer(context.Request.Headers.Authorization.FirstOrDefault());
            if (presented is not null && keys.Accepts(presented))
            {
                await next(context).ConfigureAwait(false);
                return;
            }
            var role = presented is null ? AccessRules.RoleOf(context.User) : null;
            string? refusal = null;
            int status = 401;
            if (role is null && (keys.Required || signInRequired || presented is not null))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                refusal = signInRequired && options.Library is not null
                    ? "sign_in_required"
                    : "unauthorized";
            }
            else if (role is not null && !AccessRules.IsSafe(context.Request.Method))
            {
                status = 403;
                if (role != Sightline.Library.Accounts.AccountRole.Owner)
                    refusal = "forbidden";
                else if (!AccessRules.CsrfMatches(context.User, context.Request.Headers[AccessRules.CsrfHeader].FirstOrDefault()))
                    refusal = "csrf_token_invalid";
            }
            if (refusal is not null)
            {
                var detail = refusal switch
                {
                    "sign_in_required" => $"sign in (POST /v1/auth/login) or send a valid API key in the {ApiKeyHeader} header or as a Bearer token",
                    "forbidden" => $"the account '{context.User.Identity?.Name}' is a viewer: it browses the library, and {context.Request.Method} {context.Request.Path} needs an owner",
                    "csrf_token_invalid" => $"{context.Request.Method} {context.Request.Path} of a signed-in session needs the session's token in the {AccessRules.CsrfHeader} header (GET /v1/auth/me gives it)",
                    _ => $"a valid API key is required in the {ApiKeyHeader} header or as a Bearer token",
                };
                LogRejected(context, status, refusal, detail);
                await ApiProblem.ToResult(status, refusal, detail, context.Request.Path).ExecuteAsync(context).ConfigureAwait(false);
                return;
            }
            await next(context).ConfigureAwait(false);
        });

        app.MapOpenApi("/openapi/{documentName}.json");
        app.UseSwaggerUI(ui =>
        {
            ui.RoutePrefix = "docs";
            ui.SwaggerEndpoint("/openapi/v1.json", "Sightline API v1");
            ui.DocumentTitle = "Sightline API";
        });

        app.MapGet("/health", () => Results.Ok(new { status = "ok" })).ExcludeFromDescription();
        app.MapGet("/ready", (VisionServices services) =>
        {
            var missing = options.Indexes.Where(i => !File.Exists(i.Value)).Select(i => $"index '{i.Key}' ({i.Value}) is missing").ToList();
            return missing.Count == 0
                ? Results.Ok(new { status = "ready", models = services.Store.List().Where(s => s.Cached).Select(s => s.Entry.Id) })
                : ApiProblem.ToResult(503, "not_ready", string.Join("; ", missing));
        }).ExcludeFromDescription();
        app.MapGet("/metrics", (RequestMetrics m) => Results.Text(m.Render(), "text/plain; version=0.0.4")).ExcludeFromDescription();

        TaskEndpoints.Map(app);
        FaceEndpoints.Map(app);
        SegmentationEndpoints.Map(app);
        ClassifierEndpoints.Map(app);
        AnalyzeEndpoints.Map(app);
        ModerationEndpoints.Map(app);
        OcrEndpoints.Map(app);
        AuthEndpoints.Map(app);
        LibraryEndpoints.Map(app);
        SearchEndpoints.Map(app);
        DuplicateEndpoints.Map(app);
        PeopleEndpoints.Map(app);
        VideoEndpoints.Map(app);
        MapPage(app, options);
        var errorsPage = ProblemTypes.RenderPage();
        app.MapGet(ProblemTypes.PagePath, () => Results.Content(errorsPage, "text/html; charset=utf-8")).ExcludeFromDescription();
        app.Lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<VisionServices>().DisposeAsync().AsTask().GetAwaiter().GetResult());
        // Runs before the engine goes: the shared task context's batchers drain first.
        app.Lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<AnalysisServices>().DisposeAsync().AsTask().GetAwaiter().GetResult());
        // Runs before the engine goes: the face queue drains first.
        app.Lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<FaceServices>().DisposeAsync().AsTask().GetAwaiter().GetResult());
        // Last, so first: a running library scan stops before the models it uses go.
        app.Lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<LibraryServices>().DisposeAsync().AsTask().GetAwaiter().GetResult());
        // Registered last, so run first: running video jobs stop, and their uploads go, before the models they use.
        app.Lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<VideoJobs>().DisposeAsync().AsTask().GetAwaiter().GetResult());
        return app;
    }

    /// <summary>
    /// Sessions in cookies (HTTP-only, SameSite=Strict, Secure over HTTPS, 14 days, renewed as used; an account removed or
    /// changed since ends its sessions at their next request) and the sign-in endpoint's rate limit per client address.
    /// </summary>
    private static void AddSignIn(IServiceCollection services, ServerOptions options)
    {
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = AccessRules.SessionCookie;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromDays(14);
            cookie.SlidingExpiration = true;
            // An API answers; it does not redirect to a login page.
            cookie.Events.OnRedirectToLogin = c => { c.Response.StatusCode = 401; return Task.CompletedTask; };
            cookie.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = 403; return Task.CompletedTask; };
            cookie.Events.OnValidatePrincipal = async c =>
            {
                var name = c.Principal?.Identity?.Name;
                var role = c.Principal is null ? null : AccessRules.RoleOf(c.Principal);
                Sightline.Library.Accounts.Account? account = null;
                if (name is not null && options.Library is not null)
                {
                    var library = await c.HttpContext.RequestServices.GetRequiredService<LibraryServices>().LibraryAsync(c.HttpContext.RequestAborted).ConfigureAwait(false);
                    account = await library.Store.Accounts.GetAccountAsync(name, c.HttpContext.RequestAborted).ConfigureAwait(false);
                }
                if (account is null || account.Role != role)
                {
                    c.RejectPrincipal();
                    await c.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
                }
            };
        });
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(AuthEndpoints.SignInPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.SignInAttemptsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            limiter.OnRejected = async (rejected, ct) =>
            {
                var context = rejected.HttpContext;
                context.Response.Headers.RetryAfter = "60";
                const string detail = "too many sign-in attempts from this address; wait a minute";
                LogRejected(context, 429, "too_many_sign_ins", detail);
                await ApiProblem.ToResult(429, "too_many_sign_ins", detail, context.Request.Path).ExecuteAsync(context).ConfigureAwait(false);
            };
        });
    }

    private static string? Bearer(string? authorization) =>
        authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : null;

    private static async Task WriteProblemAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var (status, code, detail) = error switch
        {
            QueueFullException full => (429, "queue_full", full.Message),
            null => (500, "internal_error", "the server failed to process the request"),
            _ => ApiProblem.Classify(error),
        };
        if (status == 429)
            context.Response.Headers.RetryAfter = "1";
        if (status >= 500)
            Logger(context).LogError(error, "{Method} {Path}: {Status} {Code}: {Detail}", context.Request.Method, context.Request.Path, status, code, OneLine(error?.Message ?? detail));
        else
            LogRejected(context, status, code, detail);
        context.Response.StatusCode = status;
        await ApiProblem.ToResult(status, code, detail, context.Request.Path).ExecuteAsync(context).ConfigureAwait(false);
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Sightline.Server");

    /// <summary>A client error: routine, so one line with its status and code and no stack trace.</summary>
    private static void LogRejected(HttpContext context, int status, string code, string detail) =>
        Logger(context).LogInformation("{Method} {Path}: {Status} {Code}: {Detail}", context.Request.Method, context.Request.Path, status, code, OneLine(detail));

    // A detail can quote client input (a file name, a content type); it must not add log lines.
    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    /// <summary>The path of the photo app; "/" serves it too when the server has a library.</summary>
    public const string PhotoAppPath = "/photos/";

    /// <summary>The one-image "try a task" page; "/" serves it when the server has no library.</summary>
    public const string TryPagePath = "/try";

    /// <summary>The web pages and their assets, embedded in this assembly: no CDN, nothing fetched elsewhere.</summary>
    private static void MapPage(WebApplication app, ServerOptions options)
    {
        var assembly = typeof(SightlineServer).Assembly;
        byte[]? tryPage = null, photoApp = null;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("wwwroot/", StringComparison.Ordinal)))
        {
            var path = "/" + resource["wwwroot/".Length..];
            var type = Path.GetExtension(path) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            var bytes = Read(assembly, resource);
            app.MapGet(path, () => Results.Bytes(bytes, type)).ExcludeFromDescription();
            if (path == "/index.html")
                tryPage = bytes;
            else if (path == PhotoAppPath + "index.html")
                photoApp = bytes;
        }
        if (tryPage is null || photoApp is null)
            throw new InvalidOperationException("the web pages are missing from the server assembly (wwwroot/index.html, wwwroot/photos/index.html)");
        const string html = "text/html; charset=utf-8";
        app.MapGet(TryPagePath, () => Results.Bytes(tryPage, html)).ExcludeFromDescription();
        // Routing ignores the trailing slash: this answers /photos too (the page names its assets by absolute path).
        app.MapGet(PhotoAppPath, () => Results.Bytes(photoApp, html)).ExcludeFromDescription();
        // The app's views are addressed by fragment (/photos/#people), so "/" can serve the same page.
        var home = options.Library is null ? tryPage : photoApp;
        app.MapGet("/", () => Results.Bytes(home, html)).ExcludeFromDescription();
    }

    private static byte[] Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
