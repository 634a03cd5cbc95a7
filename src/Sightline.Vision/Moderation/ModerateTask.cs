using Sightline.Imaging;
using Sightline.Vision.Pipeline;

namespace Sightline.Vision.Moderation;

/// <summary>
/// <c>moderate</c>: the content classifier's five class probabilities and a safe/sensitive verdict per image.
/// Its registry entry is <see cref="Entry"/>; its model families are <see cref="Families"/>.
/// </summary>
public sealed class ModerateTask : ImageTask<ModerationResult>
{
    public const string TaskName = "moderate";

    /// <summary>The content classifiers the task can run (one family today: nsfwjs's MobileNetV2).</summary>
    public static FamilyRegistry<ContentModerator> Families { get; } = new FamilyRegistry<ContentModerator>("moderation", "content classifier")
        .Add(new FamilyEntry<ContentModerator>("moderation", "nsfwjs", [ModerationClasses.ModelId], ["nsfwjs"],
            (context, model) => new ContentModerator(model, context.Engine, context.Batching.MaxBatch), IsDefault: true));

    public static TaskEntry Entry { get; } = TaskEntry.For<ModerateOptions, ModerationResult>(TaskName,
        "Content moderation: drawing, hentai, neutral, porn and sexy probabilities and a safe/sensitive verdict", CreateAsync);

    private readonly ContentModerator _moderator;
    private readonly ModerateOptions _options;

    public ModerateTask(ContentModerator moderator, ModerateOptions options)
    {
        options.Validate();
        _moderator = moderator;
        _options = options;
    }

    public static async Task<IImageTask<ModerationResult>> CreateAsync(TaskContext context, ModerateOptions options, CancellationToken cancellationToken) =>
        new ModerateTask(await Families.CreateAsync(context, options.Model, cancellationToken).ConfigureAwait(false), options);

    public override string Name => TaskName;
    public override DecodeSize DecodeSize => _moderator.DecodeSize;
    public override IReadOnlyList<string> ModelIds => [_moderator.ModelId];
    public ModerateOptions Options => _options;

    public override Task<ModerationResult> RunAsync(DecodedImage image, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_moderator.Moderate(image, _options));
    }
}
