using Sightline.Video.Tracking;
using Sightline.Vision.Detection;

namespace Sightline.Video.Tests.Tracking;

public class ByteTrackerTests
{
    private static TrackInput Person(float x, float y, float score = 0.8f, int index = 0, string cls = "person") => new(new BoundingBox(x, y, 40, 100), score, cls, index);

    [Fact]
    public void Two_people_crossing_paths_keep_their_ids()
    {
        var tracker = new ByteTracker();
        var random = new Random(3);
        var idsOfA = new HashSet<int>();
        var idsOfB = new HashSet<int>();
        for (var f = 0; f < 60; f++)
        {
            // A walks right, B walks left, a row apart so that they pass without hiding each other.
            float Noise() => (float)(random.NextDouble() * 2 - 1);
            var a = Person(10 + 6 * f + Noise(), 50 + Noise(), 0.8f, 0);
            var b = Person(370 - 6 * f + Noise(), 170 + Noise(), 0.7f, 1);
            // The detector lists them in either order.
            var tracked = tracker.Update(f % 2 == 0 ? [a, b] : [b with { Index = 0 }, a with { Index = 1 }]);
            Assert.Equal(2, tracked.Count);
            foreach (var t in tracked)
                (t.Box.Y < 120 ? idsOfA : idsOfB).Add(t.TrackId);
        }
        Assert.Single(idsOfA);
        Assert.Single(idsOfB);
        Assert.NotEqual(idsOfA.Single(), idsOfB.Single());
        Assert.Equal(2, tracker.Summaries.Count);
        Assert.All(tracker.Summaries, s => Assert.Equal(60, s.Frames));
    }

    [Fact]
    public void A_track_missed_for_a_short_gap_comes_back_with_its_id_and_a_long_gap_gives_a_new_one()
    {
        var tracker = new ByteTracker(new TrackerOptions { MaxLostSeconds = 0.2 }, framesPerSecond: 30); // 6 frames
        int IdAt(int f) => tracker.Update([Person(100 + 2 * f, 50)]).Single().TrackId;
        var first = IdAt(0);
        for (var f = 1; f < 10; f++)
            Assert.Equal(first, IdAt(f));
        // Hidden for 4 frames: the motion model carries it on.
        for (var f = 10; f < 14; f++)
            Assert.Empty(tracker.Update([]));
        Assert.Equal(first, IdAt(14));
        // Hidden for 10 frames: the track is dropped; the person comes back as a new, unconfirmed track.
        for (var f = 15; f < 25; f++)
            tracker.Update([]);
        Assert.Empty(tracker.Update([Person(150, 50)]));
        var second = tracker.Update([Person(152, 50)]).Single().TrackId;
        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData(0.4, 1)]
    [InlineData(0.0, 2)]
    public void At_two_frames_a_second_a_walker_moving_a_body_width_between_frames_keeps_one_id_with_the_motion_buffer(double bufferPerSecond, int expectedIds)
    {
        // A walker 100 px tall, 40 px wide, sampled every 0.5 s: 45 px a step, with a stop and a turn that the
        // constant-velocity model does not foresee; without the buffer the boxes of neighbouring frames do not touch.
        var tracker = new ByteTracker(new TrackerOptions { BufferPerSecond = bufferPerSecond }, framesPerSecond: 2);
        float[] xs = [0, 45, 90, 135, 135, 135, 90, 45, 0, -45];
        var ids = new HashSet<int>();
        foreach (var x in xs)
            foreach (var t in tracker.Update([Person(200 + x, 50)]))
                ids.Add(t.TrackId);
        if (expectedIds == 1)
            Assert.Single(ids);
        else
            Assert.True(ids.Count >= expectedIds, $"without the buffer the walker should break into tracks, got {ids.Count}");
    }

    [Fact]
    public void Buffered_iou_widens_both_boxes_by_their_larger_side_and_is_plain_iou_without_a_buffer()
    {
        var a = new BoundingBox(0, 0, 40, 100);
        var b = new BoundingBox(50, 0, 40, 100);
        Assert.Equal(0, ByteTracker.BufferedIoU(a, b, 0));
        // Each widened by 20 px a side: 80 x 140 boxes, 50 px apart, overlap 30 x 140.
        Assert.Equal(30f * 140 / (2 * 80 * 140 - 30 * 140), ByteTracker.BufferedIoU(a, b, 0.2f), 4);
    }

    [Fact]
    public void At_a_low_frame_rate_a_lost_track_still_waits_the_least_number_of_frames()
    {
        // 1 s at 2 frames a second would be 2 frames; it waits 3.
        var tracker = new ByteTracker(new TrackerOptions(), framesPerSecond: 2);
        Assert.Equal(3, tracker.MaxLostFrames);
        var id = tracker.Update([Person(100, 50)]).Single().TrackId;
        for (var f = 0; f < 3; f++)
            Assert.Empty(tracker.Update([]));
        Assert.Equal(id, tracker.Update([Person(100, 50)]).Single().TrackId);
    }

    [Fact]
    public void A_doubtful_detection_continues_a_track_but_never_starts_one()
    {
        var tracker = new ByteTracker();
        var id = tracker.Update([Person(100, 50)]).Single().TrackId;
        // Occluded: the score drops under the high threshold, and the class flips, as small objects' do.
        var continued = tracker.Update([Person(102, 50, 0.15f, 0, "traffic light")]);
        Assert.Equal(id, continued.Single().TrackId);
        Assert.Equal("person", continued.Single().ClassName);
        // Far from every track, a doubtful box starts nothing, however often it appears.
        for (var f = 0; f < 5; f++)
            Assert.DoesNotContain(tracker.Update([Person(104 + 2 * f, 50), Person(400, 300, 0.2f, 1)]), t => t.Box.X > 300);
    }

    [Fact]
    public void A_confident_detection_of_another_class_does_not_continue_a_track()
    {
        var tracker = new ByteTracker();
        var person = tracker.Update([Person(100, 50)]).Single().TrackId;
        tracker.Update([Person(101, 50, 0.9f, 0, "dog")]);
        var next = tracker.Update([Person(102, 50, 0.9f, 0, "dog")]);
        Assert.DoesNotContain(next, t => t.TrackId == person);
        Assert.Equal("dog", next.Single().ClassName);
    }

    [Fact]
    public void Tracks_after_the_first_frame_are_confirmed_by_a_second_hit()
    {
        var tracker = new ByteTracker();
        tracker.Update([Person(10, 10)]);
        var second = tracker.Update([Person(12, 10), Person(300, 10, 0.9f, 1)]);
        Assert.Single(second);
        var third = tracker.Update([Person(14, 10), Person(302, 10, 0.9f, 1)]);
        Assert.Equal(2, third.Count);
        Assert.Equal(new[] { 1, 2 }, third.Select(t => t.TrackId));
        // A one-frame false detection never gets an id.
        tracker.Update([Person(16, 10), Person(304, 10, 0.9f, 1), Person(200, 200, 0.9f, 2)]);
        var fifth = tracker.Update([Person(18, 10), Person(306, 10, 0.9f, 1)]);
        Assert.Equal(new[] { 1, 2 }, fifth.Select(t => t.TrackId));
    }

    [Fact]
    public void A_detection_too_weak_to_start_a_track_starts_none()
    {
        var tracker = new ByteTracker(new TrackerOptions { HighScore = 0.3f, NewTrackScore = 0.5f });
        for (var f = 0; f < 5; f++)
            Assert.Empty(tracker.Update([Person(10 + f, 10, 0.4f)]));
    }

    [Fact]
    public void Summaries_give_first_and_last_time_and_the_best_frame()
    {
        var tracker = new ByteTracker(framesPerSecond: 10);
        for (var f = 0; f < 10; f++)
            tracker.Update([Person(10 + f, 10, f == 6 ? 0.95f : 0.6f)], frame: 100 + f, time: f / 10.0);
        var summary = tracker.Summaries.Single();
        Assert.Equal(100, summary.FirstFrame);
        Assert.Equal(109, summary.LastFrame);
        Assert.Equal(0.9, summary.LastTime, 9);
        Assert.Equal(106, summary.BestFrame);
        Assert.Equal(0.95f, summary.BestScore);
    }

    [Fact]
    public void Options_out_of_range_are_refused_naming_the_option()
    {
        var e = Assert.Throws<Sightline.Vision.Pipeline.TaskOptionsException>(() => new ByteTracker(new TrackerOptions { LowScore = 0.6f, HighScore = 0.5f }));
        Assert.Contains("lowScore", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ByteTracker(framesPerSecond: 0));
    }
}
