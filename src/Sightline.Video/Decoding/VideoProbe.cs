using System.Globalization;
using System.Text.Json;
using Sightline.Imaging;

namespace Sightline.Video.Decoding;

/// <summary>Reads what a video is with ffprobe, and refuses what is not a usable video with the reason.</summary>
public static class VideoProbe
{
    /// <summary>File extensions taken for videos when folders are scanned.</summary>
    public static IReadOnlySet<string> Extensions { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".flv", ".3gp", ".mts", ".m2ts", ".ts",
    };

    public static async Task<VideoInfo> ProbeAsync(string path, ImageLimits? limits = null, CancellationToken cancellationToken = default)
    {
        limits ??= ImageLimits.Default;
        if (Directory.Exists(path))
            return ImageSequence.Probe(path, limits);
        if (!File.Exists(path))
            throw new VideoException(VideoErrorKind.NotFound, path, "no such file");
        if (new FileInfo(path).Length == 0)
            throw new VideoException(VideoErrorKind.NoFrames, path, "the file is empty (0 bytes)");
        using var process = FfmpegTools.Start(FfmpegTools.Ffprobe,
            ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "--", path], path);
        string output, error;
        try
        {
            var outputTask = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errorTask = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            output = await outputTask.ConfigureAwait(false);
            error = await errorTask.ConfigureAwait(false);
        }
        finally
        {
            FfmpegTools.Stop(process);
        }
        if (process.ExitCode != 0)
            throw new VideoException(VideoErrorKind.NotAVideo, path, $"not a video ffmpeg can read: {LastLine(error)}");
        return Parse(path, output, limits);
    }

    /// <summary>The description from ffprobe's JSON (<c>-show_format -show_streams</c>).</summary>
    internal static VideoInfo Parse(string path, string json, ImageLimits limits)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var container = root.TryGetProperty("format", out var format) && format.TryGetProperty("format_name", out var name) ? name.GetString() ?? "" : "";
        // A still image (JPEG, PNG, ...) is a one-frame "video" to ffmpeg; it is an image, not a video.
        if (container.EndsWith("_pipe", StringComparison.Ordinal) || container is "image2" or "gif" or "webp")
            throw new VideoException(VideoErrorKind.NotAVideo, path, $"this is an image ({container.Replace("_pipe", "", StringComparison.Ordinal)}), not a video");
        var streams = root.TryGetProperty("streams", out var list) ? list.EnumerateArray().ToList() : [];
        var video = streams.FirstOrDefault(s => Text(s, "codec_type") == "video" && !IsAttachedPicture(s));
        if (video.ValueKind != JsonValueKind.Object)
            throw new VideoException(VideoErrorKind.NoVideoStream, path, "the file has no video stream" + (container.Length > 0 ? $" (container {container})" : ""));
        var width = video.TryGetProperty("width", out var w) ? w.GetInt32() : 0;
        var height = video.TryGetProperty("height", out var h) ? h.GetInt32() : 0;
        if (width <= 0 || height <= 0)
            throw new VideoException(VideoErrorKind.NotAVideo, path, "the video stream has no frame size");
        if ((long)width * height > limits.MaxPixels)
            throw new VideoException(VideoErrorKind.TooLarge, path, $"frames of {width}x{height} exceed the limit of {limits.MaxPixels:N0} pixels");
        var rotation = Rotation(video);
        if (rotation is 90 or 270)
            (width, height) = (height, width);
        var rate = Rate(Text(video, "avg_frame_rate")) ?? Rate(Text(video, "r_frame_rate")) ?? 0;
        var packets = Long(video, "nb_frames");
        if (packets == 0)
            throw new VideoException(VideoErrorKind.NoFrames, path, "the video stream has no frames");
        var duration = Double(video, "duration") ?? (format.ValueKind == JsonValueKind.Object ? Double(format, "duration") : null) ?? 0;
        if (rate <= 0 && packets is > 0 && duration > 0)
            rate = packets.Value / duration;
        var hasAudio = streams.Any(s => Text(s, "codec_type") == "audio");
        return new VideoInfo(path, width, height, rotation, duration, rate, packets, Text(video, "codec_name") ?? "", container, hasAudio);
    }

    private static bool IsAttachedPicture(JsonElement stream) =>
        stream.TryGetProperty("disposition", out var d) && d.TryGetProperty("attached_pic", out var a) && a.ValueKind == JsonValueKind.Number && a.GetInt32() == 1;

    /// <summary>Clockwise degrees the frames are turned for display: from the display matrix, or the older rotate tag.</summary>
    private static int Rotation(JsonElement stream)
    {
        double? degrees = null;
        if (stream.TryGetProperty("side_data_list", out var sides))
            foreach (var side in sides.EnumerateArray())
                if (side.TryGetProperty("rotation", out var r) && r.ValueKind == JsonValueKind.Number)
                    degrees = r.GetDouble();
        if (degrees is null && stream.TryGetProperty("tags", out var tags) && tags.TryGetProperty("rotate", out var tag)
            && double.TryParse(tag.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var t))
            degrees = -t;
        // The display matrix gives counter-clockwise degrees; users and the rotate tag speak clockwise.
        var clockwise = (int)Math.Round(-(degrees ?? 0));
        return ((clockwise % 360) + 360) % 360;
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Long(JsonElement e, string name) =>
        Text(e, name) is { } s && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static double? Double(JsonElement e, string name) =>
        Text(e, name) is { } s && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;

    internal static double? Rate(string? fraction)
    {
        if (string.IsNullOrEmpty(fraction))
            return null;
        var parts = fraction.Split('/');
        if (parts.Length == 2 && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0 && n > 0)
            return n / d;
        return null;
    }

    internal static string LastLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "no reason given" : lines[^1];
    }
}
