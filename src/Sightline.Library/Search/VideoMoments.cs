using System.Text.Json;

namespace Sightline.Library.Search;

/// <summary>A stretch of a video where what the search asked for is seen: from and to (seconds), and what: an object class or a person.</summary>
public sealed record VideoMoment(double Start, double End, string What, long? PersonId = null);

/// <summary>What the store holds of a video for its moments: its tracks analysis (JSON, null when not tracked) and the person of each of its faces.</summary>
public sealed record VideoTrackRows(long MediaId, string? TracksJson, IReadOnlyList<(int FaceIndex, long PersonId)> FacePeople);

/// <summary>
/// When in a video the searched objects and people are seen: the object tracks of each class searched for and the
/// face tracks of each person searched for, as time ranges, those of one class or person that touch or lie closer
/// than <see cref="JoinGap"/> joined into one, in time order.
/// </summary>
public static class VideoMoments
{
    /// <summary>Two stretches this close (seconds) read as one: a track broken for a moment is one appearance.</summary>
    public const double JoinGap = 2.0;

    public static IReadOnlyList<VideoMoment> Of(VideoTrackRows video, IReadOnlyCollection<string> labels, IReadOnlyDictionary<long, string> people)
    {
        ArgumentNullException.ThrowIfNull(video);
        if (video.TracksJson is null || (labels.Count == 0 && people.Count == 0))
            return [];
        var spans = new List<VideoMoment>();
        try
        {
            using var document = JsonDocument.Parse(video.TracksJson);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return [];
            if (labels.Count > 0 && root.TryGetProperty("objects", out var objects) && objects.ValueKind == JsonValueKind.Array)
                foreach (var track in objects.EnumerateArray())
                    if (Text(track, "className")?.ToLowerInvariant() is { } label && labels.Contains(label) && Span(track) is var (start, end))
                        spans.Add(new VideoMoment(start, end, label));
            if (people.Count > 0 && root.TryGetProperty("faces", out var faces) && faces.ValueKind == JsonValueKind.Array)
            {
                var personOf = video.FacePeople.ToDictionary(f => f.FaceIndex, f => f.PersonId);
                foreach (var track in faces.EnumerateArray())
                    if (track.TryGetProperty("faceIndex", out var index) && index.TryGetInt32(out var faceIndex)
                        && personOf.TryGetValue(faceIndex, out var person) && people.TryGetValue(person, out var name) && Span(track) is var (start, end))
                        spans.Add(new VideoMoment(start, end, name, person));
            }
        }
        catch (JsonException)
        {
            // A damaged analysis gives no moments; the video is still found.
            return [];
        }
        return Join(spans);
    }

    /// <summary>The spans of each class or person joined where they touch or lie within <see cref="JoinGap"/>, all in order of start.</summary>
    public static IReadOnlyList<VideoMoment> Join(IEnumerable<VideoMoment> spans)
    {
        var joined = new List<VideoMoment>();
        foreach (var group in spans.GroupBy(s => (s.What, s.PersonId)))
        {
            VideoMoment? open = null;
            foreach (var span in group.OrderBy(s => s.Start))
            {
                if (open is not null && span.Start - open.End <= JoinGap)
                {
                    open = open with { End = Math.Max(open.End, span.End) };
                    continue;
                }
                if (open is not null)
                    joined.Add(open);
                open = span;
            }
            if (open is not null)
                joined.Add(open);
        }
        return joined.OrderBy(m => m.Start).ThenBy(m => m.What, StringComparer.Ordinal).ToList();
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static (double Start, double End)? Span(JsonElement track) =>
        track.TryGetProperty("firstTime", out var first) && first.TryGetDouble(out var start)
        && track.TryGetProperty("lastTime", out var last) && last.TryGetDouble(out var end) && double.IsFinite(start) && double.IsFinite(end) && end >= start
            ? (start, end)
            : null;
}
