namespace Sightline.Vision.Text;

/// <summary>
/// Rectified crops of text regions: the homography that maps an upright width x height rectangle onto a
/// quadrilateral, and sampling through it (bilinear, several samples per output pixel when the crop shrinks) straight
/// into a recogniser's planar input, so a line is warped and resized in one step.
/// </summary>
public static class PerspectiveCrop
{
    /// <summary>
    /// The 3x3 homography (row-major, last entry 1) taking (0,0), (w,0), (w,h), (0,h) to the quadrilateral's
    /// top-left, top-right, bottom-right and bottom-left.
    /// </summary>
    public static double[] Homography(Quadrilateral quad, double width, double height)
    {
        var from = new (double X, double Y)[] { (0, 0), (width, 0), (width, height), (0, height) };
        var to = quad.Points;
        var a = new double[8, 9];
        for (var i = 0; i < 4; i++)
        {
            var (x, y) = from[i];
            var (u, v) = ((double)to[i].X, (double)to[i].Y);
            var r = 2 * i;
            a[r, 0] = x; a[r, 1] = y; a[r, 2] = 1; a[r, 6] = -x * u; a[r, 7] = -y * u; a[r, 8] = u;
            a[r + 1, 3] = x; a[r + 1, 4] = y; a[r + 1, 5] = 1; a[r + 1, 6] = -x * v; a[r + 1, 7] = -y * v; a[r + 1, 8] = v;
        }
        var h = Solve(a);
        return [h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1];
    }

    public static PointF Apply(double[] h, double x, double y)
    {
        var w = h[6] * x + h[7] * y + h[8];
        return new PointF((float)((h[0] * x + h[1] * y + h[2]) / w), (float)((h[3] * x + h[4] * y + h[5]) / w));
    }

    /// <summary>
    /// Samples the quadrilateral of an RGBA8888 image into <paramref name="width"/> x <paramref name="height"/> pixels
    /// of a planar tensor item (channels blue, green, red: PP-OCR's models read BGR), each value (v / 255 - 0.5) / 0.5.
    /// The item is <paramref name="stride"/> pixels wide; columns from <paramref name="width"/> on stay as they are.
    /// </summary>
    public static void SampleInto(ReadOnlySpan<byte> rgba, int imageWidth, int imageHeight, Quadrilateral quad,
        int width, int height, Span<float> destination, int stride)
    {
        var h = Homography(quad, width, height);
        var plane = stride * height;
        // Shrinking a tall crop to the recogniser's height skips pixels; average a few samples per output pixel.
        var samples = (int)Math.Clamp(Math.Ceiling(quad.Height / height), 1, 4);
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            float b = 0, g = 0, r = 0;
            for (var sy = 0; sy < samples; sy++)
            for (var sx = 0; sx < samples; sx++)
            {
                var p = Apply(h, x + (sx + 0.5) / samples, y + (sy + 0.5) / samples);
                Bilinear(rgba, imageWidth, imageHeight, p.X - 0.5f, p.Y - 0.5f, out var pr, out var pg, out var pb);
                r += pr;
                g += pg;
                b += pb;
            }
            var n = samples * samples * 255f;
            var index = y * stride + x;
            destination[index] = (b / n - 0.5f) / 0.5f;
            destination[plane + index] = (g / n - 0.5f) / 0.5f;
            destination[2 * plane + index] = (r / n - 0.5f) / 0.5f;
        }
    }

    private static void Bilinear(ReadOnlySpan<byte> rgba, int width, int height, float x, float y, out float r, out float g, out float b)
    {
        x = Math.Clamp(x, 0, width - 1);
        y = Math.Clamp(y, 0, height - 1);
        var x0 = (int)x;
        var y0 = (int)y;
        var x1 = Math.Min(x0 + 1, width - 1);
        var y1 = Math.Min(y0 + 1, height - 1);
        var fx = x - x0;
        var fy = y - y0;
        var i00 = (y0 * width + x0) * 4;
        var i10 = (y0 * width + x1) * 4;
        var i01 = (y1 * width + x0) * 4;
        var i11 = (y1 * width + x1) * 4;
        var (w00, w10, w01, w11) = ((1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy);
        r = rgba[i00] * w00 + rgba[i10] * w10 + rgba[i01] * w01 + rgba[i11] * w11;
        g = rgba[i00 + 1] * w00 + rgba[i10 + 1] * w10 + rgba[i01 + 1] * w01 + rgba[i11 + 1] * w11;
        b = rgba[i00 + 2] * w00 + rgba[i10 + 2] * w10 + rgba[i01 + 2] * w01 + rgba[i11 + 2] * w11;
    }

    // Gaussian elimination with partial pivoting on the 8x9 augmented system.
    private static double[] Solve(double[,] a)
    {
        const int n = 8;
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var row = col + 1; row < n; row++)
                if (Math.Abs(a[row, col]) > Math.Abs(a[pivot, col]))
                    pivot = row;
            if (Math.Abs(a[pivot, col]) < 1e-12)
                throw new ArgumentException("the quadrilateral is degenerate: three of its corners are on one line");
            for (var k = 0; k <= n; k++)
                (a[col, k], a[pivot, k]) = (a[pivot, k], a[col, k]);
            for (var row = 0; row < n; row++)
            {
                if (row == col)
                    continue;
                var f = a[row, col] / a[col, col];
                for (var k = col; k <= n; k++)
                    a[row, k] -= f * a[col, k];
            }
        }
        var x = new double[n];
        for (var i = 0; i < n; i++)
            x[i] = a[i, n] / a[i, i];
        return x;
    }
}
