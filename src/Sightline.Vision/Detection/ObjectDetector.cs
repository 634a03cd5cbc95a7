using System.Buffers;
using System.Diagnostics;
using Sightline.Imaging;
using Sightline.Imaging.Tensors;
using Sightline.Inference.Sessions;
using Sightline.Inference.Timing;
using Sightline.Models.Cache;
using Sightline.Vision.Detection.Heads;
using Sightline.Vision.Pipeline;
using Sightline.Vision.Preprocessing;

namespace Sightline.Vision.Detection;

/// <summary>
/// The detection pipeline shared by every model family: decode at the size the model needs, fit into the
/// input (stretch or letterbox), run (batched where the model has a free batch axis), decode with the
/// family's head, per-class NMS, map boxes back onto the upright original image.
/// </summary>
public sealed class ObjectDetector : IObjectDetector
{
    private readonly ModelSession _session;
    private readonly IDetectionHead _head;
    private readonly DetectorInput _input;
    private readonly TensorFormat _format;
    private readonly ImageLimits? _limits;
    private readonly int _batch;

    public ObjectDetector(CachedModel model, InferenceEngine engine, IDetectionHead head, DetectorInput input, int batchSize = 8, ImageLimits? limits = null)
    {
        _session = engine.Open(model.ModelPath);
        _head = head;
        _input = input;
        _format = TensorFormat.Uniform(PixelColours.Rgb, input.ChannelsFirst, input.Scale, input.Offset);
        _limits = limits;
        _batch = _session.SupportsBatch ? Math.Max(1, batchSize) : 1;
        ModelId = model.Entry.Id;
        ModelVersion = model.Version;
        Labels = model.Entry.Labels ?? throw new ArgumentException($"model '{model.Entry.Id}' has no labels", nameof(model));
    }

    public string ModelId { get; }
    public string ModelVersion { get; }
    public IReadOnlyList<string> Labels { get; }
    public DecodeSize DecodeSize => DecodeSize.Cover(_input.Width, _input.Height);

    private DecodedImage Decode(string path) => ImageDecoder.Decode(path, DecodeSize, _limits);

    public DetectionResult Detect(string path, DetectOptions? options = null)
    {
        var start = Stopwatch.GetTimestamp();
        using var image = Decode(path);
        var decodeMs = StageTimings.Since(start);
        return Run([image], [options ?? DetectOptions.Default], decodeMs)[0];
    }

    public DetectionResult Detect(DecodedImage image, DetectOptions? options = null) => Run([image], [options ?? DetectOptions.Default], 0)[0];

    public IReadOnlyList<DetectionResult> Detect(IReadOnlyList<(DecodedImage Image, DetectOptions Options)> images)
    {
        var results = new List<DetectionResult>(images.Count);
        for (var offset = 0; offset < images.Count; offset += _batch)
        {
            var chunk = images.Skip(offset).Take(_batch).ToArray();
            results.AddRange(Run(chunk.Select(c => c.Image).ToArray(), chunk.Select(c => c.Options).ToArray(), 0));
        }
        return results;
    }

    public IReadOnlyList<Outcome<DetectionResult>> DetectFiles(IReadOnlyList<string> paths, DetectOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= DetectOptions.Default;
        var outcomes = new Outcome<DetectionResult>[paths.Count];
        // Decoding and pre-processing the next chunk overlaps inference on this one.
        var next = paths.Count > 0 ? Task.Run(() => Prepare(paths, 0, outcomes), cancellationToken) : null;
        for (var offset = 0; offset < paths.Count; offset += _batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = next!.GetAwaiter().GetResult();
            var following = offset + _batch;
            next = following < paths.Count ? Task.Run(() => Prepare(paths, following, outcomes), cancellationToken) : null;
            try
            {
                if (chunk.Shapes.Length > 0)
                {
                    var results = Infer(chunk, chunk.Shapes.Select(_ => options).ToArray());
                    for (var j = 0; j < results.Length; j++)
                        outcomes[chunk.Indices[j]] = Outcome<DetectionResult>.Success(new SourceRef(paths[chunk.Indices[j]]), results[j]);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(chunk.Buffer);
            }
            progress?.Report(Math.Min(following, paths.Count));
        }
        return outcomes;
    }

    /// <summary>What post-processing needs of an image once its pixels are in the tensor.</summary>
    private readonly record struct ImageShape(string Source, InputTransform Transform);

    /// <summary>Images of one model run, already in the input tensor; <see cref="Buffer"/> is pooled.</summary>
    private sealed record PreparedChunk(int[] Indices, ImageShape[] Shapes, float[] Buffer, double PreprocessMs);

    private int ItemLength => 3 * _input.Width * _input.Height;

    private PreparedChunk Prepare(IReadOnlyList<string> paths, int offset, Outcome<DetectionResult>[] outcomes)
    {
        var start = Stopwatch.GetTimestamp();
        var count = Math.Min(_batch, paths.Count - offset);
        var buffer = ArrayPool<float>.Shared.Rent(ItemLength * count);
        var shapes = new ImageShape?[count];
        Parallel.For(0, count, i =>
        {
            try
            {
                using var image = Decode(paths[offset + i]);
                shapes[i] = Preprocess(image, buffer.AsSpan(i * ItemLength, ItemLength));
            }
            catch (ImageLoadException e)
            {
                outcomes[offset + i] = Outcome<DetectionResult>.Failure(new SourceRef(paths[offset + i]), InputError.From(e));
            }
        });
        // Readable images move to the front of the tensor so that one run covers them.
        var good = Enumerable.Range(0, count).Where(i => shapes[i] is not null).ToArray();
        for (var j = 0; j < good.Length; j++)
            if (good[j] != j)
                buffer.AsSpan(good[j] * ItemLength, ItemLength).CopyTo(buffer.AsSpan(j * ItemLength, ItemLength));
        return new PreparedChunk(good.Select(i => offset + i).ToArray(), good.Select(i => shapes[i]!.Value).ToArray(), buffer, StageTimings.Since(start));
    }

    private DetectionResult[] Run(DecodedImage[] images, DetectOptions[] options, double decodeMs)
    {
        var start = Stopwatch.GetTimestamp();
        var buffer = ArrayPool<float>.Shared.Rent(ItemLength * images.Length);
        try
        {
            var shapes = new ImageShape[images.Length];
            Parallel.For(0, images.Length, i => shapes[i] = Preprocess(images[i], buffer.AsSpan(i * ItemLength, ItemLength)));
            var chunk = new PreparedChunk(Enumerable.Range(0, images.Length).ToArray(), shapes, buffer, decodeMs + StageTimings.Since(start));
            return Infer(chunk, options);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    private DetectionResult[] Infer(PreparedChunk chunk, DetectOptions[] options)
    {
        var count = chunk.Shapes.Length;
        var start = Stopwatch.GetTimestamp();
        var outputs = _session.Run(chunk.Buffer.AsMemory(0, ItemLength * count), count);
        var inferenceMs = StageTimings.Since(start);

        start = Stopwatch.GetTimestamp();
        var detections = new IReadOnlyList<DetectedObject>[count];
        for (var i = 0; i < count; i++)
            detections[i] = Postprocess(outputs, i, chunk.Shapes[i], options[i]);
        var timings = new StageTimings(chunk.PreprocessMs, inferenceMs, StageTimings.Since(start)).Share(count);
        return chunk.Shapes.Select((shape, i) => new DetectionResult(shape.Source, shape.Transform.OriginalWidth, shape.Transform.OriginalHeight, ModelId, ModelVersion, detections[i], timings)).ToArray();
    }

    private ImageShape Preprocess(DecodedImage image, Span<float> destination)
    {
        var bitmap = image.Bitmap;
        var transform = InputTransform.For(image, _input.Width, _input.Height, _input.KeepAspect);
        var fit = transform.Fit;
        using var resized = _input.KeepAspect
            ? ImageResize.Letterbox(bitmap, _input.Width, _input.Height,
                SkiaSharp.SKRectI.Create((int)fit.PadX, (int)fit.PadY, (int)MathF.Round(fit.Content.Width), (int)MathF.Round(fit.Content.Height)), new SkiaSharp.SKColor(114, 114, 114))
            : ImageResize.Resize(bitmap, _input.Width, _input.Height);
        PixelTensor.Write(resized.GetPixelSpan(), _input.Width, _input.Height, destination, _format);
        return new ImageShape(image.Source, transform);
    }

    private IReadOnlyList<DetectedObject> Postprocess(IReadOnlyList<OutputTensor> outputs, int item, ImageShape image, DetectOptions options)
    {
        var candidates = _head.Decode(outputs, item, options.MinScore);
        if (options.Classes is { Count: > 0 } wanted)
            candidates = candidates.Where(c => wanted.Contains(Labels[c.ClassId])).ToList();
        var kept = (_head.SuppressesOverlaps, options.SameObjectIou) switch
        {
            (true, null) => candidates.OrderByDescending(c => c.Score).Take(options.MaxDetections).ToList(),
            (true, { } sameObject) => NonMaxSuppression.ClassAgnostic(candidates, sameObject, options.MaxDetections),
            (false, null) => NonMaxSuppression.PerClass(candidates, options.IouThreshold, options.MaxDetections),
            (false, { } sameObject) => NonMaxSuppression.StrongestClassPerObject(candidates, options.IouThreshold, sameObject, options.MaxDetections),
        };
        var transform = image.Transform;
        return kept.Select(c =>
        {
            var box = transform.ToOriginal(c.Box);
            return new DetectedObject(c.ClassId, Labels[c.ClassId], c.Score, box, box.Normalized(transform.OriginalWidth, transform.OriginalHeight));
        }).ToList();
    }
}
