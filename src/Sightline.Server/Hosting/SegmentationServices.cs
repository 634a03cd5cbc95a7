using Microsoft.Extensions.Logging;
using Sightline.Inference.Batching;
using Sightline.Vision.Detection;
using Sightline.Vision.Segmentation;

namespace Sightline.Server.Hosting;

/// <summary>
/// The mask models behind /v1/segment (selfie, meet, U²-Net-p), each loaded on first use and kept warm,
/// with the server's shared detector for person crops and instances. Segmentation is not batched across
/// requests: one bounded queue with a single worker runs every segmentation, so overload is answered 429
/// as for the other models and the mask models never run two images at once.
/// </summary>
public sealed class SegmentationServices : IAsyncDisposable
{
    private readonly VisionServices _vision;
    private readonly ILogger _log;
    private readonly LoadOnce<string, ScoreMapModel> _models;

    public SegmentationServices(VisionServices vision, ServerOptions options, ILogger<SegmentationServices> log)
    {
        _vision = vision;
        _models = new(LoadAsync, StringComparer.OrdinalIgnoreCase);
        _log = log;
        Queue = new DynamicBatcher<Func<object>, object>(jobs => jobs.Select(job => job()).ToList(), options.QueueCapacity, 1, TimeSpan.Zero);
    }

    /// <summary>The models /v1/segment takes, by the short names it accepts.</summary>
    public static readonly IReadOnlyDictionary<string, string> Models = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["selfie"] = SegmentationModels.Selfie,
        ["meet"] = SegmentationModels.Meet,
        ["salient"] = SegmentationModels.Salient,
    };

    /// <summary>The single-worker queue every segmentation goes through.</summary>
    public DynamicBatcher<Func<object>, object> Queue { get; }

    /// <summary>A mask model by catalog id; the first call pulls and loads it.</summary>
    public Task<ScoreMapModel> ModelAsync(string id) => _models.Get(id);

    /// <summary>The detector for person crops and instances (the server's shared CenterNet worker).</summary>
    public async Task<IObjectDetector> DetectorAsync() => (await _vision.DetectorAsync(Detectors.CenterNet).ConfigureAwait(false)).Detector;

    /// <summary>Runs <paramref name="work"/> on the segmentation worker (429 when its queue is full).</summary>
    public async Task<T> RunAsync<T>(Func<T> work) where T : class =>
        // Not cancellable once queued: the worker may be using the caller's image, which it disposes after this returns.
        (T)await Queue.EnqueueAsync(() => work(), CancellationToken.None).ConfigureAwait(false);

    private async Task<ScoreMapModel> LoadAsync(string id)
    {
        var model = await _vision.Store.EnsureAsync(id).ConfigureAwait(false);
        var scoreMap = SegmentationModels.Open(model, _vision.Engine);
        _log.LogInformation("loaded {Model} {Version}", id, model.Version);
        return scoreMap;
    }

    public ValueTask DisposeAsync() => Queue.DisposeAsync();
}
