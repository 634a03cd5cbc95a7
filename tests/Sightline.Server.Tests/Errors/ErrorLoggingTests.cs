using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sightline.Imaging;
using Sightline.Server.Api;
using Sightline.Server.Errors;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared;

namespace Sightline.Server.Tests.Errors;

/// <summary>What the server logs for rejected requests and real failures, and where problem types point.</summary>
public sealed class ErrorLoggingTests : IAsyncLifetime
{
    private readonly CapturedLog _log = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = SightlineServer.Build(new ServerOptions { Urls = "http://127.0.0.1:0" },
            logging => logging.SetMinimumLevel(LogLevel.Information).AddProvider(_log));
        // Uploads read by the server's own reader, with a small size limit, and a handler with a bug.
        var limits = ImageLimits.Default with { MaxFileBytes = 4096 };
        _app.MapPost("/test/upload", async (HttpRequest request, CancellationToken ct) =>
        {
            using var image = await ImageUpload.ReadAsync(request, null, limits, ct);
            return Results.Ok();
        });
        _app.MapGet("/test/bug", string () => throw new InvalidOperationException("a bug in a handler"));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static ByteArrayContent Body(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    public static TheoryData<string, int, string> Rejections => new()
    {
        { "text", 415, "unsupported_media_type" },
        { "large", 413, "image_too_large" },
        { "empty", 400, "empty_image" },
        { "zero-size", 400, "corrupt_image" },
    };

    private HttpContent Rejected(string kind) => kind switch
    {
        "text" => new StringContent("hello", Encoding.UTF8, "text/plain"),
        "large" => Body(new byte[10_000], "image/jpeg"),
        "empty" => Body([], "image/jpeg"),
        "zero-size" => Body(Sightline.Imaging.Tests.Support.HandMade.PngDeclaring(0, 0), "image/png"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task A_rejected_upload_logs_one_line_with_its_status_and_code_and_no_stack_trace(string kind, int status, string code)
    {
        var response = await _client.PostAsync("/test/upload", Rejected(kind));
        Assert.Equal(status, (int)response.StatusCode);

        var lines = await _log.WaitForAsync(e => e.Message.Contains("/test/upload"));
        var line = Assert.Single(lines);
        Assert.Contains($"{status} {code}", line.Message);
        Assert.DoesNotContain('\n', line.Message);
        Assert.Null(line.Exception);
        Assert.True(line.Level < LogLevel.Warning, $"a client error logged at {line.Level}: {line.Message}");
        Assert.DoesNotContain(_log.Entries, e => e.Exception is not null || e.Message.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_real_failure_is_a_500_that_logs_its_exception()
    {
        var response = await _client.GetAsync("/test/bug");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.DoesNotContain("a bug in a handler", problem.GetProperty("detail").GetString());

        var lines = await _log.WaitForAsync(e => e.Exception is not null);
        var failure = Assert.Single(lines);
        Assert.Equal(LogLevel.Error, failure.Level);
        Assert.Contains("500 internal_error", failure.Message);
        Assert.Equal("a bug in a handler", Assert.IsType<InvalidOperationException>(failure.Exception).Message);
    }

    [Fact]
    public async Task Problem_types_are_anchors_on_the_servers_own_error_page()
    {
        var response = await _client.PostAsync("/test/upload", Rejected("text"));
        var type = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("type").GetString()!;
        Assert.Equal("/docs/errors#error-unsupported_media_type", type);

        var page = await _client.GetAsync(type.Split('#')[0]);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"id=\"{type.Split('#')[1]}\"", await page.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Every code the server's sources answer with, found where problems are made: exceptions, results,
    /// and the status/code tuples of the classifiers.
    /// </summary>
    private static IReadOnlyList<string> CodesInSources()
    {
        var patterns = new[]
        {
            new Regex(@"ApiProblemException\(\s*[^,()]+,\s*""(\w+)"""),
            new Regex(@"ToResult\(\s*[^,()]+,\s*""(\w+)"""),
            new Regex(@"\(\s*(?:StatusCodes\.Status\w+|\d{3})\s*,\s*""(\w+)"""),
            new Regex(@"\d{3}\s*=>\s*\(\s*""(\w+)"""),
        };
        var source = Path.Combine(TestPaths.RepoRoot, "src", "Sightline.Server");
        return Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => patterns.SelectMany(p => p.Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value)))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task Every_problem_code_in_the_sources_has_its_anchor_on_the_served_error_page()
    {
        var codes = CodesInSources();
        // The scan itself must see the codes: these are made in three different ways.
        Assert.Contains("bad_parameter", codes);
        Assert.Contains("unknown_person", codes);
        Assert.Contains("not_found", codes);
        Assert.True(codes.Count >= 25, $"only {codes.Count} codes found: {string.Join(", ", codes)}");

        var page = await _client.GetStringAsync(ProblemTypes.PagePath);
        var missing = codes.Where(code => !page.Contains($"id=\"{ProblemTypes.AnchorOf(code)}\"", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"problem codes without an anchor on {ProblemTypes.PagePath}: {string.Join(", ", missing)}");
        foreach (var code in codes)
            Assert.Equal($"{ProblemTypes.PagePath}#error-{code}", ProblemTypes.UriOf(code));
    }
}

/// <summary>A logger provider that keeps every entry in memory.</summary>
internal sealed class CapturedLog : ILoggerProvider
{
    public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception);

    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => [.. _entries];

    /// <summary>The matching entries, once at least one has arrived (the log is written after the response).</summary>
    public async Task<IReadOnlyList<Entry>> WaitForAsync(Func<Entry, bool> match)
    {
        for (var waited = 0; waited < 5000 && !_entries.Any(match); waited += 20)
            await Task.Delay(20);
        await Task.Delay(100);
        return _entries.Where(match).ToList();
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<Entry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
    }
}
