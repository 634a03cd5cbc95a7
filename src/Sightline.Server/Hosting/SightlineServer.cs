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
        else builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
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
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Sightline API";
            document.Info.Description = "Image recognition on your own machine: one endpoint per task. Images go in as multipart/form-data (field 'image') or as the raw body. Errors are problem details whose type links to /docs/errors.";
            return Task.CompletedTask;
        }));

        var app = builder.Build();
        var metrics = app.Services.GetRequiredService<RequestMetrics>();
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

        // API keys guard the API and its documents; the page, health checks and metrics stay open.
        var keys = app.Services.GetRequiredService<ApiKeyCheck>();
        app.Use(async (context, next) =>
        {
            if (keys.Required && context.Request.Path.StartsWithSegments("/v1")
                && !keys.Accepts(context.Request.Headers[ApiKeyHeader].FirstOrDefault() ?? Bearer(context.Request.Headers.Authorization.FirstOrDefault())))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                var detail = $"a valid API key is required in the {ApiKeyHeader} header or as a Bearer token";
                LogRejected(context, 401, "unauthorized", detail);
                await ApiProblem.ToResult(401, "unauthorized", detail, context.Request.Path).ExecuteAsync(context).ConfigureAwait(false);
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
