using Sightline.Video.Tracking;
using Sightline.Vision.Detection;

namespace Sightline.Video.Tests.Tracking;

public class TrackInterpolationTests
{
    private static TrackedObject At(int id, float x) => new(id, "person", 0.8f, new BoundingBox(x, 0, 10, 20), 0);

    [Fact]
    public void Fills_a_short_gap_linearly_and_marks_the_boxes()
    {
        IReadOnlyList<IReadOnlyList<TrackedObject>> frames = [[At(1, 0)], [], [], [At(1, 30)]];
        var filled = TrackInterpolation.Fill(frames, maxGap: 2);
        Assert.Equal(10, filled[1].Single().Box.X, 4);
        Assert.Equal(20, filled[2].Single().Box.X, 4);
        Assert.True(filled[1].Single().Interpolated);
        Assert.Equal(-1, filled[1].Single().DetectionIndex);
        Assert.False(filled[3].Single().Interpolated);
    }

    [Fact]
    public void Leaves_a_longer_gap_and_the_ends_of_a_track_alone()
    {
        IReadOnlyList<IReadOnlyList<TrackedObject>> frames = [[], [At(1, 0)], [], [], [], [At(1, 40)], []];
        var filled = TrackInterpolation.Fill(frames, maxGap: 2);
        Assert.Equal([0, 1, 0, 0, 0, 1, 0], filled.Select(f => f.Count));
    }

    [Fact]
    public void Each_track_is_filled_on_its_own()
    {
        IReadOnlyList<IReadOnlyList<TrackedObject>> frames = [[At(1, 0), At(2, 100)], [At(2, 102)], [At(1, 20), At(2, 104)]];
        var filled = TrackInterpolation.Fill(frames, maxGap: 5);
        Assert.Equal(new[] { 1, 2 }, filled[1].Select(t => t.TrackId));
        Assert.Equal(10, filled[1][0].Box.X, 4);
    }
}
