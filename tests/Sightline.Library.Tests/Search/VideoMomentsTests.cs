using Sightline.Library.Search;

namespace Sightline.Library.Tests.Search;

public class VideoMomentsTests
{
    private const string Tracks = """
        {"objects": [
            {"trackId": 1, "className": "dog", "firstTime": 2.0, "lastTime": 5.0},
            {"trackId": 2, "className": "dog", "firstTime": 6.5, "lastTime": 9.0},
            {"trackId": 3, "className": "dog", "firstTime": 20.0, "lastTime": 21.0},
            {"trackId": 4, "className": "car", "firstTime": 0.0, "lastTime": 30.0}],
         "faces": [
            {"faceIndex": 0, "trackId": 1, "firstTime": 1.0, "lastTime": 3.0},
            {"faceIndex": 1, "trackId": 2, "firstTime": 4.0, "lastTime": 8.0},
            {"faceIndex": 0, "trackId": 3, "firstTime": 12.0, "lastTime": 14.0}]}
        """;

    private static readonly VideoTrackRows Video = new(7, Tracks, [(0, 42L), (1, 43L)]);

    [Fact]
    public void A_class_is_seen_where_its_tracks_are_with_short_breaks_joined()
    {
        var moments = VideoMoments.Of(Video, new HashSet<string> { "dog" }, new Dictionary<long, string>());
        // 5.0 to 6.5 is a break of 1.5 s: one appearance; 9 to 20 are two.
        Assert.Equal([new VideoMoment(2, 9, "dog"), new VideoMoment(20, 21, "dog")], moments);
    }

    [Fact]
    public void A_person_is_seen_where_the_face_tracks_of_their_face_are()
    {
        var moments = VideoMoments.Of(Video, new HashSet<string>(), new Dictionary<long, string> { [42] = "Anna" });
        Assert.Equal([new VideoMoment(1, 3, "Anna", 42), new VideoMoment(12, 14, "Anna", 42)], moments);
    }

    [Fact]
    public void Moments_of_several_filters_come_in_time_order_and_a_video_without_tracks_has_none()
    {
        var moments = VideoMoments.Of(Video, new HashSet<string> { "car", "dog" }, new Dictionary<long, string> { [43] = "Ben" });
        Assert.Equal([0.0, 2, 4, 20], moments.Select(m => m.Start));
        Assert.Empty(VideoMoments.Of(Video with { TracksJson = null }, new HashSet<string> { "dog" }, new Dictionary<long, string>()));
        Assert.Empty(VideoMoments.Of(Video with { TracksJson = "{not json" }, new HashSet<string> { "dog" }, new Dictionary<long, string>()));
    }
}
