using Sightline.Video.Tracking;

namespace Sightline.Video.Tests.Tracking;

public class LinearAssignmentTests
{
    [Fact]
    public void Finds_the_least_total_cost_where_greedy_choice_does_not()
    {
        // Greedy takes (0,0) = 1 first and ends at 13; the optimum is 3 + 2 + 3.
        double[,] cost = { { 1, 2, 3 }, { 2, 9, 9 }, { 9, 3, 9 } };
        var assignment = LinearAssignment.Minimize(cost);
        Assert.Equal(new[] { 2, 0, 1 }, assignment);
        Assert.Equal(8, Total(cost, assignment), 9);
    }

    [Fact]
    public void Matches_brute_force_on_random_rectangular_matrices()
    {
        var random = new Random(7);
        for (var trial = 0; trial < 200; trial++)
        {
            var rows = random.Next(1, 6);
            var cols = random.Next(1, 6);
            var cost = new double[rows, cols];
            for (var i = 0; i < rows; i++)
                for (var j = 0; j < cols; j++)
                    cost[i, j] = Math.Round(random.NextDouble() * 10, 1);
            var assignment = LinearAssignment.Minimize(cost);
            Assert.Equal(Math.Min(rows, cols), assignment.Count(j => j >= 0));
            Assert.Equal(assignment.Where(j => j >= 0).Count(), assignment.Where(j => j >= 0).Distinct().Count());
            Assert.Equal(Brute(cost), Total(cost, assignment), 9);
        }
    }

    [Fact]
    public void Match_never_pairs_at_or_above_the_limit_and_may_leave_both_sides_unpaired()
    {
        double[,] cost = { { 0.1, 0.9 }, { 0.95, 0.85 } };
        var assignment = LinearAssignment.Match(cost, 0.8);
        Assert.Equal(new[] { 0, -1 }, assignment);
    }

    [Fact]
    public void Match_prefers_two_good_pairs_to_one_excellent_pair()
    {
        // 0.3 + 0.3 = 0.6 beats pairing (0, 0) at 0.0 and leaving row 1 and column 1 unpaired at 0.4 each.
        double[,] cost = { { 0.0, 0.3 }, { 0.3, 0.9 } };
        var assignment = LinearAssignment.Match(cost, 0.8);
        Assert.Equal(new[] { 1, 0 }, assignment);
    }

    [Fact]
    public void Empty_matrices_assign_nothing()
    {
        Assert.Empty(LinearAssignment.Minimize(new double[0, 3]));
        Assert.Equal(new[] { -1, -1 }, LinearAssignment.Match(new double[2, 0], 1));
    }

    private static double Total(double[,] cost, int[] assignment) => assignment.Select((j, i) => j >= 0 ? cost[i, j] : 0).Sum();

    private static double Brute(double[,] cost)
    {
        int rows = cost.GetLength(0), cols = cost.GetLength(1);
        var best = double.PositiveInfinity;
        var k = Math.Min(rows, cols);
        void Search(int i, bool[] usedCols, int placed, double sum)
        {
            if (placed == k)
            {
                best = Math.Min(best, sum);
                return;
            }
            if (i == rows)
                return;
            // Rows beyond the columns may stay unassigned.
            if (rows - i > k - placed)
                Search(i + 1, usedCols, placed, sum);
            for (var j = 0; j < cols; j++)
            {
                if (usedCols[j])
                    continue;
                usedCols[j] = true;
                Search(i + 1, usedCols, placed + 1, sum + cost[i, j]);
                usedCols[j] = false;
            }
        }
        Search(0, new bool[cols], 0, 0);
        return best;
    }
}
