using Sightline.Faces.Gallery;
using Sightline.Inference.Batching;

namespace Sightline.Server.Hosting;

/// <summary>
/// The face gallery behind /v1/faces and /v1/gallery, and the one queue every face analysis goes through. The
/// face models come from the registry's faces task on the server's shared task context
/// (<see cref="Api.AnalysisServices"/>); the face pipeline is not batched across requests: a bounded queue with a
/// single worker (a <see cref="DynamicBatcher{TIn,TOut}"/> of batch size 1) runs them, so overload is answered 429
/// as for the other models and the face models never run two images at once.
/// </summary>
public sealed class FaceServices : IAsyncDisposable
{
    private readonly Lock _galleryGate = new();
    private readonly DynamicBatcher<Func<object>, object> _queue;
    private FaceGallery? _gallery;
    private bool _disposed;

    public FaceServices(VisionServices vision, ServerOptions options)
    {
        GalleryPath = Path.GetFullPath(options.GalleryPath ?? Path.Combine(vision.Store.Home, "faces.gallery"));
        _queue = new DynamicBatcher<Func<object>, object>(jobs => jobs.Select(job => job()).ToList(), options.QueueCapacity, 1, TimeSpan.Zero);
    }

    /// <summary>The gallery file (opened, or created empty, on first use).</summary>
    public string GalleryPath { get; }

    /// <summary>The server's face gallery; shared by all requests (it serialises its own writes).</summary>
    public FaceGallery Gallery()
    {
        lock (_galleryGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _gallery ??= FaceGallery.Open(GalleryPath);
        }
    }

    /// <summary>Runs <paramref name="work"/> (a face analysis) on the face worker; 429 when its queue is full.</summary>
    public async Task<T> RunAsync<T>(Func<T> work) where T : class =>
        // Not cancellable once queued: the worker may be using the caller's image, which it disposes after this returns.
        (T)await _queue.EnqueueAsync(() => work(), CancellationToken.None).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        await _queue.DisposeAsync().ConfigureAwait(false);
        lock (_galleryGate)
        {
            _disposed = true;
            _gallery?.Dispose();
            _gallery = null;
        }
    }
}
