namespace Sightline.Models.Tests.Import;

/// <summary>Direct loops over NHWC tensors: the definitions the converted graphs are checked against.</summary>
internal static class NaiveOps
{
    /// <summary>TensorFlow Conv2D (NHWC input, HWIO filter); SAME pads the smaller half first.</summary>
    public static float[] Conv2D(float[] x, int n, int h, int w, int c, float[] filter, int kh, int kw, int outC, int stride, bool same, out int oh, out int ow)
    {
        (oh, ow, var padTop, var padLeft) = OutputSize(h, w, kh, kw, stride, same);
        var y = new float[n * oh * ow * outC];
        for (var b = 0; b < n; b++)
        for (var i = 0; i < oh; i++)
        for (var j = 0; j < ow; j++)
        for (var o = 0; o < outC; o++)
        {
            double sum = 0;
            for (var di = 0; di < kh; di++)
            for (var dj = 0; dj < kw; dj++)
            {
                int yi = i * stride + di - padTop, xj = j * stride + dj - padLeft;
                if (yi < 0 || yi >= h || xj < 0 || xj >= w) continue;
                for (var ci = 0; ci < c; ci++)
                    sum += x[((b * h + yi) * w + xj) * c + ci] * filter[((di * kw + dj) * c + ci) * outC + o];
            }
            y[((b * oh + i) * ow + j) * outC + o] = (float)sum;
        }
        return y;
    }

    /// <summary>TensorFlow DepthwiseConv2dNative (filter [H, W, C, M], output channel c*M + m).</summary>
    public static float[] Depthwise(float[] x, int n, int h, int w, int c, float[] filter, int kh, int kw, int m, int stride, bool same, out int oh, out int ow)
    {
        (oh, ow, var padTop, var padLeft) = OutputSize(h, w, kh, kw, stride, same);
        var y = new float[n * oh * ow * c * m];
        for (var b = 0; b < n; b++)
        for (var i = 0; i < oh; i++)
        for (var j = 0; j < ow; j++)
        for (var ci = 0; ci < c; ci++)
        for (var mi = 0; mi < m; mi++)
        {
            double sum = 0;
            for (var di = 0; di < kh; di++)
            for (var dj = 0; dj < kw; dj++)
            {
                int yi = i * stride + di - padTop, xj = j * stride + dj - padLeft;
                if (yi < 0 || yi >= h || xj < 0 || xj >= w) continue;
                sum += x[((b * h + yi) * w + xj) * c + ci] * filter[((di * kw + dj) * c + ci) * m + mi];
            }
            y[((b * oh + i) * ow + j) * c * m + ci * m + mi] = (float)sum;
        }
        return y;
    }

    private static (int Oh, int Ow, int PadTop, int PadLeft) OutputSize(int h, int w, int kh, int kw, int stride, bool same)
    {
        if (!same)
            return ((h - kh) / stride + 1, (w - kw) / stride + 1, 0, 0);
        int oh = (h + stride - 1) / stride, ow = (w + stride - 1) / stride;
        var padH = Math.Max((oh - 1) * stride + kh - h, 0);
        var padW = Math.Max((ow - 1) * stride + kw - w, 0);
        return (oh, ow, padH / 2, padW / 2);
    }

    public static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }
}
