using System.Buffers;
using System.Diagnostics;
using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Inference.Timing;
using Sightline.Models.Cache;
using Sightline.Vision.Detection.Heads;
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
    private readonly ImageLimits? _limits;
    private readonly int _batch;

    public ObjectDetector(CachedModel model, InferenceEngine engine, IDetectionHead head, DetectorInput input, int batchSize = 8, ImageLimits? limits = null)
    {
        _session = engine.Open(model.ModelPath);
        _head = head;
        _input = input;
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

    public IReadOnlyList<DetectionOutcome> DetectFiles(IReadOnlyList<string> paths, DetectOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= DetectOptions.Default;
        var outcomes = new DetectionOutcome[paths.Count];
        for (var offset = 0; offset < paths.Count; offset += _batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(_batch, paths.Count - offset);
            var decoded = new DecodedImage?[count];
            var start = Stopwatch.GetTimestamp();
            Parallel.For(0, count, i =>
            {
                try { decoded[i] = Decode(paths[offset + i]); }
                catch (ImageLoadException e) { outcomes[offset + i] = new DetectionOutcome(paths[offset + i], null, e.Message); }
            });
            var decodeMs = StageTimings.Since(start);
            try
            {
                var good = Enumerable.Range(0, count).Where(i => decoded[i] is not null).ToArray();
                if (good.Length > 0)
                {
                    var results = Run(good.Select(i => decoded[i]!).ToArray(), good.Select(_ => options).ToArray(), decodeMs);
                    for (var j = 0; j < good.Length; j++)
                        outcomes[offset + good[j]] = new DetectionOutcome(paths[offset + good[j]], results[j] with { Source = paths[offset + good[j]] }, null);
                }
            }
            finally
            {
                foreach (var image in decoded) image?.Dispose();
            }
            progress?.Report(offset + count);
        }
        return outcomes;
    }

    private DetectionResult[] Run(DecodedImage[] images, DetectOptions[] options, double decodeMs)
    {
        var item = 3 * _input.Width * _input.Height;
        var buffer = ArrayPool<float>.Shared.Rent(item * images.Length);
        try
        {
            var start = Stopwatch.GetTimestamp();
            var fits = new Letterbox[images.Length];
            Parallel.For(0, images.Length, i => fits[i] = Preprocess(images[i], buffer.AsSpan(i * item, item)));
            var preprocessMs = decodeMs + StageTimings.Since(start);

            start = Stopwatch.GetTimestamp();
            var outputs = _session.Run(buffer.AsMemory(0, item * images.Length), images.Length);
            var inferenceMs = StageTimings.Since(start);

            start = Stopwatch.GetTimestamp();
            var detections = new IReadOnlyList<DetectedObject>[images.Length];
            for (var i = 0; i < images.Length; i++)
                detections[i] = Postprocess(outputs, i, fits[i], images[i], options[i]);
            var timings = new StageTimings(preprocessMs, inferenceMs, StageTimings.Since(start)).Share(images.Length);
            return images.Select((image, i) => new DetectionResult(image.Source, image.OriginalWidth, image.OriginalHeight, ModelId, ModelVersion, detections[i], timings)).ToArray();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    private Letterbox Preprocess(DecodedImage image, Span<float> destination)
    {
        var bitmap = image.Bitmap;
        var fit = _input.KeepAspect
            ? Letterbox.Fit(bitmap.Width, bitmap.Height, _input.Width, _input.Height)
            : Letterbox.Stretch(bitmap.Width, bitmap.Height, _input.Width, _input.Height);
        using var resized = _input.KeepAspect
            ? ImageResize.Letterbox(bitmap, _input.Width, _input.Height,
                SkiaSharp.SKRectI.Create((int)fit.PadX, (int)fit.PadY, (int)MathF.Round(fit.Content.Width), (int)MathF.Round(fit.Content.Height)), new SkiaSharp.SKColor(114, 114, 114))
            : ImageResize.Resize(bitmap, _input.Width, _input.Height);
        PixelTensor.WriteRgb(resized.GetPixelSpan(), _input.Width, _input.Height, destination, _input.ChannelsFirst, _input.Scale, _input.Offset);
        return fit;
    }

    private IReadOnlyList<DetectedObject> Postprocess(IReadOnlyList<OutputTensor> outputs, int item, Letterbox fit, DecodedImage image, DetectOptions options)
    {
        var candidates = _head.Decode(outputs, item, options.MinScore);
        if (options.Classes is { Count: > 0 } wanted)
            candidates = candidates.Where(c => wanted.Contains(Labels[c.ClassId])).ToList();
        var kept = _head.SuppressesOverlaps
            ? candidates.OrderByDescending(c => c.Score).Take(options.MaxDetections).ToList()
            : NonMaxSuppression.PerClass(candidates, options.IouThreshold, options.MaxDetections);
        // Boxes are found on the decoded bitmap, which scaled decoding may have made smaller than the original.
        var sx = (float)image.OriginalWidth / image.Bitmap.Width;
        var sy = (float)image.OriginalHeight / image.Bitmap.Height;
        return kept.Select(c =>
        {
            var onBitmap = fit.ToSource(c.Box);
            var box = new BoundingBox(onBitmap.X * sx, onBitmap.Y * sy, onBitmap.Width * sx, onBitmap.Height * sy);
            return new DetectedObject(c.ClassId, Labels[c.ClassId], c.Score, box, box.Normalized(image.OriginalWidth, image.OriginalHeight));
        }).ToList();
    }
}
