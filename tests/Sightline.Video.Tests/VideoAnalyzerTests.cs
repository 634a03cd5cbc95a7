using Sightline.Analysis;
using Sightline.Imaging;
using Sightline.Tests.Shared;
using Sightline.Video.Decoding;
using Sightline.Video.Encoding;
using Sightline.Video.Tracking;
using Sightline.Vision.Detection;
using Sightline.Vision.Pipeline;
using SkiaSharp;

namespace Sightline.Video.Tests;

/// <summary>Real models on a video made here: two photos of people moving on known straight paths over a still background.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class VideoAnalyzerTests(PretrainedModels models) : IDisposable
{
    private const int Frames = 40;
    private const int Width = 480;
    private const int Height = 270;
    private static readonly SKSizeI Patch = new(150, 100);
    private readonly TestVideos _videos = new();

    public void Dispose() => _videos.Dispose();

    /// <summary>Where photo <paramref name="which"/> is pasted in frame <paramref name="f"/>: one walks right along the top, the other left along the bottom.</summary>
    private static SKPointI PathOf(int which, int f) => which == 0 ? new(10 + 7 * f, 15) : new(Width - Patch.Width - 10 - 7 * f, 160);

    private async Task<string> MakeVideoAsync()
    {
        var photos = models.SamplePhotos();
        using var a = SKImage.FromBitmap(Scaled(photos[0]));
        using var b = SKImage.FromBitmap(Scaled(photos[1]));
        var path = _videos.PathOf("walk.mp4");
        await using var writer = new VideoWriter(path, Width, Height, 10);
        for (var f = 0; f < Frames; f++)
        {
            using var frame = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
            using (var canvas = new SKCanvas(frame))
            {
                canvas.Clear(new SKColor(120, 130, 125));
                canvas.DrawImage(a, PathOf(0, f).X, PathOf(0, f).Y, SKSamplingOptions.Default);
                canvas.DrawImage(b, PathOf(1, f).X, PathOf(1, f).Y, SKSamplingOptions.Default);
            }
            await writer.WriteAsync(frame);
        }
        await writer.CompleteAsync();
        return path;
    }

    private static SKBitmap Scaled(string photo)
    {
        using var image = ImageDecoder.Decode(photo, DecodeSize.Within(Patch.Width, Patch.Height));
        return image.Bitmap.Resize(new SKImageInfo(Patch.Width, Patch.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Linear));
    }

    [Fact]
    public async Task People_moving_on_known_paths_keep_their_ids_and_their_boxes_follow_the_paths()
    {
        var path = await MakeVideoAsync();
        var info = await VideoProbe.ProbeAsync(path);
        await using var context = TaskContext.Create(models.Store, models.Engine);
        var chosen = TaskSelection.Choose(BuiltInTasks.Registry, "detect", [new("detect.classes", "person")]);
        var run = VideoTasks.Prepare(chosen, FrameSampling.All, TrackerOptions.Default);
        // The detector runs down to the tracker's low score; frames list boxes at the detect task's min score.
        Assert.Equal(TrackerOptions.Default.LowScore, ((DetectTaskOptions)run.Tasks.Single().Options).MinScore);
        Assert.Equal(DetectOptions.DefaultMinScore, run.Options.ShownMinScore);
        var pipeline = new AnalysisPipeline(await TaskSelection.CreateAsync(run.Tasks, context));
        var analyzer = new VideoAnalyzer(pipeline, run.Options);
        var result = await analyzer.AnalyzeAsync(info);

        Assert.Equal(Frames, result.FrameCount);
        Assert.NotNull(result.ObjectTracks);
        // Each track belongs to the photo whose patch holds its box; its offset from the patch's corner stays put.
        var offsets = new Dictionary<int, List<(int Frame, int Photo, float Dx, float Dy)>>();
        foreach (var frame in result.Frames)
            foreach (var t in frame.Tracks![DetectTask.TaskName])
            {
                var cx = t.Box.X + t.Box.Width / 2;
                var cy = t.Box.Y + t.Box.Height / 2;
                var photo = Enumerable.Range(0, 2).Single(p => cx >= PathOf(p, (int)frame.Index).X - 5 && cx <= PathOf(p, (int)frame.Index).X + Patch.Width + 5 && cy >= PathOf(p, (int)frame.Index).Y - 5 && cy <= PathOf(p, (int)frame.Index).Y + Patch.Height + 5);
                if (!offsets.TryGetValue(t.TrackId, out var list))
                    offsets[t.TrackId] = list = [];
                list.Add(((int)frame.Index, photo, cx - PathOf(photo, (int)frame.Index).X, cy - PathOf(photo, (int)frame.Index).Y));
            }
        Assert.NotEmpty(offsets);
        foreach (var (id, list) in offsets)
        {
            // Never two photos for one id: no identity switch between the walkers.
            Assert.Single(list.Select(o => o.Photo).Distinct());
            // Tracks run from their start to the last frame without a new id taking over.
            Assert.Equal(Frames - 1, list[^1].Frame);
            var dx = list.Select(o => o.Dx).Order().ToList()[list.Count / 2];
            var dy = list.Select(o => o.Dy).Order().ToList()[list.Count / 2];
            Assert.All(list.Skip(2), o => Assert.True(Math.Abs(o.Dx - dx) <= 4 && Math.Abs(o.Dy - dy) <= 4,
                $"track {id} in frame {o.Frame} is off its path by {o.Dx - dx:0.0}, {o.Dy - dy:0.0} px"));
        }
        Assert.Equal(2, offsets.Values.Select(l => l[0].Photo).Distinct().Count());
        Assert.All(result.ObjectTracks!, t => Assert.Equal("person", t.ClassName));
        // Frames list only detections at the shown score; the tracker saw weaker ones too.
        Assert.All(result.Frames, f => Assert.All(f.Get(), d => Assert.True(d.Score >= DetectOptions.DefaultMinScore)));
    }
}

internal static class FrameResults
{
    public static IReadOnlyList<DetectedObject> Get(this FrameAnalysis frame) => ((DetectionResult)frame.Results[DetectTask.TaskName]).Detections;
}
