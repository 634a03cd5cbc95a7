using System.Buffers;
using System.Diagnostics;
using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Inference.Timing;
using Sightline.Models.Cache;
using Sightline.Vision.Pipeline;
using Sightline.Vision.Preprocessing;

namespace Sightline.Vision.Embeddings;

/// <summary>
/// ResNet-18 up to global pooling (catalog entry <c>resnet18-imagenet</c>): 224x224 RGB, scale to cover and
/// centre crop, the package's preprocessing graph folded into one affine map, 512-d output made unit length.
/// </summary>
public sealed class ResNetEmbedder : IImageEmbedder
{
    private readonly ModelSession _session;
    private readonly ChannelAffine _affine;
    private readonly int _width;
    private readonly int _height;

    public ResNetEmbedder(CachedModel model, InferenceEngine engine, EmbedderOptions? options = null)
    {
        if (model.Entry.Input is not { } input)
            throw new ArgumentException($"model '{model.Entry.Id}' has no input specification", nameof(model));
        Options = options ?? EmbedderOptions.Default;
        if (Options.BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), Options.BatchSize, "batch size must be at least 1");
        _width = input.Width;
        _height = input.Height;
        _session = engine.Open(model.ModelPath);
        _affine = PreprocessingGraph.FoldAffine(engine.Open(model.PathOf("preprocess.onnx")), 3, _height, _width);
        ModelId = model.Entry.Id;
        ModelVersion = model.Version;
        Dimension = model.Entry.OutputDimension ?? _session.Outputs[0].ItemLength;
    }

    public string ModelId { get; }
    public string ModelVersion { get; }
    public int Dimension { get; }
    public EmbedderOptions Options { get; }
    public DecodeSize DecodeSize => DecodeSize.Cover(_width, _height);
    private int BatchSize => _session.SupportsBatch ? Options.BatchSize : 1;

    /// <summary>Decodes straight to the size the model needs (scaled JPEG decoding for large photos).</summary>
    public DecodedImage Decode(string path) => ImageDecoder.Decode(path, DecodeSize, Options.Limits);

    public ImageEmbedding Embed(string path)
    {
        var start = Stopwatch.GetTimestamp();
        using var image = Decode(path);
        var decodeMs = StageTimings.Since(start);
        var result = Embed([image])[0];
        return result with { Source = path, Timings = result.Timings with { PreprocessMs = result.Timings.PreprocessMs + decodeMs } };
    }

    public IReadOnlyList<ImageEmbedding> Embed(IReadOnlyList<DecodedImage> images)
    {
        var results = new List<ImageEmbedding>(images.Count);
        for (var offset = 0; offset < images.Count; offset += BatchSize)
        {
            var count = Math.Min(BatchSize, images.Count - offset);
            var batch = new DecodedImage[count];
            for (var i = 0; i < count; i++)
                batch[i] = images[offset + i];
            results.AddRange(RunBatch(batch, batch.Select(b => b.Source).ToArray(), 0));
        }
        return results;
    }

    public IReadOnlyList<Outcome<ImageEmbedding>> EmbedFiles(IReadOnlyList<string> paths, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var outcomes = new Outcome<ImageEmbedding>[paths.Count];
        var done = 0;
        for (var offset = 0; offset < paths.Count; offset += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(BatchSize, paths.Count - offset);
            var decoded = new DecodedImage?[count];
            var start = Stopwatch.GetTimestamp();
            // Decoding is the CPU-heavy part outside the model: spread it over the cores.
            Parallel.For(0, count, i =>
            {
                try
                {
                    decoded[i] = Decode(paths[offset + i]);
                }
                catch (ImageLoadException e)
                {
                    outcomes[offset + i] = Outcome<ImageEmbedding>.Failure(new SourceRef(paths[offset + i]), InputError.From(e));
                }
            });
            var decodeMs = StageTimings.Since(start);
            try
            {
                var good = Enumerable.Range(0, count).Where(i => decoded[i] is not null).ToArray();
                if (good.Length > 0)
                {
                    var embeddings = RunBatch(good.Select(i => decoded[i]!).ToArray(), good.Select(i => paths[offset + i]).ToArray(), decodeMs);
                    for (var j = 0; j < good.Length; j++)
                        outcomes[offset + good[j]] = Outcome<ImageEmbedding>.Success(new SourceRef(paths[offset + good[j]]), embeddings[j]);
                }
            }
            finally
            {
                foreach (var image in decoded)
                    image?.Dispose();
            }
            done += count;
            progress?.Report(done);
        }
        return outcomes;
    }

    private ImageEmbedding[] RunBatch(DecodedImage[] images, string[] sources, double decodeMs)
    {
        var item = 3 * _width * _height;
        var buffer = ArrayPool<float>.Shared.Rent(item * images.Length);
        try
        {
            var start = Stopwatch.GetTimestamp();
            Parallel.For(0, images.Length, i => Preprocess(images[i], buffer.AsSpan(i * item, item)));
            var preprocessMs = decodeMs + StageTimings.Since(start);

            start = Stopwatch.GetTimestamp();
            var output = _session.Run(buffer.AsMemory(0, item * images.Length), images.Length)[0];
            var inferenceMs = StageTimings.Since(start);

            start = Stopwatch.GetTimestamp();
            var vectors = new float[images.Length][];
            for (var i = 0; i < images.Length; i++)
                vectors[i] = VectorMath.Normalized(output.Item(i));
            var timings = new StageTimings(preprocessMs, inferenceMs, StageTimings.Since(start)).Share(images.Length);
            return vectors.Select((v, i) => new ImageEmbedding(sources[i], v, ModelId, ModelVersion, timings)).ToArray();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    private void Preprocess(DecodedImage image, Span<float> destination)
    {
        var bitmap = image.Bitmap;
        if (bitmap.Width == _width && bitmap.Height == _height)
        {
            PixelTensor.WriteChw(bitmap.GetPixelSpan(), _width, _height, destination, _affine);
            return;
        }
        using var cropped = ImageResize.CoverCrop(bitmap, _width, _height);
        PixelTensor.WriteChw(cropped.GetPixelSpan(), _width, _height, destination, _affine);
    }
}
