using Sightline.Library.Ingestion;
using Sightline.Video;
using Sightline.Video.Tracking;
using Sightline.Vision.Detection;

namespace Sightline.Library.Tests.Ingestion;

public class VideoPeopleTests
{
    private static float[] Near(float[] centre, float offset) => centre.Select((v, i) => i == 0 ? v + offset : v).ToArray();

    private static FaceTrackSummary Track(int id, long first, long last, float[]? descriptor) =>
        new(new TrackSummary(id, "face", first, first / 10.0, last, last / 10.0, (int)(last - first + 1), first, first / 10.0, 0.9f, new BoundingBox(0, 0, 10, 10)),
            descriptor, descriptor is null ? 0 : 3, null);

    private static readonly float[] Anna = [1, 0, 0, 0];
    private static readonly float[] Ben = [0, 1, 0, 0];

    [Fact]
    public void Tracks_of_one_person_at_different_times_become_one_and_two_people_stay_two()
    {
        // Anna twice (she left the picture and came back), Ben once, overlapping Anna's first track.
        var tracks = new[] { Track(1, 0, 50, Anna), Track(2, 20, 80, Ben), Track(3, 100, 150, Near(Anna, 0.1f)) };
        var people = VideoPeople.Merge(tracks, threshold: 0.55f);
        Assert.Equal([[0, 2], [1]], people.Select(p => p.ToArray()).ToArray());
    }

    [Fact]
    public void Two_faces_seen_in_the_same_frame_are_two_people_however_alike()
    {
        // Twins: near descriptors, but on screen together.
        var tracks = new[] { Track(1, 0, 50, Anna), Track(2, 40, 90, Near(Anna, 0.05f)) };
        Assert.Equal(2, VideoPeople.Merge(tracks, 0.55f).Count);
    }

    [Fact]
    public void A_track_without_a_descriptor_or_beyond_the_cut_stays_alone()
    {
        var tracks = new[] { Track(1, 0, 10, Anna), Track(2, 20, 30, null), Track(3, 40, 50, Near(Anna, 0.6f)) };
        var people = VideoPeople.Merge(tracks, 0.55f);
        Assert.Equal(3, people.Count);
        Assert.Equal([0, 1, 2], people.Select(p => p.Single()).ToArray());
    }

    [Fact]
    public void Merging_stops_where_the_mean_distance_of_the_groups_reaches_the_cut()
    {
        // A chain a-b-c with steps of 0.4: a and b merge (0.4), then the pair's mean distance to c is (0.8 + 0.4) / 2 = 0.6.
        var tracks = new[] { Track(1, 0, 10, Anna), Track(2, 20, 30, Near(Anna, 0.4f)), Track(3, 40, 50, Near(Anna, 0.8f)) };
        Assert.Equal(2, VideoPeople.Merge(tracks, 0.55f).Count);
        Assert.Single(VideoPeople.Merge(tracks, 0.65f));
    }
}
