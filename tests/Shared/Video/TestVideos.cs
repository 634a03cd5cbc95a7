using System.Diagnostics;

namespace Sightline.Tests.Shared;

/// <summary>Videos made with ffmpeg for a test, in a folder removed afterwards.</summary>
public sealed class TestVideos : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("sightline-video-").FullName;

    public string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>Runs ffmpeg with <paramref name="arguments"/> (the output path last) and returns that path.</summary>
    public string Make(string name, params string[] arguments)
    {
        var path = PathOf(name);
        Ffmpeg([.. arguments, path]);
        return path;
    }

    /// <summary>ffmpeg's test pattern: <paramref name="frames"/> frames of <paramref name="width"/> x <paramref name="height"/> at <paramref name="rate"/> per second, H.264.</summary>
    public string Pattern(string name, int frames = 20, int width = 64, int height = 48, int rate = 10, bool fastStart = false) =>
        Make(name, ["-f", "lavfi", "-i", $"testsrc=size={width}x{height}:rate={rate}", "-frames:v", $"{frames}", "-c:v", "libx264", "-pix_fmt", "yuv420p",
            .. fastStart ? new[] { "-movflags", "+faststart" } : []]);

    public static void Ffmpeg(IEnumerable<string> arguments) => Sightline.Video.Decoding.FfmpegTools.Run(arguments);

    /// <summary>ffmpeg processes whose command line names <paramref name="path"/>.</summary>
    public static int RunningOn(string path) => Directory.EnumerateDirectories("/proc").Count(dir =>
    {
        try
        {
            var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
            return cmdline.StartsWith("ffmpeg", StringComparison.Ordinal) && cmdline.Contains(path, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    });

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary>Tests that start ffmpeg run one after another (the machine has two cores).</summary>
[CollectionDefinition(Name)]
public sealed class FfmpegCollection
{
    public const string Name = "ffmpeg";
}
