using Sightline.Inference.Timing;
using Sightline.Library.Ingestion;
using Sightline.Library.Metadata;
using Sightline.Library.Storage;
using Sightline.Vision.Detection;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Moderation;

namespace Sightline.Library.Tests.Search;

/// <summary>A face of a test photo: whose it is (placed through the people decisions), its expression, and whether it is too poor to identify.</summary>
public sealed record FaceSpec(string? Person, string Expression = "neutral", float Score = 0.9f, bool TooPoor = false, bool Identifiable = true);

/// <summary>One photo of a test library, as ingestion would commit it.</summary>
public sealed record PhotoSpec(string Name)
{
    public DateTime? Taken { get; init; }
    public TimeSpan? Offset { get; init; }
    public IReadOnlyList<FaceSpec> Faces { get; init; } = [];
    public IReadOnlyList<string> Objects { get; init; } = [];
    public ModerationVerdict? Verdict { get; init; }
    public string? Title { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<string> Keywords { get; init; } = [];
    public string? ReadText { get; init; }
    public string? CameraMake { get; init; }
    public string? CameraModel { get; init; }
    public GeoPoint? Location { get; init; }
    public MediaKind Kind { get; init; } = MediaKind.Photo;
    public float[]? Embedding { get; init; }
    public string? FileName { get; init; }
}

/// <summary>
/// A library built through the store's public commit path: each photo's detect, moderate and text analyses as the
/// JSON those tasks write, its faces as the faces analysis maps them, its embedding, its file; then the people
/// placed by name as a user names them.
/// </summary>
public sealed class SearchWorld
{
    public const string DescriptorModel = "face-api-face-recognition";
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly Dictionary<string, PhotoSpec> specs = new(StringComparer.Ordinal);
    private long folderId;

    internal SearchWorld(SqlLibraryStore store) => Store = store;

    internal SqlLibraryStore Store { get; }

    public Dictionary<string, long> Ids { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, long> People { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string NameOf(long id) => Ids.Single(p => p.Value == id).Key;

    internal static async Task<SearchWorld> BuildAsync(SqlLibraryStore store, IEnumerable<PhotoSpec> photos, bool placePeople = true)
    {
        var world = new SearchWorld(store);
        world.folderId = (await store.AddFolderAsync("/photos")).Id;
        await world.AddAsync(photos);
        if (placePeople)
            await world.PlacePeopleAsync();
        return world;
    }

    public async Task AddAsync(IEnumerable<PhotoSpec> photos)
    {
        var updates = photos.Select(Update).ToList();
        await Store.CommitAsync(updates);
        foreach (var update in updates)
            Ids[update.ContentHash] = (await Store.FindByHashAsync(update.ContentHash))!.Id;
    }

    private PhotoUpdate Update(PhotoSpec spec)
    {
        specs[spec.Name] = spec;
        var results = new Dictionary<string, object>();
        var versions = new Dictionary<string, string>();
        if (spec.Objects.Count > 0)
        {
            results["detect"] = new DetectionResult(spec.Name + ".jpg", 4000, 3000, "centernet-coco", "1",
                spec.Objects.Select((label, i) => new DetectedObject(i, label, 0.8f, new BoundingBox(10 * i, 10, 50, 50), new BoundingBox(0.01f * i, 0.01f, 0.05f, 0.05f))).ToList(),
                new StageTimings(1, 2, 3));
            versions["detect"] = "d1";
        }
        if (spec.Verdict is { } verdict)
        {
            results["moderate"] = new ModerationResult(verdict, verdict == ModerationVerdict.Sensitive ? 0.9 : 0.1, 0.5, ["neutral"],
                [new ClassScore("neutral", 0.9f)], ["porn", "hentai", "sexy"], "nsfwjs", "1", new StageTimings(1, 2, 3));
            versions["moderate"] = "m1";
        }
        if (spec.Embedding is { } vector)
        {
            results["embed"] = new EmbedResult("resnet18-imagenet", "1", vector.Length, vector, new StageTimings(1, 2, 3));
            versions["embed"] = "e1";
        }
        var mapped = ResultMapper.Map(results, versions, At);
        var analyses = mapped.Analyses.ToList();
        if (spec.ReadText is { } text)
            analyses.Add(new AnalysisRecord("text", "t1", System.Text.Json.JsonSerializer.Serialize(new
            {
                lines = text.Split('\n').Select(line => new { text = line, score = 0.9 }).ToArray(),
            }), At));
        var faces = spec.Faces.Select((face, i) => new FaceRecord(i, FaceOrigin.Detected, 100 * i, 100, 80, 80, 0.95f,
            Descriptor: face.Identifiable ? Descriptor(spec.Name, i) : null, DescriptorModel: face.Identifiable ? DescriptorModel : null,
            Expression: face.Expression, ExpressionScore: face.Score, Quality: face.TooPoor ? 0.1f : 0.8f,
            TooPoor: face.TooPoor ? "too small" : null)).ToList();
        var metadata = new PhotoMetadata
        {
            TakenAt = spec.Taken,
            TakenOffset = spec.Offset,
            Title = spec.Title,
            Description = spec.Description,
            Keywords = spec.Keywords,
            CameraMake = spec.CameraMake,
            CameraModel = spec.CameraModel,
            Location = spec.Location,
        };
        var file = new FileEntry($"/photos/{spec.FileName ?? spec.Name}.jpg", folderId, spec.Kind == MediaKind.Photo ? FileKind.Photo : FileKind.Video,
            1234, At, spec.Name, null, At);
        return new PhotoUpdate(spec.Name, spec.Kind, spec.Kind == MediaKind.Photo ? "jpeg" : "mp4", 1234, 4000, 3000, metadata, file, analyses,
            faces, Embedding: mapped.Embedding, EmbeddingModel: mapped.EmbeddingModel);
    }

    private static float[] Descriptor(string name, int index)
    {
        var random = new Random(HashCode.Combine(name.Length, name[0], index));
        return Enumerable.Range(0, 128).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
    }

    /// <summary>Places every face with a person on that person, by name (as <c>people name</c> does).</summary>
    public async Task PlacePeopleAsync()
    {
        var assignments = await Store.People.GetAssignmentsAsync(DescriptorModel);
        var byPerson = new Dictionary<string, List<long>>(StringComparer.OrdinalIgnoreCase);
        foreach (var a in assignments)
        {
            var spec = specs[a.ContentHash];
            if (spec.Faces[a.Index].Person is { } person)
            {
                if (!byPerson.TryGetValue(person, out var list))
                    byPerson[person] = list = [];
                list.Add(a.FaceId);
            }
        }
        foreach (var (person, faces) in byPerson)
            People[person] = (await Store.People.PlaceFacesAsync(person, faces)).PersonId;
    }

    /// <summary>The face id of a photo's face (its index in the spec).</summary>
    public async Task<long> FaceIdAsync(string photo, int index) =>
        (await Store.People.GetAssignmentsAsync(DescriptorModel)).Single(a => a.ContentHash == photo && a.Index == index).FaceId;
}
