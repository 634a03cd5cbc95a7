using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sightline.Server.Hosting;
using Sightline.Tests.Shared;

namespace Sightline.Cli.Tests.Parity;

/// <summary>A real server on a free loopback port, for holding the CLI and the API to the same answers.</summary>
public sealed class ParityServer : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-parity-").FullName;
    private WebApplication _app = null!;

    public HttpClient Client { get; private set; } = null!;

    public static string Sanity(string name) => Path.Combine(TestPaths.Data("sanity"), name);

    public async Task InitializeAsync()
    {
        _app = SightlineServer.Build(new ServerOptions { Urls = "http://127.0.0.1:0", GalleryPath = Path.Combine(_dir, "faces.gallery") },
            logging => logging.SetMinimumLevel(LogLevel.Warning));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(3) };
    }

    /// <summary>Posts an image file as the raw body.</summary>
    public Task<HttpResponseMessage> PostImageAsync(string pathAndQuery, string image)
    {
        var body = new ByteArrayContent(File.ReadAllBytes(image));
        body.Headers.ContentType = new MediaTypeHeaderValue(image.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? "image/png" : "image/jpeg");
        return Client.PostAsync(pathAndQuery, body);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
