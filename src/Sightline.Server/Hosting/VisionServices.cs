using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Inference.Timing;
using Sightline.Models.Cache;
using Sightline.Inference.Batching;
using Sightline.Server.Errors;
using Sightline.Vision.Detection;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Similarity;

namespace Sightline.Server.Hosting;

/// <summary>
/// The models and indexes behind the API: loaded on first use (pulling what is missing), then kept
/// warm, each model behind its own dynamic batcher.
/// </summary>
public sealed class VisionServices : IAsyncDisposable
{
    private readonly ServerOptions _options;
    private readonly ILogger _log;
    private readonly LoadOnce<string, EmbeddingWorker> _embedders;
    private readonly ConcurrentDictionary<string, Lazy<SimilarityIndex>> _indexes = new(StringComparer.OrdinalIgnoreCase);
    private readonly LoadOnce<string, DetectionWorker> _detectors;

    public VisionServices(ServerOptions options, ILogger<VisionServices> log)
    {
        _options = options;
        _log = log;
        Store = new ModelStore(options.ModelHome);
        Engine = new InferenceEngine(options.Engine, message => log.LogWarning("{Message}", message));
        _embedders = new(LoadEmbedderAsync, StringComparer.OrdinalIgnoreCase);
        _detectors = new(LoadDetectorAsync, StringComparer.OrdinalIgnoreCase);
    }

    public ModelStore Store { get; }
    public InferenceEngine Engine { get; }
    public ServerOptions Options => _options;

    /// <summary>An embedding model with its batcher; the first call pulls and loads it.</summary>
    public Task<EmbeddingWorker> EmbedderAsync(string modelId) => _embedders.Get(Store.Catalog.Get(modelId).Id);

    /// <summary>An object detector with its batcher; the first call pulls and loads it.</summary>
    public Task<DetectionWorker> DetectorAsync(string modelId) =>
        // A catalog model that is not a detector is refused when it loads (422); a name the catalog lacks is
        // answered with the detectors only, not the whole catalog.
        _detectors.Get(Store.Catalog.TryGet(Detectors.ResolveId(modelId), out var entry) ? entry.Id : Detectors.Resolve(modelId));

    private async Task<DetectionWorker> LoadDetectorAsync(string id)
    {
        var model = await PullAsync(id).ConfigureAwait(false);
        IObjectDetector detector;
        try
        {
            detector = Detectors.Create(model, Engine, _options.MaxBatch, _options.ImageLimits);
        }
        catch (ArgumentException e)
        {
            throw new ApiProblemException(422, "not_a_detector", e.Message);
        }
        _log.LogInformation("loaded {Model} {Version}", id, model.Version);
        return new DetectionWorker(detector, new DynamicBatcher<(DecodedImage, DetectOptions), DetectionResult>(
            detector.Detect, _options.QueueCapacity, _options.MaxBatch, _options.BatchWindow));
    }

    private Task<CachedModel> PullAsync(string id)
    {
        var last = -1L;
        return Store.EnsureAsync(id, new LogProgress(p =>
        {
            if (p.Stage != Models.Registry.PullStage.Downloading || p.TotalBytes is not > 0) return;
            var tenth = p.Bytes * 10 / p.TotalBytes.Value;
            if (tenth == last) return;
            last = tenth;
            _log.LogInformation("pulling {Model}: {Percent}% of {Bytes} bytes", id, tenth * 10, p.TotalBytes);
        }));
    }

    private async Task<EmbeddingWorker> LoadEmbedderAsync(string id)
    {
        var model = await PullAsync(id).ConfigureAwait(false);
        var embedder = Embedders.Create(model, Engine, new EmbedderOptions(_options.MaxBatch, _options.ImageLimits));
        _log.LogInformation("loaded {Model} {Version}", id, model.Version);
        return new EmbeddingWorker(embedder, new DynamicBatcher<DecodedImage, ImageEmbedding>(
            images => embedder.Embed(images), _options.QueueCapacity, _options.MaxBatch, _options.BatchWindow));
    }

    public SimilarityIndex Index(string name)
    {
        if (!_options.Indexes.TryGetValue(name, out var path))
            throw new ApiProblemException(404, "unknown_index",
                _options.Indexes.Count == 0 ? "the server has no similarity index; start it with --index name=path" : $"no index named '{name}'; known: {string.Join(", ", _options.Indexes.Keys)}");
        var lazy = _indexes.GetOrAdd(name, _ => new Lazy<SimilarityIndex>(() => SimilarityIndex.Open(path)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _indexes.TryRemove(new KeyValuePair<string, Lazy<SimilarityIndex>>(name, lazy));
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var embedder in _embedders.Loaded)
            await embedder.Batcher.DisposeAsync().ConfigureAwait(false);
        foreach (var detector in _detectors.Loaded)
            await detector.Batcher.DisposeAsync().ConfigureAwait(false);
        foreach (var lazy in _indexes.Values)
            if (lazy.IsValueCreated)
                lazy.Value.Dispose();
        Engine.Dispose();
    }

    private sealed class LogProgress(Action<Models.Registry.PullProgress> report) : IProgress<Models.Registry.PullProgress>
    {
        public void Report(Models.Registry.PullProgress value) => report(value);
    }
}

/// <summary>An embedder and the batcher that feeds it.</summary>
public sealed record EmbeddingWorker(IImageEmbedder Embedder, DynamicBatcher<DecodedImage, ImageEmbedding> Batcher)
{
    public async Task<ImageEmbedding> EmbedAsync(DecodedImage image, double decodeMs)
    {
        // Not cancellable once queued: the batch may be using the image, which the caller disposes after this returns.
        var embedding = await Batcher.EnqueueAsync(image, CancellationToken.None).ConfigureAwait(false);
        return embedding with { Timings = embedding.Timings with { PreprocessMs = embedding.Timings.PreprocessMs + decodeMs } };
    }
}

/// <summary>An object detector and the batcher that feeds it.</summary>
public sealed record DetectionWorker(IObjectDetector Detector, DynamicBatcher<(DecodedImage, DetectOptions), DetectionResult> Batcher)
{
    public async Task<DetectionResult> DetectAsync(DecodedImage image, DetectOptions options, double decodeMs)
    {
        // Not cancellable once queued: the batch may be using the image, which the caller disposes after this returns.
        var result = await Batcher.EnqueueAsync((image, options), CancellationToken.None).ConfigureAwait(false);
        return result with { Timings = result.Timings with { PreprocessMs = result.Timings.PreprocessMs + decodeMs } };
    }
}
