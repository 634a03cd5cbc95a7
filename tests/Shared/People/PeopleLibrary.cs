using Sightline.Imaging;
using Sightline.Library;
using Sightline.Library.Metadata;
using Sightline.Library.People;
using Sightline.Library.Scanning;
using SkiaSharp;

namespace Sightline.Tests.Shared.People;

/// <summary>
/// A library of drawn photos whose faces the test commits itself, with descriptors made so that the people are known:
/// A (4 faces), B (3, one of them in a group photo with A) and C (2, near A: nearer than the merge suggestion
/// factor allows, farther than the cut), a stranger seen once, a face without a descriptor and a face too poor to
/// identify (P, with A's descriptor: only its reasons keep it out of A). Each face is a red
/// square on a blue photo, so a face thumbnail shows whether it was cut at the right place.
/// </summary>
public sealed class PeopleLibrary : IAsyncDisposable
{
    public const string DescriptorModel = "face-api-face-recognition";
    public const int PhotoWidth = 640;
    public const int PhotoHeight = 480;

    /// <summary>Half the photo's size: face boxes must be scaled from the original to the preview.</summary>
    public const int PreviewSide = 320;

    public static readonly SKColor FaceColour = new(220, 30, 30);
    public static readonly SKColor Background = new(30, 60, 200);

    /// <summary>Each photo's faces: a label (person letter and number; S the stranger, N the face with no descriptor) and its box in the original's pixels.</summary>
    private static readonly (string Photo, (string Label, SKRect Box)[] Faces)[] Photos =
    [
        ("group.jpg", [("A0", SKRect.Create(60, 100, 110, 130)), ("B0", SKRect.Create(400, 120, 110, 130))]),
        ("a1.jpg", [("A1", SKRect.Create(200, 120, 120, 150))]),
        ("a2.jpg", [("A2", SKRect.Create(10, 10, 100, 120))]),
        ("a3.jpg", [("A3", SKRect.Create(500, 330, 120, 140))]),
        ("b1.jpg", [("B1", SKRect.Create(250, 160, 100, 100))]),
        ("b2.jpg", [("B2", SKRect.Create(300, 200, 90, 110))]),
        ("c0.jpg", [("C0", SKRect.Create(100, 200, 130, 130))]),
        ("c1.jpg", [("C1", SKRect.Create(380, 60, 120, 120))]),
        ("stranger.jpg", [("S", SKRect.Create(260, 180, 100, 120))]),
        ("nodescriptor.jpg", [("N", SKRect.Create(220, 140, 140, 160))]),
        ("poor.jpg", [("P", SKRect.Create(0, 300, 60, 90))]),
    ];

    /// <summary>Why face P is too poor to identify; its descriptor is A's, so that only this keeps it out of A.</summary>
    public const string TooPoorReasons = "cut by the frame, blurred";

    private readonly Dictionary<string, (string Photo, SKRect Box)> _labels = [];
    private readonly Dictionary<string, float[]> _descriptors = Descriptors();
    private Dictionary<string, FaceAssignment> _faces = [];

    private PeopleLibrary(string root) => Root = root;

    public string Root { get; }
    public string Folder => Path.Combine(Root, "library");
    public string PhotoFolder => Path.Combine(Root, "photos");

    /// <summary>The content hash of each photo by file name.</summary>
    public Dictionary<string, string> Hashes { get; } = [];

    public static async Task<PeopleLibrary> CreateAsync()
    {
        var made = new PeopleLibrary(Directory.CreateTempSubdirectory("sightline-people-").FullName);
        await made.BuildAsync();
        return made;
    }

    /// <summary>The face id of a labelled face.</summary>
    public long Face(string label) => _faces[label].FaceId;

    /// <summary>The person a labelled face was clustered into.</summary>
    public long Person(string label) => _faces[label].PersonId ?? throw new InvalidOperationException($"face {label} is in no person: {_faces[label].Status}");

    public string PathOf(string label) => Path.Combine(PhotoFolder, _labels[label].Photo);

    public SKRect BoxOf(string label) => _labels[label].Box;

    /// <summary>The descriptor committed for a labelled face (none for N).</summary>
    public float[] DescriptorOf(string label) => _descriptors[label];

    private async Task BuildAsync()
    {
        Directory.CreateDirectory(PhotoFolder);
        var descriptors = _descriptors;
        await using var library = await PhotoLibrary.InitAsync(Folder, settings: LibrarySettings.Default with { Tasks = ["faces"], SmallThumbnail = 80, PreviewThumbnail = PreviewSide });
        var folder = await library.Store.AddFolderAsync(PhotoFolder);
        var key = new Dictionary<(string Hash, int Index), string>();
        foreach (var (photo, faces) in Photos)
        {
            var path = Path.Combine(PhotoFolder, photo);
            Draw(path, faces.Select(f => f.Box));
            var bytes = await File.ReadAllBytesAsync(path);
            var hash = ContentHash.Of(bytes);
            Hashes[photo] = hash;
            using (var image = ImageDecoder.Decode(path, DecodeSize.Within(PreviewSide, PreviewSide)))
                library.Thumbnails.Write(hash, image);
            var records = faces.Select((f, i) =>
            {
                _labels[f.Label] = (photo, f.Box);
                key[(hash, i)] = f.Label;
                var descriptor = descriptors.GetValueOrDefault(f.Label);
                return new FaceRecord(i, FaceOrigin.Detected, f.Box.Left, f.Box.Top, f.Box.Width, f.Box.Height, 0.9f,
                    Descriptor: descriptor, DescriptorModel: descriptor is null ? null : DescriptorModel,
                    Expression: "happy", ExpressionScore: 0.8f, Age: 30 + i, Gender: "female", GenderScore: 0.9f, Quality: 0.8f,
                    TooPoor: f.Label == "P" ? TooPoorReasons : null);
            }).ToList();
            var entry = new FileEntry(path, folder.Id, FileKind.Photo, bytes.Length, File.GetLastWriteTimeUtc(path), hash, null, DateTimeOffset.UtcNow);
            await library.Store.CommitAsync([new PhotoUpdate(hash, MediaKind.Photo, "jpeg", bytes.Length, PhotoWidth, PhotoHeight, new PhotoMetadata(), entry,
                [], records, ThumbnailsWritten: true)]);
        }
        await library.People.UpdateAsync();
        _faces = (await library.People.GetAssignmentsAsync()).ToDictionary(a => key[(a.ContentHash, a.Index)]);
    }

    /// <summary>Blue photo, red faces, and a mark that makes each file's bytes (and so its content hash) its own.</summary>
    private static void Draw(string path, IEnumerable<SKRect> faces)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(PhotoWidth, PhotoHeight, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(Background);
            using var red = new SKPaint { Color = FaceColour };
            foreach (var face in faces)
                canvas.DrawRect(face, red);
            using var mark = new SKPaint { Color = new SKColor(30, 60, (byte)(190 + Path.GetFileName(path).Length)) };
            canvas.DrawRect(SKRect.Create(0, PhotoHeight - 4, 4 * Path.GetFileName(path).Length, 4), mark);
        }
        Annotator.Save(bitmap, path, 95);
    }

    /// <summary>
    /// 128-d descriptors: each person a random unit centre, each face its centre and a small offset (0.08); C's centre
    /// lies 0.7 from A's (beyond the 0.55 cut, within the 1.5 x cut of merge suggestions), B's and the stranger's far from both.
    /// </summary>
    private static Dictionary<string, float[]> Descriptors()
    {
        var random = new Random(16);
        float[] Unit()
        {
            var v = new float[128];
            for (var i = 0; i < v.Length; i++)
                v[i] = (float)(random.NextDouble() * 2 - 1);
            var norm = MathF.Sqrt(v.Sum(x => x * x));
            return v.Select(x => x / norm).ToArray();
        }
        float[] Near(float[] centre, float distance)
        {
            var direction = Unit();
            return centre.Zip(direction, (c, d) => c + distance * d).ToArray();
        }

        var a = Unit();
        var b = Unit();
        // Orthogonal to A, so that |C - A| is exactly 0.7 before the faces' own offsets.
        var other = Unit();
        var dot = a.Zip(other, (x, y) => x * y).Sum();
        var orthogonal = other.Zip(a, (o, x) => o - dot * x).ToArray();
        var length = MathF.Sqrt(orthogonal.Sum(x => x * x));
        var c = a.Zip(orthogonal, (x, o) => x + 0.7f * o / length).ToArray();
        var descriptors = new Dictionary<string, float[]> { ["S"] = Unit() };
        for (var i = 0; i < 4; i++)
            descriptors[$"A{i}"] = Near(a, 0.08f);
        descriptors["P"] = Near(a, 0.08f);
        for (var i = 0; i < 3; i++)
            descriptors[$"B{i}"] = Near(b, 0.08f);
        for (var i = 0; i < 2; i++)
            descriptors[$"C{i}"] = Near(c, 0.08f);
        return descriptors;
    }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Root, recursive: true);
        return ValueTask.CompletedTask;
    }
}
