using System.Diagnostics;
using Sightline.Library;
using Sightline.Library.Metadata;
using Sightline.Library.People;
using Sightline.Library.People.Clustering;
using Sightline.Library.People.Evaluation;

namespace Sightline.Bench;

/// <summary>
/// Grouping faces into people at library scale: for each size, a SQLite library of synthetic faces shaped like
/// face-api's (<see cref="SyntheticFaces"/>), committed as photos of one to three faces through the real store, is
/// clustered once in full; then 1,000 new faces (new photos of the same people, and strangers) are committed and
/// clustered incrementally, and everything is re-clustered in full. The peer is Immich's rule run over the same
/// descriptors, all faces in arrival order (the old ones, then the new), in memory.
/// </summary>
public static class PeopleClusterBenchmark
{
    private const string DescriptorModel = "face-api-face-recognition";
    private const int Batch = 1000;

    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = Sizes(BenchHarness.Option(args, "--faces") ?? "10000,100000");
        var added = BenchHarness.IntOption(args, "--new", 1000);
        var peer = !args.Contains("--no-peer");
        Console.WriteLine($"people-cluster benchmark: libraries of {string.Join(", ", sizes.Select(s => s.ToString("N0")))} synthetic face-api faces, {added:N0} added; {BenchHarness.Machine()}");
        Console.WriteLine($"command: {BenchHarness.CommandLine(args)}");
        var results = new List<SizeResult>();
        foreach (var size in sizes)
            results.Add(await RunSizeAsync(size, added, peer));

        Console.WriteLine();
        Console.WriteLine("| faces | people (2+ faces) | largest component | first full pass | add " + added.ToString("N0") + " faces (incremental) | components re-clustered | faces re-clustered | full re-cluster | Immich's rule over all faces | Immich's rule / incremental |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
            Console.WriteLine($"| {r.Faces:N0} | {r.People:N0} | {r.LargestComponent:N0} | {Rate(r.Faces, r.FirstSeconds)} | {Rate(added, r.IncrementalSeconds)} | {r.ComponentsReclustered:N0} | {r.FacesReclustered:N0} | "
                + $"{Rate(r.Faces + added, r.ReclusterSeconds)} | {(r.ImmichSeconds is { } immich ? Rate(r.Faces + added, immich) : "-")} | "
                + $"{(r.ImmichSeconds is { } i ? $"{i / r.IncrementalSeconds:0.00}" : "-")} |");
        Console.WriteLine();
        Console.WriteLine("Times are wall seconds of PeopleService.UpdateAsync / ReclusterAsync on a SQLite library (reading faces, the neighbour scan, clustering, writing people); "
            + "Immich's rule is BaselineClusterings.Immich in memory, with no database.");
        BenchHarness.WriteJson(BenchHarness.Option(args, "--json"), new { added, results });
        return 0;
    }

    public sealed record SizeResult(
        int Faces, int Photos, int People, int LargestComponent, double FirstSeconds, double IncrementalSeconds, int ComponentsReclustered,
        int FacesReclustered, double ReclusterSeconds, double? ImmichSeconds);

    private static string Rate(int faces, double seconds) => $"{seconds:0.00} s ({faces / seconds:N0} faces/s)";

    internal static IReadOnlyList<int> Sizes(string text)
    {
        var sizes = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            sizes.Add(int.TryParse(part, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 10
                ? n
                : throw new BenchOptionException($"--faces: expected library sizes of at least 10 faces, comma-separated (e.g. 10000,100000), not '{part}'"));
        return sizes.Count > 0 ? sizes : throw new BenchOptionException("--faces: name at least one library size");
    }

    private static async Task<SizeResult> RunSizeAsync(int size, int added, bool peer)
    {
        var faces = SyntheticFaces.Generate(size + added, seed: size);
        var folder = Path.Combine(Path.GetTempPath(), "sightline-people-cluster-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var library = await PhotoLibrary.InitAsync(folder, null, LibrarySettings.Default with { Tasks = ["faces"] });
            var source = await library.Store.AddFolderAsync(Directory.CreateDirectory(Path.Combine(folder, "photos")).FullName);
            var random = new Random(size);
            var photos = await CommitAsync(library, source.Id, faces.Take(size).ToList(), 0, random);
            Console.Error.WriteLine($"{size:N0} faces in {photos:N0} photos committed; clustering");

            var watch = Stopwatch.StartNew();
            var first = await library.People.UpdateAsync();
            var firstSeconds = watch.Elapsed.TotalSeconds;

            var newPhotos = await CommitAsync(library, source.Id, faces.Skip(size).ToList(), photos, random);
            watch.Restart();
            var incremental = await library.People.UpdateAsync();
            var incrementalSeconds = watch.Elapsed.TotalSeconds;
            if (incremental.Full || incremental.NewFaces != added)
                throw new InvalidOperationException($"the pass after adding {added} faces was {(incremental.Full ? "a full one" : "incremental")} over {incremental.NewFaces} new faces");

            watch.Restart();
            var full = await library.People.ReclusterAsync();
            var reclusterSeconds = watch.Elapsed.TotalSeconds;
            Console.Error.WriteLine($"{size:N0}: first pass {firstSeconds:0.00} s ({first.People} people), incremental {incrementalSeconds:0.00} s, re-cluster {reclusterSeconds:0.00} s");

            var descriptors = faces.Select(f => f.Descriptor).ToList();
            var cut = PeopleDefaults.ThresholdFor(DescriptorModel);
            var largest = LargestComponent(descriptors, cut);
            double? immich = null;
            if (peer)
            {
                // Immich places faces in arrival order: the old ones first, then the new. (Its run over the old faces
                // alone, subtracted, would be the cost of the new ones, but the difference drowns in the noise of two long runs.)
                watch.Restart();
                BaselineClusterings.Immich(descriptors, Enumerable.Range(0, descriptors.Count).ToList());
                immich = watch.Elapsed.TotalSeconds;
            }
            return new SizeResult(size, photos + newPhotos, full.People, largest, firstSeconds, incrementalSeconds, incremental.ComponentsReclustered,
                incremental.FacesReclustered, reclusterSeconds, immich);
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The most faces in one component of the "nearer than the cut" graph: the most any re-clustering of one component handles.</summary>
    private static int LargestComponent(IReadOnlyList<float[]> descriptors, float cut)
    {
        var matrix = new DescriptorMatrix(descriptors);
        var neighbours = NeighbourSearch.Within(matrix, matrix, cut);
        var parent = Enumerable.Range(0, descriptors.Count).ToArray();
        int Find(int x)
        {
            while (parent[x] != x)
                x = parent[x] = parent[parent[x]];
            return x;
        }
        for (var i = 0; i < neighbours.Count; i++)
            foreach (var (row, _) in neighbours[i])
                parent[Find(row)] = Find(i);
        return Enumerable.Range(0, descriptors.Count).GroupBy(Find).Max(g => g.Count());
    }

    /// <summary>
    /// Commits the faces as photos of one to three faces (seven in ten one, two in ten two, one in ten three), never one
    /// person twice in a photo; returns the number of photos. Photo numbers continue from <paramref name="firstPhoto"/>.
    /// </summary>
    private static async Task<int> CommitAsync(PhotoLibrary library, long folderId, IReadOnlyList<SyntheticFace> faces, int firstPhoto, Random random)
    {
        var now = DateTimeOffset.UtcNow;
        var updates = new List<PhotoUpdate>(Batch);
        var photo = firstPhoto;
        for (var next = 0; next < faces.Count;)
        {
            var wanted = random.Next(10) switch { < 7 => 1, < 9 => 2, _ => 3 };
            var inPhoto = new List<SyntheticFace>();
            while (inPhoto.Count < wanted && next < faces.Count && inPhoto.All(f => f.Person != faces[next].Person))
                inPhoto.Add(faces[next++]);
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(photo)));
            var records = inPhoto.Select((f, i) => new FaceRecord(i, FaceOrigin.Detected, 100 + 400 * i, 200, 180, 180, 0.9f,
                Descriptor: f.Descriptor, DescriptorModel: DescriptorModel, Quality: 0.8f)).ToList();
            var file = new FileEntry(Path.Combine(library.Folder, "photos", $"IMG_{photo:D7}.jpg"), folderId, FileKind.Photo, 2_000_000, now, hash, null, now);
            updates.Add(new PhotoUpdate(hash, MediaKind.Photo, "jpeg", 2_000_000, 1600, 1200, new PhotoMetadata(), file,
                [new AnalysisRecord("faces", "v1", $"{{\"task\":\"faces\",\"count\":{records.Count}}}", now)], records));
            photo++;
            if (updates.Count == Batch)
            {
                await library.Store.CommitAsync(updates);
                updates.Clear();
            }
        }
        if (updates.Count > 0)
            await library.Store.CommitAsync(updates);
        return photo - firstPhoto;
    }
}
