namespace Sightline.Imaging.Tensors;

/// <summary>
/// The one writer from RGBA8888 pixels to model input values, for every model Sightline feeds: colour order,
/// grey, layout and value range all come from a <see cref="TensorFormat"/>. It runs once per pixel of every
/// input, so each combination is its own branch-free loop over raw pointers.
/// </summary>
public static class TensorWriter
{
    /// <summary>
    /// Writes <paramref name="width"/> x <paramref name="height"/> RGBA pixels (rows packed) into
    /// <paramref name="destination"/> as <paramref name="format"/> says. Alpha is ignored unless a channel reads it.
    /// </summary>
    public static unsafe void Write(ReadOnlySpan<byte> rgba, int width, int height, Span<float> destination, TensorFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var plane = width * height;
        var length = format.ItemLength(width, height);
        if (rgba.Length < plane * 4)
            throw new ArgumentException($"{rgba.Length} bytes cannot hold {width}x{height} RGBA pixels", nameof(rgba));
        if (destination.Length < length)
            throw new ArgumentException($"destination holds {destination.Length} values, needs {length}", nameof(destination));
        if (format.PerElement && format.Scale.Count != length)
            throw new ArgumentException($"the format has {format.Scale.Count} per-element values, a {width}x{height} item has {length}", nameof(format));

        var scale = format.Scale as float[] ?? format.Scale.ToArray();
        var offset = format.Offset as float[] ?? format.Offset.ToArray();
        var sources = format.Sources as int[] ?? format.Sources.ToArray();
        fixed (byte* px = rgba)
        fixed (float* dst = destination)
        fixed (float* a = scale)
        fixed (float* b = offset)
        {
            if (format.Colours == PixelColours.Grey)
            {
                if (format.PerElement)
                    GreyPerElement(px, dst, plane, a, b);
                else
                    Grey(px, dst, plane, a[0], b[0]);
            }
            else if (format.PerElement)
                PerElement(px, dst, plane, sources, format.ChannelsFirst, a, b);
            else if (sources.Length == 3 && format.ChannelsFirst)
                Planar3(px, dst, plane, sources, a, b);
            else if (sources.Length == 3)
                Interleaved3(px, dst, plane, sources, a, b);
            else
                PerChannel(px, dst, plane, sources, format.ChannelsFirst, a, b);
        }
    }

    private static unsafe void Grey(byte* px, float* dst, int plane, float a, float b)
    {
        // The luma weights fold into the scale, so each pixel costs three multiply-adds.
        float r = TensorFormat.LumaR * a, g = TensorFormat.LumaG * a, bl = TensorFormat.LumaB * a;
        for (var i = 0; i < plane; i++, px += 4)
            dst[i] = px[0] * r + px[1] * g + px[2] * bl + b;
    }

    private static unsafe void GreyPerElement(byte* px, float* dst, int plane, float* a, float* b)
    {
        for (var i = 0; i < plane; i++, px += 4)
            dst[i] = (TensorFormat.LumaR * px[0] + TensorFormat.LumaG * px[1] + TensorFormat.LumaB * px[2]) * a[i] + b[i];
    }

    private static unsafe void Interleaved3(byte* px, float* dst, int plane, int[] sources, float* a, float* b)
    {
        int s0 = sources[0], s1 = sources[1], s2 = sources[2];
        float a0 = a[0], a1 = a[1], a2 = a[2], b0 = b[0], b1 = b[1], b2 = b[2];
        for (var i = 0; i < plane; i++, px += 4, dst += 3)
        {
            dst[0] = px[s0] * a0 + b0;
            dst[1] = px[s1] * a1 + b1;
            dst[2] = px[s2] * a2 + b2;
        }
    }

    private static unsafe void Planar3(byte* px, float* dst, int plane, int[] sources, float* a, float* b)
    {
        int s0 = sources[0], s1 = sources[1], s2 = sources[2];
        float a0 = a[0], a1 = a[1], a2 = a[2], b0 = b[0], b1 = b[1], b2 = b[2];
        float* d0 = dst, d1 = dst + plane, d2 = dst + 2 * plane;
        for (var i = 0; i < plane; i++, px += 4)
        {
            d0[i] = px[s0] * a0 + b0;
            d1[i] = px[s1] * a1 + b1;
            d2[i] = px[s2] * a2 + b2;
        }
    }

    private static unsafe void PerChannel(byte* px, float* dst, int plane, int[] sources, bool channelsFirst, float* a, float* b)
    {
        var channels = sources.Length;
        for (var c = 0; c < channels; c++)
        {
            int s = sources[c], step = channelsFirst ? 1 : channels;
            float ac = a[c], bc = b[c];
            var d = channelsFirst ? dst + c * plane : dst + c;
            var p = px + s;
            for (var i = 0; i < plane; i++, p += 4, d += step)
                *d = *p * ac + bc;
        }
    }

    private static unsafe void PerElement(byte* px, float* dst, int plane, int[] sources, bool channelsFirst, float* a, float* b)
    {
        var channels = sources.Length;
        for (var c = 0; c < channels; c++)
        {
            int step = channelsFirst ? 1 : channels, first = channelsFirst ? c * plane : c;
            var p = px + sources[c];
            for (int i = 0, e = first; i < plane; i++, p += 4, e += step)
                dst[e] = *p * a[e] + b[e];
        }
    }
}
