using System.Buffers;
using System.Diagnostics;
using Sightline.Imaging;
using Sightline.Inference.Sessions;
using Sightline.Inference.Timing;
using Sightline.Models.Cache;
using Sightline.Vision.Detection;
using Sightline.Vision.Preprocessing;
using SkiaSharp;

namespace Sightline.Vision.Segmentation;

/// <summary>A region of an image and how it was fitted into the model input.</summary>
public readonly record struct CropPlacement(SKRectI Region, Letterbox Fit);

/// <summary>Score maps for regions of one image, and the time their pre-processing, inference and decoding took.</summary>
public sealed record ScoreMapBatch(IReadOnlyList<(ScoreMap Map, CropPlacement Placement)> Items, StageTimings Timings);

/// <summary>
/// Runs any model whose output is a per-pixel class score map on regions of images (the whole image, or a
/// crop around a detection) and returns class probabilities at the model's resolution. Thread-safe.
/// </summary>
public sealed class ScoreMapModel
{
    private readonly ModelSession _session;
    private readonly int _batch;

    public ScoreMapModel(CachedModel model, InferenceEngine engine, ScoreMapSpec spec)
        : this(engine.Open(model.ModelPath), model.Entry.Id, model.Version, spec)
    {
    }

    public ScoreMapModel(ModelSession session, string modelId, string modelVersion, ScoreMapSpec spec)
    {
        _session = session;
        Spec = spec;
        ModelId = modelId;
        ModelVersion = modelVersion;
        if (spec.Labels.Count < 2)
            throw new ArgumentException($"model '{modelId}' needs at least two labels (background and a class)", nameof(spec));
        var input = session.Inputs[0];
        if (input.ItemLength != 3 * spec.Input.Width * spec.Input.Height)
            throw new ArgumentException($"model '{modelId}' takes {input}, not a {spec.Input.Width}x{spec.Input.Height} RGB image", nameof(spec));
        if (!spec.Input.ChannelsFirst && !spec.Input.IsUniform)
            throw new ArgumentException($"model '{modelId}': an interleaved (NHWC) input takes one scale and offset for all three channels", nameof(spec));
        _batch = session.SupportsBatch ? 8 : 1;
    }

    public string ModelId { get; }
    public string ModelVersion { get; }
    public ScoreMapSpec Spec { get; }
    public IReadOnlyList<string> Labels => Spec.Labels;

    private int ItemLength => 3 * Spec.Input.Width * Spec.Input.Height;

    /// <summary>Each region of the image through the model (regions are clipped to the image), with the time spent.</summary>
    public ScoreMapBatch Predict(SKBitmap image, IReadOnlyList<SKRectI> regions, CropFit fit)
    {
        var results = new (ScoreMap, CropPlacement)[regions.Count];
        double preMs = 0, inferenceMs = 0, postMs = 0;
        var buffer = ArrayPool<float>.Shared.Rent(ItemLength * Math.Min(_batch, Math.Max(1, regions.Count)));
        try
        {
            for (var offset = 0; offset < regions.Count; offset += _batch)
            {
                var count = Math.Min(_batch, regions.Count - offset);
                var start = Stopwatch.GetTimestamp();
                var placements = new CropPlacement[count];
                for (var i = 0; i < count; i++)
                    placements[i] = Prepare(image, regions[offset + i], fit, buffer.AsSpan(i * ItemLength, ItemLength));
                preMs += StageTimings.Since(start);
                start = Stopwatch.GetTimestamp();
                var outputs = _session.Run(buffer.AsMemory(0, ItemLength * count), count);
                inferenceMs += StageTimings.Since(start);
                start = Stopwatch.GetTimestamp();
                var output = Spec.OutputName is { } name ? outputs.FirstOrDefault(o => o.Name == name) ?? outputs[0] : outputs[0];
                for (var i = 0; i < count; i++)
                {
                    var map = ScoreMaps.FromOutput(output.Item(i), output.Shape, Spec.Activation, Spec.MinMaxNormalize);
                    if (map.Channels != Spec.Labels.Count)
                        throw new InvalidOperationException($"model '{ModelId}' gives {map.Channels} classes per pixel but has {Spec.Labels.Count} labels");
                    results[offset + i] = (map, placements[i]);
                }
                postMs += StageTimings.Since(start);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
        return new ScoreMapBatch(results, new StageTimings(preMs, inferenceMs, postMs));
    }

    /// <summary>The whole image through the model.</summary>
    public ScoreMapBatch Predict(SKBitmap image, CropFit fit = CropFit.Stretch) => Predict(image, [SKRectI.Create(0, 0, image.Width, image.Height)], fit);

    private CropPlacement Prepare(SKBitmap image, SKRectI region, CropFit fit, Span<float> destination)
    {
        region = SKRectI.Intersect(region, SKRectI.Create(0, 0, image.Width, image.Height));
        if (region.Width < 1 || region.Height < 1)
            region = SKRectI.Create(0, 0, image.Width, image.Height);
        var input = Spec.Input;
        using var crop = new SKBitmap();
        var whole = region.Left == 0 && region.Top == 0 && region.Width == image.Width && region.Height == image.Height;
        if (!whole && !image.ExtractSubset(crop, region))
            throw new InvalidOperationException($"cannot crop {region} from a {image.Width}x{image.Height} image");
        var source = whole ? image : crop;
        var placement = fit == CropFit.Letterbox
            ? Letterbox.Fit(region.Width, region.Height, input.Width, input.Height)
            : Letterbox.Stretch(region.Width, region.Height, input.Width, input.Height);
        using var resized = fit == CropFit.Letterbox
            ? ImageResize.Letterbox(source, input.Width, input.Height,
                SKRectI.Create((int)placement.PadX, (int)placement.PadY, (int)MathF.Round(placement.Content.Width), (int)MathF.Round(placement.Content.Height)), SKColors.Black)
            : Stretch(source, input.Width, input.Height);
        WriteInput(resized.GetPixelSpan(), input, destination);
        return new CropPlacement(region, placement);
    }

    /// <summary>
    /// The source stretched to <paramref name="width"/> x <paramref name="height"/>. Shrinking by more than 2x
    /// samples the nearest mipmap level bilinearly: within half a grey level of blending two levels
    /// (trilinear) on photos, at a sixth of the cost, which was the largest part of whole-image segmentation.
    /// </summary>
    internal static SKBitmap Stretch(SKBitmap source, int width, int height)
    {
        var shrinks = source.Width > 2 * width || source.Height > 2 * height;
        var result = new SKBitmap(source.Info.WithSize(width, height));
        if (!source.ScalePixels(result, new SKSamplingOptions(SKFilterMode.Linear, shrinks ? SKMipmapMode.Nearest : SKMipmapMode.None)))
        {
            result.Dispose();
            throw new InvalidOperationException($"cannot resize a {source.Width}x{source.Height} bitmap to {width}x{height}");
        }
        return result;
    }

    /// <summary>RGBA pixels into the model's input layout and value range.</summary>
    internal static void WriteInput(ReadOnlySpan<byte> rgba, ScoreMapInput input, Span<float> destination)
    {
        var divide = input.DivideByMax ? Brightest(rgba[..(4 * input.Width * input.Height)]) : 1f;
        if (input.IsUniform && !input.DivideByMax)
        {
            PixelTensor.WriteRgb(rgba, input.Width, input.Height, destination, input.ChannelsFirst, input.Scale[0], input.Offset[0]);
            return;
        }
        var affine = ChannelAffine.PerChannel(input.Height, input.Width,
            [input.Scale[0] / divide, input.Scale[1] / divide, input.Scale[2] / divide], [input.Offset[0], input.Offset[1], input.Offset[2]]);
        PixelTensor.WriteChw(rgba, input.Width, input.Height, destination, affine);
    }

    /// <summary>The brightest colour value of RGBA pixels (at least 1), for inputs divided by it.</summary>
    private static byte Brightest(ReadOnlySpan<byte> rgba)
    {
        byte max = 1;
        for (var i = 0; i < rgba.Length; i += 4)
            max = Math.Max(max, Math.Max(rgba[i], Math.Max(rgba[i + 1], rgba[i + 2])));
        return max;
    }
}
