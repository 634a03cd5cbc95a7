using System.Globalization;

namespace Sightline.Video.Decoding;

public enum SamplingMode
{
    /// <summary>Every frame.</summary>
    All,
    /// <summary>A fixed rate, frames per second of video time.</summary>
    Rate,
    /// <summary>Every n-th frame, from the first.</summary>
    EveryNth,
    /// <summary>The first frame and each frame whose scene-change score (0-1, ffmpeg's) exceeds the value.</summary>
    SceneChanges,
}

/// <summary>Which frames of a video are analysed.</summary>
public sealed record FrameSampling(SamplingMode Mode, double Value = 0)
{
    public static FrameSampling All { get; } = new(SamplingMode.All);

    public static FrameSampling Rate(double framesPerSecond) =>
        framesPerSecond is > 0 and <= 1000 ? new(SamplingMode.Rate, framesPerSecond)
            : throw new ArgumentOutOfRangeException(nameof(framesPerSecond), framesPerSecond, "frames per second must lie in (0, 1000]");

    public static FrameSampling EveryNth(int n) =>
        n >= 1 ? new(SamplingMode.EveryNth, n) : throw new ArgumentOutOfRangeException(nameof(n), n, "every n-th frame needs n of at least 1");

    public static FrameSampling SceneChanges(double threshold) =>
        threshold is > 0 and < 1 ? new(SamplingMode.SceneChanges, threshold)
            : throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "the scene-change threshold lies in (0, 1)");

    /// <summary>
    /// The sampling a user asked for with at most one of a rate, every n-th or a scene threshold (none: every frame);
    /// an <see cref="ArgumentException"/> whose ParamName is the option (fps, every or scenes) otherwise.
    /// </summary>
    public static FrameSampling Choose(double? fps, int? every, double? scenes)
    {
        if (new[] { fps is not null, every is not null, scenes is not null }.Count(x => x) > 1)
            throw new ArgumentException("choose one of fps, every and scenes", "fps");
        var option = fps is not null ? "fps" : every is not null ? "every" : "scenes";
        try
        {
            return fps is { } f ? Rate(f) : every is { } n ? EveryNth(n) : scenes is { } s ? SceneChanges(s) : All;
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"{option}: {e.Message.Split(" (Parameter")[0]}", option);
        }
    }

    /// <summary>How many frames of <paramref name="video"/> this sampling takes, when that can be known before reading it.</summary>
    public long? ExpectedFrames(VideoInfo video) => Mode switch
    {
        SamplingMode.All => video.FrameCount,
        SamplingMode.EveryNth => video.FrameCount is { } n ? (long)Math.Ceiling(n / Value) : null,
        SamplingMode.Rate when video.Duration > 0 => (long)Math.Ceiling(video.Duration * Math.Min(Value, video.FrameRate)),
        _ => null,
    };

    /// <summary>The ffmpeg filter that picks the frames, or null for every frame.</summary>
    public string? Filter => Mode switch
    {
        SamplingMode.Rate => string.Create(CultureInfo.InvariantCulture, $"fps={Value:0.######}"),
        SamplingMode.EveryNth => string.Create(CultureInfo.InvariantCulture, $"select='not(mod(n\\,{(int)Value}))'"),
        SamplingMode.SceneChanges => string.Create(CultureInfo.InvariantCulture, $"select='eq(n\\,0)+gt(scene\\,{Value:0.####})'"),
        _ => null,
    };

    /// <summary>About how many frames per second reach the analysis; scene changes come when they come, so one a second is assumed.</summary>
    public double SampledRate(double videoRate) => Mode switch
    {
        SamplingMode.Rate => Math.Min(Value, videoRate),
        SamplingMode.EveryNth => videoRate / Value,
        SamplingMode.SceneChanges => 1,
        _ => videoRate,
    };

    /// <summary>Whether frame <paramref name="index"/> (at <paramref name="time"/> seconds) of an image sequence at <paramref name="rate"/> is taken; <paramref name="last"/> is the time of the last one taken.</summary>
    internal bool Takes(long index, double time, double rate, double? last) => Mode switch
    {
        SamplingMode.All => true,
        SamplingMode.EveryNth => index % (long)Value == 0,
        // A frame per 1 / Value seconds: the first frame at or after each tick.
        SamplingMode.Rate => last is null || Math.Floor(time * Value + 1e-9) > Math.Floor(last.Value * Value + 1e-9),
        _ => throw new NotSupportedException("scene changes are found by ffmpeg; image sequences take every frame, a rate or every n-th"),
    };

    public string Describe() => Mode switch
    {
        SamplingMode.Rate => string.Create(CultureInfo.InvariantCulture, $"{Value:0.##} frames per second"),
        SamplingMode.EveryNth => $"every {(int)Value}th frame",
        SamplingMode.SceneChanges => string.Create(CultureInfo.InvariantCulture, $"scene changes above {Value:0.##}"),
        _ => "every frame",
    };
}
