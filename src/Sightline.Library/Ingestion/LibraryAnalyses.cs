using System.Collections.Concurrent;
using Sightline.Analysis;
using Sightline.Library.Thumbnails;
using Sightline.Vision.Pipeline;

namespace Sightline.Library.Ingestion;

/// <summary>
/// The analyses of one scan: the chosen tasks, their versions (from the version cache while the settings are those
/// of the last build, so that a scan with nothing to analyse opens no model) and, once a photo needs them, the built
/// tasks and the pipelines over them, each with the thumbnail task so that one decode serves all.
/// </summary>
internal sealed class LibraryAnalyses
{
    /// <summary>The version of a task whose models are not known yet: no stored analysis has it, so every photo counts as out of date for it.</summary>
    public const string UnknownVersion = "unknown";

    private readonly IReadOnlyList<ChosenTask> _chosen;
    private readonly VersionCache _cache;
    private readonly ThumbnailStore _thumbnails;
    private readonly SemaphoreSlim _building = new(1, 1);
    private readonly ConcurrentDictionary<string, string> _hashOfSource = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AnalysisPipeline> _pipelines = new(StringComparer.Ordinal);
    private IReadOnlyList<IImageTask>? _built;
    private IReadOnlyDictionary<string, string>? _versions;

    public LibraryAnalyses(LibrarySettings settings, string libraryFolder, ThumbnailStore thumbnails)
    {
        _chosen = LibraryTasks.Choose(settings);
        _cache = new VersionCache(Path.Combine(libraryFolder, VersionCache.FileName));
        _thumbnails = thumbnails;
    }

    public IReadOnlyList<string> TaskNames => _chosen.Select(c => c.Entry.Name).ToList();

    /// <summary>Each task's version as far as it is known without opening models (see <see cref="UnknownVersion"/>).</summary>
    public static IReadOnlyDictionary<string, string> KnownVersions(LibrarySettings settings, string libraryFolder)
    {
        var cached = new VersionCache(Path.Combine(libraryFolder, VersionCache.FileName)).Load();
        return LibraryTasks.Choose(settings).ToDictionary(c => c.Entry.Name,
            c => cached.GetValueOrDefault(LibraryTasks.Fingerprint(c)) ?? UnknownVersion, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The versions the scan wants; opens the models when the cache does not know them all.</summary>
    public async Task<IReadOnlyDictionary<string, string>> WantedAsync(TaskContext context, CancellationToken cancellationToken)
    {
        if (_versions is not null)
            return _versions;
        var cached = _cache.Load();
        if (_chosen.All(c => cached.ContainsKey(LibraryTasks.Fingerprint(c))))
            return _versions = _chosen.ToDictionary(c => c.Entry.Name, c => cached[LibraryTasks.Fingerprint(c)], StringComparer.OrdinalIgnoreCase);
        await BuildAsync(context, cancellationToken).ConfigureAwait(false);
        return _versions!;
    }

    /// <summary>Opens the models (once) and learns the versions from them; the versions go to the cache.</summary>
    public async Task<IReadOnlyList<IImageTask>> BuildAsync(TaskContext context, CancellationToken cancellationToken)
    {
        if (_built is not null)
            return _built;
        await _building.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_built is not null)
                return _built;
            var built = await TaskSelection.CreateAsync(_chosen, context, cancellationToken).ConfigureAwait(false);
            var versions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var cache = new Dictionary<string, string>(_cache.Load(), StringComparer.Ordinal);
            for (var i = 0; i < _chosen.Count; i++)
            {
                var version = AnalysisVersions.Of(_chosen[i].Entry.Name, built[i].ModelIds, _chosen[i].Options);
                versions[_chosen[i].Entry.Name] = version;
                cache[LibraryTasks.Fingerprint(_chosen[i])] = version;
            }
            _cache.Save(cache);
            _versions = versions;
            _built = built;
            return built;
        }
        finally
        {
            _building.Release();
        }
    }

    /// <summary>Names the content behind a pipeline source, for the thumbnail task's file names.</summary>
    public void Register(string source, string contentHash) => _hashOfSource[source] = contentHash;

    public void Forget(string source) => _hashOfSource.TryRemove(source, out _);

    /// <summary>A pipeline over <paramref name="tasks"/> (all of the library's when null), with thumbnails when asked; null when there is nothing to run.</summary>
    public AnalysisPipeline? PipelineFor(IReadOnlyCollection<string>? tasks, bool thumbnails, ImageContext limits)
    {
        var chosen = _built!.Where(t => tasks is null || tasks.Contains(t.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        if (chosen.Count == 0 && !thumbnails)
            return null;
        var key = string.Join(',', chosen.Select(t => t.Name)) + (thumbnails ? "+thumbnails" : "");
        return _pipelines.GetOrAdd(key, _ =>
        {
            var all = new List<IImageTask>(chosen);
            if (thumbnails)
                all.Add(new ThumbnailTask(_thumbnails, source => _hashOfSource.TryGetValue(source, out var hash)
                    ? hash
                    : throw new InvalidOperationException($"no content hash registered for '{source}'")));
            return new AnalysisPipeline(all, limits.Limits, limits.Options);
        });
    }
}

/// <summary>The image limits and in-flight bound the scan's pipelines run with.</summary>
internal sealed record ImageContext(Sightline.Imaging.ImageLimits Limits, PipelineOptions Options);
