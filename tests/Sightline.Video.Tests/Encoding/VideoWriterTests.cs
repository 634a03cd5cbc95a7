using Sightline.Tests.Shared;
using Sightline.Video.Decoding;
using Sightline.Video.Encoding;
using SkiaSharp;

namespace Sightline.Video.Tests.Encoding;

[Collection(FfmpegCollection.Name)]
public sealed class VideoWriterTests : IDisposable
{
    private readonly TestVideos _videos = new();

    public void Dispose() => _videos.Dispose();

    private static SKBitmap Solid(int width, int height, SKColor color)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(color);
        return bitmap;
    }

    [Fact]
    public async Task Writes_an_mp4_that_reads_back_frame_for_frame()
    {
        var path = _videos.PathOf("out.mp4");
        await using (var writer = new VideoWriter(path, 63, 47, 10))
        {
            for (var i = 0; i < 10; i++)
            {
                using var frame = Solid(63, 47, i < 5 ? new SKColor(200, 30, 30) : new SKColor(30, 30, 200));
                await writer.WriteAsync(frame);
            }
            await writer.CompleteAsync();
        }
        var info = await VideoProbe.ProbeAsync(path);
        Assert.Equal("h264", info.Codec);
        Assert.Equal(10, info.FrameCount);
        var colours = new List<SKColor>();
        await foreach (var frame in VideoReader.ReadAsync(info))
            using (frame)
                colours.Add(frame.Pixels.GetPixel(20, 20));
        Assert.Equal(10, colours.Count);
        Assert.True(colours[0].Red > 150 && colours[0].Blue < 80);
        Assert.True(colours[9].Blue > 150 && colours[9].Red < 80);
    }

    [Fact]
    public async Task A_video_not_completed_leaves_no_file()
    {
        var path = _videos.PathOf("abandoned.mp4");
        await using (var writer = new VideoWriter(path, 32, 32, 5))
        {
            using var frame = Solid(32, 32, SKColors.Green);
            await writer.WriteAsync(frame);
        }
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_videos.Folder));
    }

    [Fact]
    public async Task A_frame_of_another_size_is_refused()
    {
        await using var writer = new VideoWriter(_videos.PathOf("x.mp4"), 32, 32, 5);
        using var frame = Solid(16, 16, SKColors.Green);
        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteAsync(frame));
    }
}
