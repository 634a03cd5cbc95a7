using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Sightline.Server.Hosting;
using Sightline.Server.Tests.Api;

namespace Sightline.Server.Tests.Security;

/// <summary>
/// Everything the server logs, at its most detailed level, while it is signed in to, refused, and sent images:
/// no password, API key, session cookie or image bytes appear, and every line written for a request names its id.
/// </summary>
public sealed class LogSecretsTests(AccountsLibraryFixture library) : IClassFixture<AccountsLibraryFixture>
{
    private const string ApiKey = "key-for-programs-7f3a9c";

    [Fact]
    public async Task Logs_hold_no_secrets_and_every_request_line_has_its_request_id()
    {
        var log = new ScopedLog();
        await using var server = await RunningServer.StartAsync(
            new ServerOptions { Library = library.Folder, SignIn = true, ApiKeys = [ApiKey] },
            logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(log));
        using var cookies = new HttpClient(new HttpClientHandler { UseCookies = true }) { BaseAddress = server.Client.BaseAddress };

        var wrong = await cookies.PostAsJsonAsync("/v1/auth/login", new { name = "olivia", password = "wrong-password-zz9" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var signedIn = await cookies.PostAsJsonAsync("/v1/auth/login", new { name = "olivia", password = AccountsLibraryFixture.OwnerPassword });
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0].Split('=', 2)[1];
        Assert.Equal(HttpStatusCode.OK, (await cookies.GetAsync("/v1/library/photos")).StatusCode);

        using var badKey = new HttpRequestMessage(HttpMethod.Get, "/v1/library/photos") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "not-the-key-41b2") } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.SendAsync(badKey)).StatusCode);
        // An upload the server refuses (not an image), carrying a marker where its bytes would show.
        using var upload = new HttpRequestMessage(HttpMethod.Post, "/v1/detect")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", ApiKey) },
            Content = new ByteArrayContent("IMAGEBYTES-marker-5d1e IMAGEBYTES-marker-5d1e"u8.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } },
        };
        var refused = await server.Client.SendAsync(upload);
        Assert.InRange((int)refused.StatusCode, 400, 499);

        var entries = log.Entries.ToList();
        Assert.NotEmpty(entries);
        var text = string.Join("\n", entries.Select(e => $"{e.Message} {e.Exception} {string.Join(" ", e.Scopes)}"));
        foreach (var secret in new[] { AccountsLibraryFixture.OwnerPassword, "wrong-password-zz9", ApiKey, "not-the-key-41b2", cookie, "IMAGEBYTES-marker" })
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        // The server's own lines about a request (not the host's start-up lines) carry the request's id.
        var requestLines = entries.Where(e => e.Category.StartsWith("Sightline", StringComparison.Ordinal) && e.InRequest).ToList();
        Assert.NotEmpty(requestLines);
        Assert.All(requestLines, e => Assert.Contains(e.Scopes, s => s.StartsWith("RequestId:", StringComparison.Ordinal)));
    }

    /// <summary>Log lines with the values of their scopes.</summary>
    private sealed class ScopedLog : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<Entry> Entries { get; } = new();

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception, IReadOnlyList<string> Scopes)
        {
            /// <summary>Written while serving a request (ASP.NET Core's request scope is open).</summary>
            public bool InRequest => Scopes.Any(s => s.StartsWith("RequestPath:", StringComparison.Ordinal) || s.StartsWith("RequestId:", StringComparison.Ordinal));
        }

        private sealed class Logger(ScopedLog owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = new List<string>();
                owner._scopes.ForEachScope((scope, list) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                        list.AddRange(pairs.Select(p => $"{p.Key}:{p.Value}"));
                    else if (scope is not null)
                        list.Add(scope.ToString() ?? "");
                }, scopes);
                owner.Entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception, scopes));
            }
        }
    }
}
