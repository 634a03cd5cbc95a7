using Microsoft.Extensions.Logging;
using Sightline.Faces;
using Sightline.Faces.Attributes;
using Sightline.Faces.Gallery;
using Sightline.Imaging;
using Sightline.Inference.Batching;
using Sightline.Server.Errors;

namespace Sightline.Server.Hosting;

/// <summary>
/// The face pipelines and the face gallery behind /v1/faces and /v1/gallery. One analyzer per choice of
/// models, loaded on first use. The face pipeline is not batched across requests: each analyzer has a
/// bounded queue with a single worker (a <see cref="DynamicBatcher{TIn,TOut}"/> of batch size 1), so
/// overload is answered 429 as for the other models and one analyzer never runs two images at once.
/// </summary>
public sealed class FaceServices : IAsyncDisposable
{
    private readonly VisionServices _vision;
    private readonly ServerOptions _options;
    private readonly ILogger _log;
    private readonly LoadOnce<FaceModels, FaceWorker> _analyzers;
    private readonly Lock _galleryGate = new();
    private FaceGallery? _gallery;
    private bool _disposed;

    public FaceServices(VisionServices vision, ServerOptions options, ILogger<FaceServices> log)
    {
        _vision = vision;
        _options = options;
        _log = log;
        GalleryPath = Path.GetFullPath(options.GalleryPath ?? Path.Combine(vision.Store.Home, "faces.gallery"));
        _analyzers = new(LoadAsync);
    }

    /// <summary>The gallery file (opened, or created empty, on first use).</summary>
    public string GalleryPath { get; }

    /// <summary>The analyzer for these models with its queue; the first call pulls and loads the models.</summary>
    public Task<FaceWorker> AnalyzerAsync(FaceModels models) => _analyzers.Get(models);

    /// <summary>The server's face gallery; shared by all requests (it serialises its own writes).</summary>
    public FaceGallery Gallery()
    {
        lock (_galleryGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _gallery ??= FaceGallery.Open(GalleryPath);
        }
    }

    private async Task<FaceWorker> LoadAsync(FaceModels models)
    {
        FaceAnalyzer analyzer;
        try
        {
            analyzer = await FaceAnalyzer.CreateAsync(_vision.Store, _vision.Engine, models, _options.ImageLimits).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            throw new ApiProblemException(422, "not_a_face_model", e.Message);
        }
        var refs = FaceModelRef.For(analyzer, FaceTasks.Default, _vision.Store);
        _log.LogInformation("loaded face models {Models}", string.Join(", ", refs.Select(r => $"{r.Id} {r.Version}")));
        return new FaceWorker(analyzer, refs, _vision.Store, new DynamicBatcher<(DecodedImage, FaceAnalysisOptions), FaceAnalysis>(
            items => items.Select(item => analyzer.Analyze(item.Item1, item.Item2)).ToList(), _options.QueueCapacity, 1, TimeSpan.Zero));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _analyzers.Loaded)
            await worker.Queue.DisposeAsync().ConfigureAwait(false);
        lock (_galleryGate)
        {
            _disposed = true;
            _gallery?.Dispose();
            _gallery = null;
        }
    }
}

/// <summary>A face analyzer, the models it runs, and the bounded queue in front of it.</summary>
public sealed record FaceWorker(FaceAnalyzer Analyzer, IReadOnlyList<FaceModelRef> Models, Sightline.Models.Cache.ModelStore Store,
    DynamicBatcher<(DecodedImage, FaceAnalysisOptions), FaceAnalysis> Queue)
{
    public Task<FaceAnalysis> AnalyzeAsync(DecodedImage image, FaceAnalysisOptions options) =>
        // Not cancellable once queued: the worker may be using the image, which the caller disposes after this returns.
        Queue.EnqueueAsync((image, options), CancellationToken.None);

    /// <summary>The models of an analysis with these tasks (liveness adds its two).</summary>
    public IReadOnlyList<FaceModelRef> ModelsFor(FaceTasks tasks) => FaceModelRef.For(Analyzer, tasks, Store);
}
