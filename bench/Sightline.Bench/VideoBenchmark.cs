using System.Diagnostics;
using System.Globalization;
using Sightline.Analysis;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Video;
using Sightline.Video.Decoding;
using Sightline.Video.Tracking;
using Sightline.Vision.Pipeline;

namespace Sightline.Bench;

/// <summary>
/// Video speed on this machine's cores: a 720p H.264 clip (the shared one-person walk scaled to 1280x720, --seconds
/// of it) decoded alone (Sightline's frame pipe against ffmpeg decoding to nothing, the peer), then detection with
/// tracking for each detector, faces with tracking, every frame and 5 frames per second; frames per second and the
/// real-time factor (video seconds per second of work). Options: --seconds 8, --json out.json.
/// </summary>
public static class VideoBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = BenchHarness.IntOption(args, "--seconds", 8);
        var source = Path.Combine(BenchHarness.SharedData(), "video", "clips", "oneperson.mp4");
        if (!File.Exists(source))
        {
            Console.Error.WriteLine($"the video benchmark needs {source} (set SIGHTLINE_DATA)");
            return 2;
        }
        var folder = Directory.CreateTempSubdirectory("sightline-bench-video-").FullName;
        try
        {
            var clip = Path.Combine(folder, "walk-720p.mp4");
            Ffmpeg(["-i", source, "-t", seconds.ToString(CultureInfo.InvariantCulture), "-vf", "scale=1280:720", "-c:v", "libx264", "-preset", "fast", "-pix_fmt", "yuv420p", "-an", clip]);
            var info = await VideoProbe.ProbeAsync(clip);
            Console.WriteLine($"video benchmark: {info.Width}x{info.Height} H.264, {info.FrameCount} frames, {info.Duration:0.0} s at {info.FrameRate:0.##} fps; {BenchHarness.Machine()}");
            Console.WriteLine();
            Console.WriteLine("| run | frames | wall s | frames/s | real-time factor | decoding share | vs peer |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
            var rows = new List<object>();

            // Decoding alone: ffmpeg to nothing (the peer), then the frames through Sightline's pipe into bitmaps.
            var peer = Stopwatch.StartNew();
            Ffmpeg(["-i", clip, "-f", "null", "-"]);
            var peerSeconds = peer.Elapsed.TotalSeconds;
            var ours = Stopwatch.StartNew();
            var frames = 0;
            await foreach (var frame in VideoReader.ReadAsync(info))
            {
                frame.Dispose();
                frames++;
            }
            var oursSeconds = ours.Elapsed.TotalSeconds;
            Row(rows, "decode: ffmpeg to null (peer)", frames, peerSeconds, info.Duration, null, null);
            Row(rows, "decode: Sightline frames (RGBA over a pipe)", frames, oursSeconds, info.Duration, 1, peerSeconds / oursSeconds);

            using var engine = new InferenceEngine(new EngineOptions().ForConcurrentRuns());
            var store = new ModelStore();
            (string Label, string Tasks, KeyValuePair<string, string>[] Settings, FrameSampling Sampling)[] runs =
            [
                ("detect centernet + track, every frame", "detect", [new("detect.model", "centernet")], FrameSampling.All),
                ("detect nanodet + track, every frame", "detect", [new("detect.model", "nanodet")], FrameSampling.All),
                ("faces + track, every frame", "faces", [], FrameSampling.All),
                ("detect centernet + track, 5 fps", "detect", [new("detect.model", "centernet")], FrameSampling.Rate(5)),
                ("faces + track, 5 fps", "faces", [], FrameSampling.Rate(5)),
            ];
            foreach (var run in runs)
            {
                await using var context = TaskContext.Create(store, engine);
                // As 'sightline video ... --track' runs them: detection down to the tracker's low score, faces with descriptors.
                var prepared = VideoTasks.Prepare(TaskSelection.Choose(BuiltInTasks.Registry, run.Tasks, run.Settings), run.Sampling, TrackerOptions.Default);
                var tasks = await TaskSelection.CreateAsync(prepared.Tasks, context);
                var pipeline = new AnalysisPipeline(tasks);
                var analyzer = new VideoAnalyzer(pipeline, prepared.Options);
                // A warm-up on a few frames loads the models.
                await new VideoAnalyzer(pipeline, analyzer.Options with { Sampling = FrameSampling.EveryNth(60) }).AnalyzeAsync(info);
                var watch = Stopwatch.StartNew();
                var result = await analyzer.AnalyzeAsync(info);
                var wall = watch.Elapsed.TotalSeconds;
                Row(rows, run.Label, result.FrameCount, wall, info.Duration, result.Timings.DecodeMs / result.Timings.TotalMs, null);
            }
            Console.WriteLine();
            Console.WriteLine("A real-time factor of 1 keeps up with the video as it plays; decoding share is the part of the wall time spent waiting for frames.");
            Console.WriteLine($"command: {BenchHarness.CommandLine(args)}");
            BenchHarness.WriteJson(BenchHarness.Option(args, "--json"), rows);
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Row(List<object> rows, string label, int frames, double wall, double videoSeconds, double? decodeShare, double? vsPeer)
    {
        var fps = frames / wall;
        var realTime = videoSeconds / wall;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {frames} | {wall:0.00} | {fps:0.0} | {realTime:0.00}x | {(decodeShare is { } d ? $"{d * 100:0} %" : "")} | {(vsPeer is { } v ? $"{v:0.00}x" : "")} |"));
        rows.Add(new { run = label, frames, wallSeconds = wall, framesPerSecond = fps, realTimeFactor = realTime, decodeShare, versusPeer = vsPeer });
    }

    private static void Ffmpeg(IEnumerable<string> arguments) => FfmpegTools.Run(arguments);
}
