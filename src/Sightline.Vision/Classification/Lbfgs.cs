namespace Sightline.Vision.Classification;

/// <summary>
/// Limited-memory BFGS with a backtracking (Armijo) line search, for smooth convex objectives of a few
/// thousand parameters. Written here rather than taken from ML.NET: the softmax head has at most a few
/// thousand parameters and a few thousand images, so this page of code replaces a large dependency and
/// its native libraries, and keeps training deterministic and warm-startable.
/// </summary>
internal static class Lbfgs
{
    /// <summary>Evaluates the objective at x, writes its gradient into the second argument, returns the value.</summary>
    public delegate double Objective(double[] x, double[] gradient);

    public readonly record struct Result(double[] Solution, double Value, int Iterations, bool Converged);

    public static Result Minimize(Objective objective, double[] start, int maxIterations = 500, double gradientTolerance = 1e-6, int memory = 10)
    {
        var n = start.Length;
        var x = (double[])start.Clone();
        var g = new double[n];
        var f = objective(x, g);
        var s = new List<double[]>();
        var y = new List<double[]>();
        var rho = new List<double>();
        var direction = new double[n];
        var alpha = new double[memory];
        var xNew = new double[n];
        var gNew = new double[n];

        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            if (MaxAbs(g) < gradientTolerance)
                return new Result(x, f, iteration, true);

            // Two-loop recursion: direction = -H g.
            Array.Copy(g, direction, n);
            for (var i = s.Count - 1; i >= 0; i--)
            {
                alpha[i] = rho[i] * Dot(s[i], direction);
                Axpy(-alpha[i], y[i], direction);
            }
            var gamma = s.Count > 0 ? Dot(s[^1], y[^1]) / Dot(y[^1], y[^1]) : 1 / Math.Max(Norm(g), 1e-12);
            for (var i = 0; i < n; i++)
                direction[i] *= gamma;
            for (var i = 0; i < s.Count; i++)
            {
                var beta = rho[i] * Dot(y[i], direction);
                Axpy(alpha[i] - beta, s[i], direction);
            }
            for (var i = 0; i < n; i++)
                direction[i] = -direction[i];

            var slope = Dot(g, direction);
            if (slope >= 0)
            {
                // Curvature pairs went stale: restart from steepest descent.
                s.Clear(); y.Clear(); rho.Clear();
                for (var i = 0; i < n; i++)
                    direction[i] = -g[i] / Math.Max(Norm(g), 1e-12);
                slope = Dot(g, direction);
            }

            var step = 1.0;
            double fNew;
            while (true)
            {
                for (var i = 0; i < n; i++)
                    xNew[i] = x[i] + step * direction[i];
                fNew = objective(xNew, gNew);
                if (fNew <= f + 1e-4 * step * slope || step < 1e-12)
                    break;
                step *= 0.5;
            }
            if (step < 1e-12)
                return new Result(x, f, iteration, MaxAbs(g) < 100 * gradientTolerance);

            var sk = new double[n];
            var yk = new double[n];
            for (var i = 0; i < n; i++)
            {
                sk[i] = xNew[i] - x[i];
                yk[i] = gNew[i] - g[i];
            }
            var sy = Dot(sk, yk);
            if (sy > 1e-12)
            {
                if (s.Count == memory)
                {
                    s.RemoveAt(0); y.RemoveAt(0); rho.RemoveAt(0);
                }
                s.Add(sk); y.Add(yk); rho.Add(1 / sy);
            }
            var previous = f;
            Array.Copy(xNew, x, n);
            Array.Copy(gNew, g, n);
            f = fNew;
            if (Math.Abs(previous - f) <= 1e-12 * Math.Max(1, Math.Abs(f)))
                return new Result(x, f, iteration + 1, true);
        }
        return new Result(x, f, maxIterations, MaxAbs(g) < gradientTolerance);
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (var i = 0; i < x.Length; i++)
            y[i] += a * x[i];
    }

    private static double Norm(double[] a) => Math.Sqrt(Dot(a, a));

    private static double MaxAbs(double[] a)
    {
        double max = 0;
        foreach (var v in a)
            max = Math.Max(max, Math.Abs(v));
        return max;
    }
}
