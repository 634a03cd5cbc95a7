namespace Sightline.Video.Tracking;

/// <summary>
/// The assignment problem (Hungarian method, shortest augmenting paths with potentials, O(n^2 m)): which row
/// goes with which column so that the summed cost is least. Trackers use it to pair tracks with detections,
/// and the tracking metrics to pair ground truth with tracker boxes.
/// </summary>
public static class LinearAssignment
{
    /// <summary>
    /// A full assignment of the smaller side: every row gets a column when there are no more rows than columns
    /// (and every column a row otherwise), at least total cost. The result maps each row to its column, -1 for none.
    /// </summary>
    public static int[] Minimize(double[,] cost)
    {
        int rows = cost.GetLength(0), cols = cost.GetLength(1);
        var assignment = new int[rows];
        Array.Fill(assignment, -1);
        if (rows == 0 || cols == 0)
            return assignment;
        if (rows <= cols)
            return Solve(rows, cols, (i, j) => cost[i, j]);
        var byColumn = Solve(cols, rows, (i, j) => cost[j, i]);
        for (var c = 0; c < cols; c++)
            if (byColumn[c] >= 0)
                assignment[byColumn[c]] = c;
        return assignment;
    }

    /// <summary>
    /// Pairs rows with columns at least total cost where leaving a row or a column unpaired costs
    /// <paramref name="limit"/> / 2 each, so no pair costing <paramref name="limit"/> or more is ever made and any
    /// number of rows and columns may stay unpaired. The result maps each row to its column, -1 for none.
    /// </summary>
    public static int[] Match(double[,] cost, double limit)
    {
        int rows = cost.GetLength(0), cols = cost.GetLength(1);
        var assignment = new int[rows];
        Array.Fill(assignment, -1);
        if (rows == 0 || cols == 0)
            return assignment;
        var n = rows + cols;
        var half = limit / 2;
        // Pairs at or above the limit are worth less than both sides unpaired; a large finite cost keeps the
        // potentials finite.
        var barrier = Math.Abs(limit) * 4 + 1;
        double Cost(int i, int j) => i < rows && j < cols ? (cost[i, j] < limit ? cost[i, j] : limit + barrier)
            : i >= rows && j >= cols ? 0 : half;
        var extended = Solve(n, n, Cost);
        for (var i = 0; i < rows; i++)
            if (extended[i] is var j and >= 0 && j < cols && cost[i, j] < limit)
                assignment[i] = j;
        return assignment;
    }

    // rows <= cols; 1-based potentials u (rows), v (columns) and p (the row holding each column).
    private static int[] Solve(int rows, int cols, Func<int, int, double> cost)
    {
        var u = new double[rows + 1];
        var v = new double[cols + 1];
        var p = new int[cols + 1];
        var way = new int[cols + 1];
        var minv = new double[cols + 1];
        var used = new bool[cols + 1];
        for (var i = 1; i <= rows; i++)
        {
            p[0] = i;
            var j0 = 0;
            Array.Fill(minv, double.PositiveInfinity);
            Array.Fill(used, false);
            do
            {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                var delta = double.PositiveInfinity;
                for (var j = 1; j <= cols; j++)
                {
                    if (used[j])
                        continue;
                    var current = cost(i0 - 1, j - 1) - u[i0] - v[j];
                    if (current < minv[j])
                    {
                        minv[j] = current;
                        way[j] = j0;
                    }
                    if (minv[j] < delta)
                    {
                        delta = minv[j];
                        j1 = j;
                    }
                }
                for (var j = 0; j <= cols; j++)
                {
                    if (used[j])
                    {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    }
                    else
                    {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            }
            while (p[j0] != 0);
            do
            {
                var j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            }
            while (j0 != 0);
        }
        var assignment = new int[rows];
        Array.Fill(assignment, -1);
        for (var j = 1; j <= cols; j++)
            if (p[j] != 0)
                assignment[p[j] - 1] = j - 1;
        return assignment;
    }
}
