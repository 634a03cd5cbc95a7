using System.Buffers;
using System.Diagnostics;
using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Inference.Timing;
using Sightline.Models.Cache;
using Sightline.Models.Catalog;
using Sightline.Models.Import;
using Sightline.Vision.Preprocessing;
using SkiaSharp;

namespace Sightline.Vision.Moderation;

/// <summary>
/// The content classifier (catalog entry <c>nsfwjs-mobilenet-v2</c>): each image stretched to the catalog's input
/// size, written as the catalog's typed input spec says (RGB, pixel * scale + offset, NHWC or NCHW), run in batches
/// where the model's batch axis is free, five softmax probabilities out, and the verdict of <see cref="ModerationRule"/>.
/// Thread-safe: the session is shared and no per-call state is kept.
/// </summary>
public sealed class ContentModerator
{
    private readonly ModelSession _session;
    private readonly TfjsInputSpec _input;
    private readonly int _batch;

    public ContentModerator(CachedModel model, InferenceEngine engine, int maxBatch = 8)
    {
        _input = TfjsModels.InputOf(model.Entry.Id)
            ?? throw new ArgumentException($"model '{model.Entry.Id}' has no input specification in the catalog", nameof(model));
        if (_input.Channels != 3 || _input.Fit != InputFit.Stretch)
            throw new ArgumentException($"model '{model.Entry.Id}' takes {_input.Channels} channels fitted by {_input.Fit}; the content classifier needs RGB stretched to size", nameof(model));
        Labels = ModerationClasses.Of(model.Entry);
        _session = engine.Open(model.ModelPath);
        if (_session.Outputs[0].ItemLength != Labels.Count)
            throw new ArgumentException($"model '{model.Entry.Id}' has {_session.Outputs[0].ItemLength} outputs per image for {Labels.Count} labels", nameof(model));
        _batch = _session.SupportsBatch ? Math.Max(1, maxBatch) : 1;
        ModelId = model.Entry.Id;
        ModelVersion = model.Version;
    }

    public string ModelId { get; }
    public string ModelVersion { get; }
    public IReadOnlyList<string> Labels { get; }
    public TfjsInputSpec Input => _input;

    /// <summary>Images per model run: the batch asked for when the model's batch axis is free, else 1.</summary>
    public int BatchSize => _batch;

    /// <summary>The least decode the model needs: both sides at least its input's, the rest is a stretch.</summary>
    public DecodeSize DecodeSize => DecodeSize.Cover(_input.Width, _input.Height);

    public ModerationResult Moderate(DecodedImage image, ModerateOptions options) => Moderate([image], options)[0];

    /// <summary>The verdict on each image, in order; the images go through the model <see cref="BatchSize"/> at a time.</summary>
    public IReadOnlyList<ModerationResult> Moderate(IReadOnlyList<DecodedImage> images, ModerateOptions options)
    {
        options.Validate();
        return Moderate(images.Select(image => (image, options)).ToList());
    }

    /// <summary>
    /// The verdict on each image under its own options, in order: images of different requests share model runs
    /// (<see cref="BatchSize"/> at a time), as the scores do not depend on the options.
    /// </summary>
    public IReadOnlyList<ModerationResult> Moderate(IReadOnlyList<(DecodedImage Image, ModerateOptions Options)> images)
    {
        foreach (var (_, options) in images.DistinctBy(i => i.Options))
            options.Validate();
        var results = new List<ModerationResult>(images.Count);
        for (var offset = 0; offset < images.Count; offset += _batch)
            results.AddRange(RunBatch(images.Skip(offset).Take(_batch).ToArray()));
        return results;
    }

    /// <summary>The image stretched to the model's input size (RGBA8888); the caller owns it.</summary>
    public SKBitmap FitToInput(SKBitmap image) => ImageResize.Resize(image, _input.Width, _input.Height);

    /// <summary>Input-sized RGBA pixels into one item of the input tensor, as the catalog's input spec says.</summary>
    public void WriteInput(ReadOnlySpan<byte> rgba, Span<float> destination) =>
        PixelTensor.WriteRgb(rgba, _input.Width, _input.Height, destination, _input.ChannelsFirst, _input.Scale, _input.Offset);

    /// <summary>The class probabilities of <paramref name="count"/> items already in the input tensor (at most <see cref="BatchSize"/>).</summary>
    public float[][] Score(Memory<float> tensor, int count)
    {
        var output = _session.Run(tensor, count)[0];
        var scores = new float[count][];
        for (var i = 0; i < count; i++)
            scores[i] = output.Item(i).ToArray();
        return scores;
    }

    private ModerationResult[] RunBatch((DecodedImage Image, ModerateOptions Options)[] images)
    {
        var item = _input.ItemLength;
        var buffer = ArrayPool<float>.Shared.Rent(item * images.Length);
        try
        {
            var start = Stopwatch.GetTimestamp();
            Parallel.For(0, images.Length, i => Preprocess(images[i].Image.Bitmap, buffer.AsSpan(i * item, item)));
            var preprocessMs = StageTimings.Since(start);

            start = Stopwatch.GetTimestamp();
            var scores = Score(buffer.AsMemory(0, item * images.Length), images.Length);
            var inferenceMs = StageTimings.Since(start);

            start = Stopwatch.GetTimestamp();
            var decided = scores.Select((s, i) => ModerationRule.Decide(Labels, s, images[i].Options)).ToArray();
            var timings = new StageTimings(preprocessMs, inferenceMs, StageTimings.Since(start)).Share(images.Length);
            return decided.Select((d, i) => new ModerationResult(d.Verdict, d.SensitiveScore, images[i].Options.Threshold, d.DrivenBy,
                Labels.Select((label, c) => new ClassScore(label, scores[i][c])).ToArray(),
                Labels.Where(l => images[i].Options.SensitiveClasses.Contains(l, StringComparer.OrdinalIgnoreCase)).ToArray(),
                ModelId, ModelVersion, timings)).ToArray();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    private void Preprocess(SKBitmap bitmap, Span<float> destination)
    {
        if (bitmap.Width == _input.Width && bitmap.Height == _input.Height)
        {
            WriteInput(bitmap.GetPixelSpan(), destination);
            return;
        }
        using var fitted = FitToInput(bitmap);
        WriteInput(fitted.GetPixelSpan(), destination);
    }
}
