using Sightline.Vision.Detection;

namespace Sightline.Video.Tracking;

/// <summary>
/// A box's state as a Kalman filter holds it: centre x and y, aspect ratio (width / height) and height, and the
/// velocity of each, with its 8 x 8 covariance.
/// </summary>
public sealed class BoxState
{
    internal BoxState(double[] mean, double[] covariance)
    {
        Mean = mean;
        Covariance = covariance;
    }

    /// <summary>cx, cy, a, h, then their velocities per step.</summary>
    public double[] Mean { get; }

    /// <summary>Row-major 8 x 8.</summary>
    public double[] Covariance { get; }

    public BoundingBox Box
    {
        get
        {
            var h = Mean[3];
            var w = Mean[2] * h;
            return new BoundingBox((float)(Mean[0] - w / 2), (float)(Mean[1] - h / 2), (float)w, (float)h);
        }
    }

    public BoxState Clone() => new((double[])Mean.Clone(), (double[])Covariance.Clone());
}

/// <summary>
/// The constant-velocity Kalman filter of SORT, DeepSORT and ByteTrack over (cx, cy, a, h): process and
/// measurement noise scale with the box height, so a large near object may move more pixels per step than a far
/// small one. The noise weights are those trackers' (1/20 of the height for position, 1/160 for velocity).
/// </summary>
public static class KalmanBoxFilter
{
    public const double PositionWeight = 1.0 / 20;
    public const double VelocityWeight = 1.0 / 160;
    private const int N = 8;
    private const int M = 4;

    public static double[] Measurement(BoundingBox box) =>
        [box.X + box.Width / 2.0, box.Y + box.Height / 2.0, box.Width / (double)Math.Max(box.Height, 1e-6f), box.Height];

    /// <summary>A new track's state: at the box, not moving, uncertain about its velocity.</summary>
    public static BoxState Initiate(BoundingBox box)
    {
        var z = Measurement(box);
        var mean = new double[N];
        Array.Copy(z, mean, M);
        var h = z[3];
        double[] std = [2 * PositionWeight * h, 2 * PositionWeight * h, 1e-2, 2 * PositionWeight * h,
            10 * VelocityWeight * h, 10 * VelocityWeight * h, 1e-5, 10 * VelocityWeight * h];
        var covariance = new double[N * N];
        for (var i = 0; i < N; i++)
            covariance[i * N + i] = std[i] * std[i];
        return new BoxState(mean, covariance);
    }

    /// <summary>One step ahead: x' = F x, P' = F P F^T + Q, with F adding each velocity to its value.</summary>
    public static void Predict(BoxState state)
    {
        var mean = state.Mean;
        var p = state.Covariance;
        var h = mean[3];
        for (var i = 0; i < M; i++)
            mean[i] += mean[i + M];
        // F P F^T with F = [[I, I], [0, I]]: rows then columns of the upper half gain their velocity counterpart.
        for (var i = 0; i < M; i++)
            for (var j = 0; j < N; j++)
                p[i * N + j] += p[(i + M) * N + j];
        for (var i = 0; i < N; i++)
            for (var j = 0; j < M; j++)
                p[i * N + j] += p[i * N + j + M];
        double[] std = [PositionWeight * h, PositionWeight * h, 1e-2, PositionWeight * h,
            VelocityWeight * h, VelocityWeight * h, 1e-5, VelocityWeight * h];
        for (var i = 0; i < N; i++)
            p[i * N + i] += std[i] * std[i];
    }

    /// <summary>Corrects the state with a measured box: the standard update through the 4 x 4 innovation covariance.</summary>
    public static void Update(BoxState state, BoundingBox box)
    {
        var z = Measurement(box);
        var mean = state.Mean;
        var p = state.Covariance;
        var h = mean[3];
        double[] r = [PositionWeight * h, PositionWeight * h, 1e-1, PositionWeight * h];
        // S = H P H^T + R (the upper-left block of P plus R).
        var s = new double[M * M];
        for (var i = 0; i < M; i++)
            for (var j = 0; j < M; j++)
                s[i * M + j] = p[i * N + j] + (i == j ? r[i] * r[i] : 0);
        var sInverse = Invert4(s);
        // K = P H^T S^-1 (8 x 4): P's first four columns times S^-1.
        var k = new double[N * M];
        for (var i = 0; i < N; i++)
            for (var j = 0; j < M; j++)
            {
                double sum = 0;
                for (var l = 0; l < M; l++)
                    sum += p[i * N + l] * sInverse[l * M + j];
                k[i * M + j] = sum;
            }
        var innovation = new double[M];
        for (var i = 0; i < M; i++)
            innovation[i] = z[i] - mean[i];
        for (var i = 0; i < N; i++)
            for (var j = 0; j < M; j++)
                mean[i] += k[i * M + j] * innovation[j];
        // P - K S K^T, which equals P - K H P.
        var updated = new double[N * N];
        for (var i = 0; i < N; i++)
            for (var j = 0; j < N; j++)
            {
                double sum = 0;
                for (var l = 0; l < M; l++)
                    sum += k[i * M + l] * p[l * N + j];
                updated[i * N + j] = p[i * N + j] - sum;
            }
        Array.Copy(updated, p, N * N);
    }

    /// <summary>Gauss-Jordan with partial pivoting; S is symmetric positive definite, so it is always invertible.</summary>
    internal static double[] Invert4(double[] a)
    {
        var m = new double[M * 2 * M];
        for (var i = 0; i < M; i++)
        {
            for (var j = 0; j < M; j++)
                m[i * 2 * M + j] = a[i * M + j];
            m[i * 2 * M + M + i] = 1;
        }
        for (var c = 0; c < M; c++)
        {
            var pivot = c;
            for (var r = c + 1; r < M; r++)
                if (Math.Abs(m[r * 2 * M + c]) > Math.Abs(m[pivot * 2 * M + c]))
                    pivot = r;
            if (pivot != c)
                for (var j = 0; j < 2 * M; j++)
                    (m[c * 2 * M + j], m[pivot * 2 * M + j]) = (m[pivot * 2 * M + j], m[c * 2 * M + j]);
            var d = m[c * 2 * M + c];
            for (var j = 0; j < 2 * M; j++)
                m[c * 2 * M + j] /= d;
            for (var r = 0; r < M; r++)
            {
                if (r == c)
                    continue;
                var f = m[r * 2 * M + c];
                if (f == 0)
                    continue;
                for (var j = 0; j < 2 * M; j++)
                    m[r * 2 * M + j] -= f * m[c * 2 * M + j];
            }
        }
        var inverse = new double[M * M];
        for (var i = 0; i < M; i++)
            for (var j = 0; j < M; j++)
                inverse[i * M + j] = m[i * 2 * M + M + j];
        return inverse;
    }
}
