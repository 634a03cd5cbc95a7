using Sightline.Vision.Detection;
using Sightline.Vision.Pipeline;

namespace Sightline.Video.Tracking;

/// <summary>
/// How the ByteTrack-style tracker associates detections. Detections scoring at least <see cref="HighScore"/> are
/// matched to tracks first; those between <see cref="LowScore"/> and it (an occluded or blurred object the
/// detector doubts) may only continue a track left unmatched, never start one. A new track needs
/// <see cref="NewTrackScore"/> and is confirmed by a second detection in the next frame (from the first frame
/// on, at once). A track without detections is kept, its motion predicted, for <see cref="MaxLostSeconds"/>,
/// so an object hidden for a moment comes back with its id.
/// </summary>
public sealed record TrackerOptions : TaskOptions
{
    /// <summary>
    /// The detector's working point (<see cref="DetectOptions.DefaultMinScore"/>, where its F1 on coco128 peaks):
    /// above it a box is as likely right as the detector's shown boxes; ByteTrack's own 0.5 is YOLOX's score scale.
    /// </summary>
    public float HighScore { get; init; } = DetectOptions.DefaultMinScore;

    /// <summary>ByteTrack's floor for the second association: below 0.1 boxes are mostly background.</summary>
    public float LowScore { get; init; } = 0.1f;

    /// <summary>ByteTrack's rule: a new track needs 0.1 more than an association does, so doubtful boxes do not start tracks.</summary>
    public float NewTrackScore { get; init; } = DetectOptions.DefaultMinScore + 0.1f;

    /// <summary>The least IoU between a track's predicted box and a confident detection (ByteTrack's 0.8 distance), weighed by the detection's score.</summary>
    public float MatchIou { get; init; } = 0.2f;

    /// <summary>The least IoU for a doubtful detection: it needs to sit where the track is expected (ByteTrack's 0.5).</summary>
    public float LowMatchIou { get; init; } = 0.5f;

    /// <summary>The least IoU for confirming a new track in its second frame (ByteTrack's 0.7 distance).</summary>
    public float ConfirmIou { get; init; } = 0.3f;

    /// <summary>
    /// Weigh IoU by the detection's score in the first association (ByteTrack on MOT17). Off by default: it suits
    /// a detector whose confident boxes score near 1; CenterNet's right boxes of small people score 0.3-0.5,
    /// and the product then falls below any sane IoU bound, so tracks broke where the boxes were right.
    /// </summary>
    public bool FuseScore { get; init; }

    /// <summary>How long a lost track waits to be found again: ByteTrack's 30 frames at 30 frames per second.</summary>
    public double MaxLostSeconds { get; init; } = 1.0;

    /// <summary>
    /// However few frames a second are analysed, a lost track waits this many of them: a detector misses an object
    /// in a frame as often at 2 frames per second as at 30, while 1 s would be 2 frames there.
    /// </summary>
    public int MinLostFrames { get; init; } = 3;

    /// <summary>
    /// Motion the Kalman filter does not foresee (a turn, a stop, a walker's sway, the detector's jitter) grows with
    /// the time between the frames compared: before IoU, both boxes are widened on each side by this fraction of the
    /// object's larger side per second since the track was last seen (the buffered IoU of C-BIoU, Yang et al.,
    /// 2023, scaled by time). At 30 frames per second that is 1 % of the size, and IoU is as ByteTrack's; at 2
    /// frames per second a walker moves about a body width between frames, and plain IoU would be 0. Set from a
    /// walker's pace, about 0.8 body heights a second, half of which the motion model leaves unexplained.
    /// </summary>
    public double BufferPerSecond { get; init; } = 0.4;

    /// <summary>The most a box is widened, on each side, as a fraction of its larger side.</summary>
    public const double MaxBuffer = 0.5;

    /// <summary>A lost track and a live one this close (IoU) are one object twice; the older keeps its id.</summary>
    public float DuplicateIou { get; init; } = 0.85f;

    public static TrackerOptions Default { get; } = new();

    /// <summary>
    /// These options around a detector's working point <paramref name="highScore"/>: confident boxes at least that,
    /// new tracks 0.1 more (ByteTrack's rule), and the low score no higher than it.
    /// </summary>
    public TrackerOptions AtScore(float highScore) => this with
    {
        HighScore = highScore,
        NewTrackScore = Math.Min(1, highScore + 0.1f),
        LowScore = Math.Min(LowScore, highScore),
    };

    public override void Validate()
    {
        InRange("lowScore", LowScore, 0, 1);
        InRange("highScore", HighScore, 0, 1);
        InRange("newTrackScore", NewTrackScore, 0, 1);
        if (LowScore > HighScore)
            throw new TaskOptionsException("lowScore", $"lowScore ({LowScore}) must not exceed highScore ({HighScore})");
        AboveAndAtMost("matchIou", MatchIou, 0, 1);
        AboveAndAtMost("lowMatchIou", LowMatchIou, 0, 1);
        AboveAndAtMost("confirmIou", ConfirmIou, 0, 1);
        AboveAndAtMost("duplicateIou", DuplicateIou, 0, 1);
        if (MinLostFrames is < 1 or > 1000)
            throw new TaskOptionsException("minLostFrames", $"minLostFrames must lie in [1, 1000], got {MinLostFrames}");
        if (!(BufferPerSecond >= 0 && BufferPerSecond <= 10))
            throw new TaskOptionsException("bufferPerSecond", $"bufferPerSecond must lie in [0, 10], got {BufferPerSecond}");
        if (!(MaxLostSeconds >= 0 && MaxLostSeconds <= 3600))
            throw new TaskOptionsException("maxLostSeconds", $"maxLostSeconds must lie in [0, 3600], got {MaxLostSeconds}");
    }
}
