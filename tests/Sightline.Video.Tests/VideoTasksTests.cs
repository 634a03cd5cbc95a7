using Sightline.Analysis;
using Sightline.Faces;
using Sightline.Video.Decoding;
using Sightline.Video.Tracking;
using Sightline.Vision.Detection;

namespace Sightline.Video.Tests;

public class VideoTasksTests
{
    [Fact]
    public void Tracking_runs_the_detector_down_to_the_low_score_around_the_chosen_min_score_and_keeps_face_descriptors()
    {
        var chosen = TaskSelection.Choose(BuiltInTasks.Registry, "detect,faces,embed", [new("detect.minScore", "0.5")]);
        var run = VideoTasks.Prepare(chosen, FrameSampling.Rate(5), TrackerOptions.Default);
        Assert.Equal(0.1f, ((DetectTaskOptions)run.Tasks[0].Options).MinScore);
        Assert.True(((FacesTaskOptions)run.Tasks[1].Options).Descriptors);
        Assert.Same(chosen[2].Options, run.Tasks[2].Options);
        var tracking = run.Options.Tracking!;
        Assert.Equal((0.5f, 0.6f, 0.1f), (tracking.HighScore, tracking.NewTrackScore, tracking.LowScore), new ScoreComparer());
        Assert.Equal(0.5f, run.Options.ShownMinScore);
        Assert.Equal(FrameSampling.Rate(5), run.Options.Sampling);
    }

    [Fact]
    public void Without_tracking_the_tasks_run_as_chosen()
    {
        var chosen = TaskSelection.Choose(BuiltInTasks.Registry, "detect,faces", [new("detect.minScore", "0.5")]);
        var run = VideoTasks.Prepare(chosen, FrameSampling.All, null);
        Assert.Same(chosen, run.Tasks);
        Assert.Null(run.Options.Tracking);
        Assert.Null(run.Options.ShownMinScore);
    }

    [Fact]
    public void A_working_point_below_the_low_score_lowers_it_too()
    {
        var options = TrackerOptions.Default.AtScore(0.05f);
        Assert.Equal((0.05f, 0.05f), (options.HighScore, options.LowScore));
        Assert.Equal(0.15f, options.NewTrackScore, 5);
        Assert.Equal(1f, TrackerOptions.Default.AtScore(0.95f).NewTrackScore);
    }

    private sealed class ScoreComparer : IEqualityComparer<(float, float, float)>
    {
        public bool Equals((float, float, float) a, (float, float, float) b) =>
            Math.Abs(a.Item1 - b.Item1) < 1e-6 && Math.Abs(a.Item2 - b.Item2) < 1e-6 && Math.Abs(a.Item3 - b.Item3) < 1e-6;

        public int GetHashCode((float, float, float) value) => 0;
    }
}
