using Sightline.Imaging;
using Sightline.Vision.Pipeline;

namespace Sightline.Vision.Text;

/// <summary>
/// <c>text</c>: the lines of text in an image, each with its corners, box and confidence, and the full text in
/// reading order (PP-OCRv4 detector, direction classifier and recogniser). Its registry entry is <see cref="Entry"/>.
/// </summary>
public sealed class TextTask : ImageTask<OcrResult>
{
    public const string TaskName = "text";

    public static TaskEntry Entry { get; } = TaskEntry.For<OcrOptions, OcrResult>(TaskName,
        "Text reading (OCR): lines with their corners and confidence, the full text in reading order", CreateAsync);

    private readonly OcrReader _reader;

    public TextTask(OcrReader reader, OcrOptions options)
    {
        options.Validate();
        _reader = reader;
        Options = options;
    }

    public static async Task<IImageTask<OcrResult>> CreateAsync(TaskContext context, OcrOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        var model = await context.Store.EnsureAsync(OcrReader.ModelId, cancellationToken: cancellationToken).ConfigureAwait(false);
        // The three models open once per context: later tasks on it reuse the reader.
        return new TextTask(context.Workers.GetOrAdd($"ocr:{OcrReader.ModelId}", () => new OcrReader(model, context.Engine)), options);
    }

    public OcrOptions Options { get; }
    public override string Name => TaskName;
    public override DecodeSize DecodeSize => OcrReader.DecodeSize;
    public override IReadOnlyList<string> ModelIds => [OcrReader.ModelId];

    public override Task<OcrResult> RunAsync(DecodedImage image, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_reader.Read(image, Options));
    }
}
