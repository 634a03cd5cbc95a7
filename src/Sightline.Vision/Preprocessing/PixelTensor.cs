namespace Sightline.Vision.Preprocessing;

/// <summary>Pure conversions from RGBA pixels to model input tensors.</summary>
public static class PixelTensor
{
    /// <summary>
    /// Writes RGBA8888 pixels (<paramref name="width"/> x <paramref name="height"/>, rows packed) into
    /// <paramref name="destination"/> as three planes, plane c holding colour <c>affine.Sources[c]</c>
    /// (0 = R, 1 = G, 2 = B) with <paramref name="affine"/>'s scale and bias applied. Alpha is ignored.
    /// </summary>
    public static void WriteChw(ReadOnlySpan<byte> rgba, int width, int height, Span<float> destination, ChannelAffine affine)
    {
        var plane = width * height;
        if (affine.Channels != 3 || affine.Width != width || affine.Height != height)
            throw new ArgumentException($"affine is for {affine.Channels}x{affine.Height}x{affine.Width}, pixels are 3x{height}x{width}", nameof(affine));
        if (rgba.Length < plane * 4)
            throw new ArgumentException($"{rgba.Length} bytes cannot hold {width}x{height} RGBA pixels", nameof(rgba));
        if (destination.Length < plane * 3)
            throw new ArgumentException($"destination holds {destination.Length} values, needs {plane * 3}", nameof(destination));

        for (var c = 0; c < 3; c++)
        {
            var source = affine.Sources[c];
            var output = destination.Slice(c * plane, plane);
            if (affine.PerElement)
            {
                var scale = affine.Scale.AsSpan(c * plane, plane);
                var bias = affine.Bias.AsSpan(c * plane, plane);
                for (int i = 0, p = source; i < plane; i++, p += 4)
                    output[i] = rgba[p] * scale[i] + bias[i];
            }
            else
            {
                float scale = affine.Scale[c], bias = affine.Bias[c];
                for (int i = 0, p = source; i < plane; i++, p += 4)
                    output[i] = rgba[p] * scale + bias;
            }
        }
    }

    /// <summary>
    /// Writes RGBA8888 pixels into <paramref name="destination"/> as interleaved R, G, B (NHWC) or as
    /// three planes (NCHW), each value <c>pixel * scale + offset</c>. Alpha is ignored.
    /// </summary>
    public static void WriteRgb(ReadOnlySpan<byte> rgba, int width, int height, Span<float> destination, bool channelsFirst, float scale, float offset)
    {
        var plane = width * height;
        if (rgba.Length < plane * 4)
            throw new ArgumentException($"{rgba.Length} bytes cannot hold {width}x{height} RGBA pixels", nameof(rgba));
        if (destination.Length < plane * 3)
            throw new ArgumentException($"destination holds {destination.Length} values, needs {plane * 3}", nameof(destination));
        if (channelsFirst)
        {
            for (int i = 0, p = 0; i < plane; i++, p += 4)
            {
                destination[i] = rgba[p] * scale + offset;
                destination[plane + i] = rgba[p + 1] * scale + offset;
                destination[2 * plane + i] = rgba[p + 2] * scale + offset;
            }
        }
        else
        {
            for (int i = 0, p = 0, o = 0; i < plane; i++, p += 4, o += 3)
            {
                destination[o] = rgba[p] * scale + offset;
                destination[o + 1] = rgba[p + 1] * scale + offset;
                destination[o + 2] = rgba[p + 2] * scale + offset;
            }
        }
    }
}
