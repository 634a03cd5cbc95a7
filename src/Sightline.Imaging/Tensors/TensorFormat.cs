namespace Sightline.Imaging.Tensors;

/// <summary>Which colours a model's input holds, in which order.</summary>
public enum PixelColours
{
    /// <summary>Red, green, blue.</summary>
    Rgb,
    /// <summary>Blue, green, red (Caffe and OpenCV models).</summary>
    Bgr,
    /// <summary>One channel: ITU-R BT.601 luma, 0.299 R + 0.587 G + 0.114 B.</summary>
    Grey,
}

/// <summary>
/// How RGBA pixels become one item of a model's float input: which colours (<see cref="Sources"/>: the RGBA byte
/// each channel reads, or grey), channels first (NCHW) or last (NHWC), and value = pixel (0-255) * scale + offset.
/// <see cref="Scale"/> and <see cref="Offset"/> hold one value per channel, or one per tensor element in the
/// tensor's own order (a mean image).
/// </summary>
public sealed class TensorFormat
{
    /// <summary>BT.601 luma weights (what tf.image.rgbToGrayscale and OpenCV's RGB2GRAY compute, to 4 decimals).</summary>
    public const float LumaR = 0.299f, LumaG = 0.587f, LumaB = 0.114f;

    private TensorFormat(PixelColours colours, int[] sources, bool channelsFirst, float[] scale, float[] offset)
    {
        if (scale.Length != offset.Length)
            throw new ArgumentException($"{scale.Length} scale values but {offset.Length} offsets", nameof(offset));
        var channels = colours == PixelColours.Grey ? 1 : sources.Length;
        if (scale.Length != channels && (scale.Length == 0 || scale.Length % channels != 0))
            throw new ArgumentException($"{scale.Length} scale values fit neither {channels} channels nor a whole number of {channels}-channel pixels", nameof(scale));
        if (sources.Any(s => s is < 0 or > 3))
            throw new ArgumentException("each channel reads R (0), G (1), B (2) or A (3)", nameof(sources));
        Colours = colours;
        Sources = sources;
        ChannelsFirst = channelsFirst;
        Scale = scale;
        Offset = offset;
    }

    public PixelColours Colours { get; }

    /// <summary>The RGBA byte (0 = R, 1 = G, 2 = B) each channel reads; empty for grey.</summary>
    public IReadOnlyList<int> Sources { get; }

    public bool ChannelsFirst { get; }
    public IReadOnlyList<float> Scale { get; }
    public IReadOnlyList<float> Offset { get; }

    public int Channels => Colours == PixelColours.Grey ? 1 : Sources.Count;

    /// <summary>Scale and offset per tensor element rather than per channel.</summary>
    public bool PerElement => Scale.Count != Channels;

    /// <summary>Values of one item of <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    public int ItemLength(int width, int height) => Channels * width * height;

    /// <summary>One scale and offset for every channel.</summary>
    public static TensorFormat Uniform(PixelColours colours, bool channelsFirst, float scale, float offset)
    {
        var channels = colours == PixelColours.Grey ? 1 : 3;
        return PerChannel(colours, channelsFirst, Enumerable.Repeat(scale, channels).ToArray(), Enumerable.Repeat(offset, channels).ToArray());
    }

    /// <summary>A scale and offset per channel (ImageNet mean and deviation, say), in the channels' order.</summary>
    public static TensorFormat PerChannel(PixelColours colours, bool channelsFirst, float[] scale, float[] offset) =>
        new(colours, SourcesOf(colours), channelsFirst, scale.ToArray(), offset.ToArray());

    /// <summary>
    /// Any order of colour channels (<paramref name="sources"/>[c]: the RGBA byte channel c reads), with scale and
    /// offset per channel or per element (tensor order).
    /// </summary>
    public static TensorFormat Custom(int[] sources, bool channelsFirst, float[] scale, float[] offset)
    {
        var colours = sources.SequenceEqual([2, 1, 0]) ? PixelColours.Bgr : PixelColours.Rgb;
        return new(colours, sources.ToArray(), channelsFirst, scale.ToArray(), offset.ToArray());
    }

    /// <summary>Channel c's value is <c>(pixel / 255 - mean[c]) / std[c]</c>: the usual torchvision normalisation.</summary>
    public static TensorFormat MeanStd(PixelColours colours, bool channelsFirst, float[] mean, float[] std) =>
        PerChannel(colours, channelsFirst, std.Select(s => 1 / (255 * s)).ToArray(), mean.Select((m, i) => -m / std[i]).ToArray());

    /// <summary>The same format with every scale multiplied by <paramref name="factor"/> (pixel / max, say); offsets kept.</summary>
    public TensorFormat ScaledBy(float factor) =>
        new(Colours, Sources.ToArray(), ChannelsFirst, Scale.Select(s => s * factor).ToArray(), Offset.ToArray());

    private static int[] SourcesOf(PixelColours colours) => colours switch
    {
        PixelColours.Rgb => [0, 1, 2],
        PixelColours.Bgr => [2, 1, 0],
        PixelColours.Grey => [],
        _ => throw new ArgumentOutOfRangeException(nameof(colours), colours, "unknown colour order"),
    };
}
