using Sightline.Imaging.Tensors;

namespace Sightline.Vision.Preprocessing;

/// <summary>
/// Output channel c of a CHW tensor = input channel <see cref="Sources"/>[c] * Scale + Bias, for
/// <see cref="Channels"/> x <see cref="Height"/> x <see cref="Width"/> values. Scale and Bias hold either one
/// value per channel or one per element (a mean image); Sources expresses a channel reorder such as RGB to BGR.
/// </summary>
public sealed record ChannelAffine(int Channels, int Height, int Width, float[] Scale, float[] Bias, int[] Sources)
{
    public int PlaneLength => Height * Width;
    public int Length => Channels * PlaneLength;
    public bool PerElement => Scale.Length == Length;

    private TensorFormat? _format;

    // 'with' must not carry the format made from the original's arrays.
    private ChannelAffine(ChannelAffine original)
    {
        Channels = original.Channels;
        Height = original.Height;
        Width = original.Width;
        Scale = original.Scale;
        Bias = original.Bias;
        Sources = original.Sources;
    }

    /// <summary>The same map as the tensor writer's format (channels first; per channel or per element), made once.</summary>
    public TensorFormat Format => _format ??= TensorFormat.Custom(Sources, channelsFirst: true, Scale, Bias);

    public static ChannelAffine PerChannel(int height, int width, float[] scale, float[] bias, int[]? sources = null) =>
        new(scale.Length, height, width, scale, bias, sources ?? Enumerable.Range(0, scale.Length).ToArray());

    /// <summary>Collapses per-element parameters that are constant over each channel plane to per-channel ones.</summary>
    public ChannelAffine Simplify(float tolerance = 1e-6f)
    {
        if (!PerElement)
            return this;
        var scale = new float[Channels];
        var bias = new float[Channels];
        for (var c = 0; c < Channels; c++)
        {
            var plane = c * PlaneLength;
            scale[c] = Scale[plane];
            bias[c] = Bias[plane];
            for (var i = 0; i < PlaneLength; i++)
                if (MathF.Abs(Scale[plane + i] - scale[c]) > tolerance || MathF.Abs(Bias[plane + i] - bias[c]) > tolerance)
                    return this;
        }
        return this with { Scale = scale, Bias = bias };
    }
}
