using Sightline.Inference.Sessions;
using Sightline.Library;
using Sightline.Models.Cache;
using Sightline.Server.Hosting;
using Sightline.Server.Tests.Api;
using Sightline.Tests.Shared;
using Sightline.Vision.Pipeline;

namespace Sightline.Server.Tests.Browser;

/// <summary>
/// A library of about 40 shared photos ingested with the default tasks and people clustering, as a scan does it, and its
/// server: five photos each of three faces-lfw people, faces-bbt crops of two people, its group scenes and two
/// expression photos, and a few coco128 and photo-collection photos of animals, food and things.
/// </summary>
public sealed class IngestedLibraryFixture : IAsyncLifetime
{
    /// <summary>faces-lfw people taken (those with at least this many photos), and photos of each.</summary>
    private const int LfwPeople = 3, LfwPhotosEach = 5;

    private static readonly string[] BbtPeople = ["leonard", "sheldon"];
    private static readonly string[] BbtScenes = ["bbt1.jpg", "bbt2.jpg", "bbt3.jpg", "bbt4.jpg", "bbt5.jpg", "happy.jpg", "sad.jpg"];
    private static readonly string[] CocoPhotos = ["000000000009.jpg", "000000000025.jpg", "000000000030.jpg", "000000000074.jpg", "000000000110.jpg"];
    private static readonly string[] CollectionPhotos = ["dog_orange.jpg", "elephants.jpg", "cat_brown.jpg", "giraffe_green_brown.jpg", "clowns_colorful.jpg"];

    /// <summary>A photo with words on it (beer labels), from the collection's text album.</summary>
    public const string TextPhoto = "collection-craft-beer.jpg";

    public string Root { get; } = Directory.CreateTempSubdirectory("sightline-photoapp-ingested-").FullName;
    public string Photos => Path.Combine(Root, "photos");
    public string Folder => Path.Combine(Root, "library");
    public IngestReport Report { get; private set; } = null!;
    public RunningServer Server { get; private set; } = null!;

    /// <summary>Who is in each single-person photo, by its file name in <see cref="Photos"/> ("Leonard", "Abdullah Gul").</summary>
    public Dictionary<string, string> Identities { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        // The photos are copied into a folder of their own: the library's source, which the export links back to.
        Directory.CreateDirectory(Photos);
        foreach (var (file, name, identity) in SharedPhotos())
        {
            File.Copy(file, Path.Combine(Photos, name));
            if (identity is not null)
                Identities[name] = identity;
        }

        using (var engine = new InferenceEngine(new EngineOptions().ForConcurrentRuns()))
        await using (var context = TaskContext.Create(new ModelStore(), engine))
        await using (var library = await PhotoLibrary.InitAsync(Folder))
        {
            await library.AddFoldersAsync([Photos]);
            Report = await library.ScanAsync(context);
        }
        Server = await RunningServer.StartAsync(new ServerOptions { Library = Folder });
    }

    /// <summary>The shared photos and the names they get in the library's folder (prefixed by their set, so names never clash).</summary>
    private static IEnumerable<(string File, string Name, string? Identity)> SharedPhotos()
    {
        var lfw = TestPaths.Data("faces-lfw");
        var byIdentity = File.ReadAllLines(Path.Combine(lfw, "labels.csv")).Skip(1).Select(l => l.Split(','))
            .GroupBy(p => p[1]).Where(g => g.Count() >= LfwPhotosEach).OrderBy(g => g.Key, StringComparer.Ordinal).Take(LfwPeople);
        foreach (var identity in byIdentity)
            foreach (var row in identity.OrderBy(r => r[0], StringComparer.Ordinal).Take(LfwPhotosEach))
                yield return (Path.Combine(lfw, row[0]), $"lfw-{Path.GetFileName(row[0])}", identity.Key.Replace('_', ' '));

        var bbt = Path.Combine(TestPaths.Data("faces-bbt"), "images");
        foreach (var person in BbtPeople)
            foreach (var file in Directory.GetFiles(Path.Combine(bbt, person)).Order(StringComparer.Ordinal).Take(4))
                yield return (file, $"bbt-{person}-{Path.GetFileName(file)}", char.ToUpperInvariant(person[0]) + person[1..]);
        foreach (var scene in BbtScenes)
            yield return (Path.Combine(bbt, scene), $"bbt-{scene}", null);

        var coco = Path.Combine(TestPaths.Data("coco128-train"), "images");
        foreach (var photo in CocoPhotos)
            yield return (Path.Combine(coco, photo), $"coco-{photo}", null);
        var collection = Path.Combine(TestPaths.Data("photo-collection"), "photoprism-examples");
        foreach (var photo in CollectionPhotos)
            yield return (Path.Combine(collection, photo), $"collection-{photo}", null);
        yield return (Path.Combine(TestPaths.Data("photo-collection"), "immich", "albums", "text", "craft-beer.jpg"), TextPhoto, null);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Root, recursive: true);
    }
}
