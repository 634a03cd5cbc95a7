namespace Sightline.Video.Decoding;

/// <summary>Why a video cannot be used; each has its own error code for the CLI and the API.</summary>
public enum VideoErrorKind
{
    NotFound,
    NotAVideo,
    NoVideoStream,
    NoFrames,
    Truncated,
    TooLarge,
    DecodeFailed,
    ToolMissing,
}

/// <summary>A video that cannot be read, naming the file and the reason.</summary>
public sealed class VideoException(VideoErrorKind kind, string path, string reason) : Exception($"{path}: {reason}")
{
    public VideoErrorKind Kind { get; } = kind;
    public string Path { get; } = path;
    public string Reason { get; } = reason;

    /// <summary>The error code of the API and of --json: video_not_found, not_a_video, no_video_stream, ...</summary>
    public string Code => Kind switch
    {
        VideoErrorKind.NotFound => "video_not_found",
        VideoErrorKind.NotAVideo => "not_a_video",
        VideoErrorKind.NoVideoStream => "no_video_stream",
        VideoErrorKind.NoFrames => "no_frames",
        VideoErrorKind.Truncated => "video_truncated",
        VideoErrorKind.TooLarge => "video_too_large",
        VideoErrorKind.DecodeFailed => "video_decode_failed",
        _ => "ffmpeg_missing",
    };
}
