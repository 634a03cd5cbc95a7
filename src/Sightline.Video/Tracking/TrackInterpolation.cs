using Sightline.Vision.Detection;

namespace Sightline.Video.Tracking;

/// <summary>
/// Fills a track's short gaps once the whole video is known: where a track was seen, then missed for at most
/// <c>maxGap</c> analysed frames (the tracker kept it alive through them), then seen again, the missed frames get
/// boxes interpolated linearly between the two sightings, marked <see cref="TrackedObject.Interpolated"/>. This is
/// ByteTrack's offline step for MOTChallenge; a longer gap stays empty.
/// </summary>
public static class TrackInterpolation
{
    /// <param name="frames">The tracks of each analysed frame, in order.</param>
    public static IReadOnlyList<IReadOnlyList<TrackedObject>> Fill(IReadOnlyList<IReadOnlyList<TrackedObject>> frames, int maxGap)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxGap);
        var result = frames.Select(f => f.ToList()).ToList();
        var seen = new Dictionary<int, (int Position, TrackedObject Track)>();
        for (var position = 0; position < frames.Count; position++)
        {
            foreach (var track in frames[position])
            {
                if (seen.TryGetValue(track.TrackId, out var last))
                {
                    var gap = position - last.Position - 1;
                    if (gap > 0 && gap <= maxGap)
                        for (var k = 1; k <= gap; k++)
                        {
                            var t = (float)k / (gap + 1);
                            result[last.Position + k].Add(new TrackedObject(track.TrackId, track.ClassName, Lerp(last.Track.Score, track.Score, t),
                                Lerp(last.Track.Box, track.Box, t), -1, Interpolated: true));
                        }
                }
                seen[track.TrackId] = (position, track);
            }
        }
        return result.Select(f => (IReadOnlyList<TrackedObject>)f.OrderBy(t => t.TrackId).ToList()).ToList();
    }

    private static float Lerp(float a, float b, float t) => a + (b - a) * t;

    private static BoundingBox Lerp(BoundingBox a, BoundingBox b, float t) =>
        new(Lerp(a.X, b.X, t), Lerp(a.Y, b.Y, t), Lerp(a.Width, b.Width, t), Lerp(a.Height, b.Height, t));
}
