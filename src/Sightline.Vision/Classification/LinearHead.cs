namespace Sightline.Vision.Classification;

/// <summary>
/// A linear classifier over embeddings: logits = W x + b, probabilities = softmax(logits).
/// <see cref="Weights"/> is row-major, <see cref="Classes"/> rows of <see cref="Dimension"/> values.
/// </summary>
public sealed record LinearHead(int Classes, int Dimension, float[] Weights, float[] Bias)
{
    public LinearHead Validate()
    {
        if (Classes < 1 || Dimension < 1)
            throw new ArgumentException($"a head needs at least one class and one dimension (got {Classes}x{Dimension})");
        if (Weights.Length != Classes * Dimension || Bias.Length != Classes)
            throw new ArgumentException($"a {Classes}x{Dimension} head needs {Classes * Dimension} weights and {Classes} biases, got {Weights.Length} and {Bias.Length}");
        if (Weights.Any(w => !float.IsFinite(w)) || Bias.Any(b => !float.IsFinite(b)))
            throw new ArgumentException("head weights must be finite numbers");
        return this;
    }

    public ReadOnlySpan<float> Row(int k) => Weights.AsSpan(k * Dimension, Dimension);

    public float[] Logits(ReadOnlySpan<float> features)
    {
        if (features.Length != Dimension)
            throw new ArgumentException($"the head takes {Dimension} features, got {features.Length}", nameof(features));
        var logits = new float[Classes];
        for (var k = 0; k < Classes; k++)
        {
            // Accumulate in double: exported graphs and this code must agree to well under 1e-4.
            double sum = Bias[k];
            var row = Row(k);
            for (var d = 0; d < row.Length; d++)
                sum += (double)row[d] * features[d];
            logits[k] = (float)sum;
        }
        return logits;
    }

    public float[] Probabilities(ReadOnlySpan<float> features) => Softmax(Logits(features));

    /// <summary>Numerically stable softmax (the largest logit is subtracted first).</summary>
    public static float[] Softmax(ReadOnlySpan<float> logits)
    {
        var max = float.NegativeInfinity;
        foreach (var l in logits)
            max = Math.Max(max, l);
        var result = new float[logits.Length];
        double sum = 0;
        for (var k = 0; k < logits.Length; k++)
            sum += result[k] = (float)Math.Exp(logits[k] - max);
        for (var k = 0; k < result.Length; k++)
            result[k] = (float)(result[k] / sum);
        return result;
    }
}
