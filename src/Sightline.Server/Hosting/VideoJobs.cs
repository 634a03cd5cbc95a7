using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Sightline.Server.Api;
using Sightline.Server.Errors;
using Sightline.Video;
using Sightline.Video.Decoding;

namespace Sightline.Server.Hosting;

public enum VideoJobState
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>A video job as GET /v1/video/jobs/{id} answers it: its state, progress, and once done its result or error.</summary>
public sealed record VideoJobView(
    string Id,
    VideoJobState State,
    string Video,
    IReadOnlyList<string> Tasks,
    string Sampling,
    bool Track,
    int FramesDone,
    long? FramesExpected,
    DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? StartedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? FinishedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] VideoJobError? Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] VideoAnalysisResult? Result);

public sealed record VideoJobError(string Code, string Detail);

/// <summary>One job: its uploaded file (a temporary file, deleted when the job ends), its state and its cancellation.</summary>
internal sealed class VideoJob(string id, string file, string name, VideoInfo info, VideoRun request)
{
    private int _framesDone;

    public string Id { get; } = id;
    public string File { get; } = file;
    public string Name { get; } = name;
    public VideoInfo Info { get; } = info;
    public VideoRun Request { get; } = request;
    public CancellationTokenSource Cancel { get; } = new();
    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;
    public VideoJobState State { get; set; } = VideoJobState.Queued;
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public VideoJobError? Error { get; set; }
    public VideoAnalysisResult? Result { get; set; }

    public int FramesDone
    {
        get => Volatile.Read(ref _framesDone);
        set => Volatile.Write(ref _framesDone, value);
    }

    public bool Finished => State is VideoJobState.Succeeded or VideoJobState.Failed or VideoJobState.Cancelled;

    public VideoJobView View(bool withResult) => new(Id, State, Name, Request.Tasks.Select(t => t.Entry.Name).ToList(), Request.Options.Sampling.Describe(), Request.Options.Tracking is not null,
        FramesDone, Expected(), CreatedAt, StartedAt, FinishedAt, Error, withResult ? Result : null);

    private long? Expected() => Request.Options.Sampling.ExpectedFrames(Info);
}

/// <summary>
/// The server's video work: a bounded queue of jobs, run one at a time on the server's shared task context. A job
/// belongs to the server, not to the request that sent it: it runs on when the client goes away, and ends when it is
/// done, cancelled (DELETE) or the server stops. Its upload is a temporary file, deleted when the job ends; finished
/// jobs are kept for <see cref="ServerOptions.FinishedVideoJobsKept"/> fetches' worth, oldest dropped first.
/// </summary>
public sealed class VideoJobs : IAsyncDisposable
{
    private readonly AnalysisServices _analysis;
    private readonly ServerOptions _options;
    private readonly Channel<VideoJob> _queue;
    private readonly ConcurrentDictionary<string, VideoJob> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _finished = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _worker;
    private int _pending;
    private int _disposed;

    public VideoJobs(AnalysisServices analysis, ServerOptions options)
    {
        _analysis = analysis;
        _options = options;
        _queue = Channel.CreateUnbounded<VideoJob>(new UnboundedChannelOptions { SingleReader = true });
        // One folder per server: several may run in one process, and each deletes its own when it stops.
        Folder = Path.Combine(Path.GetTempPath(), $"sightline-video-jobs-{Environment.ProcessId}-{Guid.NewGuid():N}");
        _worker = Task.Run(RunAsync);
    }

    /// <summary>Where uploads wait for their jobs.</summary>
    public string Folder { get; }

    public ServerOptions Options => _options;

    /// <summary>A place for an upload; the caller moves it into a job with <see cref="SubmitAsync"/> or deletes it.</summary>
    public string NewUploadPath(string extension)
    {
        Directory.CreateDirectory(Folder);
        return Path.Combine(Folder, $"{Guid.NewGuid():N}{extension}");
    }

    /// <summary>
    /// Takes an uploaded file as a new job, once ffprobe has said it is a video; the queue holds at most
    /// <see cref="ServerOptions.VideoQueueCapacity"/> jobs waiting or running.
    /// </summary>
    public async Task<VideoJobView> SubmitAsync(string file, string name, VideoRun request, CancellationToken cancellationToken)
    {
        try
        {
            if (Interlocked.Increment(ref _pending) > _options.VideoQueueCapacity)
            {
                Interlocked.Decrement(ref _pending);
                throw new ApiProblemException(Microsoft.AspNetCore.Http.StatusCodes.Status429TooManyRequests, "video_queue_full", $"{_options.VideoQueueCapacity} video jobs are waiting or running; retry later");
            }
            VideoInfo info;
            try
            {
                info = await VideoProbe.ProbeAsync(file, _options.ImageLimits, cancellationToken).ConfigureAwait(false);
            }
            catch (VideoException e)
            {
                Interlocked.Decrement(ref _pending);
                // The client knows its upload by its name, not by the server's temporary file.
                throw new VideoException(e.Kind, name, e.Reason.Replace(file, name, StringComparison.Ordinal));
            }
            catch
            {
                Interlocked.Decrement(ref _pending);
                throw;
            }
            // The client's name is only shown; the file is the server's own.
            info = info with { Path = file };
            var job = new VideoJob(Guid.NewGuid().ToString("N"), file, name, info, request);
            _jobs[job.Id] = job;
            await _queue.Writer.WriteAsync(job, CancellationToken.None).ConfigureAwait(false);
            return job.View(false);
        }
        catch
        {
            File.Delete(file);
            throw;
        }
    }


    public VideoJobView? Get(string id, bool withResult) => _jobs.TryGetValue(id, out var job) ? job.View(withResult) : null;

    public IReadOnlyList<VideoJobView> List() => _jobs.Values.OrderByDescending(j => j.CreatedAt).Select(j => j.View(false)).ToList();

    /// <summary>Cancels a waiting or running job; null when there is no such job, false when it had finished.</summary>
    public bool? Cancel(string id)
    {
        if (!_jobs.TryGetValue(id, out var job))
            return null;
        lock (job)
        {
            if (job.Finished)
                return false;
            if (job.State == VideoJobState.Queued)
                Finish(job, VideoJobState.Cancelled, new VideoJobError("cancelled", "cancelled before it started"));
            job.Cancel.Cancel();
            return true;
        }
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var job in _queue.Reader.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                lock (job)
                {
                    if (job.Finished)
                        continue;
                    job.State = VideoJobState.Running;
                    job.StartedAt = DateTimeOffset.UtcNow;
                }
                await RunOneAsync(job).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The server is stopping.
        }
    }

    private async Task RunOneAsync(VideoJob job)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(job.Cancel.Token, _stopping.Token);
        try
        {
            var pipeline = await _analysis.PipelineAsync(job.Request.Tasks, cancel.Token).ConfigureAwait(false);
            var analyzer = new VideoAnalyzer(pipeline, job.Request.Options with { SourceName = job.Name });
            var result = await analyzer.AnalyzeAsync(job.Info, _options.ImageLimits, null, new Progress(job), cancel.Token).ConfigureAwait(false);
            job.Result = result;
            Finish(job, VideoJobState.Succeeded, null);
        }
        catch (OperationCanceledException)
        {
            Finish(job, VideoJobState.Cancelled, new VideoJobError("cancelled", _stopping.IsCancellationRequested ? "the server stopped" : "cancelled by the client"));
        }
        catch (Exception e)
        {
            var (_, code, detail) = ApiProblem.Classify(e);
            Finish(job, VideoJobState.Failed, new VideoJobError(code, detail.Replace(job.File, job.Name, StringComparison.Ordinal)));
        }
    }

    private void Finish(VideoJob job, VideoJobState state, VideoJobError? error)
    {
        lock (job)
        {
            if (job.Finished)
                return;
            job.State = state;
            job.Error = error;
            job.FinishedAt = DateTimeOffset.UtcNow;
        }
        Interlocked.Decrement(ref _pending);
        try
        {
            File.Delete(job.File);
        }
        catch (IOException)
        {
            // Still open by ffmpeg on its way out; the folder goes when the server stops.
        }
        _finished.Enqueue(job.Id);
        while (_finished.Count > _options.FinishedVideoJobsKept && _finished.TryDequeue(out var old))
            _jobs.TryRemove(old, out _);
    }

    private sealed class Progress(VideoJob job) : IProgress<int>
    {
        public void Report(int value) => job.FramesDone = value;
    }

    public async ValueTask DisposeAsync()
    {
        // The host's stopping hook and the container both dispose it.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _stopping.Cancel();
        _queue.Writer.TryComplete();
        foreach (var job in _jobs.Values)
            job.Cancel.Cancel();
        try
        {
            await _worker.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        foreach (var job in _jobs.Values.Where(j => !j.Finished))
            Finish(job, VideoJobState.Cancelled, new VideoJobError("cancelled", "the server stopped"));
        if (Directory.Exists(Folder))
            Directory.Delete(Folder, recursive: true);
        _stopping.Dispose();
    }
}
