using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sightline.Server.Hosting;

namespace Sightline.Server.Tests.Api;

/// <summary>A real Kestrel server on a free loopback port.</summary>
public sealed class RunningServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    public Uri Address { get; }
    public HttpClient Client { get; }
    public VisionServices Services => _app.Services.GetRequiredService<VisionServices>();

    /// <summary>The server's shared task context and task cache, whose workers every endpoint's task runs on.</summary>
    public Sightline.Server.Api.AnalysisServices Analysis => _app.Services.GetRequiredService<Sightline.Server.Api.AnalysisServices>();

    /// <summary>One of the server's own services, for a test that drives it past the HTTP API.</summary>
    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public static async Task<RunningServer> StartAsync(ServerOptions options, Action<ILoggingBuilder>? logging = null)
    {
        var app = SightlineServer.Build(options with { Urls = "http://127.0.0.1:0" }, logging ?? (l => l.SetMinimumLevel(LogLevel.Warning)));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
