using System.Text.Json;
using Sightline.Library.Ingestion;
using Sightline.Library.Scanning;
using Sightline.Library.Search;
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
        Assert.Equal(["detect", "faces", "tracks"], detail.Analyses.Select(a => a.Task).Order());
        Assert.Contains("\"person\"", detail.Analyses.Single(a => a.Task == "detect").Json);

        // Tracked at 2 frames a second over the whole clip: the bus is one track from the first frame to the last.
        var tracks = JsonSerializer.Deserialize<VideoTracksResult>(detail.Analyses.Single(a => a.Task == "tracks").Json, Sightline.Analysis.AnalysisJson.Options)!;
        Assert.Equal(4, tracks.FramesAnalysed);
        Assert.True(tracks.Whole);
        var bus = Assert.Single(tracks.Objects, t => t.ClassName == "bus");
        Assert.Equal((0, 1.5), (bus.FirstTime, bus.LastTime));
        Assert.Equal(1, tracks.MostAtOnce["bus"]);

        // Search finds the video by its tracks and says when the bus is seen.
        var found = await library.Search.SearchAsync(new PhotoSearch { Objects = [new ObjectFilter("bus")] }, new SearchPageRequest());
        var hit = Assert.Single(found.Photos, h => h.Photo.Id == row.Id);
        Assert.Equal([new VideoMoment(0, 1.5, "bus")], hit.Moments);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task The_people_of_a_video_are_its_face_tracks_one_face_each_found_with_the_times_they_are_seen(string backend)
    {
        var photos = Path.Combine(_dir, "photos");
        Directory.CreateDirectory(photos);
        // Two seconds of black, then four of a group photo panning: its three faces from 2 s on; the photo itself beside it.
        var scene = Path.Combine(TestPaths.Data("faces-bbt"), "images", "bbt2.jpg");
        File.Copy(scene, Path.Combine(photos, "bbt2.jpg"));
        var clip = Path.Combine(photos, "pan.mp4");
        TestVideos.Ffmpeg(["-f", "lavfi", "-i", "color=black:s=960x890:r=10:d=2", "-loop", "1", "-t", "4", "-r", "10", "-i", scene,
            "-filter_complex", "[1:v]scale=1280:-2,crop=960:ih:'t*40':0,scale=960:890,setsar=1[pan];[0:v][pan]concat=n=2:v=1[out]", "-map", "[out]",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", clip]);

        await using var library = await PhotoLibrary.InitAsync(Path.Combine(_dir, "library"), await fixture.DatabaseAsync(backend),
            LibrarySettings.Default with { Tasks = ["detect", "faces"] });
        await library.AddFoldersAsync([photos]);
        var report = await library.ScanAsync(fixture.Context);
        Assert.Equal((1, 1), (report.NewPhotos, report.NewVideos));
        await library.People.UpdateAsync();

        var video = (await library.Store.GetPhotoAsync((await library.Store.FindByHashAsync(await ContentHash.OfFileAsync(clip)))!.Id))!;
        var photo = (await library.Store.GetPhotoAsync((await library.Store.FindByHashAsync(await ContentHash.OfFileAsync(scene)))!.Id))!;
        var identifiable = photo.Faces.Count(f => f.TooPoor is null && f.Descriptor is not null);
        Assert.True(identifiable >= 2, $"{identifiable} identifiable faces in the photo");
        // One face per person of the video (the pan leaves some of the scene out), each from the frame its track saw
        // it best in (after the black), with that frame kept.
        var faces = video.Faces.Where(f => f.TooPoor is null).ToList();
        Assert.InRange(faces.Count, 2, identifiable);
        Assert.All(video.Faces, f => Assert.True(f.FrameTime >= 2, $"face {f.Index} from the frame at {f.FrameTime} s"));
        Assert.All(video.Faces, f => Assert.True(File.Exists(library.Thumbnails.FramePathOf(video.Photo.ContentHash, f.Index)), $"no frame for face {f.Index}"));

        // Clustering puts each of the video's people with the same person's face in the photo.
        var assignments = (await library.People.GetAssignmentsAsync()).Where(a => a.PersonId is not null).ToList();
        var inVideo = assignments.Where(a => a.PhotoId == video.Photo.Id).ToList();
        var inPhoto = assignments.Where(a => a.PhotoId == photo.Photo.Id).Select(a => a.PersonId).ToHashSet();
        Assert.Equal(faces.Count, inVideo.Count);
        Assert.Equal(faces.Count, inVideo.Select(a => a.PersonId).Distinct().Count());
        Assert.All(inVideo, a => Assert.Contains(a.PersonId, inPhoto));

        // A search for one of them finds the photo and the video, and says when in the video they are seen.
        var person = inVideo[0].PersonId!.Value;
        var found = await library.Search.SearchAsync(new PhotoSearch { People = [new PersonRef(Id: person)] }, new SearchPageRequest());
        Assert.Equal(new[] { photo.Photo.Id, video.Photo.Id }.Order(), found.Photos.Select(h => h.Photo.Id).Order());
        Assert.Null(found.Photos.Single(h => h.Photo.Id == photo.Photo.Id).Moments);
        var moment = Assert.Single(found.Photos.Single(h => h.Photo.Id == video.Photo.Id).Moments!);
        Assert.Equal(person, moment.PersonId);
        Assert.InRange(moment.Start, 2, 2.5);
        Assert.InRange(moment.End, 4.5, 6);
    }

    [Fact]
    public async Task With_video_tracking_off_a_video_is_analysed_by_its_poster_only()
    {
        var photos = Path.Combine(_dir, "photos");
        Directory.CreateDirectory(photos);
        TestVideos.Ffmpeg(["-loop", "1", "-i", IngestFixture.Sanity("bus.jpg"), "-vf", "scale=480:640", "-t", "2", "-r", "10",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", Path.Combine(photos, "bus.mp4")]);
        await using var library = await PhotoLibrary.InitAsync(Path.Combine(_dir, "library"), await fixture.DatabaseAsync("sqlite"),
            LibrarySettings.Default with { Tasks = ["detect"], VideoFramesPerSecond = 0 });
        await library.AddFoldersAsync([photos]);
        Assert.Equal(1, (await library.ScanAsync(fixture.Context)).NewVideos);
        var page = await library.Store.GetPhotosAsync(new PhotoQuery());
        var detail = (await library.Store.GetPhotoAsync(page.Photos.Single().Id))!;
        Assert.Equal(["detect"], detail.Analyses.Select(a => a.Task));
    }

    [Theory]
    [InlineData(-1, 600)]
    [InlineData(61, 600)]
    [InlineData(2, 0)]
    [InlineData(double.NaN, 600)]
    public async Task Video_settings_out_of_range_are_refused_before_anything_is_written(double fps, double maxSeconds)
    {
        var folder = Path.Combine(_dir, "refused");
        var e = await Assert.ThrowsAsync<Sightline.Vision.Pipeline.TaskOptionsException>(() =>
            PhotoLibrary.InitAsync(folder, null, LibrarySettings.Default with { VideoFramesPerSecond = fps, VideoMaxSeconds = maxSeconds }));
        Assert.Contains("video.", e.Message);
        Assert.False(Directory.Exists(folder));
    }
}
