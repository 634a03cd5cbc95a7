using Sightline.Video.Evaluation;
using Sightline.Vision.Detection;

namespace Sightline.Video.Tests.Evaluation;

/// <summary>Cases small enough to compute by hand with TrackEval's definitions.</summary>
public class TrackingMetricsTests
{
    private static readonly BoundingBox A = new(0, 0, 10, 10);
    private static readonly BoundingBox B = new(100, 0, 10, 10);

    private static MotRow Row(int frame, int id, BoundingBox box, float conf = 1) => new(frame, id, box, conf);

    [Fact]
    public void Perfect_tracks_score_one_everywhere()
    {
        var gt = Enumerable.Range(1, 5).SelectMany(f => new[] { Row(f, 1, A), Row(f, 2, B) }).ToList();
        var tr = gt.Select(r => r with { Id = r.Id + 10 }).ToList();
        var s = TrackingMetrics.Evaluate(gt, tr);
        Assert.Equal(1, s.Mota, 9);
        Assert.Equal(1, s.Motp, 9);
        Assert.Equal(1, s.Idf1, 9);
        Assert.Equal(1, s.Hota, 9);
        Assert.Equal(0, s.IdSwitches);
        Assert.Equal(2, s.MostlyTracked);
    }

    [Fact]
    public void One_identity_switch_halves_IDF1_and_association()
    {
        // One object over 4 frames, followed by tracker id 1 then id 2.
        var gt = Enumerable.Range(1, 4).Select(f => Row(f, 1, A)).ToList();
        List<MotRow> tr = [Row(1, 1, A), Row(2, 1, A), Row(3, 2, A), Row(4, 2, A)];
        var s = TrackingMetrics.Evaluate(gt, tr);
        Assert.Equal(1, s.IdSwitches);
        Assert.Equal((4 - 0 - 1) / 4.0, s.Mota, 9);
        // Best identity match: 2 of 4 frames; IDTP 2, IDFN 2, IDFP 2 -> 2 / (2 + 1 + 1).
        Assert.Equal(0.5, s.Idf1, 9);
        // Every alpha: DetA 1; AssA = (2 * 2/4 + 2 * 2/4) / 4 = 0.5; HOTA = sqrt(0.5).
        Assert.Equal(1, s.DetA, 9);
        Assert.Equal(0.5, s.AssA, 9);
        Assert.Equal(Math.Sqrt(0.5), s.Hota, 9);
        Assert.Equal(0, s.Fragmentations);
        var o = s.Objects.Single();
        Assert.Equal(4, o.Covered);
        Assert.Equal(0.5, o.MainTrackShare, 9);
    }

    [Fact]
    public void Misses_and_false_boxes_count_against_MOTA_and_a_gap_is_a_fragmentation()
    {
        var gt = Enumerable.Range(1, 4).Select(f => Row(f, 1, A)).ToList();
        // Frame 3 missed while a false box sits elsewhere, which shows again in frame 4.
        List<MotRow> tr = [Row(1, 7, A), Row(2, 7, A), Row(3, 8, B), Row(4, 7, A), Row(4, 8, B)];
        var s = TrackingMetrics.Evaluate(gt, tr);
        Assert.Equal((3, 1, 2), (s.TruePositives, s.FalseNegatives, s.FalsePositives));
        Assert.Equal(0, s.IdSwitches);
        Assert.Equal((3 - 2 - 0) / 4.0, s.Mota, 9);
        Assert.Equal(1, s.Fragmentations);
        // IDTP 3, IDFN 1, IDFP 2 (the false track's two boxes).
        Assert.Equal((3, 1, 2), (s.IdTruePositives, s.IdFalseNegatives, s.IdFalsePositives));
        Assert.Equal(3 / (3 + 1 + 0.5), s.Idf1, 9);
        Assert.Equal(0.75, s.Objects.Single().Coverage, 9);
    }

    [Fact]
    public void A_frame_without_any_tracker_box_does_not_break_the_run_as_TrackEval_counts_it()
    {
        // TrackEval keeps the last pairing across a frame where the tracker reports nothing, so no fragmentation.
        var gt = Enumerable.Range(1, 4).Select(f => Row(f, 1, A)).ToList();
        var s = TrackingMetrics.Evaluate(gt, [Row(1, 7, A), Row(2, 7, A), Row(4, 7, A)]);
        Assert.Equal(0, s.Fragmentations);
        Assert.Equal(1, s.FalseNegatives);
    }

    [Fact]
    public void Overlap_below_one_half_is_no_match_for_CLEAR_but_counts_for_low_HOTA_thresholds()
    {
        // IoU 1/3: the tracker's box is shifted by half its width.
        var shifted = new BoundingBox(5, 0, 10, 10);
        var s = TrackingMetrics.Evaluate([Row(1, 1, A)], [Row(1, 1, shifted)]);
        Assert.Equal(0, s.TruePositives);
        Assert.Equal(-1, s.Mota, 9);
        // Matched at alphas 0.05 .. 0.30 (6 of 19), where DetA and AssA are 1.
        Assert.Equal(6 / 19.0, s.Hota, 9);
        // LocA is 1/3 where matched and, as TrackEval has it, 1 where nothing is.
        Assert.Equal((6 / 3.0 + 13) / 19, s.LocA, 6);
    }

    [Fact]
    public void Tracker_boxes_on_ignored_ground_truth_are_removed_before_scoring()
    {
        List<MotRow> gt = [Row(1, 1, A), Row(1, 2, B, conf: 0)];
        List<MotRow> tr = [Row(1, 5, A), Row(1, 6, B)];
        var s = TrackingMetrics.Evaluate(gt, tr);
        Assert.Equal(0, s.FalsePositives);
        Assert.Equal(1, s.GroundTruthBoxes);
        Assert.Equal(1, s.Mota, 9);
    }

    [Fact]
    public void Sequences_combine_by_summing_counts()
    {
        var perfect = (IReadOnlyList<MotRow>)Enumerable.Range(1, 4).Select(f => Row(f, 1, A)).ToList();
        IReadOnlyList<MotRow> switched = [Row(1, 1, A), Row(2, 1, A), Row(3, 2, A), Row(4, 2, A)];
        var combined = TrackingMetrics.Combine([(perfect, perfect), (perfect, switched)]);
        Assert.Equal(2, combined.Sequences);
        Assert.Equal(1, combined.IdSwitches);
        Assert.Equal((8 - 1) / 8.0, combined.Mota, 9);
        // IDTP 4 + 2 of 8: 6 / (6 + 1 + 1).
        Assert.Equal(0.75, combined.Idf1, 9);
        // AssA weighted by true positives: (1 * 4 + 0.5 * 4) / 8.
        Assert.Equal(0.75, combined.AssA, 9);
    }

    [Fact]
    public void Nothing_tracked_scores_zero()
    {
        var s = TrackingMetrics.Evaluate([Row(1, 1, A), Row(2, 1, A)], []);
        Assert.Equal(0, s.Mota, 9);
        Assert.Equal(0, s.Idf1, 9);
        Assert.Equal(0, s.Hota, 9);
        Assert.Equal(2, s.FalseNegatives);
        Assert.Equal(1, s.MostlyLost);
    }
}
