using Sightline.Imaging;
using Sightline.Library;
using Sightline.Library.Metadata;
using Sightline.Library.People;
using Sightline.Library.Scanning;
using SkiaSharp;

namespace Sightline.Tests.Shared.Search;

/// <summary>
/// A small library for search through the CLI and the API: drawn photos with dates taken, cameras and faces the test
/// commits itself, clustered into two people named Amy (A) and Raj (R), each face with its expression. The table
/// <see cref="Photos"/> is what every test computes its expected answers from.
/// </summary>
public sealed class SearchLibrary : IAsyncDisposable
{
    public const string DescriptorModel = "face-api-face-recognition";
    public const string AmyName = "Amy";
    public const string RajName = "Raj";

    /// <summary>One photo of the library: its file name, date taken (null: undated), camera model, and faces (person letter, expression).</summary>
    public sealed record PhotoSpec(string File, DateTime? TakenAt, string? Camera, (char Person, string Expression)[] Faces);

    public static IReadOnlyList<PhotoSpec> Photos { get; } =
    [
        new("beach.jpg", new DateTime(2023, 6, 1, 10, 0, 0), "Canon EOS 5D", [('A', "happy")]),
        new("christmas.jpg", new DateTime(2023, 12, 24, 19, 30, 0), "Canon EOS 5D", [('A', "happy"), ('R', "happy")]),
        new("rain.jpg", new DateTime(2024, 1, 15, 8, 0, 0), "iPhone 15", [('R', "sad")]),
        new("argument.jpg", new DateTime(2024, 2, 10, 21, 0, 0), "iPhone 15", [('A', "sad"), ('R', "happy")]),
        new("landscape.jpg", new DateTime(2024, 3, 3, 12, 0, 0), "Canon EOS 5D", []),
        new("scan.jpg", null, "iPhone 15", [('R', "neutral")]),
        new("party.jpg", new DateTime(2024, 7, 1, 23, 0, 0), "Canon EOS 5D", [('A', "surprised")]),
        new("old.jpg", new DateTime(2022, 5, 5, 9, 0, 0), null, []),
    ];

    private SearchLibrary(string root) => Root = root;

    public string Root { get; }
    public string Folder => Path.Combine(Root, "library");
    public string PhotoFolder => Path.Combine(Root, "photos");

    /// <summary>The photo id of each file name.</summary>
    public Dictionary<string, long> Ids { get; } = [];

    public long PersonId(char person) => _people[person];

    private readonly Dictionary<char, long> _people = [];

    public string PathOf(string file) => Path.Combine(PhotoFolder, file);

    /// <summary>The ids of the photos that pass <paramref name="match"/>, newest first and undated last (the default order).</summary>
    public long[] Expected(Func<PhotoSpec, bool> match) =>
        Photos.Where(match).OrderBy(p => p.TakenAt is null).ThenByDescending(p => p.TakenAt).Select(p => Ids[p.File]).ToArray();

    public static async Task<SearchLibrary> CreateAsync()
    {
        var made = new SearchLibrary(Directory.CreateTempSubdirectory("sightline-search-").FullName);
        await made.BuildAsync();
        return made;
    }

    private async Task BuildAsync()
    {
        Directory.CreateDirectory(PhotoFolder);
        var centres = new Dictionary<char, float[]> { ['A'] = Unit(new Random(1)), ['R'] = Unit(new Random(2)) };
        var jitter = new Random(3);
        await using var library = await PhotoLibrary.InitAsync(Folder, settings: LibrarySettings.Default with { Tasks = ["faces"], SmallThumbnail = 64, PreviewThumbnail = 128 });
        var folder = await library.Store.AddFolderAsync(PhotoFolder);
        var faceOf = new Dictionary<(string Hash, int Index), char>();
        foreach (var (photo, number) in Photos.Select((p, i) => (p, i)))
        {
            var path = PathOf(photo.File);
            Draw(path, photo.Faces.Length, number);
            var bytes = await File.ReadAllBytesAsync(path);
            var hash = ContentHash.Of(bytes);
            var faces = photo.Faces.Select((f, i) =>
            {
                faceOf[(hash, i)] = f.Person;
                var descriptor = centres[f.Person].Select(x => x + 0.02f * (float)(jitter.NextDouble() * 2 - 1)).ToArray();
                return new FaceRecord(i, FaceOrigin.Detected, 20 + 150 * i, 40, 100, 120, 0.95f,
                    Descriptor: descriptor, DescriptorModel: DescriptorModel, Expression: f.Expression, ExpressionScore: 0.9f,
                    Age: 30, Gender: "female", GenderScore: 0.9f, Quality: 0.9f);
            }).ToList();
            var metadata = new PhotoMetadata { TakenAt = photo.TakenAt, CameraModel = photo.Camera, CameraMake = photo.Camera?.Split(' ')[0] };
            var entry = new FileEntry(path, folder.Id, FileKind.Photo, bytes.Length, File.GetLastWriteTimeUtc(path), hash, null, DateTimeOffset.UtcNow);
            await library.Store.CommitAsync([new PhotoUpdate(hash, MediaKind.Photo, "jpeg", bytes.Length, 320, 240, metadata, entry, [], faces, ThumbnailsWritten: false)]);
            Ids[photo.File] = (await library.Store.FindByHashAsync(hash))!.Id;
        }
        await library.People.UpdateAsync();
        foreach (var assignment in await library.People.GetAssignmentsAsync())
        {
            var person = faceOf[(assignment.ContentHash, assignment.Index)];
            var id = assignment.PersonId ?? throw new InvalidOperationException($"a face of {person} is in no person: {assignment.Status}");
            if (_people.TryGetValue(person, out var known) && known != id)
                throw new InvalidOperationException($"the faces of {person} were clustered into two people");
            _people[person] = id;
        }
        await library.People.NameAsync(_people['A'], AmyName);
        await library.People.NameAsync(_people['R'], RajName);
    }

    private static float[] Unit(Random random)
    {
        var v = Enumerable.Range(0, 128).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    /// <summary>A grey photo with a mark per face and a stripe as long as its number, so that each file's bytes (and content hash) are its own.</summary>
    private static void Draw(string path, int faces, int number)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(320, 240, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(120, 120, 120));
            using var paint = new SKPaint { Color = new SKColor(200, 60, 60) };
            for (var i = 0; i < faces; i++)
                canvas.DrawRect(SKRect.Create(20 + 150 * i, 40, 100, 120), paint);
            using var mark = new SKPaint { Color = new SKColor(250, 250, 250) };
            canvas.DrawRect(SKRect.Create(0, 224, 16 * (number + 1), 16), mark);
        }
        Annotator.Save(bitmap, path, 90);
    }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Root, recursive: true);
        return ValueTask.CompletedTask;
    }
}
