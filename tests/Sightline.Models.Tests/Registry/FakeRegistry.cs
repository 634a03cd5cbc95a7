using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Sightline.Models.Tests.Registry;

/// <summary>An npm registry and a NuGet feed in memory, serving packages built by the test.</summary>
public sealed class FakeRegistry : HttpMessageHandler
{
    public const string NpmBase = "http://npm.test/";
    public const string NuGetIndex = "http://nuget.test/v3/index.json";
    private readonly Dictionary<string, Func<HttpResponseMessage>> _routes = new(StringComparer.Ordinal);

    public List<string> Requests { get; } = [];

    /// <summary>Bytes are cut off after this many with an IOException, as a dropped connection does.</summary>
    public long? BreakAfterBytes { get; set; }

    public string AddNpm(string name, string version, byte[] tarball, string? publishedIntegrity = null)
    {
        var integrity = publishedIntegrity ?? Sri(tarball);
        var tarUrl = $"{NpmBase}{name}/-/{name.Split('/')[^1]}-{version}.tgz";
        var escaped = name.StartsWith('@') ? "@" + Uri.EscapeDataString(name[1..]) : name;
        _routes[$"{NpmBase}{escaped}/{version}"] = () => JsonResponse($$$"""{"name":"{{{name}}}","version":"{{{version}}}","dist":{"tarball":"{{{tarUrl}}}","integrity":"{{{integrity}}}"}}""");
        _routes[tarUrl] = () => Body(tarball);
        return Sri(tarball);
    }

    public string AddNuGet(string id, string version, byte[] nupkg)
    {
        _routes[NuGetIndex] = () => JsonResponse("""{"version":"3.0.0","resources":[{"@id":"http://nuget.test/flat/","@type":"PackageBaseAddress/3.0.0"}]}""");
        var lower = id.ToLowerInvariant();
        _routes[$"http://nuget.test/flat/{lower}/{version}/{lower}.{version}.nupkg"] = () => Body(nupkg);
        return Sri(nupkg);
    }

    public static string Sri(byte[] data) => "sha512-" + Convert.ToBase64String(SHA512.HashData(data));

    public static byte[] Tarball(params (string Path, byte[] Data)[] files)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
            foreach (var (path, data) in files)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "package/" + path) { DataStream = new MemoryStream(data) });
        return memory.ToArray();
    }

    public static byte[] Nupkg(params (string Path, byte[] Data)[] files)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (path, data) in files)
            {
                using var stream = zip.CreateEntry(path).Open();
                stream.Write(data);
            }
        return memory.ToArray();
    }

    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var url = request.RequestUri!.ToString();
        Requests.Add($"{request.Method} {url}");
        var response = _routes.TryGetValue(url, out var route) ? route() : new HttpResponseMessage(HttpStatusCode.NotFound);
        if (request.Method == HttpMethod.Head && response.Content is not null)
            response.Content = new ByteArrayContent([]) { Headers = { ContentLength = response.Content.Headers.ContentLength } };
        return Task.FromResult(response);
    }

    private static HttpResponseMessage JsonResponse(string json) => new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private HttpResponseMessage Body(byte[] data)
    {
        HttpContent content = BreakAfterBytes is { } cut ? new StreamContent(new BreakingStream(data, cut)) : new ByteArrayContent(data);
        content.Headers.ContentLength = data.Length;
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    private sealed class BreakingStream(byte[] data, long cut) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (Position >= cut)
                throw new IOException("connection reset by peer");
            return base.Read(buffer, offset, (int)Math.Min(count, cut - Position));
        }

        public override int Read(Span<byte> buffer)
        {
            if (Position >= cut)
                throw new IOException("connection reset by peer");
            return base.Read(buffer[..(int)Math.Min(buffer.Length, cut - Position)]);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer, offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));
    }
}
