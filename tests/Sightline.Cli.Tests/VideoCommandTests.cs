using System.Globalization;
using Sightline.Tests.Shared;

namespace Sightline.Cli.Tests;

[Collection(PretrainedCollection.Name)]
public sealed class VideoCommandTests(PretrainedModels models) : IDisposable
{
    private readonly TestVideos _videos = new();

    public void Dispose() => _videos.Dispose();

    /// <summary>A face-api sample photo sliding right across a grey frame, 20 frames at 10 per second.</summary>
    private string SlidingPhoto()
    {
        var photo = models.SamplePhotos()[0];
        return _videos.Make("slide.mp4", "-f", "lavfi", "-i", "color=c=gray:s=480x270:r=10:d=2", "-i", photo,
            "-filter_complex", "[1:v]scale=180:-2[p];[0:v][p]overlay=x='10+8*n':y=20", "-frames:v", "20", "-c:v", "libx264", "-pix_fmt", "yuv420p");
    }

    /// <summary>One face of a face-api sample photo, cut out (500 px square): <paramref name="sample"/> 0 or 1.</summary>
    private string OneFace(int sample, string name) => sample == 0
        ? _videos.Make(name, "-i", models.SamplePhotos()[0], "-vf", "crop=500:500:1320:100", "-frames:v", "1")
        : _videos.Make(name, "-i", models.SamplePhotos()[1], "-vf", "crop=500:500:740:100", "-frames:v", "1");

    /// <summary>A face large enough to identify (about 130 px) sliding across a grey frame, 20 frames at 10 per second.</summary>
    private string SlidingFace(string face) =>
        _videos.Make("face.mp4", "-f", "lavfi", "-i", "color=c=gray:s=960x540:r=10:d=2", "-i", face,
            "-filter_complex", "[1:v]scale=400:-2[p];[0:v][p]overlay=x='10+12*n':y=60", "-frames:v", "20", "-c:v", "libx264", "-pix_fmt", "yuv420p");

    [Fact]
    public async Task Video_detect_tracks_writes_MOT_rows_and_an_annotated_video()
    {
        var video = SlidingPhoto();
        var mot = _videos.PathOf("tracks.txt");
        var saved = _videos.PathOf("drawn.mp4");
        var result = await CliRunner.RunAsync("video", "detect", video, "--track", "--classes", "person", "--mot", mot, "--save", saved, "--json");
        Assert.Equal(0, result.ExitCode);
        var json = result.Json;
        Assert.Equal(20, json.GetProperty("frameCount").GetInt32());
        var tracks = json.GetProperty("objectTracks").EnumerateArray().ToList();
        Assert.NotEmpty(tracks);
        Assert.All(tracks, t => Assert.Equal("person", t.GetProperty("className").GetString()));
        var frame = json.GetProperty("frames")[5];
        Assert.Equal(0.5, frame.GetProperty("time").GetDouble(), 3);
        Assert.True(frame.GetProperty("results").GetProperty("detect").GetProperty("detections").GetArrayLength() > 0);
        Assert.True(frame.GetProperty("tracks").GetProperty("detect").GetArrayLength() > 0);
        // Every MOT row is a confirmed track of the JSON, frames numbered from 1.
        var rows = File.ReadAllLines(mot).Select(l => l.Split(',')).ToList();
        Assert.NotEmpty(rows);
        var ids = tracks.Select(t => t.GetProperty("trackId").GetInt32()).ToHashSet();
        Assert.All(rows, r => Assert.Contains(int.Parse(r[1], CultureInfo.InvariantCulture), ids));
        Assert.InRange(rows.Min(r => int.Parse(r[0], CultureInfo.InvariantCulture)), 1, 3);
        Assert.True(new FileInfo(saved).Length > 1000);
    }

    [Fact]
    public async Task Video_faces_gives_one_descriptor_per_face_track_and_none_per_frame()
    {
        var result = await CliRunner.RunAsync("video", "faces", SlidingFace(OneFace(0, "anna.jpg")), "--track", "--json");
        Assert.Equal(0, result.ExitCode);
        var tracks = result.Json.GetProperty("faceTracks").EnumerateArray().ToList();
        Assert.NotEmpty(tracks);
        Assert.Contains(tracks, t => t.TryGetProperty("descriptor", out var d) && d.GetArrayLength() > 0 && t.GetProperty("descriptorFrames").GetInt32() is > 0 and <= 3);
        foreach (var frame in result.Json.GetProperty("frames").EnumerateArray())
            foreach (var face in frame.GetProperty("results").GetProperty("faces").GetProperty("faces").EnumerateArray())
                Assert.False(face.TryGetProperty("descriptor", out _));
    }

    [Fact]
    public async Task Video_faces_with_a_gallery_names_each_face_track_once_by_its_descriptor()
    {
        var gallery = _videos.PathOf("people.gallery");
        var annaPhoto = OneFace(0, "anna.jpg");
        var benPhoto = OneFace(1, "ben.jpg");
        Assert.Equal(0, (await CliRunner.RunAsync("faces", "enroll", "anna", annaPhoto, "-g", gallery)).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("faces", "enroll", "ben", benPhoto, "-g", gallery)).ExitCode);
        var saved = _videos.PathOf("named.mp4");
        var video = SlidingFace(annaPhoto);

        // The sliding face is anna's: her track is named, in its summary and on every frame it is seen in.
        var result = await CliRunner.RunAsync("video", "faces", video, "--gallery", gallery, "--save", saved, "--json");
        Assert.Equal(0, result.ExitCode);
        var tracks = result.Json.GetProperty("faceTracks").EnumerateArray().ToList();
        var anna = Assert.Single(tracks, t => t.TryGetProperty("identity", out var id) && id.GetProperty("name").GetString() == "anna");
        Assert.DoesNotContain(tracks, t => t.TryGetProperty("identity", out var id) && id.GetProperty("name").GetString() == "ben");
        var annaId = anna.GetProperty("track").GetProperty("trackId").GetInt32();
        var seen = 0;
        foreach (var frame in result.Json.GetProperty("frames").EnumerateArray())
        {
            var faces = frame.GetProperty("results").GetProperty("faces").GetProperty("faces");
            foreach (var t in frame.GetProperty("tracks").GetProperty("faces").EnumerateArray().Where(t => t.GetProperty("trackId").GetInt32() == annaId))
            {
                seen++;
                Assert.Equal("anna", faces[t.GetProperty("detectionIndex").GetInt32()].GetProperty("identity").GetProperty("name").GetString());
            }
        }
        Assert.True(seen >= 10, $"anna's track is on {seen} frames");
        Assert.True(new FileInfo(saved).Length > 1000);

        // A gallery of someone else names nobody; a gallery of another descriptor model is refused with the reason.
        var others = _videos.PathOf("others.gallery");
        Assert.Equal(0, (await CliRunner.RunAsync("faces", "enroll", "ben", benPhoto, "-g", others)).ExitCode);
        var unknown = await CliRunner.RunAsync("video", "faces", video, "--gallery", others, "--json");
        Assert.All(unknown.Json.GetProperty("faceTracks").EnumerateArray(), t => Assert.False(t.GetProperty("identity").GetProperty("known").GetBoolean()));
        var mismatched = _videos.PathOf("faceres.gallery");
        Assert.Equal(0, (await CliRunner.RunAsync("faces", "enroll", "ben", benPhoto, "-g", mismatched, "--descriptor", "mobileface")).ExitCode);
        var refused = await CliRunner.RunAsync("video", "faces", video, "--gallery", mismatched);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("holds descriptors of", refused.Error);
        var noFaces = await CliRunner.RunAsync("video", "analyze", video, "--tasks", "detect", "--gallery", gallery);
        Assert.Equal(2, noFaces.ExitCode);
        Assert.Contains("choose faces", noFaces.Error);
    }

    [Fact]
    public async Task Eval_track_scores_a_tracker_file_against_ground_truth()
    {
        var gt = _videos.PathOf("gt.txt");
        var tracks = _videos.PathOf("t.txt");
        await File.WriteAllLinesAsync(gt, ["1,1,0,0,10,10,1,1,1", "2,1,0,0,10,10,1,1,1", "3,1,0,0,10,10,1,1,1", "4,1,0,0,10,10,1,1,1"]);
        await File.WriteAllLinesAsync(tracks, ["1,5,0,0,10,10,0.9,-1,-1,-1", "2,5,0,0,10,10,0.9,-1,-1,-1", "3,6,0,0,10,10,0.9,-1,-1,-1", "4,6,0,0,10,10,0.9,-1,-1,-1"]);
        var result = await CliRunner.RunAsync("eval", "track", "--gt", gt, "--tracks", tracks, "--json");
        Assert.Equal(0, result.ExitCode);
        var combined = result.Json.GetProperty("combined");
        Assert.Equal(1, combined.GetProperty("idSwitches").GetInt32());
        Assert.Equal(0.75, combined.GetProperty("mota").GetDouble(), 9);
        Assert.Equal(0.5, combined.GetProperty("idf1").GetDouble(), 9);
        var table = await CliRunner.RunAsync("eval", "track", "--gt", gt, "--tracks", tracks);
        Assert.Contains("75.0 %", table.Output);
    }

    [Fact]
    public async Task Eval_track_reads_MOTChallenge_folders_and_names_a_missing_tracker_file()
    {
        var gtRoot = Path.Combine(_videos.Folder, "gt");
        var trRoot = Path.Combine(_videos.Folder, "trackers");
        foreach (var seq in new[] { "A", "B" })
        {
            Directory.CreateDirectory(Path.Combine(gtRoot, seq, "gt"));
            await File.WriteAllLinesAsync(Path.Combine(gtRoot, seq, "gt", "gt.txt"), ["1,1,0,0,10,10,1,1,1", "2,1,0,0,10,10,1,1,1"]);
        }
        Directory.CreateDirectory(trRoot);
        await File.WriteAllLinesAsync(Path.Combine(trRoot, "A.txt"), ["1,3,0,0,10,10,1", "2,3,0,0,10,10,1"]);
        var missing = await CliRunner.RunAsync("eval", "track", "--gt", gtRoot, "--tracks", trRoot);
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("'B'", missing.Error);
        await File.WriteAllLinesAsync(Path.Combine(trRoot, "B.txt"), ["1,3,0,0,10,10,1"]);
        var result = await CliRunner.RunAsync("eval", "track", "--gt", gtRoot, "--tracks", trRoot, "--json");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, result.Json.GetProperty("sequences").GetArrayLength());
        Assert.Equal(3 / 4.0, result.Json.GetProperty("combined").GetProperty("mota").GetDouble(), 9);
    }

    [Fact]
    public async Task Bad_videos_and_bad_options_exit_with_their_codes_and_say_why()
    {
        var text = _videos.PathOf("notes.mp4");
        await File.WriteAllTextAsync(text, "not a video");
        var bad = await CliRunner.RunAsync("video", "detect", text);
        Assert.Equal(3, bad.ExitCode);
        Assert.Contains("notes.mp4", bad.Error);
        Assert.Contains("not a video", bad.Error);
        Assert.DoesNotContain("   at ", bad.Error);

        var missing = await CliRunner.RunAsync("video", "faces", _videos.PathOf("nowhere.mp4"));
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("no such file", missing.Error);

        var both = await CliRunner.RunAsync("video", "detect", text, "--fps", "5", "--every", "2");
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("one of --fps, --every and --scenes", both.Error);

        var noTasks = await CliRunner.RunAsync("video", "analyze", text);
        Assert.Equal(2, noTasks.ExitCode);
        var trackWhat = await CliRunner.RunAsync("video", "analyze", text, "--tasks", "embed", "--track");
        Assert.Equal(2, trackWhat.ExitCode);
        Assert.Contains("--track", trackWhat.Error);
    }
}
