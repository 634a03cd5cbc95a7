using Sightline.Imaging;

namespace Sightline.Vision.Pipeline;

/// <summary>
/// One image task, ready to run: its models are open and its options fixed. The pipeline decodes each image
/// once, at the largest <see cref="DecodeSize"/> the chosen tasks need, and hands every task the same upright
/// pixels; a task derives its own input from them (resize, letterbox, crops) and maps its answers back onto
/// the original image's pixels. Implementations are thread-safe: the pipeline runs several images at once,
/// and a task batches across them through its model's dynamic batcher (Sightline.Inference).
/// </summary>
public interface IImageTask
{
    /// <summary>The task's name as the CLI and the API spell it: "detect", "faces", "segment", ...</summary>
    string Name { get; }

    /// <summary>The decode this task needs; the pipeline decodes at the largest of the chosen tasks'.</summary>
    DecodeSize DecodeSize { get; }

    /// <summary>Catalog ids of the models this task runs, for provenance in every result.</summary>
    IReadOnlyList<string> ModelIds { get; }

    /// <summary>Runs on one decoded image; the result is the task's result record (see <see cref="IImageTask{TResult}"/>).</summary>
    Task<object> RunUntypedAsync(DecodedImage image, CancellationToken cancellationToken);
}

/// <summary>An image task whose result is <typeparamref name="TResult"/>.</summary>
public interface IImageTask<TResult> : IImageTask where TResult : class
{
    Task<TResult> RunAsync(DecodedImage image, CancellationToken cancellationToken);
}

/// <summary>Base for tasks: the untyped entry point forwards to the typed one.</summary>
public abstract class ImageTask<TResult> : IImageTask<TResult> where TResult : class
{
    public abstract string Name { get; }
    public abstract DecodeSize DecodeSize { get; }
    public abstract IReadOnlyList<string> ModelIds { get; }
    public abstract Task<TResult> RunAsync(DecodedImage image, CancellationToken cancellationToken);

    public async Task<object> RunUntypedAsync(DecodedImage image, CancellationToken cancellationToken) =>
        await RunAsync(image, cancellationToken).ConfigureAwait(false);
}
