using System.Diagnostics;
using System.Numerics.Tensors;
using System.Text.Json;
using Sightline.Analysis;
using Sightline.Faces;
using Sightline.Library.People;
using Sightline.Library.Thumbnails;
using Sightline.Video;
using Sightline.Video.Decoding;
using Sightline.Video.Tracking;
using Sightline.Vision.Detection;
using Sightline.Vision.Pipeline;

namespace Sightline.Library.Ingestion;

/// <summary>
/// A video's "tracks" analysis as the library stores it: which frames were analysed and how far into the video, its
/// object tracks (class, first and last time, best frame and box), its face tracks with the face of the video each
/// belongs to (the index of the face row that stands for one person of the video), and of each class the most
/// objects seen at once (what "at least 2 dogs" asks of a video).
/// </summary>
public sealed record VideoTracksResult(
    string Sampling,
    int FramesAnalysed,
    double AnalysedSeconds,
    bool Whole,
    IReadOnlyList<TrackSummary> Objects,
    IReadOnlyList<VideoFaceTrack> Faces,
    IReadOnlyDictionary<string, int> MostAtOnce)
{
    public const string TaskName = "tracks";
}

/// <summary>One face track of a video: the face (by index) it was given to, and when it was seen.</summary>
public sealed record VideoFaceTrack(int FaceIndex, int TrackId, double FirstTime, double LastTime, double BestTime, int Frames);

/// <summary>
/// The people of one video from its face tracks. A person who leaves the picture and comes back, or turns away for a
/// moment, starts a new track; a photo (here a video) may hold each person once, so tracks that are one person
/// must become one face before the library's clustering sees them. Tracks merge by average linkage, nearest
/// first, while their descriptors' mean distance is under the clustering's own cut for the descriptor model and
/// no two of their tracks were seen in the same frame (two faces at once are two people).
/// </summary>
public static class VideoPeople
{
    /// <summary>Groups of indexes into <paramref name="tracks"/>, each one person, ordered by first appearance; a track without a descriptor stays alone.</summary>
    public static IReadOnlyList<IReadOnlyList<int>> Merge(IReadOnlyList<FaceTrackSummary> tracks, float threshold)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        var groups = Enumerable.Range(0, tracks.Count).Select(i => new List<int> { i }).ToList();
        while (true)
        {
            (int A, int B, double Distance) best = (-1, -1, double.PositiveInfinity);
            for (var a = 0; a < groups.Count; a++)
                for (var b = a + 1; b < groups.Count; b++)
                {
                    if (Overlap(tracks, groups[a], groups[b]))
                        continue;
                    var distance = MeanDistance(tracks, groups[a], groups[b]);
                    if (distance < best.Distance)
                        best = (a, b, distance);
                }
            if (best.A < 0 || !(best.Distance < threshold))
                break;
            groups[best.A].AddRange(groups[best.B]);
            groups.RemoveAt(best.B);
        }
        return groups.Select(g => (IReadOnlyList<int>)g.Order().ToList())
            .OrderBy(g => g.Min(i => tracks[i].Track.FirstTime)).ToList();
    }

    private static bool Overlap(IReadOnlyList<FaceTrackSummary> tracks, List<int> a, List<int> b) =>
        a.Any(i => b.Any(j => tracks[i].Track.FirstFrame <= tracks[j].Track.LastFrame && tracks[j].Track.FirstFrame <= tracks[i].Track.LastFrame));

    private static double MeanDistance(IReadOnlyList<FaceTrackSummary> tracks, List<int> a, List<int> b)
    {
        double sum = 0;
        var pairs = 0;
        foreach (var i in a)
            foreach (var j in b)
            {
                if (tracks[i].Descriptor is not { } x || tracks[j].Descriptor is not { } y || x.Length != y.Length)
                    return double.PositiveInfinity;
                sum += TensorPrimitives.Distance(x, y);
                pairs++;
            }
        return pairs == 0 ? double.PositiveInfinity : sum / pairs;
    }
}

/// <summary>What tracking one video gave the library: its tracks analysis, and its faces (one per person of the video; null when faces are not analysed).</summary>
internal sealed record VideoTracking(AnalysisRecord Record, IReadOnlyList<FaceRecord>? Faces, double Seconds);

/// <summary>
/// Tracks the objects and faces of a video for the library (<see cref="LibrarySettings.VideoFramesPerSecond"/>,
/// up to <see cref="LibrarySettings.VideoMaxSeconds"/>): the library's own detect and faces tasks, prepared for
/// tracking as <c>sightline video</c> prepares them, over the sampled frames. Each face of the video is cut, for its
/// thumbnail, from the frame its best track saw it best in, kept next to the video's thumbnails.
/// </summary>
internal sealed class VideoTracker
{
    private readonly LibrarySettings _settings;
    private readonly ThumbnailStore _thumbnails;
    private readonly IReadOnlyList<ChosenTask> _chosen;
    private readonly VideoRun? _run;
    private readonly SemaphoreSlim _building = new(1, 1);
    private (AnalysisPipeline Pipeline, string Version)? _built;

    public VideoTracker(LibrarySettings settings, ThumbnailStore thumbnails)
    {
        _settings = settings;
        _thumbnails = thumbnails;
        _chosen = LibraryTasks.Choose(settings)
            .Where(c => c.Entry.Name.Equals(DetectTask.TaskName, StringComparison.OrdinalIgnoreCase) || c.Entry.Name.Equals(FacesTask.TaskName, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (settings.VideoFramesPerSecond > 0 && _chosen.Count > 0)
            _run = VideoTasks.Prepare(_chosen, FrameSampling.Rate(settings.VideoFramesPerSecond), TrackerOptions.Default);
    }

    public bool Enabled => _run is not null;

    public async Task<VideoTracking> TrackAsync(VideoInfo info, string contentHash, TaskContext context, ImageContext images, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var run = _run ?? throw new InvalidOperationException("video tracking is off in this library's settings");
        var start = Stopwatch.GetTimestamp();
        var (pipeline, version) = await BuildAsync(run, context, images, cancellationToken).ConfigureAwait(false);
        var analyzer = new VideoAnalyzer(pipeline, run.Options with { MaxSeconds = _settings.VideoMaxSeconds, InterpolateGaps = false });

        // The best frame of each face track so far, as the preview JPEG its face is cut from.
        var bestFrames = new Dictionary<int, (float Rank, byte[] Jpeg)>();
        Task Each(VideoFrame frame, FrameAnalysis analysis)
        {
            if (analysis.Tracks?.GetValueOrDefault(FacesTask.TaskName) is { Count: > 0 } tracked
                && analysis.Results.GetValueOrDefault(FacesTask.TaskName) is FacesResult faces)
            {
                byte[]? jpeg = null;
                foreach (var t in tracked)
                {
                    if (t.DetectionIndex < 0 || t.DetectionIndex >= faces.Faces.Count)
                        continue;
                    var rank = VideoAnalyzer.FaceRank(faces.Faces[t.DetectionIndex]);
                    // Strictly better only: of equal ranks the first frame, as the analyser's summary picks it.
                    if (bestFrames.TryGetValue(t.TrackId, out var held) && held.Rank >= rank)
                        continue;
                    jpeg ??= _thumbnails.EncodeFrame(frame.Pixels);
                    bestFrames[t.TrackId] = (rank, jpeg);
                }
            }
            return Task.CompletedTask;
        }

        var result = await analyzer.AnalyzeAsync(info, images.Limits, Each, null, cancellationToken).ConfigureAwait(false);
        var descriptorModel = result.Frames.Select(f => f.Results.GetValueOrDefault(FacesTask.TaskName)).OfType<FacesResult>()
            .Select(ResultMapper.DescriptorModel).FirstOrDefault(m => m is not null);

        List<FaceRecord>? faces = null;
        var faceTracks = new List<VideoFaceTrack>();
        if (result.FaceTracks is { } summaries)
        {
            faces = [];
            foreach (var person in VideoPeople.Merge(summaries, PeopleDefaults.ThresholdFor(descriptorModel ?? "")))
            {
                var members = person.Select(i => summaries[i]).ToList();
                // The person's face: that of the track whose best face ranks highest (the earliest of equals).
                var best = members.Where(m => m.BestFace is not null).OrderByDescending(m => VideoAnalyzer.FaceRank(m.BestFace!)).ThenBy(m => m.BestFaceTime).FirstOrDefault();
                if (best is null)
                    continue;
                var index = faces.Count;
                faceTracks.AddRange(members.Select(m => new VideoFaceTrack(index, m.Track.TrackId, m.Track.FirstTime, m.Track.LastTime, m.Track.BestTime, m.Track.Frames)));
                var face = ResultMapper.Face(best.BestFace!, index, descriptorModel) with
                {
                    Descriptor = MeanDescriptor(members),
                    FrameTime = best.BestFaceTime,
                };
                faces.Add(face with { DescriptorModel = face.Descriptor is null ? null : descriptorModel });
                if (bestFrames.TryGetValue(best.Track.TrackId, out var frame))
                    _thumbnails.WriteFrame(contentHash, index, frame.Jpeg);
            }
        }

        var mostAtOnce = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var frame in result.Frames)
            if (frame.Tracks?.GetValueOrDefault(DetectTask.TaskName) is { } objects)
                foreach (var group in objects.GroupBy(o => o.ClassName.ToLowerInvariant()))
                    mostAtOnce[group.Key] = Math.Max(mostAtOnce.GetValueOrDefault(group.Key), group.Count());

        var analysed = result.Frames.Count == 0 ? 0 : result.Frames[^1].Time;
        var whole = info.Duration <= 0 || !(info.Duration > _settings.VideoMaxSeconds);
        var stored = new VideoTracksResult(result.Sampling, result.FrameCount, whole && info.Duration > 0 ? info.Duration : analysed, whole,
            result.ObjectTracks ?? [], faceTracks, mostAtOnce);
        var record = new AnalysisRecord(VideoTracksResult.TaskName, version, JsonSerializer.Serialize(stored, AnalysisJson.Options), now);
        return new VideoTracking(record, faces, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    /// <summary>A person's descriptor in a video: the mean of their tracks' descriptors, weighed by the frames each was averaged over.</summary>
    private static float[]? MeanDescriptor(IReadOnlyList<FaceTrackSummary> members)
    {
        var with = members.Where(m => m.Descriptor is not null && m.DescriptorFrames > 0).ToList();
        if (with.Count == 0)
            return null;
        var mean = new float[with[0].Descriptor!.Length];
        float total = with.Sum(m => m.DescriptorFrames);
        foreach (var m in with)
            for (var i = 0; i < mean.Length; i++)
                mean[i] += m.Descriptor![i] * m.DescriptorFrames / total;
        return mean;
    }

    private async Task<(AnalysisPipeline Pipeline, string Version)> BuildAsync(VideoRun run, TaskContext context, ImageContext images, CancellationToken cancellationToken)
    {
        if (_built is { } built)
            return built;
        await _building.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_built is { } again)
                return again;
            var tasks = await TaskSelection.CreateAsync(run.Tasks, context, cancellationToken).ConfigureAwait(false);
            // What decides the tracks: the tasks with their tracking options, the models, the sampling and the tracker.
            var options = string.Join('\n', run.Tasks.Select(t => $"{t.Entry.Name.ToLowerInvariant()}={AnalysisVersions.CanonicalJson(t.Options)}")
                .Append(AnalysisVersions.CanonicalJson(run.Options.Tracking!))
                .Append(FormattableString.Invariant($"fps={_settings.VideoFramesPerSecond};max={_settings.VideoMaxSeconds}")));
            var version = AnalysisVersions.Of(VideoTracksResult.TaskName, tasks.SelectMany(t => t.ModelIds), options);
            _built = built = (new AnalysisPipeline(tasks, images.Limits, images.Options), version);
            return built;
        }
        finally
        {
            _building.Release();
        }
    }
}
