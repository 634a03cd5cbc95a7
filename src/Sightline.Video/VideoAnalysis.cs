using System.Diagnostics;
using System.Text.Json.Serialization;
using Sightline.Faces;
using Sightline.Imaging;
using Sightline.Inference.Timing;
using Sightline.Video.Decoding;
using Sightline.Video.Tracking;
using Sightline.Vision.Detection;
using Sightline.Vision.Pipeline;

namespace Sightline.Video;

/// <summary>How a video is analysed: which frames, whether objects and faces are tracked, and how.</summary>
public sealed record VideoAnalysisOptions
{
    public FrameSampling Sampling { get; init; } = FrameSampling.All;

    /// <summary>Null: no tracking, each frame on its own.</summary>
    public TrackerOptions? Tracking { get; init; }

    /// <summary>How many frames a face track's descriptor is averaged over: its best by face quality.</summary>
    public int FaceTrackFrames { get; init; } = 3;

    /// <summary>How results name the video (its frames are "name#index"); null: the path it was read from. A server names the upload, not its temporary file.</summary>
    public string? SourceName { get; init; }

    /// <summary>Fill a track's gaps of at most the tracker's lost-track time by interpolation once the video is read (see <see cref="TrackInterpolation"/>).</summary>
    public bool InterpolateGaps { get; init; } = true;

    /// <summary>The least score of a detection listed in a frame's results (the tracker also sees weaker ones).</summary>
    public float? ShownMinScore { get; init; }

    /// <summary>Analyse frames up to this time only (seconds from the start); null: the whole video.</summary>
    public double? MaxSeconds { get; init; }

    /// <summary>
    /// Names face tracks from a gallery: each frame's tracked face carries its track's name as known so far (from
    /// the mean of the track's best frames up to that frame), and each face track summary the name of its final descriptor.
    /// </summary>
    public FaceTrackNaming? Naming { get; init; }
}

/// <summary>One analysed frame: its number and time, every task's result, and the tracks seen in it per tracked task.</summary>
public sealed record FrameAnalysis(
    long Index,
    double Time,
    IReadOnlyDictionary<string, object> Results,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, IReadOnlyList<TrackedObject>>? Tracks,
    PipelineTimings Timings);

/// <summary>
/// A face track: the track, and one descriptor for it, the mean over its best frames, with the face of its best
/// frame by face quality (<see cref="VideoAnalyzer.FaceRank"/>) and that frame's number and time.
/// </summary>
public sealed record FaceTrackSummary(TrackSummary Track,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float[]? Descriptor,
    int DescriptorFrames,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] FaceResult? BestFace,
    long BestFaceFrame = -1,
    double BestFaceTime = double.NaN,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] FaceIdentity? Identity = null);

/// <summary>Where the time went: decoding frames, the tasks (wall time of the pipeline), and the whole run.</summary>
public sealed record VideoTimings(double DecodeMs, double AnalysisMs, double TotalMs, double FramesPerSecond, double RealTimeFactor);

/// <summary>
/// A whole video's analysis as the CLI's --json and the API give it: the video, the frames chosen, every frame's
/// results with its tracks, and one summary per track (objects and faces).
/// </summary>
public sealed record VideoAnalysisResult(
    string Source,
    VideoInfo Video,
    string Sampling,
    IReadOnlyList<string> Tasks,
    int FrameCount,
    IReadOnlyList<FrameAnalysis> Frames,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TrackSummary>? ObjectTracks,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<FaceTrackSummary>? FaceTracks,
    VideoTimings Timings);

/// <summary>
/// The video loop: frames stream from <see cref="VideoReader"/> into the one analysis pipeline as frame sources
/// (no second decode), several in flight so that models batch across frames; results come back in frame order and
/// feed a ByteTrack-style tracker per tracked task (<c>detect</c> objects, <c>faces</c>).
/// </summary>
public sealed class VideoAnalyzer(AnalysisPipeline pipeline, VideoAnalysisOptions? options = null)
{
    private readonly VideoAnalysisOptions _options = options ?? new VideoAnalysisOptions();

    public VideoAnalysisOptions Options => _options;

    /// <summary>
    /// Analyses every chosen frame; <paramref name="each"/> sees each frame's pixels with its analysis before they
    /// are freed (for drawing); <paramref name="progress"/> gets the count of frames done.
    /// </summary>
    public async Task<VideoAnalysisResult> AnalyzeAsync(VideoInfo info, ImageLimits? limits = null, Func<VideoFrame, FrameAnalysis, Task>? each = null,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        var name = _options.SourceName ?? info.Path;
        var rate = _options.Sampling.SampledRate(info.FrameRate > 0 ? info.FrameRate : 30);
        var tracking = _options.Tracking;
        var objectTracker = tracking is not null && pipeline.Tasks.Any(t => t.Name == DetectTask.TaskName) ? new ByteTracker(tracking, rate) : null;
        // Every face the faces task keeps is a confident one: its own min score already chose them.
        var faceTracker = tracking is not null && pipeline.Tasks.Any(t => t.Name == FacesTask.TaskName)
            ? new ByteTracker(tracking with { LowScore = 0, HighScore = 0, NewTrackScore = 0 }, rate) : null;
        var faceFrames = new Dictionary<int, List<(float Quality, FaceResult Face, long Frame, double Time)>>();
        var frames = new List<FrameAnalysis>();
        var window = new Queue<(VideoFrame Frame, Task<Outcome<ImageAnalysis>> Analysis)>();
        double decodeMs = 0;
        var maxInFlight = Math.Max(1, PipelineOptions.Default.MaxInFlight);

        async Task Finish((VideoFrame Frame, Task<Outcome<ImageAnalysis>> Analysis) item)
        {
            using var frame = item.Frame;
            var outcome = await item.Analysis.ConfigureAwait(false);
            if (outcome.Result is not { } analysis)
                throw new VideoException(VideoErrorKind.DecodeFailed, name, $"frame {frame.Index}: {outcome.Error!.Message}");
            var results = new Dictionary<string, object>(analysis.Results, StringComparer.OrdinalIgnoreCase);
            Dictionary<string, IReadOnlyList<TrackedObject>>? tracks = tracking is null ? null : new(StringComparer.OrdinalIgnoreCase);
            if (results.TryGetValue(DetectTask.TaskName, out var d) && d is DetectionResult detection)
            {
                // The detections listed, and where each of the task's detections stands among them (-1: not listed).
                var shown = new List<DetectedObject>(detection.Detections.Count);
                var shownIndex = new int[detection.Detections.Count];
                for (var i = 0; i < detection.Detections.Count; i++)
                {
                    var listed = _options.ShownMinScore is not { } min || detection.Detections[i].Score >= min;
                    shownIndex[i] = listed ? shown.Count : -1;
                    if (listed)
                        shown.Add(detection.Detections[i]);
                }
                if (objectTracker is not null)
                {
                    var inputs = detection.Detections.Select((x, i) => new TrackInput(x.Box, x.Score, x.ClassName, i)).ToList();
                    var tracked = objectTracker.Update(inputs, frame.Index, frame.Time);
                    // A doubtful detection that only continued a track is not listed.
                    tracks![DetectTask.TaskName] = tracked.Select(t => t with { DetectionIndex = t.DetectionIndex >= 0 ? shownIndex[t.DetectionIndex] : -1 }).ToList();
                }
                results[DetectTask.TaskName] = detection with { Detections = shown };
            }
            if (faceTracker is not null && results.TryGetValue(FacesTask.TaskName, out var f) && f is FacesResult faces)
            {
                var inputs = faces.Faces.Select((x, i) => new TrackInput(x.Box, x.Score, "face", i)).ToList();
                var tracked = faceTracker.Update(inputs, frame.Index, frame.Time);
                tracks![FacesTask.TaskName] = tracked;
                var named = new Dictionary<int, FaceIdentity>();
                foreach (var t in tracked)
                {
                    var face = faces.Faces[t.DetectionIndex];
                    if (!faceFrames.TryGetValue(t.TrackId, out var list))
                        faceFrames[t.TrackId] = list = [];
                    list.Add((FaceRank(face), face, frame.Index, frame.Time));
                    if (_options.Naming is { } naming)
                        named[t.DetectionIndex] = Name(naming, list);
                }
                // A track's one descriptor is what tracking gives; a 128-d vector per face per frame would swamp the result.
                results[FacesTask.TaskName] = faces with
                {
                    Faces = faces.Faces.Select((x, i) => x with { Descriptor = null, Identity = named.GetValueOrDefault(i, x.Identity!) }).ToList(),
                };
            }
            var frameAnalysis = new FrameAnalysis(frame.Index, frame.Time, results, tracks, analysis.Timings);
            frames.Add(frameAnalysis);
            if (each is not null)
                await each(frame, frameAnalysis).ConfigureAwait(false);
            progress?.Report(frames.Count);
        }

        try
        {
            var decodeStart = Stopwatch.GetTimestamp();
            await foreach (var frame in VideoReader.ReadAsync(info, _options.Sampling, limits, cancellationToken).ConfigureAwait(false))
            {
                decodeMs += StageTimings.Since(decodeStart);
                if (frame.Time > _options.MaxSeconds)
                {
                    // Leaving the loop stops ffmpeg: the rest of the video is not decoded.
                    frame.Dispose();
                    break;
                }
                var source = ImageSource.Frame(frame.Pixels, $"{name}#{frame.Index}", frame.Index);
                window.Enqueue((frame, Task.Run(() => pipeline.AnalyzeAsync(source, cancellationToken), cancellationToken)));
                if (window.Count >= maxInFlight)
                    await Finish(window.Dequeue()).ConfigureAwait(false);
                decodeStart = Stopwatch.GetTimestamp();
            }
            while (window.Count > 0)
                await Finish(window.Dequeue()).ConfigureAwait(false);
        }
        finally
        {
            // Frames still in flight when the video fails or the run is cancelled: wait for their tasks, free their pixels.
            while (window.Count > 0)
            {
                var (frame, analysis) = window.Dequeue();
                try
                {
                    await analysis.ConfigureAwait(false);
                }
                catch (Exception) when (analysis.IsCompleted)
                {
                    // Unwinding already: this frame's own failure or cancellation adds nothing.
                }
                frame.Dispose();
            }
        }

        if (_options.InterpolateGaps)
        {
            frames = Interpolate(frames, DetectTask.TaskName, objectTracker);
            frames = Interpolate(frames, FacesTask.TaskName, faceTracker);
        }
        var faceTracks = faceTracker?.Summaries.Select(s => FaceTrack(s, faceFrames.GetValueOrDefault(s.TrackId) ?? [])).ToList();
        var totalMs = StageTimings.Since(start);
        var seconds = totalMs / 1000;
        // The whole video is read whatever the sampling, so its duration is what the run covered.
        var videoSeconds = info.Duration > 0 ? info.Duration : frames.Count == 0 ? 0 : frames[^1].Time - frames[0].Time + 1 / rate;
        return new VideoAnalysisResult(name, info with { Path = name }, _options.Sampling.Describe(), pipeline.Tasks.Select(t => t.Name).ToList(), frames.Count, frames,
            objectTracker?.Summaries, faceTracks,
            new VideoTimings(decodeMs, totalMs - decodeMs, totalMs, frames.Count / Math.Max(seconds, 1e-9), videoSeconds / Math.Max(seconds, 1e-9)));
    }

    private static List<FrameAnalysis> Interpolate(List<FrameAnalysis> frames, string task, ByteTracker? tracker)
    {
        if (tracker is null)
            return frames;
        var filled = TrackInterpolation.Fill(frames.Select(f => f.Tracks?.GetValueOrDefault(task) ?? []).ToList(), tracker.MaxLostFrames);
        return frames.Select((f, i) => f with
        {
            Tracks = new Dictionary<string, IReadOnlyList<TrackedObject>>(f.Tracks!, StringComparer.OrdinalIgnoreCase) { [task] = filled[i] },
        }).ToList();
    }

    /// <summary>
    /// How good a track's face in one frame is for knowing who it is: its face quality, below every quality when it
    /// is too poor to identify. The best ranked frames make the track's descriptor; the first best is its face.
    /// </summary>
    public static float FaceRank(FaceResult face) => face.Identifiable == false ? -1 : face.Quality?.Score ?? 0;

    /// <summary>The mean descriptor of a face track's best frames by quality (identifiable faces first), and how many frames it is of.</summary>
    private (float[]? Mean, int Frames) TrackDescriptor(IReadOnlyList<(float Quality, FaceResult Face, long Frame, double Time)> faces)
    {
        var best = faces.Where(f => f.Face.Descriptor is not null && f.Face.Identifiable != false).OrderByDescending(f => f.Quality)
            .Take(Math.Max(1, _options.FaceTrackFrames)).ToList();
        if (best.Count == 0)
            return (null, 0);
        var mean = new float[best[0].Face.Descriptor!.Length];
        foreach (var (_, face, _, _) in best)
            for (var i = 0; i < mean.Length; i++)
                mean[i] += face.Descriptor![i] / best.Count;
        return (mean, best.Count);
    }

    /// <summary>A track's name from its frames so far: too poor (with its best face's reasons) until one face is good enough to identify.</summary>
    private FaceIdentity Name(FaceTrackNaming naming, IReadOnlyList<(float Quality, FaceResult Face, long Frame, double Time)> faces)
    {
        var (mean, _) = TrackDescriptor(faces);
        var best = faces.OrderByDescending(f => f.Quality).First().Face;
        return naming.Name(mean, best.TooPoor);
    }

    /// <summary>The mean descriptor of a face track's best frames by quality (identifiable faces first).</summary>
    internal FaceTrackSummary FaceTrack(TrackSummary track, IReadOnlyList<(float Quality, FaceResult Face, long Frame, double Time)> faces)
    {
        var (mean, count) = TrackDescriptor(faces);
        // Stable order: of equal ranks the earliest frame, as a caller following the frames one by one would keep.
        var ranked = faces.OrderByDescending(f => f.Quality).ToList();
        if (ranked.Count == 0)
            return new FaceTrackSummary(track, mean, count, null);
        var top = ranked[0];
        var identity = _options.Naming is { } naming ? naming.Name(mean, top.Face.TooPoor) : null;
        return new FaceTrackSummary(track, mean, count, top.Face with { Descriptor = null, Identity = identity }, top.Frame, top.Time, identity);
    }
}
