using Sightline.Imaging;
using Sightline.Inference.Sessions;

namespace Sightline.Server.Hosting;

/// <summary>
/// How the server runs. Limits bound memory: uploads above <see cref="MaxUploadBytes"/> are refused
/// before they are read, and at most <see cref="QueueCapacity"/> images wait per model.
/// </summary>
public sealed record ServerOptions
{
    public string Urls { get; init; } = "http://127.0.0.1:5080";

    /// <summary>Accepted API keys; empty means no key is required.</summary>
    public IReadOnlyList<string> ApiKeys { get; init; } = [];

    /// <summary>Similarity indexes the API may search, by name (built with <c>sightline index</c>).</summary>
    public IReadOnlyDictionary<string, string> Indexes { get; init; } = new Dictionary<string, string>();

    /// <summary>Custom classifiers /v1/classify runs, by name (<c>.sightline</c> files made with <c>sightline train</c>).</summary>
    public IReadOnlyDictionary<string, string> Classifiers { get; init; } = new Dictionary<string, string>();

    public ImageLimits ImageLimits { get; init; } = ImageLimits.Default;
    public long MaxUploadBytes { get; init; } = ImageLimits.Default.MaxFileBytes + 64 * 1024;
    public EngineOptions Engine { get; init; } = EngineOptions.Default;

    /// <summary>Images waiting for a model at most; one more is answered 429.</summary>
    public int QueueCapacity { get; init; } = 64;

    /// <summary>Most images one model run takes.</summary>
    public int MaxBatch { get; init; } = 8;

    /// <summary>How long the first image of a batch waits for others; 0 turns dynamic batching off.</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The largest video upload /v1/video/jobs accepts, written to a temporary file as it arrives (never held in memory).</summary>
    public long MaxVideoBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Video jobs waiting or running at most; one more is answered 429. One runs at a time.</summary>
    public int VideoQueueCapacity { get; init; } = 8;

    /// <summary>Finished video jobs kept for their clients to fetch; the oldest go first.</summary>
    public int FinishedVideoJobsKept { get; init; } = 32;

    /// <summary>Model cache folder; null uses the user's cache.</summary>
    public string? ModelHome { get; init; }

    /// <summary>The face gallery the /v1/faces and /v1/gallery endpoints use; null means <c>faces.gallery</c> in the Sightline home folder.</summary>
    public string? GalleryPath { get; init; }

    /// <summary>The photo library folder /v1/library serves (made with <c>sightline library init</c>); null serves none.</summary>
    public string? Library { get; init; }

    /// <summary>
    /// Whether /v1 needs a signed-in account or an API key: null decides by address, required whenever the server
    /// listens beyond loopback (see <see cref="Security.AccessRules"/>).
    /// </summary>
    public bool? SignIn { get; init; }

    /// <summary>Sign-in attempts one client address may make per minute; one more is answered 429.</summary>
    public int SignInAttemptsPerMinute { get; init; } = 5;
}
