using Microsoft.Data.Sqlite;
using SkiaSharp;
using Sightline.Tests.Shared;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Similarity;

namespace Sightline.Vision.Tests.Similarity;

[Collection(PretrainedCollection.Name)]
public sealed class SimilarityIndexTests(PretrainedModels models) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-index-").FullName;
    private string Photos => Path.Combine(_dir, "photos");
    private string IndexPath => Path.Combine(_dir, "catalog.index");

    private IImageEmbedder Embedder() => Embedders.Create(models.Get(Embedders.DefaultModel), models.Engine, new EmbedderOptions(4));

    private void MakeFolder()
    {
        for (var i = 0; i < 3; i++)
        {
            TestImages.Write(Path.Combine(Photos, "red", $"r{i}.jpg"), SKColors.DarkRed, SKColors.Yellow, i);
            TestImages.Write(Path.Combine(Photos, "blue", $"b{i}.jpg"), SKColors.LightBlue, SKColors.DarkGreen, 10 + i);
        }
        File.WriteAllBytes(Path.Combine(Photos, "corrupt.png"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]);
        File.WriteAllText(Path.Combine(Photos, "notes.txt"), "not an image");
    }

    [Fact]
    public void Indexes_a_folder_reporting_unreadable_files_and_finds_the_query_first()
    {
        MakeFolder();
        var embedder = Embedder();
        using var index = SimilarityIndex.OpenOrCreate(IndexPath, embedder);
        var progress = new List<(int Done, int Total)>();
        var report = index.Update(Photos, embedder, new SyncProgress<(int, int)>(progress.Add));
        Assert.Equal(6, report.Added);
        Assert.Equal(6, index.Count);
        var failure = Assert.Single(report.Failed);
        Assert.EndsWith("corrupt.png", failure.Path);
        Assert.Equal((7, 7), progress[^1]);

        var query = Path.Combine(Photos, "red", "r1.jpg");
        var matches = index.Search(embedder.Embed(query).Vector, 3);
        Assert.Equal(query, matches[0].Path);
        Assert.True(matches[0].Score > 0.999f);
        Assert.All(matches.Skip(1), m => Assert.Contains("/red/", m.Path));
        Assert.True(matches[0].Score >= matches[1].Score && matches[1].Score >= matches[2].Score);
    }

    [Fact]
    public void Re_indexing_embeds_only_new_or_changed_files_and_drops_deleted_ones()
    {
        MakeFolder();
        var embedder = Embedder();
        using (var index = SimilarityIndex.OpenOrCreate(IndexPath, embedder))
            index.Update(Photos, embedder);

        using var again = SimilarityIndex.OpenOrCreate(IndexPath, embedder);
        var unchanged = again.Update(Photos, embedder);
        Assert.Equal((0, 0, 6, 0), (unchanged.Added, unchanged.Updated, unchanged.Unchanged, unchanged.Removed));

        TestImages.Write(Path.Combine(Photos, "red", "r0.jpg"), SKColors.Black, SKColors.White, 99);
        File.SetLastWriteTimeUtc(Path.Combine(Photos, "red", "r0.jpg"), DateTime.UtcNow.AddMinutes(1));
        File.Delete(Path.Combine(Photos, "blue", "b2.jpg"));
        TestImages.Write(Path.Combine(Photos, "blue", "b9.jpg"), SKColors.LightBlue, SKColors.DarkGreen, 99);
        var changed = again.Update(Photos, embedder);
        Assert.Equal((1, 1, 4, 1), (changed.Added, changed.Updated, changed.Unchanged, changed.Removed));
        Assert.Equal(6, again.Count);
        Assert.DoesNotContain(again.Entries(), e => e.Path.EndsWith("b2.jpg", StringComparison.Ordinal));
    }

    [Fact]
    public void Stored_vectors_equal_the_embedder_output()
    {
        MakeFolder();
        var embedder = Embedder();
        using var index = SimilarityIndex.OpenOrCreate(IndexPath, embedder);
        index.Update(Photos, embedder);
        var (path, vector) = index.Entries()[0];
        Assert.Equal(embedder.Embed(path).Vector, vector, new ToleranceComparer(1e-4f));
    }

    [Fact]
    public void Missing_damaged_or_foreign_index_files_give_index_errors()
    {
        Assert.Contains("does not exist", Assert.Throws<IndexException>(() => SimilarityIndex.Open(IndexPath)).Message);

        File.WriteAllText(IndexPath, "this is not a database, just text that is long enough to be read as a header by sqlite...........");
        Assert.Throws<IndexException>(() => SimilarityIndex.Open(IndexPath));

        var other = Path.Combine(_dir, "other.db");
        using (var connection = new SqliteConnection($"Data Source={other};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE t(x); INSERT INTO t VALUES (1);";
            command.ExecuteNonQuery();
        }
        Assert.Contains("not a Sightline index", Assert.Throws<IndexException>(() => SimilarityIndex.Open(other)).Message);
    }

    [Fact]
    public void Query_of_the_wrong_dimension_is_refused()
    {
        var embedder = Embedder();
        using var index = SimilarityIndex.OpenOrCreate(IndexPath, embedder);
        Assert.Throws<IndexException>(() => index.Search(new float[10], 5));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => MathF.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
