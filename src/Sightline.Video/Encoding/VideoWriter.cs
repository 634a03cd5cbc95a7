using System.Globalization;
using System.Runtime.InteropServices;
using Sightline.Video.Decoding;
using SkiaSharp;

namespace Sightline.Video.Encoding;

/// <summary>
/// Encodes frames into an H.264 MP4 with ffmpeg (raw RGBA over a pipe). The video is written beside its target
/// under a temporary name and moved into place by <see cref="CompleteAsync"/>, so a failed or cancelled run leaves
/// no half-written file; disposing without completing deletes it and stops ffmpeg.
/// </summary>
public sealed class VideoWriter : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly string _target;
    private readonly string _temporary;
    private readonly Task<string> _errors;
    private readonly byte[] _buffer;
    private bool _completed;

    public VideoWriter(string path, int width, int height, double framesPerSecond)
    {
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"{width}x{height} is not a frame size");
        if (!(framesPerSecond > 0))
            throw new ArgumentOutOfRangeException(nameof(framesPerSecond), framesPerSecond, "frames per second must be positive");
        Width = width;
        Height = height;
        _target = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(_target)!;
        Directory.CreateDirectory(directory);
        _temporary = Path.Combine(directory, $".{Path.GetFileNameWithoutExtension(_target)}.{Environment.ProcessId}.partial{Path.GetExtension(_target)}");
        _buffer = new byte[width * height * 4];
        string[] arguments =
        [
            "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgba", "-s", $"{width}x{height}", "-r", framesPerSecond.ToString("0.######", CultureInfo.InvariantCulture), "-i", "pipe:0",
            // H.264 in 4:2:0 wants even sides; players everywhere read it.
            "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
            "-movflags", "+faststart", "-f", "mp4", _temporary,
        ];
        _process = FfmpegTools.Start(FfmpegTools.Ffmpeg, arguments, path, redirectInput: true);
        _errors = _process.StandardError.ReadToEndAsync();
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Appends one frame; it must have the writer's size.</summary>
    public async Task WriteAsync(SKBitmap frame, CancellationToken cancellationToken = default)
    {
        if (frame.Width != Width || frame.Height != Height)
            throw new ArgumentException($"the frame is {frame.Width}x{frame.Height}, the video {Width}x{Height}", nameof(frame));
        using var rgba = frame.ColorType == SKColorType.Rgba8888 && frame.AlphaType != SKAlphaType.Premul ? null : Convert(frame);
        var source = rgba ?? frame;
        Marshal.Copy(source.GetPixels(), _buffer, 0, _buffer.Length);
        try
        {
            await _process.StandardInput.BaseStream.WriteAsync(_buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            throw new VideoException(VideoErrorKind.DecodeFailed, _target, $"ffmpeg stopped encoding: {VideoProbe.LastLine(await _errors.ConfigureAwait(false))}");
        }
    }

    /// <summary>Finishes the file and moves it into place.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        _process.StandardInput.Close();
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var errors = await _errors.ConfigureAwait(false);
        if (_process.ExitCode != 0)
            throw new VideoException(VideoErrorKind.DecodeFailed, _target, $"ffmpeg could not encode the video: {VideoProbe.LastLine(errors)}");
        File.Move(_temporary, _target, overwrite: true);
        _completed = true;
    }

    private static SKBitmap Convert(SKBitmap frame)
    {
        var converted = new SKBitmap(new SKImageInfo(frame.Width, frame.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using var canvas = new SKCanvas(converted);
        canvas.Clear(SKColors.Black);
        using var image = SKImage.FromBitmap(frame);
        canvas.DrawImage(image, 0, 0, SKSamplingOptions.Default);
        return converted;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
                // ffmpeg has gone already.
            }
            FfmpegTools.Stop(_process);
            try
            {
                await _errors.ConfigureAwait(false);
            }
            catch (IOException)
            {
            }
            if (File.Exists(_temporary))
                File.Delete(_temporary);
        }
        _process.Dispose();
    }
}
