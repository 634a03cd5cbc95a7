using Sightline.Imaging;
using Sightline.Tests.Shared;
using Sightline.Video.Decoding;
using SkiaSharp;

namespace Sightline.Video.Tests.Decoding;

[Collection(FfmpegCollection.Name)]
public sealed class VideoReaderTests : IDisposable
{
    private readonly TestVideos _videos = new();

    public void Dispose() => _videos.Dispose();

    private static async Task<List<(long Index, double Time, int Width, int Height, SKColor Corner)>> ReadAll(VideoInfo info, FrameSampling? sampling = null)
    {
        var frames = new List<(long, double, int, int, SKColor)>();
        await foreach (var frame in VideoReader.ReadAsync(info, sampling))
            using (frame)
                frames.Add((frame.Index, frame.Time, frame.Pixels.Width, frame.Pixels.Height, frame.Pixels.GetPixel(frame.Pixels.Width / 2, frame.Pixels.Height / 4)));
        return frames;
    }

    [Fact]
    public async Task Every_frame_comes_with_its_number_and_time()
    {
        var info = await VideoProbe.ProbeAsync(_videos.Pattern("p.mp4"));
        Assert.Equal(64, info.Width);
        Assert.Equal(10, info.FrameRate, 6);
        Assert.Equal(20, info.FrameCount);
        var frames = await ReadAll(info);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), frames.Select(f => f.Index));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i / 10.0), frames.Select(f => Math.Round(f.Time, 3)));
        Assert.All(frames, f => Assert.Equal((64, 48), (f.Width, f.Height)));
        // The test pattern's upper middle is coloured, not black: the pixels arrived.
        Assert.All(frames, f => Assert.True(f.Corner.Red + f.Corner.Green + f.Corner.Blue > 100));
    }

    [Fact]
    public async Task Sampling_picks_every_nth_frame_or_a_fixed_rate()
    {
        var info = await VideoProbe.ProbeAsync(_videos.Pattern("p.mp4"));
        var every = await ReadAll(info, FrameSampling.EveryNth(3));
        Assert.Equal(new long[] { 0, 3, 6, 9, 12, 15, 18 }, every.Select(f => f.Index));
        Assert.Equal(1.8, every[^1].Time, 3);
        var rate = await ReadAll(info, FrameSampling.Rate(5));
        Assert.Equal(10, rate.Count);
        Assert.Equal(new[] { 0.0, 0.2, 0.4 }, rate.Take(3).Select(f => Math.Round(f.Time, 3)));
        Assert.Equal(new long[] { 0, 2, 4 }, rate.Take(3).Select(f => f.Index));
    }

    [Fact]
    public async Task Rotation_metadata_turns_the_frames_upright()
    {
        var plain = _videos.Pattern("p.mp4");
        var rotated = _videos.Make("r.mp4", "-i", plain, "-c", "copy", "-metadata:s:v:0", "rotate=90");
        var info = await VideoProbe.ProbeAsync(rotated);
        Assert.Contains(info.Rotation, new[] { 90, 270 });
        Assert.Equal((48, 64), (info.Width, info.Height));
        var frames = await ReadAll(info);
        Assert.All(frames, f => Assert.Equal((48, 64), (f.Width, f.Height)));
    }

    [Fact]
    public async Task A_truncated_video_is_an_error_after_the_frames_it_holds()
    {
        var whole = _videos.Pattern("whole.mp4", frames: 200, width: 320, height: 240, fastStart: true);
        var bytes = await File.ReadAllBytesAsync(whole);
        var cut = _videos.PathOf("cut.mp4");
        await File.WriteAllBytesAsync(cut, bytes[..(bytes.Length / 2)]);
        var info = await VideoProbe.ProbeAsync(cut);
        var read = 0;
        var e = await Assert.ThrowsAsync<VideoException>(async () =>
        {
            await foreach (var frame in VideoReader.ReadAsync(info))
                using (frame)
                    read++;
        });
        Assert.Equal(VideoErrorKind.Truncated, e.Kind);
        Assert.InRange(read, 1, 199);
        Assert.Contains("ends early", e.Message);
        Assert.Contains("cut.mp4", e.Message);
        Assert.Equal(0, TestVideos.RunningOn(cut));
    }

    [Fact]
    public async Task A_video_cut_before_its_index_is_not_a_video_ffmpeg_can_read()
    {
        var whole = _videos.Pattern("whole.mp4", frames: 50);
        var bytes = await File.ReadAllBytesAsync(whole);
        var cut = _videos.PathOf("cut.mp4");
        await File.WriteAllBytesAsync(cut, bytes[..(bytes.Length / 2)]);
        var e = await Assert.ThrowsAsync<VideoException>(() => VideoProbe.ProbeAsync(cut));
        Assert.Equal(VideoErrorKind.NotAVideo, e.Kind);
        Assert.Contains("not a video ffmpeg can read", e.Message);
    }

    [Fact]
    public async Task Files_that_are_not_videos_are_refused_with_the_reason()
    {
        var text = _videos.PathOf("notes.mp4");
        await File.WriteAllTextAsync(text, "this is not a video");
        Assert.Equal(VideoErrorKind.NotAVideo, (await Assert.ThrowsAsync<VideoException>(() => VideoProbe.ProbeAsync(text))).Kind);

        var photo = _videos.Make("photo.jpg", "-f", "lavfi", "-i", "testsrc=size=32x32", "-frames:v", "1");
        var renamed = _videos.PathOf("photo.mp4");
        File.Move(photo, renamed);
        var image = await Assert.ThrowsAsync<VideoException>(() => VideoProbe.ProbeAsync(renamed));
        Assert.Equal(VideoErrorKind.NotAVideo, image.Kind);
        Assert.Contains("image", image.Reason);

        var audio = _videos.Make("sound.mp4", "-f", "lavfi", "-i", "sine=d=0.5");
        Assert.Equal(VideoErrorKind.NoVideoStream, (await Assert.ThrowsAsync<VideoException>(() => VideoProbe.ProbeAsync(audio))).Kind);

        var empty = _videos.PathOf("empty.mp4");
        await File.WriteAllBytesAsync(empty, []);
        Assert.Equal(VideoErrorKind.NoFrames, (await Assert.ThrowsAsync<VideoException>(() => VideoProbe.ProbeAsync(empty))).Kind);

        Assert.Equal(VideoErrorKind.NotFound, (await Assert.ThrowsAsync<VideoException>(() => VideoProbe.ProbeAsync(_videos.PathOf("missing.mp4")))).Kind);
    }

    [Fact]
    public async Task Leaving_the_loop_early_stops_ffmpeg()
    {
        var path = _videos.Pattern("long.mp4", frames: 3000, width: 320, height: 240, rate: 30);
        var info = await VideoProbe.ProbeAsync(path);
        var read = 0;
        await foreach (var frame in VideoReader.ReadAsync(info))
        {
            frame.Dispose();
            if (++read == 2)
                break;
        }
        Assert.Equal(0, TestVideos.RunningOn(path));
    }

    [Fact]
    public async Task A_missing_ffmpeg_is_named_with_how_to_install_it()
    {
        var e = Assert.Throws<VideoException>(() => FfmpegTools.Start("/nonexistent/ffmpeg", ["-version"], "clip.mp4"));
        Assert.Equal(VideoErrorKind.ToolMissing, e.Kind);
        Assert.Contains("apt-get install ffmpeg", e.Message);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_folder_of_frames_reads_as_a_video_at_its_stated_rate()
    {
        var folder = Path.Combine(_videos.Folder, "seq");
        Directory.CreateDirectory(Path.Combine(folder, "img1"));
        TestVideos.Ffmpeg(["-f", "lavfi", "-i", "testsrc=size=40x30:rate=10", "-frames:v", "6", Path.Combine(folder, "img1", "%06d.png")]);
        await File.WriteAllTextAsync(Path.Combine(folder, "seqinfo.ini"), "[Sequence]\nname=test\nimDir=img1\nframeRate=10\nseqLength=6\n");
        var info = await VideoProbe.ProbeAsync(folder);
        Assert.True(info.IsImageSequence);
        Assert.Equal(6, info.FrameCount);
        Assert.Equal(10, info.FrameRate);
        var frames = await ReadAll(info, FrameSampling.EveryNth(2));
        Assert.Equal(new long[] { 0, 2, 4 }, frames.Select(f => f.Index));
        Assert.Equal(0.4, frames[^1].Time, 6);
        Assert.All(frames, f => Assert.Equal((40, 30), (f.Width, f.Height)));
    }
}
