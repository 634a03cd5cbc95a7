using Sightline.Imaging;
using Sightline.Vision.Pipeline;
using SkiaSharp;

namespace Sightline.Analysis.Tests.Pipeline;

/// <summary>The one loop over inputs, with tasks made in code: order, errors, frames, one decode, bounds, cancellation.</summary>
public sealed class AnalysisPipelineTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Every_task_gets_the_same_pixels_decoded_once_at_the_largest_size_they_need()
    {
        var path = _files.Png("wide.png", 800, 400);
        var small = new FakeTask("small", DecodeSize.Cover(64, 64));
        var large = new FakeTask("large", DecodeSize.Within(200, 200));
        var pipeline = new AnalysisPipeline([small, large]);
        Assert.Equal(DecodeSize.Within(200, 200), pipeline.DecodeSize);

        var outcome = Assert.Single(await pipeline.RunAllAsync([ImageSource.File(path)]));
        var analysis = outcome.Result!;
        Assert.Equal((800, 400, ImageFormat.Png), (analysis.Width, analysis.Height, analysis.Format));
        var a = analysis.Get<Seen>("small");
        var b = analysis.Get<Seen>("large");
        Assert.Same(a.Image, b.Image);
        Assert.Equal((200, 100), (a.Width, a.Height));
        Assert.Equal(["small", "large"], analysis.Timings.TaskMs.Keys);
        Assert.True(analysis.Timings.DecodeMs > 0);
    }

    [Fact]
    public async Task Outcomes_come_in_input_order_and_an_unreadable_input_is_a_typed_error_while_the_rest_go_on()
    {
        var good = Enumerable.Range(0, 6).Select(i => _files.Png($"img{i}.png", 40 + i, 30)).ToList();
        var corrupt = _files.Bytes("broken.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5]);
        var missing = Path.Combine(_files.Folder, "missing.png");
        var inputs = new List<string>(good);
        inputs.Insert(2, corrupt);
        inputs.Insert(5, missing);
        // Earlier images take longer, so that finishing order is the reverse of input order.
        var task = new FakeTask("fake", DecodeSize.Cover(8, 8), image => TimeSpan.FromMilliseconds(Math.Max(0, 60 - 10 * good.IndexOf(image.Source))));
        var outcomes = await new AnalysisPipeline([task], options: new PipelineOptions(MaxInFlight: 4)).RunAllAsync(inputs.Select(ImageSource.File));

        Assert.Equal(inputs, outcomes.Select(o => o.Source.Name));
        Assert.Equal("image_not_found", outcomes[5].Error!.Code);
        Assert.Contains("missing.png", outcomes[5].Error!.Message);
        Assert.False(outcomes[2].Succeeded);
        Assert.Contains(outcomes[2].Error!.Code, new[] { "corrupt_image", "truncated_image", "unsupported_image_format" });
        var succeeded = outcomes.Where(o => o.Succeeded).ToList();
        Assert.Equal(good, succeeded.Select(o => o.Source.Name));
        Assert.Equal(good.Select((_, i) => 40 + i), succeeded.Select(o => o.Result!.Get<Seen>("fake").Width));
    }

    [Fact]
    public async Task Frames_are_used_as_they_are_with_their_index_and_stay_the_callers()
    {
        using var first = TestFiles.Bitmap(32, 24, SKColors.Red);
        using var second = TestFiles.Bitmap(32, 24, SKColors.Blue);
        var task = new FakeTask("fake", DecodeSize.Within(8, 8));
        var outcomes = await new AnalysisPipeline([task]).RunAllAsync([ImageSource.Frame(first, "clip.mp4", 10), ImageSource.Frame(second, "clip.mp4", 11)]);

        Assert.Equal([new SourceRef("clip.mp4", 10), new SourceRef("clip.mp4", 11)], outcomes.Select(o => o.Source));
        Assert.Equal("clip.mp4#11", outcomes[1].Source.ToString());
        // No decode: the frame's own size, not the task's.
        Assert.All(outcomes, o => Assert.Equal((32, 24, ImageFormat.Pixels), (o.Result!.Get<Seen>("fake").Width, o.Result.Height, o.Result.Format)));
        Assert.Equal(SKColors.Blue, second.GetPixel(3, 3));
    }

    [Fact]
    public async Task No_more_than_the_bound_of_images_are_in_flight_and_several_are()
    {
        var inputs = Enumerable.Range(0, 12).Select(i => ImageSource.File(_files.Png($"b{i}.png", 16, 16))).ToList();
        var task = new FakeTask("fake", DecodeSize.Cover(8, 8), _ => TimeSpan.FromMilliseconds(40));
        var done = new List<int>();
        var outcomes = await new AnalysisPipeline([task], options: new PipelineOptions(MaxInFlight: 3))
            .RunAllAsync(inputs, new Progress<int>(d => { lock (done) done.Add(d); }));

        Assert.All(outcomes, o => Assert.True(o.Succeeded));
        Assert.InRange(task.MostAtOnce, 2, 3);
    }

    [Fact]
    public async Task Cancelling_stops_the_run()
    {
        var inputs = Enumerable.Range(0, 50).Select(i => ImageSource.File(_files.Png($"c{i}.png", 16, 16))).ToList();
        var task = new FakeTask("fake", DecodeSize.Cover(8, 8), _ => TimeSpan.FromMilliseconds(20));
        using var cancel = new CancellationTokenSource();
        var seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in new AnalysisPipeline([task], options: new PipelineOptions(2)).RunAsync(inputs, cancellationToken: cancel.Token))
                if (++seen == 3)
                    cancel.Cancel();
        });
        Assert.InRange(seen, 3, 5);
    }

    [Fact]
    public void A_pipeline_needs_tasks_each_chosen_once()
    {
        Assert.Throws<ArgumentException>(() => new AnalysisPipeline([]));
        Assert.Throws<ArgumentException>(() => new AnalysisPipeline([new FakeTask("a", DecodeSize.Cover(8, 8)), new FakeTask("A", DecodeSize.Cover(8, 8))]));
    }

    [Fact]
    public async Task One_task_alone_gives_typed_outcomes()
    {
        var path = _files.Png("one.png", 20, 10);
        var outcomes = new List<Outcome<Seen>>();
        await foreach (var o in AnalysisPipeline.RunAsync(new FakeTask("fake", DecodeSize.Cover(8, 8)), [ImageSource.File(path), ImageSource.Bytes(new byte[] { 1, 2, 3 }, "upload")]))
            outcomes.Add(o);
        Assert.Equal((20, 10), (outcomes[0].Result!.Width, outcomes[0].Result!.Height));
        Assert.Equal("upload", outcomes[1].Source.Name);
        Assert.NotNull(outcomes[1].Error);
    }
}
