using Sightline.Imaging;
using Sightline.Tests.Shared;
using Sightline.Vision.Moderation;
using Sightline.Vision.Pipeline;
using SkiaSharp;

namespace Sightline.Vision.Tests.Moderation;

/// <summary>The real content classifier (nsfwjs MobileNetV2, converted) through its task and the pipeline.</summary>
[Collection(PretrainedCollection.Name)]
public sealed class ContentModeratorTests(PretrainedModels models)
{
    private static string Sanity(string name) => Path.Combine(TestPaths.Data("sanity"), name);

    private async Task<ModerateTask> TaskAsync(ModerateOptions? options = null) =>
        (ModerateTask)await ModerateTask.Entry.CreateAsync(TaskContext.Create(models.Store, models.Engine), options ?? ModerateOptions.Default, default);

    [Fact]
    public async Task An_ordinary_photo_is_safe_and_its_five_scores_sum_to_one()
    {
        var task = await TaskAsync();
        var outcomes = new List<Outcome<ModerationResult>>();
        await foreach (var o in AnalysisPipeline.RunAsync(task, [ImageSource.File(Sanity("dog.jpg")), ImageSource.File(Sanity("missing.jpg"))]))
            outcomes.Add(o);

        var dog = outcomes[0].Result!;
        Assert.Equal(ModerationVerdict.Safe, dog.Verdict);
        Assert.Equal(["drawing", "hentai", "neutral", "porn", "sexy"], dog.Scores.Select(s => s.Label));
        Assert.Equal(1.0, dog.Scores.Sum(s => s.Score), 3);
        Assert.True(dog.ScoreOf("neutral") > 0.9, $"neutral {dog.ScoreOf("neutral")}");
        Assert.Equal(dog.ScoreOf("porn") + dog.ScoreOf("hentai") + dog.ScoreOf("sexy"), dog.SensitiveScore, 5);
        Assert.Equal(["neutral"], dog.DrivenBy);
        Assert.Equal(0.5, dog.Threshold);
        Assert.Equal("nsfwjs-mobilenet-v2", dog.ModelId);
        Assert.Equal("image_not_found", outcomes[1].Error!.Code);
    }

    [Fact]
    public void A_batch_gives_each_image_the_scores_it_gets_alone()
    {
        var model = models.Get(ModerationClasses.ModelId);
        var moderator = new ContentModerator(model, models.Engine, maxBatch: 4);
        Assert.Equal(4, moderator.BatchSize);
        var images = new[] { "dog.jpg", "bus.jpg", "chelsea.png" }.Select(n => ImageDecoder.Decode(Sanity(n), moderator.DecodeSize)).ToList();
        try
        {
            var together = moderator.Moderate(images, ModerateOptions.Default);
            for (var i = 0; i < images.Count; i++)
            {
                var alone = moderator.Moderate(images[i], ModerateOptions.Default);
                for (var c = 0; c < 5; c++)
                    Assert.Equal(alone.Scores[c].Score, together[i].Scores[c].Score, 4);
            }
            // A stricter threshold changes the verdict, not the scores.
            var strict = moderator.Moderate(images[1], new ModerateOptions { Threshold = 0.01 });
            Assert.Equal(ModerationVerdict.Sensitive, strict.Verdict);
            Assert.Equal(together[1].SensitiveScore, strict.SensitiveScore, 4);
        }
        finally
        {
            images.ForEach(i => i.Dispose());
        }
    }

    [Fact]
    public void The_input_tensor_is_what_the_catalog_spec_says_rgb_interleaved_over_255()
    {
        var moderator = new ContentModerator(models.Get(ModerationClasses.ModelId), models.Engine);
        using var bitmap = new SKBitmap(new SKImageInfo(224, 224, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(new SKColor(255, 51, 0));
        var tensor = new float[moderator.Input.ItemLength];
        moderator.WriteInput(bitmap.GetPixelSpan(), tensor);
        Assert.Equal(224 * 224 * 3, tensor.Length);
        Assert.Equal([1f, 0.2f, 0f], tensor[..3].Select(v => MathF.Round(v, 5)));
        Assert.Equal([1f, 0.2f, 0f], tensor[^3..].Select(v => MathF.Round(v, 5)));
    }

    [Fact]
    public async Task Images_in_shared_runs_each_get_their_own_options_and_the_scores_they_get_alone()
    {
        var model = models.Get(ModerationClasses.ModelId);
        await using var context = TaskContext.Create(models.Store, models.Engine, batching: new BatchingOptions(MaxBatch: 4, Window: TimeSpan.FromMilliseconds(20)));
        var worker = await ModerationWorker.GetAsync(context, null, default);
        var alone = new ContentModerator(model, models.Engine, maxBatch: 1);
        var strict = new ModerateOptions { Threshold = 0.01 };
        var names = new[] { "dog.jpg", "bus.jpg", "chelsea.png", "astronaut.png", "kite.jpg" };
        var images = names.Select(n => ImageDecoder.Decode(Sanity(n), alone.DecodeSize)).ToList();
        try
        {
            var options = images.Select((_, i) => i % 2 == 0 ? ModerateOptions.Default : strict).ToList();
            var gathered = alone.Moderate(images.Select((image, i) => (image, options[i])).ToList());
            var queued = await Task.WhenAll(images.Select((image, i) => worker.ModerateAsync(image, options[i], default)));

            Assert.Same(worker, await ModerationWorker.GetAsync(context, "nsfwjs", default));
            for (var i = 0; i < images.Count; i++)
            {
                var single = alone.Moderate(images[i], options[i]);
                foreach (var shared in new[] { gathered[i], queued[i] })
                {
                    Assert.Equal(single.Verdict, shared.Verdict);
                    Assert.Equal(options[i].Threshold, shared.Threshold);
                    for (var c = 0; c < single.Scores.Count; c++)
                        Assert.Equal(single.Scores[c].Score, shared.Scores[c].Score, 1e-5);
                }
            }
        }
        finally
        {
            images.ForEach(i => i.Dispose());
        }
    }
}
