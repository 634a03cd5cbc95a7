using Sightline.Library.Scanning;
using Sightline.Tests.Shared;

namespace Sightline.Library.Tests.Ingestion;

/// <summary>Videos in a library: shown and analysed by their poster frame, read with ffmpeg; a cut file that ffmpeg cannot read fails with the reason.</summary>
[Collection(IngestCollection.Name)]
public sealed class VideoIngestTests(IngestFixture fixture) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-video-ingest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_video_gets_its_size_thumbnails_and_analyses_from_its_poster_frame()
    {
        var photos = Path.Combine(_dir, "photos");
        Directory.CreateDirectory(photos);
        // Two seconds of the bus photo panning slowly: the poster, one second in, shows the bus and its people.
        var clip = Path.Combine(photos, "bus.mp4");
        TestVideos.Ffmpeg(["-loop", "1", "-i", IngestFixture.Sanity("bus.jpg"), "-vf", "scale=540:720,crop=480:640:'t*20':0", "-t", "2", "-r", "10",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", clip]);
        // A video cut before its index: it starts as an MP4 does, and ffmpeg cannot read it.
        var whole = Path.Combine(_dir, "whole.mp4");
        TestVideos.Ffmpeg(["-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-frames:v", "40", "-c:v", "libx264", "-pix_fmt", "yuv420p", whole]);
        var bytes = await File.ReadAllBytesAsync(whole);
        await File.WriteAllBytesAsync(Path.Combine(photos, "cut.mp4"), bytes[..(bytes.Length / 2)]);

        await using var library = await PhotoLibrary.InitAsync(Path.Combine(_dir, "library"), await fixture.DatabaseAsync("sqlite"),
            LibrarySettings.Default with { Tasks = ["detect", "faces"] });
        await library.AddFoldersAsync([photos]);
        var report = await library.ScanAsync(fixture.Context);
        Assert.Equal(1, report.NewVideos);
        var failure = Assert.Single(report.NewFailures);
        Assert.EndsWith("cut.mp4", failure.Path);
        Assert.Contains("not a video", failure.Reason);

        var row = await library.Store.FindByHashAsync(await ContentHash.OfFileAsync(clip)) ?? throw new InvalidOperationException("the video is not stored");
        var detail = (await library.Store.GetPhotoAsync(row.Id))!;
        Assert.Equal(MediaKind.Video, detail.Photo.Kind);
        Assert.Equal((480, 640), (detail.Photo.Width, detail.Photo.Height));
        var facts = detail.Metadata.Video ?? throw new InvalidOperationException("no video facts stored");
        Assert.Equal(2, facts.Duration, 1);
        Assert.Equal(10, facts.FrameRate, 3);
        Assert.Equal("h264", facts.Codec);
        Assert.True(detail.Photo.ThumbnailsWritten);
        Assert.True(library.Thumbnails.Exists(detail.Photo.ContentHash));
        Assert.Equal(["detect", "faces"], detail.Analyses.Select(a => a.Task).Order());
        Assert.Contains("\"person\"", detail.Analyses.Single(a => a.Task == "detect").Json);
    }
}
