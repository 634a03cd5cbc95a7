using Sightline.Imaging;
using Sightline.Inference.Batching;
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
    private readonly ModerationWorker? _worker;
    private readonly ModerateOptions _options;

    /// <summary>A task that runs each image through the model alone.</summary>
    public ModerateTask(ContentModerator moderator, ModerateOptions options)
    {
        options.Validate();
        _moderator = moderator;
        _options = options;
    }

    /// <summary>A task whose images share the worker's model runs with every other image of its context.</summary>
    public ModerateTask(ModerationWorker worker, ModerateOptions options)
        : this(worker.Moderator, options)
    {
        _worker = worker;
    }

    public static async Task<IImageTask<ModerationResult>> CreateAsync(TaskContext context, ModerateOptions options, CancellationToken cancellationToken) =>
        new ModerateTask(await ModerationWorker.GetAsync(context, options.Model, cancellationToken).ConfigureAwait(false), options);

    public override string Name => TaskName;
    public override DecodeSize DecodeSize => _moderator.DecodeSize;
    public override IReadOnlyList<string> ModelIds => [_moderator.ModelId];
    public ModerateOptions Options => _options;

    public override Task<ModerationResult> RunAsync(DecodedImage image, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return _worker is null ? Task.FromResult(_moderator.Moderate(image, _options)) : _worker.ModerateAsync(image, _options, cancellationToken);
    }
}

/// <summary>
/// A content classifier and the batcher that feeds it, one per model in a <see cref="TaskContext"/>: concurrent
/// images (each with its own options) go through the model in shared runs.
/// </summary>
public sealed class ModerationWorker : IAsyncDisposable
{
    private readonly DynamicBatcher<(DecodedImage Image, ModerateOptions Options), ModerationResult> _batcher;

    public ModerationWorker(ContentModerator moderator, BatchingOptions batching)
    {
        Moderator = moderator;
        _batcher = SharedWorkers.Batcher<(DecodedImage, ModerateOptions), ModerationResult>(batching, moderator.BatchSize > 1, moderator.Moderate);
    }

    public ContentModerator Moderator { get; }

    /// <summary>Runs so far and images they held.</summary>
    public (long Batches, long Items) Statistics => _batcher.Statistics;

    public Task<ModerationResult> ModerateAsync(DecodedImage image, ModerateOptions options, CancellationToken cancellationToken) =>
        _batcher.EnqueueAsync((image, options), cancellationToken);

    /// <summary>The context's worker for the content classifier <paramref name="name"/> selects, pulling the model when missing.</summary>
    public static async Task<ModerationWorker> GetAsync(TaskContext context, string? name, CancellationToken cancellationToken)
    {
        var entry = ModerateTask.Families.Resolve(name);
        var id = name is not null && entry.ModelIds.Contains(name, StringComparer.OrdinalIgnoreCase)
            ? entry.ModelIds.First(m => string.Equals(m, name, StringComparison.OrdinalIgnoreCase))
            : entry.ModelId;
        var model = await context.Store.EnsureAsync(id, cancellationToken: cancellationToken).ConfigureAwait(false);
        // The model opens once per context: later tasks on it reuse the worker.
        return context.Workers.GetOrAdd($"moderator:{id}", () => new ModerationWorker(entry.Create(context, model), context.Batching));
    }

    public ValueTask DisposeAsync() => _batcher.DisposeAsync();
}
