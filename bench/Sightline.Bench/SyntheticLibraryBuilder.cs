using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Sightline.Analysis;
using Sightline.Inference.Timing;
using Sightline.Library;
using Sightline.Library.Metadata;
using Sightline.Library.Storage;
using Sightline.Vision.Detection;
using Sightline.Vision.Moderation;

namespace Sightline.Bench;

/// <summary>What building a synthetic library made, and how long it took (kept beside it, so that a reuse can tell it is the same library).</summary>
public sealed record SyntheticLibraryReport(
    SyntheticLibraryOptions Options,
    int Photos,
    int Videos,
    long Faces,
    int People,
    double CommitSeconds,
    double PeopleSeconds);

/// <summary>
/// Writes <see cref="SyntheticPhotoLibrary"/>'s photos into a real library: each photo through the store's own
/// <c>CommitAsync</c> (in batches, as ingestion commits), with the analyses' JSON serialised from the tasks' own result
/// records; then the faces' people as one clustering write (the people the generator drew, not a clustering pass over
/// 200,000 synthetic descriptors), and the people named.
/// </summary>
public static class SyntheticLibraryBuilder
{
    public const string DescriptorModel = "face-api-face-recognition";
    public const string EmbeddingModel = "resnet18-imagenet";
    private const string ReportFile = "synthetic-library.json";
    private const int Batch = 1000;

    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The report of the synthetic library in <paramref name="folder"/> when it was built with <paramref name="options"/>; null otherwise.</summary>
    public static SyntheticLibraryReport? Existing(string folder, SyntheticLibraryOptions options)
    {
        var path = Path.Combine(folder, ReportFile);
        if (!File.Exists(path) || !LibraryManifest.Exists(folder))
            return null;
        try
        {
            var report = JsonSerializer.Deserialize<SyntheticLibraryReport>(File.ReadAllText(path), ReportJson);
            return report?.Options == options ? report : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static async Task<SyntheticLibraryReport> BuildAsync(string folder, SyntheticLibraryOptions options, string? database = null,
        Action<int>? progress = null, CancellationToken cancellationToken = default)
    {
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        await using var library = await PhotoLibrary.InitAsync(folder, database, LibrarySettings.Default, cancellationToken);
        var source = await library.Store.AddFolderAsync(Directory.CreateDirectory(Path.Combine(folder, "photos")).FullName, cancellationToken);
        var people = new Dictionary<string, int>(StringComparer.Ordinal);
        var watch = Stopwatch.StartNew();
        int photos = 0, videos = 0;
        long faces = 0;
        var batch = new List<PhotoUpdate>(Batch);
        var now = DateTimeOffset.UtcNow;
        foreach (var photo in SyntheticPhotoLibrary.Generate(options))
        {
            batch.Add(Update(photo, source, folder, now));
            foreach (var (face, index) in photo.Faces.Select((f, i) => (f, i)))
                if (face.Person is { } person)
                    people[$"{photo.ContentHash}:{index}"] = person;
            faces += photo.Faces.Count;
            if (photo.IsVideo) videos++; else photos++;
            if (batch.Count == Batch)
            {
                await library.Store.CommitAsync(batch, cancellationToken);
                batch.Clear();
                progress?.Invoke(photos + videos);
            }
        }
        if (batch.Count > 0)
            await library.Store.CommitAsync(batch, cancellationToken);
        var commitSeconds = watch.Elapsed.TotalSeconds;

        watch.Restart();
        var named = await WritePeopleAsync(library.Store, people, options, cancellationToken);
        var report = new SyntheticLibraryReport(options, photos, videos, faces, named, commitSeconds, watch.Elapsed.TotalSeconds);
        await File.WriteAllTextAsync(Path.Combine(folder, ReportFile), JsonSerializer.Serialize(report, ReportJson), cancellationToken);
        return report;
    }

    /// <summary>Places every face on the person the generator drew (one full clustering write), then names each person; returns how many people there are.</summary>
    private static async Task<int> WritePeopleAsync(ILibraryStore store, Dictionary<string, int> people, SyntheticLibraryOptions options, CancellationToken cancellationToken)
    {
        var clusterable = await store.People.GetClusterFacesAsync(DescriptorModel, null, cancellationToken);
        var ranks = people.Values.Distinct().Order().ToList();
        var newIndex = ranks.Select((rank, i) => (rank, i)).ToDictionary(x => x.rank, x => x.i);
        var placed = new List<ClusteredFace>(clusterable.Count);
        var faceOfRank = new Dictionary<int, long>();
        foreach (var face in clusterable)
        {
            if (people.TryGetValue(face.StableKey, out var rank))
            {
                placed.Add(new ClusteredFace(face.FaceId, rank, null, newIndex[rank]));
                faceOfRank.TryAdd(rank, face.FaceId);
            }
            else
                placed.Add(new ClusteredFace(face.FaceId, options.People + face.FaceId, null)); // a stranger: a component of its own, in no person
        }
        await store.People.WriteClusteringAsync(new ClusteringWrite(true, new ClusteringState(DescriptorModel, 0.5f, clusterable.Count), placed, ranks.Count), cancellationToken);
        foreach (var (rank, faceId) in faceOfRank)
        {
            var face = await store.People.GetFaceAsync(faceId, DescriptorModel, cancellationToken);
            if (face?.PersonId is { } personId)
                await store.People.NamePersonAsync(personId, SyntheticPhotoLibrary.PersonName(rank, options.Household), cancellationToken);
        }
        return faceOfRank.Count;
    }

    private static PhotoUpdate Update(SyntheticPhoto photo, SourceFolder source, string folder, DateTimeOffset now)
    {
        var year = photo.TakenAt?.Year.ToString(CultureInfo.InvariantCulture) ?? "undated";
        var name = Path.Combine(folder, "photos", year, $"{(photo.IsVideo ? "VID" : "IMG")}_{photo.Index:D6}.{(photo.IsVideo ? "mp4" : "jpg")}");
        var size = 1_500_000 + photo.Index % 7_000_000;
        var file = new FileEntry(name, source.Id, photo.IsVideo ? FileKind.Video : FileKind.Photo, size, now, photo.ContentHash, null, now);
        var metadata = new PhotoMetadata
        {
            TakenAt = photo.TakenAt,
            TakenOffset = photo.TakenOffset,
            TakenAtSource = photo.TakenAt is null ? null : MetadataSource.Exif,
            CameraMake = photo.CameraMake,
            CameraModel = photo.CameraModel,
            Location = photo.Location,
            LocationSource = photo.Location is null ? null : MetadataSource.Exif,
            Description = photo.Text,
        };
        if (photo.IsVideo)
            return new PhotoUpdate(photo.ContentHash, MediaKind.Video, "mp4", size, 1920, 1080, metadata, file, []);
        const int width = 4032, height = 3024;
        var faces = photo.Faces.Select((f, i) => new FaceRecord(i, FaceOrigin.Detected, 400 + 500 * i, 900, 220, 260, 0.9f,
            Descriptor: f.Descriptor, DescriptorModel: DescriptorModel, Expression: f.Expression, ExpressionScore: f.ExpressionScore,
            Age: 4 + (photo.Index + i) % 70, Gender: (photo.Index + i) % 2 == 0 ? "female" : "male", GenderScore: 0.9f,
            Quality: f.TooPoor ? 0.2f : 0.8f, TooPoor: f.TooPoor ? "small" : null)).ToList();
        var analyses = new List<AnalysisRecord>
        {
            new("detect", "v1", DetectJson(photo, name, width, height), now),
            new("faces", "v1", JsonSerializer.Serialize(new { source = name, faces = faces.Count }, AnalysisJson.Options), now),
            new("embed", "v1", JsonSerializer.Serialize(new { source = name, modelId = EmbeddingModel, dimension = photo.Embedding.Length }, AnalysisJson.Options), now),
            new("moderate", "v1", ModerateJson(photo), now),
        };
        return new PhotoUpdate(photo.ContentHash, MediaKind.Photo, "jpeg", size, width, height, metadata, file, analyses, faces,
            Embedding: photo.Embedding, EmbeddingModel: EmbeddingModel, ThumbnailsWritten: true);
    }

    private static readonly string[] CocoNames = CocoClasses();

    private static string[] CocoClasses() =>
    [
        "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light", "fire hydrant", "stop sign",
        "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella",
        "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard",
        "surfboard", "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
        "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant", "bed", "dining table", "toilet", "tv",
        "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase",
        "scissors", "teddy bear", "hair drier", "toothbrush",
    ];

    /// <summary>The detect analysis as the detect task writes it: its own result record, serialised.</summary>
    private static string DetectJson(SyntheticPhoto photo, string source, int width, int height)
    {
        var detections = new List<DetectedObject>();
        foreach (var (label, count) in photo.Objects)
            for (var i = 0; i < count; i++)
            {
                var box = new BoundingBox(100 + 300 * i % width, 200, 300, 400);
                detections.Add(new DetectedObject(Array.IndexOf(CocoNames, label), label, 0.5f + 0.05f * (i % 9), box,
                    new BoundingBox(box.X / width, box.Y / height, box.Width / width, box.Height / height)));
            }
        var result = new DetectionResult(source, width, height, Detectors.DefaultModel, "1", detections, new StageTimings(1, 20, 1));
        return JsonSerializer.Serialize(result, AnalysisJson.Options);
    }

    /// <summary>The moderate analysis as the moderate task writes it.</summary>
    private static string ModerateJson(SyntheticPhoto photo)
    {
        var sensitive = photo.Sensitive ? 0.8f : 0.02f;
        var scores = new List<ClassScore> { new("Drawing", 0.05f), new("Hentai", sensitive / 4), new("Neutral", 0.93f - sensitive), new("Porn", sensitive / 2), new("Sexy", sensitive / 4) };
        var result = new ModerationResult(photo.Sensitive ? ModerationVerdict.Sensitive : ModerationVerdict.Safe, sensitive, 0.5,
            [photo.Sensitive ? "Porn" : "Neutral"], scores, ["Hentai", "Porn", "Sexy"], "nsfwjs", "4.4.0", new StageTimings(1, 10, 1));
        return JsonSerializer.Serialize(result, AnalysisJson.Options);
    }
}
