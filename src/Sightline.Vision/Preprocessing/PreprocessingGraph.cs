using Sightline.Inference.Sessions;

namespace Sightline.Vision.Preprocessing;

/// <summary>
/// Some packages ship their input normalisation as a small ONNX graph. When that graph is a per-channel
/// affine map, possibly with the channels reordered (out[c] = in[src(c)] * a + b), running it per image is
/// wasted work: find src, a and b once and fold them into the pre-processing that fills the tensor anyway.
/// </summary>
public static class PreprocessingGraph
{
    public static ChannelAffine FoldAffine(ModelSession graph, int channels, int height, int width)
    {
        var plane = height * width;
        var length = channels * plane;
        var name = Path.GetFileName(graph.Path);
        float[] Run(float[] input)
        {
            var output = graph.Run(input, 1)[0].Values;
            if (output.Length != length)
                throw new InferenceException($"preprocessing graph '{name}' maps {length} values to {output.Length}; expected the same shape");
            return output;
        }

        float[] Lit(int channel)
        {
            var input = new float[length];
            input.AsSpan(channel * plane, plane).Fill(1f);
            return Run(input);
        }

        var bias = Run(new float[length]);
        var sources = Enumerable.Repeat(-1, channels).ToArray();
        // Light one input channel at a time and see which output channel answers.
        for (var k = 0; k < channels; k++)
        {
            var output = Lit(k);
            for (var c = 0; c < channels; c++)
            {
                var moved = false;
                for (var i = c * plane; i < (c + 1) * plane && !moved; i++)
                    moved = MathF.Abs(output[i] - bias[i]) > 1e-6f;
                if (!moved)
                    continue;
                if (sources[c] >= 0)
                    throw new InferenceException($"preprocessing graph '{name}' mixes input channels {sources[c]} and {k} into output channel {c}; it cannot be folded");
                sources[c] = k;
            }
        }
        if (sources.Any(s => s < 0))
            throw new InferenceException($"preprocessing graph '{name}' ignores one of its input channels; it cannot be folded");

        var scale = new float[length];
        for (var c = 0; c < channels; c++)
        {
            var output = Lit(sources[c]);
            for (var i = c * plane; i < (c + 1) * plane; i++)
                scale[i] = output[i] - bias[i];
        }
        var affine = new ChannelAffine(channels, height, width, scale, bias, sources);

        // Check the fold on a varied input before trusting it.
        var probe = new float[length];
        var random = new Random(12345);
        for (var i = 0; i < length; i++)
            probe[i] = random.Next(256);
        var actual = Run(probe);
        for (var c = 0; c < channels; c++)
            for (var i = 0; i < plane; i++)
            {
                var e = c * plane + i;
                var predicted = probe[sources[c] * plane + i] * scale[e] + bias[e];
                if (MathF.Abs(predicted - actual[e]) > 1e-3f * (1 + MathF.Abs(actual[e])))
                    throw new InferenceException($"preprocessing graph '{name}' is not a per-channel affine map (element {e}: {actual[e]} vs {predicted})");
            }
        return affine.Simplify();
    }
}
