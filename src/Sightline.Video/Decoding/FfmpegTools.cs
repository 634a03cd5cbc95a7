using System.ComponentModel;
using System.Diagnostics;

namespace Sightline.Video.Decoding;

/// <summary>
/// Where ffmpeg and ffprobe are found: on the PATH, or where SIGHTLINE_FFMPEG and SIGHTLINE_FFPROBE point.
/// Videos are read and written by these programs (Debian's ffmpeg package), raw frames over pipes.
/// </summary>
public static class FfmpegTools
{
    public static string Ffmpeg => Environment.GetEnvironmentVariable("SIGHTLINE_FFMPEG") is { Length: > 0 } path ? path : "ffmpeg";

    public static string Ffprobe => Environment.GetEnvironmentVariable("SIGHTLINE_FFPROBE") is { Length: > 0 } path ? path : "ffprobe";

    /// <summary>Starts a tool with redirected streams; a missing tool is a <see cref="VideoErrorKind.ToolMissing"/> error.</summary>
    internal static Process Start(string tool, IEnumerable<string> arguments, string path, bool redirectInput = false)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        try
        {
            return Process.Start(start) ?? throw new VideoException(VideoErrorKind.ToolMissing, path, $"{tool} did not start");
        }
        catch (Win32Exception e)
        {
            throw new VideoException(VideoErrorKind.ToolMissing, path,
                $"{tool} cannot be run ({e.Message}); videos are read with ffmpeg: install it (apt-get install ffmpeg) or set SIGHTLINE_FFMPEG and SIGHTLINE_FFPROBE");
        }
    }

    /// <summary>Runs ffmpeg to its end (quiet, overwriting its output); a failure is an exception quoting ffmpeg.</summary>
    public static void Run(IEnumerable<string> arguments)
    {
        using var process = Start(Ffmpeg, ["-hide_banner", "-nostdin", "-v", "error", "-y", .. arguments], "ffmpeg");
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"ffmpeg failed: {errors.Result}");
    }

    /// <summary>Stops a tool and what it started; nothing is left running.</summary>
    internal static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
        process.WaitForExit();
    }
}
