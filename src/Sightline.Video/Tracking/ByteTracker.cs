using Sightline.Vision.Detection;

namespace Sightline.Video.Tracking;

/// <summary>One detection handed to the tracker: its box, score and class, and its position in the frame's result.</summary>
public readonly record struct TrackInput(BoundingBox Box, float Score, string ClassName, int Index);

/// <summary>
/// A confirmed track in one frame: its id, class, the filtered box, and the detection it was matched to (-1 for
/// none); <see cref="Interpolated"/> marks a box filled in across a short gap, between two frames that saw it.
/// </summary>
public sealed record TrackedObject(int TrackId, string ClassName, float Score, BoundingBox Box, int DetectionIndex,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)] bool Interpolated = false);

/// <summary>What one track did over the video: when it was first and last seen, in how many frames, and its best frame (highest score).</summary>
public sealed record TrackSummary(int TrackId, string ClassName, long FirstFrame, double FirstTime, long LastFrame, double LastTime, int Frames,
    long BestFrame, double BestTime, float BestScore, BoundingBox BestBox)
{
    public double Duration => LastTime - FirstTime;
}

public enum TrackState
{
    Tracked,
    Lost,
    Removed,
}

/// <summary>A track as the tracker holds it between frames.</summary>
public sealed class Track
{
    internal Track(BoxState state, TrackInput first, int step)
    {
        State = state;
        ClassName = first.ClassName;
        Score = first.Score;
        StartStep = step;
        LastStep = step;
    }

    /// <summary>0 until confirmed; ids are given in order of confirmation, from 1.</summary>
    public int Id { get; internal set; }
    public string ClassName { get; }
    public BoxState State { get; }
    public TrackState Status { get; internal set; } = TrackState.Tracked;
    public bool Confirmed => Id > 0;
    public float Score { get; internal set; }
    internal int StartStep { get; }
    internal int LastStep { get; set; }
    internal int MatchedIndex { get; set; } = -1;
    public BoundingBox Box => State.Box;
}

/// <summary>
/// A ByteTrack-style multi-object tracker (Zhang et al., 2022): a constant-velocity Kalman filter per track, the
/// confident detections matched to live and lost tracks by score-weighted IoU, then the doubtful ones to the tracks
/// still unmatched, new tracks confirmed by a second hit, and lost tracks kept through short gaps. A confident
/// detection continues only a track of its class; a doubtful one may continue any track, which keeps its class. Call <see cref="Update"/> once per analysed frame, in order.
/// </summary>
public sealed class ByteTracker
{
    private readonly TrackerOptions _options;
    private readonly int _maxLostSteps;
    private readonly double _secondsPerStep;
    private readonly List<Track> _tracked = [];
    private readonly List<Track> _lost = [];
    private readonly Dictionary<int, SummaryBuilder> _summaries = [];
    private int _step;
    private int _nextId = 1;

    /// <param name="framesPerSecond">How many frames per second reach the tracker (after sampling), to turn <see cref="TrackerOptions.MaxLostSeconds"/> into frames.</param>
    public ByteTracker(TrackerOptions? options = null, double framesPerSecond = 30)
    {
        _options = options ?? TrackerOptions.Default;
        _options.Validate();
        if (!(framesPerSecond > 0) || double.IsInfinity(framesPerSecond))
            throw new ArgumentOutOfRangeException(nameof(framesPerSecond), framesPerSecond, "frames per second must be a positive number");
        _maxLostSteps = Math.Max(_options.MinLostFrames, (int)Math.Round(_options.MaxLostSeconds * framesPerSecond));
        _secondsPerStep = 1 / framesPerSecond;
    }

    public TrackerOptions Options => _options;

    /// <summary>The most frames a lost track is kept for: <see cref="TrackerOptions.MaxLostSeconds"/> at this tracker's frame rate, at least <see cref="TrackerOptions.MinLostFrames"/>.</summary>
    public int MaxLostFrames => _maxLostSteps;

    /// <summary>Every confirmed track so far, by id.</summary>
    public IReadOnlyList<TrackSummary> Summaries => _summaries.Values.Select(s => s.Build()).OrderBy(s => s.TrackId).ToList();

    /// <summary>Feeds one frame's detections; returns the confirmed tracks seen in it.</summary>
    public IReadOnlyList<TrackedObject> Update(IReadOnlyList<TrackInput> detections, long frame = -1, double time = double.NaN)
    {
        _step++;
        if (frame < 0)
            frame = _step - 1;
        var high = detections.Where(d => d.Score >= _options.HighScore).ToList();
        var low = detections.Where(d => d.Score >= _options.LowScore && d.Score < _options.HighScore).ToList();

        var unconfirmed = _tracked.Where(t => !t.Confirmed).ToList();
        var pool = _tracked.Where(t => t.Confirmed).Concat(_lost).ToList();
        foreach (var track in pool)
        {
            // A lost track's height change is not trusted to go on (ByteTrack zeroes it before predicting).
            if (track.Status != TrackState.Tracked)
                track.State.Mean[7] = 0;
            KalmanBoxFilter.Predict(track.State);
        }
        foreach (var track in unconfirmed)
            KalmanBoxFilter.Predict(track.State);
        foreach (var track in pool.Concat(unconfirmed))
            track.MatchedIndex = -1;

        var activated = new List<Track>();

        // 1. Confident detections against live and lost tracks; IoU weighed by the detection's score.
        var first = Associate(pool, high, _options.MatchIou, fuseScore: _options.FuseScore);
        foreach (var (t, d) in first.Matches)
            Hit(pool[t], high[d], activated);

        // 2. Doubtful detections against the live tracks still unmatched; those left are lost.
        var remaining = first.UnmatchedTracks.Select(i => pool[i]).Where(t => t.Status == TrackState.Tracked).ToList();
        // A doubtful box's class is as doubtful as its score (a small walker seen as a traffic light, then a
        // person): here only where it sits matters, and the track keeps its class.
        var second = Associate(remaining, low, _options.LowMatchIou, fuseScore: false, anyClass: true);
        foreach (var (t, d) in second.Matches)
            Hit(remaining[t], low[d], activated);
        foreach (var i in second.UnmatchedTracks)
        {
            var track = remaining[i];
            if (track.Status != TrackState.Lost)
            {
                track.Status = TrackState.Lost;
                _lost.Add(track);
            }
        }
        _tracked.RemoveAll(t => t.Status == TrackState.Lost);

        // 3. Tracks born last frame against the confident detections left; unconfirmed ones not seen again go.
        var left = first.UnmatchedDetections.Select(i => high[i]).ToList();
        var third = Associate(unconfirmed, left, _options.ConfirmIou, fuseScore: _options.FuseScore);
        foreach (var (t, d) in third.Matches)
            Hit(unconfirmed[t], left[d], activated);
        foreach (var i in third.UnmatchedTracks)
        {
            unconfirmed[i].Status = TrackState.Removed;
            _tracked.Remove(unconfirmed[i]);
        }

        // 4. New tracks from confident detections nobody claimed; on the first frame they count at once.
        foreach (var i in third.UnmatchedDetections)
        {
            var detection = left[i];
            if (detection.Score < _options.NewTrackScore)
                continue;
            var track = new Track(KalmanBoxFilter.Initiate(detection.Box), detection, _step) { MatchedIndex = detection.Index };
            if (_step == 1)
                track.Id = _nextId++;
            _tracked.Add(track);
            activated.Add(track);
        }

        // 5. Lost tracks unseen for too long are dropped; a lost one duplicating a live one goes to the older.
        foreach (var track in _lost.Where(t => t.Status == TrackState.Lost && _step - t.LastStep > _maxLostSteps))
            track.Status = TrackState.Removed;
        _lost.RemoveAll(t => t.Status != TrackState.Lost);
        RemoveDuplicates();

        var output = new List<TrackedObject>();
        foreach (var track in _tracked.Where(t => t.Confirmed && t.Status == TrackState.Tracked && t.LastStep == _step))
        {
            var box = track.Box;
            output.Add(new TrackedObject(track.Id, track.ClassName, track.Score, box, track.MatchedIndex));
            if (!_summaries.TryGetValue(track.Id, out var summary))
                _summaries[track.Id] = summary = new SummaryBuilder(track.Id, track.ClassName);
            summary.Add(frame, time, track.Score, box);
        }
        return output.OrderBy(o => o.TrackId).ToList();
    }

    private void Hit(Track track, TrackInput detection, List<Track> activated)
    {
        KalmanBoxFilter.Update(track.State, detection.Box);
        track.Score = detection.Score;
        track.LastStep = _step;
        track.MatchedIndex = detection.Index;
        if (track.Status == TrackState.Lost)
        {
            _lost.Remove(track);
            _tracked.Add(track);
        }
        track.Status = TrackState.Tracked;
        if (!track.Confirmed)
            track.Id = _nextId++;
        activated.Add(track);
    }

    private void RemoveDuplicates()
    {
        var dropLive = new HashSet<Track>();
        var dropLost = new HashSet<Track>();
        foreach (var live in _tracked)
            foreach (var lost in _lost)
            {
                if (live.ClassName != lost.ClassName || BoundingBox.IoU(live.Box, lost.Box) <= _options.DuplicateIou)
                    continue;
                if (_step - live.StartStep > _step - lost.StartStep)
                    dropLost.Add(lost);
                else
                    dropLive.Add(live);
            }
        foreach (var t in dropLive.Concat(dropLost))
            t.Status = TrackState.Removed;
        _tracked.RemoveAll(dropLive.Contains);
        _lost.RemoveAll(dropLost.Contains);
    }

    private readonly record struct Association(IReadOnlyList<(int Track, int Detection)> Matches, IReadOnlyList<int> UnmatchedTracks, IReadOnlyList<int> UnmatchedDetections);

    /// <summary>Least-cost pairs by IoU distance (1 - IoU, or 1 - IoU x score), none at or above 1 - <paramref name="minIou"/>.</summary>
    private Association Associate(IReadOnlyList<Track> tracks, IReadOnlyList<TrackInput> detections, float minIou, bool fuseScore, bool anyClass = false)
    {
        var cost = new double[tracks.Count, detections.Count];
        for (var t = 0; t < tracks.Count; t++)
        {
            var box = tracks[t].Box;
            var buffer = Math.Min(TrackerOptions.MaxBuffer, _options.BufferPerSecond * (_step - tracks[t].LastStep) * _secondsPerStep);
            for (var d = 0; d < detections.Count; d++)
            {
                var iou = anyClass || tracks[t].ClassName == detections[d].ClassName ? BufferedIoU(box, detections[d].Box, (float)buffer) : 0;
                cost[t, d] = 1 - (fuseScore ? iou * detections[d].Score : iou);
            }
        }
        // ByteTrack keeps pairs whose distance is at most the threshold; the assignment keeps those below the
        // limit, so the limit sits a hair above it.
        var assignment = LinearAssignment.Match(cost, 1 - minIou + 1e-9);
        var matches = new List<(int, int)>();
        var usedDetections = new bool[detections.Count];
        var unmatchedTracks = new List<int>();
        for (var t = 0; t < tracks.Count; t++)
        {
            if (assignment[t] >= 0)
            {
                matches.Add((t, assignment[t]));
                usedDetections[assignment[t]] = true;
            }
            else
            {
                unmatchedTracks.Add(t);
            }
        }
        var unmatchedDetections = Enumerable.Range(0, detections.Count).Where(d => !usedDetections[d]).ToList();
        return new Association(matches, unmatchedTracks, unmatchedDetections);
    }

    /// <summary>IoU of the two boxes each widened on every side by <paramref name="buffer"/> times its own larger side.</summary>
    internal static float BufferedIoU(BoundingBox a, BoundingBox b, float buffer) =>
        buffer <= 0 ? BoundingBox.IoU(a, b) : BoundingBox.IoU(Widen(a, buffer), Widen(b, buffer));

    private static BoundingBox Widen(BoundingBox box, float buffer)
    {
        var margin = buffer * Math.Max(box.Width, box.Height);
        return new BoundingBox(box.X - margin, box.Y - margin, box.Width + 2 * margin, box.Height + 2 * margin);
    }

    private sealed class SummaryBuilder(int id, string className)
    {
        private long _firstFrame = -1, _lastFrame, _bestFrame;
        private double _firstTime, _lastTime, _bestTime;
        private float _bestScore = float.NegativeInfinity;
        private BoundingBox _bestBox;
        private int _frames;

        public void Add(long frame, double time, float score, BoundingBox box)
        {
            if (_firstFrame < 0)
            {
                _firstFrame = frame;
                _firstTime = time;
            }
            _lastFrame = frame;
            _lastTime = time;
            _frames++;
            if (score > _bestScore)
            {
                _bestScore = score;
                _bestFrame = frame;
                _bestTime = time;
                _bestBox = box;
            }
        }

        public TrackSummary Build() => new(id, className, _firstFrame, _firstTime, _lastFrame, _lastTime, _frames, _bestFrame, _bestTime, _bestScore, _bestBox);
    }
}
