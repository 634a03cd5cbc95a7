namespace Sightline.Vision.Segmentation;

/// <summary>What a model's raw output values are, so they can be turned into class probabilities.</summary>
public enum ScoreActivation
{
    /// <summary>Already probabilities (one channel: the foreground; several: one per class).</summary>
    Probability,
    /// <summary>Independent logits: probability = 1 / (1 + e^-x).</summary>
    Sigmoid,
    /// <summary>Logits over the classes: softmax across the channels of each pixel.</summary>
    Softmax,
    /// <summary>Decide from the values: softmax over several channels unless they already sum to one; one channel is taken as a probability when it lies in 0-1, else as a logit.</summary>
    Auto,
}

/// <summary>How a crop fills the model input.</summary>
public enum CropFit
{
    /// <summary>Stretched to the input size (the aspect ratio is not kept).</summary>
    Stretch,
    /// <summary>Aspect kept, centred, padded with black.</summary>
    Letterbox,
}

/// <summary>
/// How pixels become the model input: <c>value = pixel * Scale[c] + Offset[c]</c> for RGB channel c, with the
/// pixel in 0-255, or in 0-1 of the crop's brightest value when <see cref="DivideByMax"/> is set (as rembg does).
/// </summary>
public sealed record ScoreMapInput(int Width, int Height, bool ChannelsFirst, IReadOnlyList<float> Scale, IReadOnlyList<float> Offset, bool DivideByMax = false)
{
    public static ScoreMapInput Uniform(int width, int height, bool channelsFirst, float scale, float offset) =>
        new(width, height, channelsFirst, [scale, scale, scale], [offset, offset, offset]);

    /// <summary>The same scale and offset for the three channels.</summary>
    public bool IsUniform => Scale.Count == 3 && Offset.Count == 3 && Scale[1] == Scale[0] && Scale[2] == Scale[0] && Offset[1] == Offset[0] && Offset[2] == Offset[0];
}

/// <summary>
/// A model whose output is a per-pixel score map: its input, how to read its output (<see cref="OutputName"/>,
/// or the first output), its labels (class c is channel c; one channel means [background, foreground]),
/// and whether to stretch each map to 0-1 (min-max, as rembg does for U²-Net).
/// </summary>
public sealed record ScoreMapSpec(ScoreMapInput Input, IReadOnlyList<string> Labels, ScoreActivation Activation = ScoreActivation.Auto,
    bool MinMaxNormalize = false, string? OutputName = null);

/// <summary>Class probabilities at the model's resolution: <see cref="Values"/> holds <see cref="Channels"/> planes of Width x Height.</summary>
public sealed record ScoreMap(int Width, int Height, int Channels, float[] Values)
{
    public ReadOnlySpan<float> Plane(int channel) => Values.AsSpan(channel * Width * Height, Width * Height);

    /// <summary>The foreground probability of a two-class map (the last channel).</summary>
    public ReadOnlySpan<float> Foreground => Plane(Channels - 1);
}

/// <summary>Pure conversions from raw model output to class probabilities.</summary>
public static class ScoreMaps
{
    /// <summary>
    /// One item of an output tensor as a <see cref="ScoreMap"/> of probabilities. The layout is read from the
    /// shape: [N, C, H, W] when the second axis is the smallest, [N, H, W, C] when the last is, [N, H, W] for
    /// one channel. One channel becomes two: background = 1 - p, foreground = p.
    /// </summary>
    public static ScoreMap FromOutput(ReadOnlySpan<float> item, IReadOnlyList<int> shape, ScoreActivation activation, bool minMax)
    {
        var (channels, height, width, channelsFirst) = Layout(shape);
        var plane = width * height;
        // One channel becomes two planes, background then foreground: the foreground is written in place.
        var planes = new float[Math.Max(2, channels) * plane];
        var values = planes.AsSpan(channels == 1 ? plane : 0, channels * plane);
        if (channelsFirst || channels == 1)
            item[..values.Length].CopyTo(values);
        else
            for (int i = 0, o = 0; i < plane; i++)
                for (var c = 0; c < channels; c++, o++)
                    values[c * plane + i] = item[o];

        if (activation == ScoreActivation.Auto)
            activation = AutoActivation(values, channels, plane);
        switch (activation)
        {
            case ScoreActivation.Sigmoid:
                for (var i = 0; i < values.Length; i++)
                    values[i] = 1f / (1f + MathF.Exp(-values[i]));
                break;
            case ScoreActivation.Softmax:
                Softmax(values, channels, plane);
                break;
        }
        if (minMax)
            for (var c = 0; c < channels; c++)
                MinMax(values.Slice(c * plane, plane));
        if (channels == 1)
            for (var i = 0; i < plane; i++)
            {
                var p = Math.Clamp(values[i], 0f, 1f);
                planes[i] = 1 - p;
                values[i] = p;
            }
        return new ScoreMap(width, height, Math.Max(2, channels), planes);
    }

    internal static (int Channels, int Height, int Width, bool ChannelsFirst) Layout(IReadOnlyList<int> shape) => shape.Count switch
    {
        4 when shape[1] <= shape[3] && shape[1] <= shape[2] => (shape[1], shape[2], shape[3], true),
        4 => (shape[3], shape[1], shape[2], false),
        3 => (1, shape[1], shape[2], true),
        _ => throw new ArgumentException($"an output of shape [{string.Join(",", shape)}] is not a per-pixel score map (expected [N,C,H,W], [N,H,W,C] or [N,H,W])"),
    };

    /// <summary>Softmax across channels at each pixel (planes laid out channel by channel).</summary>
    public static void Softmax(Span<float> planes, int channels, int plane)
    {
        for (var i = 0; i < plane; i++)
        {
            var max = float.NegativeInfinity;
            for (var c = 0; c < channels; c++) max = Math.Max(max, planes[c * plane + i]);
            var sum = 0f;
            for (var c = 0; c < channels; c++)
            {
                var e = MathF.Exp(planes[c * plane + i] - max);
                planes[c * plane + i] = e;
                sum += e;
            }
            for (var c = 0; c < channels; c++) planes[c * plane + i] /= sum;
        }
    }

    /// <summary>Stretches values to 0-1 (unchanged when they are all equal).</summary>
    public static void MinMax(Span<float> values)
    {
        var min = float.PositiveInfinity;
        var max = float.NegativeInfinity;
        foreach (var v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        if (max - min <= 1e-12f)
            return;
        var scale = 1 / (max - min);
        for (var i = 0; i < values.Length; i++)
            values[i] = (values[i] - min) * scale;
    }

    private static ScoreActivation AutoActivation(ReadOnlySpan<float> planes, int channels, int plane)
    {
        var inUnit = true;
        foreach (var v in planes)
            inUnit &= v is >= 0 and <= 1;
        if (channels == 1)
            return inUnit ? ScoreActivation.Probability : ScoreActivation.Sigmoid;
        if (!inUnit)
            return ScoreActivation.Softmax;
        // Probabilities over the classes sum to one at every pixel; check a few.
        for (var i = 0; i < plane; i += Math.Max(1, plane / 64))
        {
            var sum = 0f;
            for (var c = 0; c < channels; c++) sum += planes[c * plane + i];
            if (Math.Abs(sum - 1) > 1e-3f)
                return ScoreActivation.Softmax;
        }
        return ScoreActivation.Probability;
    }
}
