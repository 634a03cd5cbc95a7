using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Sightline.Imaging;
using SkiaSharp;

namespace Sightline.Video.Decoding;

/// <summary>
/// Streams a video's frames: ffmpeg decodes (rotation metadata applied, the sampling filter choosing the frames)
/// and writes raw RGBA frames to a pipe, with each frame's time from its showinfo line; no temporary files. A
/// folder is read as an image sequence. Leaving the loop early, cancelling or failing stops ffmpeg.
/// </summary>
public static class VideoReader
{
    public static IAsyncEnumerable<VideoFrame> ReadAsync(VideoInfo info, FrameSampling? sampling = null, ImageLimits? limits = null,
        CancellationToken cancellationToken = default)
    {
        sampling ??= FrameSampling.All;
        limits ??= ImageLimits.Default;
        return info.IsImageSequence
            ? ImageSequence.ReadAsync(info, sampling, limits, cancellationToken)
            : ReadVideoAsync(info, sampling, cancellationToken);
    }

    /// <summary>ffmpeg's arguments for reading <paramref name="info"/> with <paramref name="sampling"/>.</summary>
    internal static IReadOnlyList<string> Arguments(VideoInfo info, FrameSampling sampling)
    {
        var filters = sampling.Filter is { } f ? $"{f},showinfo" : "showinfo";
        return ["-hide_banner", "-nostdin", "-loglevel", "info", "-i", info.Path, "-map", "0:v:0", "-vf", filters,
            "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"];
    }

    private static async IAsyncEnumerable<VideoFrame> ReadVideoAsync(VideoInfo info, FrameSampling sampling,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var frameBytes = checked(info.Width * info.Height * 4);
        using var process = FfmpegTools.Start(FfmpegTools.Ffmpeg, Arguments(info, sampling), info.Path);
        var times = Channel.CreateUnbounded<(long N, double Time)>();
        var messages = new Queue<string>();
        var partial = false;
        var stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
            {
                if (line.Contains("Parsed_showinfo", StringComparison.Ordinal))
                {
                    if (ShowInfo(line) is { } entry)
                        times.Writer.TryWrite(entry);
                    continue;
                }
                // The demuxer's word for data that stops before the end the container declares.
                if (line.Contains("partial file", StringComparison.OrdinalIgnoreCase))
                    partial = true;
                lock (messages)
                {
                    messages.Enqueue(line.Trim());
                    if (messages.Count > 20)
                        messages.Dequeue();
                }
            }
            times.Writer.TryComplete();
        }, CancellationToken.None);
        var buffer = new byte[frameBytes];
        var stdout = process.StandardOutput.BaseStream;
        long read = 0;
        var completed = false;
        try
        {
            while (true)
            {
                var filled = await FillAsync(stdout, buffer, cancellationToken).ConfigureAwait(false);
                if (filled == 0)
                    break;
                if (filled < frameBytes)
                {
                    partial = true;
                    break;
                }
                var (n, time) = await times.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var bitmap = new SKBitmap(new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
                Marshal.Copy(buffer, 0, bitmap.GetPixels(), frameBytes);
                read++;
                yield return new VideoFrame(SourceIndex(sampling, n, time, info.FrameRate), time, bitmap);
            }
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            await stderr.ConfigureAwait(false);
            completed = true;
        }
        finally
        {
            FfmpegTools.Stop(process);
        }
        if (completed)
        {
            string Last()
            {
                lock (messages)
                    return messages.LastOrDefault(m => m.Length > 0) ?? "no reason given";
            }
            if (process.ExitCode != 0)
                throw new VideoException(read == 0 ? VideoErrorKind.NotAVideo : VideoErrorKind.DecodeFailed, info.Path,
                    read == 0 ? $"ffmpeg cannot decode it: {Last()}" : $"decoding failed after {read} frames: {Last()}");
            if (read == 0)
                throw new VideoException(VideoErrorKind.NoFrames, info.Path, "no frame could be decoded" + (sampling.Mode == SamplingMode.All ? "" : $" ({sampling.Describe()})"));
            if (partial)
                throw new VideoException(VideoErrorKind.Truncated, info.Path,
                    $"the file ends early: {read} frames decoded" + (info.FrameCount is { } total && sampling.Mode == SamplingMode.All ? $" of the {total} it declares" : "")
                    + string.Create(CultureInfo.InvariantCulture, $", up to {LastTime(read, info, sampling):0.##} s of {info.Duration:0.##} s"));
        }
    }

    private static double LastTime(long read, VideoInfo info, FrameSampling sampling) => read / Math.Max(1e-9, sampling.SampledRate(info.FrameRate));

    /// <summary>The frame's number in the whole video: exact when every frame or every n-th is taken, from its time otherwise.</summary>
    internal static long SourceIndex(FrameSampling sampling, long n, double time, double rate) => sampling.Mode switch
    {
        SamplingMode.All => n,
        SamplingMode.EveryNth => n * (long)sampling.Value,
        _ => rate > 0 ? (long)Math.Round(time * rate) : n,
    };

    /// <summary>The output number and time of a showinfo line ("n:   3 pts:  1536 pts_time:0.1 ...").</summary>
    internal static (long N, double Time)? ShowInfo(string line)
    {
        var n = Field(line, " n:");
        var time = Field(line, "pts_time:");
        if (n is null || time is null)
            return null;
        return long.TryParse(n, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index)
            && double.TryParse(time, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) ? (index, t) : null;
    }

    private static string? Field(string line, string name)
    {
        var at = line.IndexOf(name, StringComparison.Ordinal);
        if (at < 0)
            return null;
        var start = at + name.Length;
        while (start < line.Length && line[start] == ' ')
            start++;
        var end = start;
        while (end < line.Length && line[end] != ' ')
            end++;
        return end > start ? line[start..end] : null;
    }

    private static async Task<int> FillAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (n == 0)
                break;
            filled += n;
        }
        return filled;
    }
}
