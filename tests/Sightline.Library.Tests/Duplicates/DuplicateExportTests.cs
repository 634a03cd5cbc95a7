using Sightline.Library.Duplicates;
using Sightline.Library.Export;
using Sightline.Library.Metadata;
using Sightline.Library.Scanning;
using Sightline.Library.Search;
using Sightline.Library.Tests.Storage;
using Sightline.Library.Tests.Support;

namespace Sightline.Library.Tests.Duplicates;

/// <summary>Duplicates and export on a library built in the test, run against SQLite and PostgreSQL by the subclasses.</summary>
public abstract class DuplicateExportTests : IAsyncLifetime
{
    private readonly TempFolder temp = new();
    private readonly List<PhotoLibrary> opened = [];

    protected abstract Task<string?> DatabaseAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var library in opened)
            await library.DisposeAsync();
        temp.Dispose();
    }

    private string Photos => Path.Combine(temp.Path, "photos");

    private async Task<(PhotoLibrary Library, SourceFolder Folder)> LibraryAsync()
    {
        var library = await PhotoLibrary.InitAsync(Path.Combine(temp.Path, "library"), await DatabaseAsync(), LibrarySettings.Default with { Tasks = [] });
        opened.Add(library);
        Directory.CreateDirectory(Photos);
        var folder = await library.Store.AddFolderAsync(Photos);
        return (library, folder);
    }

    /// <summary>A unit vector at <paramref name="angle"/> radians in the plane of axes <paramref name="axis"/> and the next: two of one plane have the cosine of their angle difference.</summary>
    private static float[] Vector(double angle, int axis = 0)
    {
        var v = new float[8];
        v[axis] = (float)Math.Cos(angle);
        v[axis + 1] = (float)Math.Sin(angle);
        return v;
    }

    private static int made;

    /// <summary>Writes a photo file of its own bytes and commits it with its embedding, date, faces and detections.</summary>
    private async Task<long> AddAsync(PhotoLibrary library, SourceFolder folder, string name, float[]? vector, DateTime? taken = null,
        IReadOnlyList<FaceRecord>? imported = null, string? objects = null, int width = 40, string? extraPath = null)
    {
        var bytes = Images.Jpeg(width + Interlocked.Increment(ref made) % 7, 30);
        bytes = [.. bytes, .. System.Text.Encoding.UTF8.GetBytes(name)];
        var path = Path.Combine(Photos, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, bytes);
        var hash = ContentHash.Of(bytes);
        var entry = new FileEntry(path, folder.Id, FileKind.Photo, bytes.Length, DateTimeOffset.UtcNow, hash, null, DateTimeOffset.UtcNow);
        List<AnalysisRecord> analyses = objects is null ? [] :
            [new AnalysisRecord("detect", "1", "{\"detections\":[" + string.Join(",", objects.Split(',').Select(o => $"{{\"className\":\"{o}\"}}")) + "]}", DateTimeOffset.UtcNow)];
        await library.Store.CommitAsync([new PhotoUpdate(hash, MediaKind.Photo, "jpeg", bytes.Length, 400, 300, new PhotoMetadata { TakenAt = taken }, entry,
            analyses, ImportedFaces: imported, Embedding: vector, EmbeddingModel: vector is null ? null : "test-embedder")]);
        if (extraPath is not null)
        {
            var copy = Path.Combine(Photos, extraPath);
            await File.WriteAllBytesAsync(copy, bytes);
            await library.Store.SaveFilesAsync([entry with { Path = copy }]);
        }
        return (await library.Store.FindByHashAsync(hash))!.Id;
    }

    [Fact]
    public async Task Duplicates_are_exact_near_and_burst_groups_and_a_chain_of_similar_photos_is_not_one_group()
    {
        var (library, folder) = await LibraryAsync();
        var day = new DateTime(2024, 5, 1, 12, 0, 0);
        var original = await AddAsync(library, folder, "beach.jpg", Vector(0), day.AddDays(-3), extraPath: "beach copy.jpg");
        var edited = await AddAsync(library, folder, "beach-small.jpg", Vector(0.1), day.AddDays(20)); // cosine 0.995, weeks apart
        var burst1 = await AddAsync(library, folder, "burst1.jpg", Vector(0, 2), day);
        var burst2 = await AddAsync(library, folder, "burst2.jpg", Vector(0.45, 2), day.AddSeconds(4)); // cosine 0.90, 4 s apart
        await AddAsync(library, folder, "later.jpg", Vector(-0.45, 2), day.AddHours(1)); // as like burst1 as burst2 is, an hour later: no burst
        // A chain: each 0.96 to the next, the ends 0.84 apart.
        var chain = new List<long>();
        for (var i = 0; i < 3; i++)
            chain.Add(await AddAsync(library, folder, $"pan{i}.jpg", Vector(0.285 * i, 4), null));
        await AddAsync(library, folder, "alone.jpg", Vector(1.5, 6));

        var report = await library.Duplicates.FindAsync();

        var exact = Assert.Single(report.Groups, g => g.Kind == DuplicateKind.Exact);
        Assert.Equal(original, exact.Best.Photo.Id);
        Assert.Equal(2, exact.Members.Count);
        Assert.EndsWith("beach.jpg", exact.Best.Paths[0]);
        var near = report.Groups.Where(g => g.Kind == DuplicateKind.Near).ToList();
        Assert.Contains(near, g => g.Members.Select(m => m.Photo.Id).Order().SequenceEqual(new[] { original, edited }));
        var pan = Assert.Single(near, g => g.Members.Any(m => chain.Contains(m.Photo.Id)));
        Assert.Equal(2, pan.Members.Count);
        Assert.True(pan.Similarity >= 0.95);
        var burst = Assert.Single(report.Groups, g => g.Kind == DuplicateKind.Burst);
        Assert.Equal(new[] { burst1, burst2 }, burst.Members.Select(m => m.Photo.Id).Order());
        Assert.InRange(burst.Similarity, 0.89, 0.91);
        Assert.Equal(report.Groups.Sum(g => g.Members.Count - 1), report.Redundant);
        Assert.Equal(9, report.Photos);
        Assert.All(report.Groups.SelectMany(g => g.Members), m => Assert.NotEmpty(m.Reasons));

        var stricter = await library.Duplicates.FindAsync(DuplicateOptions.Default with { BurstSimilarity = 0.95 });
        Assert.DoesNotContain(stricter.Groups, g => g.Kind == DuplicateKind.Burst);
    }

    [Fact]
    public async Task Export_by_person_links_each_photo_into_its_people_folders_and_a_second_run_writes_nothing()
    {
        var (library, folder) = await LibraryAsync();
        FaceRecord Face(int index, string name, float x) => new(index, FaceOrigin.Imported, x, 50, 60, 80, 1f, name);
        var both = await AddAsync(library, folder, "both.jpg", null, imported: [Face(0, "Amy", 20), Face(1, "Raj/Kumar", 200)], objects: "dog,person");
        await AddAsync(library, folder, "nobody.jpg", null, objects: "dog");
        await AddAsync(library, folder, Path.Combine("other", "both.jpg"), null, imported: [Face(0, "Amy", 100)]);
        var to = Path.Combine(temp.Path, "sorted");

        var dry = await library.Export.ExportAsync(new ExportRequest(PhotoSearch.All, to, ExportGrouping.Person, DryRun: true));
        Assert.False(Directory.Exists(to));
        Assert.Equal(4, dry.Items.Count);

        var report = await library.Export.ExportAsync(new ExportRequest(PhotoSearch.All, to, ExportGrouping.Person, Xmp: true));

        Assert.Equal(dry.Items.Select(i => i.Destination).Order(), report.Items.Select(i => i.Destination).Order());
        Assert.Equal(new Dictionary<string, int> { ["Amy"] = 2, ["Raj_Kumar"] = 1, ["Unnamed"] = 1 }, report.FilesByFolder);
        Assert.True(File.Exists(Path.Combine(to, "Amy", "both (2).jpg")));
        var link = new FileInfo(Path.Combine(to, "Raj_Kumar", "both.jpg"));
        Assert.Equal(Path.Combine(Photos, "both.jpg"), link.LinkTarget);
        Assert.True(Path.IsPathRooted(link.LinkTarget));

        // The sidecar reads back through the library's own metadata reader: regions with names where the faces are, and keywords.
        var exported = Path.Combine(to, "Raj_Kumar", "both.jpg");
        var metadata = PhotoMetadataReader.Read(await File.ReadAllBytesAsync(exported), exported);
        Assert.Equal(new[] { "Amy", "Raj/Kumar" }, metadata.FaceRegions.Select(r => r.Name).Order());
        var amy = metadata.FaceRegions.Single(r => r.Name == "Amy");
        Assert.Equal(20 / 400.0, amy.Area.X, 4);
        Assert.Equal(50 / 300.0, amy.Area.Y, 4);
        Assert.Equal(60 / 400.0, amy.Area.Width, 4);
        Assert.Equal(80 / 300.0, amy.Area.Height, 4);
        Assert.Equal(new[] { "dog", "person" }, metadata.Keywords.Order());

        var again = await library.Export.ExportAsync(new ExportRequest(PhotoSearch.All, to, ExportGrouping.Person, Xmp: true));
        Assert.Empty(again.Items);
        Assert.Equal(4, again.AlreadyThere);
        Assert.All(again.Skipped, s => Assert.StartsWith(PhotoExporter.AlreadyThere, s.Reason));
        Assert.Equal(both, again.Skipped[0].PhotoId == both ? both : again.Skipped.First(s => s.PhotoId == both).PhotoId);
    }

    [Fact]
    public async Task Export_copies_by_object_skips_offline_photos_and_refuses_a_target_inside_a_source_folder()
    {
        var (library, folder) = await LibraryAsync();
        await AddAsync(library, folder, "dog.jpg", null, objects: "dog");
        await AddAsync(library, folder, "gone.jpg", null, objects: "cat");
        File.Delete(Path.Combine(Photos, "gone.jpg"));
        var to = Path.Combine(temp.Path, "by-object");

        var report = await library.Export.ExportAsync(new ExportRequest(PhotoSearch.All, to, ExportGrouping.Object, ExportMode.Copy));

        var item = Assert.Single(report.Items);
        var copy = new FileInfo(Path.Combine(to, "dog", "dog.jpg"));
        Assert.Null(copy.LinkTarget);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(Photos, "dog.jpg")), await File.ReadAllBytesAsync(copy.FullName));
        Assert.Equal(copy.Length, report.BytesCopied);
        Assert.Contains(report.Skipped, s => s.Reason.StartsWith("offline", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(to, "*.tmp", SearchOption.AllDirectories));

        var inside = await Assert.ThrowsAsync<ExportException>(() =>
            library.Export.ExportAsync(new ExportRequest(PhotoSearch.All, Path.Combine(Photos, "sorted"), ExportGrouping.Date)));
        Assert.Contains("inside the source folder", inside.Message);
        await Assert.ThrowsAsync<ExportException>(() =>
            library.Export.ExportAsync(new ExportRequest(PhotoSearch.All, Path.Combine(library.Folder, "x"), ExportGrouping.Date)));
        Assert.False(Directory.Exists(Path.Combine(Photos, "sorted")));
    }
}

public sealed class SqliteDuplicateExportTests : DuplicateExportTests
{
    protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null);
}

public sealed class PostgresDuplicateExportTests(PostgresServer server) : DuplicateExportTests, IClassFixture<PostgresServer>
{
    protected override async Task<string?> DatabaseAsync() => await server.CreateDatabaseAsync();
}

public sealed class ShotScoreTests
{
    /// <summary>68 landmarks with both eyes of the given aspect (lid gap over width), the rest at the origin.</summary>
    private static List<(float X, float Y)> Landmarks(double aspect)
    {
        var points = Enumerable.Repeat((0f, 0f), 68).ToList();
        foreach (var start in new[] { 36, 42 })
        {
            var x0 = start == 36 ? 10f : 40f;
            var gap = (float)(aspect * 20);
            points[start] = (x0, 0);
            points[start + 3] = (x0 + 20, 0);
            points[start + 1] = (x0 + 7, -gap / 2);
            points[start + 2] = (x0 + 13, -gap / 2);
            points[start + 4] = (x0 + 13, gap / 2);
            points[start + 5] = (x0 + 7, gap / 2);
        }
        return points;
    }

    [Fact]
    public void Eye_aspect_is_the_lid_gap_over_the_eye_width_and_absent_without_68_landmarks()
    {
        Assert.Equal(0.3, ShotScore.EyeAspect(Landmarks(0.3))!.Value, 3);
        Assert.Null(ShotScore.EyeAspect(Landmarks(0.3).Take(5).ToList()));
    }

    [Fact]
    public void Open_eyes_and_a_smile_beat_closed_eyes_and_sadness_and_each_part_gives_a_reason()
    {
        var open = new ShotFacts(1000, 800, 200_000, [new ShotFace(150, 150, 0.8f, 0.7f, "happy", Landmarks(0.3))]);
        var closed = new ShotFacts(1000, 800, 200_000, [new ShotFace(150, 150, 0.8f, 0.7f, "sad", Landmarks(0.1))]);

        var ratings = ShotScore.Rate([closed, open]);

        Assert.True(ratings[1].Score > ratings[0].Score);
        Assert.Contains(ratings[0].Reasons, r => r.StartsWith("eyes closed on 1 of 1 face", StringComparison.Ordinal));
        Assert.Contains(ratings[1].Reasons, r => r.StartsWith("eyes open", StringComparison.Ordinal));
        Assert.Contains("expression happy", ratings[1].Reasons);
        Assert.All(ratings, r => Assert.InRange(r.Score, 0, 1));
    }

    [Fact]
    public void Without_faces_the_larger_and_more_detailed_copy_wins()
    {
        var full = new ShotFacts(4000, 3000, 3_000_000, []);
        var resized = new ShotFacts(2000, 1500, 500_000, []);

        var ratings = ShotScore.Rate([resized, full]);

        Assert.Equal(1.0, ratings[1].Score);
        Assert.True(ratings[0].Score < 0.5);
        Assert.Contains(ratings[0].Reasons, r => r.Contains("25% of the largest", StringComparison.Ordinal));
    }
}
