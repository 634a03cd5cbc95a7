using Sightline.Library.People.Clustering;
using static Sightline.Library.Tests.People.Clustering.SyntheticFaces;

namespace Sightline.Library.Tests.People.Clustering;

public class NeighbourSearchTests
{
    [Theory]
    [InlineData(128, 300, 70, 0.55f)]
    [InlineData(130, 257, 5, 0.6f)] // a dimension that is no multiple of the vector width, ragged blocks
    [InlineData(3, 100, 33, 0.2f)]
    [InlineData(128, 0, 4, 0.55f)]
    public void Finds_exactly_the_brute_force_neighbours(int dimension, int libraryCount, int queryCount, float threshold)
    {
        var random = new Random(dimension + libraryCount);
        // Blobs, so that many pairs sit near the threshold, plus a few exact copies of library rows (distance 0).
        var centres = Enumerable.Range(0, 8).Select(_ => Centre(dimension, 0.07, random)).ToArray();
        var library = Enumerable.Range(0, libraryCount).Select(_ => Around(centres[random.Next(8)], 0.03, random)).ToList();
        var queries = Enumerable.Range(0, queryCount)
            .Select(q => q % 5 == 0 && libraryCount > 0 ? library[random.Next(libraryCount)].ToArray() : Around(centres[random.Next(8)], 0.03, random))
            .ToList();

        var found = NeighbourSearch.Within(new DescriptorMatrix(library), new DescriptorMatrix(queries), threshold);

        Assert.Equal(queryCount, found.Count);
        var total = 0;
        for (var q = 0; q < queryCount; q++)
        {
            var expected = Enumerable.Range(0, libraryCount)
                .Select(l => (Row: l, Distance: BruteDistance(queries[q], library[l])))
                .Where(x => x.Distance < threshold)
                .ToList();
            Assert.Equal(expected.Select(x => x.Row).Order(), found[q].Select(x => x.Row).Order());
            foreach (var (row, distance) in found[q])
                Assert.Equal(expected.Single(x => x.Row == row).Distance, distance, 1e-5);
            Assert.Equal(found[q].OrderBy(x => x.Distance).Select(x => x.Row), found[q].Select(x => x.Row));
            total += found[q].Count;
        }
        if (libraryCount > 0)
            Assert.True(total > queryCount, "the sets should have neighbours to find");
    }

    [Fact]
    public void Pairs_within_one_matrix_are_each_pair_once()
    {
        var random = new Random(4);
        var centre = Centre(128, 0.07, random);
        var rows = Enumerable.Range(0, 150).Select(_ => Around(centre, 0.03, random)).ToList();
        var matrix = new DescriptorMatrix(rows);

        var pairs = NeighbourSearch.PairsWithin(matrix, 0.5f);
        var within = NeighbourSearch.Within(matrix, matrix, 0.5f);

        for (var i = 0; i < rows.Count; i++)
            Assert.Equal(within[i].Select(x => x.Row).Where(j => j > i).Order(), pairs[i].Select(x => x.Row));
    }

    [Fact]
    public void Distances_are_euclidean_not_squared()
    {
        var library = new DescriptorMatrix([[3f, 4f], [30f, 40f]]);
        var queries = new DescriptorMatrix([[0f, 0f]]);

        var found = NeighbourSearch.Within(library, queries, 6f);

        Assert.Equal([(0, 5f)], found[0]);
    }

    [Fact]
    public void Rows_of_different_lengths_are_refused_naming_the_row()
    {
        var error = Assert.Throws<ArgumentException>(() => new DescriptorMatrix([[1f, 2f], [1f, 2f], [1f, 2f, 3f]]));
        Assert.Contains("row 2", error.Message);

        var queries = new DescriptorMatrix([[1f, 2f, 3f]]);
        Assert.Throws<ArgumentException>(() => NeighbourSearch.Within(new DescriptorMatrix([[1f, 2f]]), queries, 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => NeighbourSearch.Within(queries, queries, float.NaN));
    }

    private static double BruteDistance(float[] a, float[] b)
    {
        var sum = 0.0;
        for (var k = 0; k < a.Length; k++)
            sum += ((double)a[k] - b[k]) * ((double)a[k] - b[k]);
        return Math.Sqrt(sum);
    }
}
