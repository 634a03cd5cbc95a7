using Sightline.Models.Catalog;
using Sightline.Models.Import;
using Sightline.Vision.Moderation;
using Sightline.Vision.Pipeline;

namespace Sightline.Vision.Tests.Moderation;

/// <summary>The verdict rule and the options, on made-up probabilities: no model.</summary>
public sealed class ModerationRuleTests
{
    private static readonly string[] Labels = ["drawing", "hentai", "neutral", "porn", "sexy"];

    private static (ModerationVerdict Verdict, double Score, IReadOnlyList<string> DrivenBy) Decide(float[] p, ModerateOptions? options = null) =>
        ModerationRule.Decide(Labels, p, options ?? ModerateOptions.Default);

    [Fact]
    public void Sensitive_classes_are_summed_so_two_middling_ones_make_a_sensitive_image()
    {
        // No single class beats neutral, but porn + sexy together pass one half.
        var (verdict, score, drivenBy) = Decide([0.05f, 0.05f, 0.40f, 0.25f, 0.25f]);
        Assert.Equal(ModerationVerdict.Sensitive, verdict);
        Assert.Equal(0.55, score, 5);
        // hentai 0.05 + porn 0.25 + sexy 0.25: porn and sexy alone reach 0.5.
        Assert.Equal(["porn", "sexy"], drivenBy);
    }

    [Fact]
    public void Below_the_threshold_is_safe_and_names_the_safe_classes_that_decide_it()
    {
        var (verdict, score, drivenBy) = Decide([0.30f, 0.10f, 0.35f, 0.15f, 0.10f]);
        Assert.Equal(ModerationVerdict.Safe, verdict);
        Assert.Equal(0.35, score, 5);
        // Neutral alone (0.35) leaves 0.65 that could be sensitive; with drawing (0.65) at most 0.35 is left, under 0.5.
        Assert.Equal(["neutral", "drawing"], drivenBy);
        Assert.Equal(["neutral"], Decide([0.01f, 0.01f, 0.96f, 0.01f, 0.01f]).DrivenBy);
    }

    [Fact]
    public void The_threshold_itself_is_sensitive_and_a_custom_threshold_moves_the_verdict()
    {
        Assert.Equal(ModerationVerdict.Sensitive, Decide([0f, 0f, 0.5f, 0.5f, 0f]).Verdict);
        float[] mild = [0.1f, 0f, 0.6f, 0f, 0.3f];
        Assert.Equal(ModerationVerdict.Safe, Decide(mild).Verdict);
        Assert.Equal(ModerationVerdict.Sensitive, Decide(mild, new ModerateOptions { Threshold = 0.25 }).Verdict);
        Assert.Equal(ModerationVerdict.Sensitive, Decide([0f, 0f, 1f, 0f, 0f], new ModerateOptions { Threshold = 0 }).Verdict);
    }

    [Fact]
    public void Only_the_chosen_classes_count_as_sensitive()
    {
        float[] suggestive = [0f, 0f, 0.3f, 0f, 0.7f];
        Assert.Equal(ModerationVerdict.Sensitive, Decide(suggestive).Verdict);
        var explicitOnly = new ModerateOptions { SensitiveClasses = ["Porn", "hentai"] };
        var (verdict, score, drivenBy) = Decide(suggestive, explicitOnly);
        Assert.Equal(ModerationVerdict.Safe, verdict);
        Assert.Equal(0, score, 6);
        Assert.Equal(["sexy"], drivenBy);
    }

    [Fact]
    public void Probabilities_must_match_the_labels()
    {
        Assert.Throws<ArgumentException>(() => Decide([0.5f, 0.5f]));
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_threshold_outside_zero_to_one_is_refused_naming_the_option(double threshold)
    {
        var e = Assert.Throws<TaskOptionsException>(() => new ModerateOptions { Threshold = threshold }.Validate());
        Assert.Equal("threshold", e.Option);
        Assert.Contains("between 0 and 1", e.Message);
    }

    [Fact]
    public void Sensitive_classes_must_be_classes_of_the_model_and_leave_one_safe()
    {
        var unknown = Assert.Throws<TaskOptionsException>(() => ModerateOptions.From(sensitiveClasses: "porn,nudity").Validate());
        Assert.Equal("sensitive", unknown.Option);
        Assert.Contains("'nudity'", unknown.Message);
        Assert.Throws<TaskOptionsException>(() => ModerateOptions.From(sensitiveClasses: " , ").Validate());
        Assert.Throws<TaskOptionsException>(() => ModerateOptions.From(sensitiveClasses: "drawing,hentai,neutral,porn,sexy").Validate());
        ModerateOptions.From(0.7, "porn, hentai").Validate();
    }

    [Fact]
    public void Defaults_are_one_half_over_porn_hentai_and_sexy_and_are_valid()
    {
        var options = ModerateOptions.From();
        options.Validate();
        Assert.Equal(0.5, options.Threshold);
        Assert.Equal(["porn", "hentai", "sexy"], options.SensitiveClasses);
        Assert.Equal(options.Threshold, ModerateOptions.Default.Threshold);
    }

    [Fact]
    public void The_catalog_describes_nsfwjs_input_and_class_order()
    {
        // nsfwjs 4.4.0: NSFW_CLASSES order, 224x224, tf.div(255) (core.js infer).
        Assert.Equal(Labels, ModerationClasses.All);
        var input = TfjsModels.InputOf(ModerationClasses.ModelId)!;
        Assert.Equal((224, 224, 3, false, InputFit.Stretch), (input.Width, input.Height, input.Channels, input.ChannelsFirst, input.Fit));
        Assert.Equal(1f / 255, input.Scale);
        Assert.Equal(0f, input.Offset);
    }

    [Fact]
    public async Task The_task_entry_validates_options_before_opening_a_model()
    {
        // A bad threshold fails in the entry, before the store is asked for anything (the context is not used).
        var context = TaskContext.Create(null!, null!);
        var e = await Assert.ThrowsAsync<TaskOptionsException>(() => ModerateTask.Entry.CreateAsync(context, new ModerateOptions { Threshold = 2 }, default));
        Assert.Equal("threshold", e.Option);
        Assert.Equal(typeof(ModerateOptions), ModerateTask.Entry.OptionsType);
        Assert.Equal(typeof(ModerationResult), ModerateTask.Entry.ResultType);
    }
}
