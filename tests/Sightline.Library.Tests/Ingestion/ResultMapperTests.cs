using System.Text.Json;
using Sightline.Faces;
using Sightline.Faces.Attributes;
using Sightline.Faces.Detection;
using Sightline.Inference.Timing;
using Sightline.Library.Ingestion;
using Sightline.Library.Metadata;
using Sightline.Library.Thumbnails;
using Sightline.Vision.Detection;
using Sightline.Vision.Embeddings;
using Sightline.Vision.Results;

namespace Sightline.Library.Tests.Ingestion;

public class ResultMapperTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private static FaceResult Face(float x, float[]? descriptor, string expression = "happy") => new(
        new BoundingBox(x, 20, 30, 40), new BoundingBox(x / 100, 0.2f, 0.3f, 0.4f), 0.9f,
        [new FacePoint(1, 2), new FacePoint(3, 4), new FacePoint(5, 6), new FacePoint(7, 8), new FacePoint(9, 10)],
        null, null, new FaceQuality(0.7f, 0.8f, 0.9f, 0.6f),
        new FaceEmotion(expression, 0.75f, new Dictionary<string, float> { [expression] = 0.75f }),
        new AgeGender(31, "female", 0.88f), null, descriptor, null);

    private static FacesResult Faces(params FaceResult[] faces) => new("photo.jpg", new ImageSize(100, 80),
        [new FaceModelRef("detector", "human-blazeface", "1"), new FaceModelRef("descriptor", "face-api-face-recognition", "1")],
        faces.Length, faces, null, new FaceStageTimings(0, 0, 0, 0, 0, 0));

    [Fact]
    public void Faces_become_records_with_box_landmarks_descriptor_and_attributes()
    {
        var record = Assert.Single(ResultMapper.Faces(Faces(Face(10, [0.5f, -0.5f]))));
        Assert.Equal(FaceOrigin.Detected, record.Origin);
        Assert.Equal((10f, 20f, 30f, 40f), (record.X, record.Y, record.Width, record.Height));
        Assert.Equal([1f, 2, 3, 4, 5, 6, 7, 8, 9, 10], record.Landmarks!);
        Assert.Equal([0.5f, -0.5f], record.Descriptor!);
        Assert.Equal("face-api-face-recognition", record.DescriptorModel);
        Assert.Equal(("happy", 0.75f), (record.Expression, record.ExpressionScore));
        Assert.Equal((31f, "female", 0.88f), (record.Age, record.Gender, record.GenderScore));
        Assert.Equal(0.7f, record.Quality);
    }

    [Fact]
    public void A_face_too_poor_to_identify_keeps_its_reasons_and_an_identifiable_one_has_none()
    {
        var records = ResultMapper.Faces(Faces(
            Face(1, [1f]) with { Identifiable = false, TooPoor = ["profile", "cut by the frame"] },
            Face(2, [1f]) with { Identifiable = true }));
        Assert.Equal("profile, cut by the frame", records[0].TooPoor);
        Assert.Null(records[1].TooPoor);
    }

    [Fact]
    public void Faces_keep_their_order_as_index_and_a_face_without_descriptor_names_no_model()
    {
        var records = ResultMapper.Faces(Faces(Face(1, null), Face(2, [1f])));
        Assert.Equal([0, 1], records.Select(r => r.Index));
        Assert.Null(records[0].DescriptorModel);
        Assert.Equal("face-api-face-recognition", records[1].DescriptorModel);
    }

    [Fact]
    public void Stored_json_is_the_result_less_the_vectors_kept_on_their_own()
    {
        var embed = new EmbedResult("resnet18-imagenet", "1", 3, [0.1f, 0.2f, 0.3f], new StageTimings(1, 2, 3));
        var results = new Dictionary<string, object>
        {
            ["faces"] = Faces(Face(10, [0.5f, -0.5f])),
            ["embed"] = embed,
            [ThumbnailTask.TaskName] = new ThumbnailResult("h", "s", "p"),
        };
        var mapped = ResultMapper.Map(results, new Dictionary<string, string> { ["faces"] = "vf", ["embed"] = "ve" }, At);

        Assert.Equal(["embed", "faces"], mapped.Analyses.Select(a => a.Task).Order());
        Assert.True(mapped.ThumbnailsWritten);
        Assert.Equal([0.1f, 0.2f, 0.3f], mapped.Embedding!);
        Assert.Equal("resnet18-imagenet", mapped.EmbeddingModel);
        Assert.Single(mapped.Faces!);

        var faces = mapped.Analyses.Single(a => a.Task == "faces");
        Assert.Equal("vf", faces.Version);
        Assert.Equal(At, faces.At);
        var face = JsonDocument.Parse(faces.Json).RootElement.GetProperty("faces")[0];
        Assert.False(face.TryGetProperty("descriptor", out _));
        Assert.Equal("happy", face.GetProperty("emotion").GetProperty("label").GetString());

        var embedded = JsonDocument.Parse(mapped.Analyses.Single(a => a.Task == "embed").Json).RootElement;
        Assert.Equal(0, embedded.GetProperty("vector").GetArrayLength());
        Assert.Equal(3, embedded.GetProperty("dimension").GetInt32());
    }

    [Fact]
    public void Without_the_thumbnail_task_no_thumbnails_are_written_and_without_faces_none_are_replaced()
    {
        var embed = new EmbedResult("m", "1", 1, [1f], new StageTimings());
        var mapped = ResultMapper.Map(new Dictionary<string, object> { ["embed"] = embed }, new Dictionary<string, string> { ["embed"] = "v" }, At);
        Assert.False(mapped.ThumbnailsWritten);
        Assert.Null(mapped.Faces);
    }

    [Fact]
    public void A_task_without_a_version_is_a_bug_said_plainly()
    {
        var embed = new EmbedResult("m", "1", 1, [1f], new StageTimings());
        var e = Assert.Throws<InvalidOperationException>(() => ResultMapper.Map(new Dictionary<string, object> { ["embed"] = embed }, new Dictionary<string, string>(), At));
        Assert.Contains("embed", e.Message);
    }

    [Fact]
    public void Imported_regions_become_named_faces_in_pixels_of_the_upright_original()
    {
        var faces = ResultMapper.ImportedFaces([new FaceRegion("Ada", new NormalizedRect(0.25, 0.5, 0.5, 0.25), "digiKam")], 4000, 3000);
        var face = Assert.Single(faces);
        Assert.Equal(FaceOrigin.Imported, face.Origin);
        Assert.Equal("Ada", face.Name);
        Assert.Equal((1000f, 1500f, 2000f, 750f), (face.X, face.Y, face.Width, face.Height));
        Assert.Null(face.Descriptor);
    }

    [Fact]
    public void Imported_regions_past_the_edge_are_clipped_and_empty_ones_dropped()
    {
        var faces = ResultMapper.ImportedFaces(
        [
            new FaceRegion("Edge", new NormalizedRect(0.9, -0.1, 0.2, 0.3)),
            new FaceRegion("Nothing", new NormalizedRect(0.5, 0.5, 0, 0.1)),
            new FaceRegion(null, new NormalizedRect(double.NaN, 0, 0.1, 0.1)),
            new FaceRegion(null, new NormalizedRect(0, 0, 0.1, 0.1)),
        ], 1000, 1000);
        Assert.Equal(2, faces.Count);
        Assert.Equal((900f, 0f, 100f, 200f), (faces[0].X, faces[0].Y, faces[0].Width, faces[0].Height), new ToleranceComparer());
        Assert.Null(faces[1].Name);
        Assert.Equal([0, 1], faces.Select(f => f.Index));
    }

    private sealed class ToleranceComparer : IEqualityComparer<(float, float, float, float)>
    {
        public bool Equals((float, float, float, float) a, (float, float, float, float) b) =>
            Math.Abs(a.Item1 - b.Item1) < 0.01 && Math.Abs(a.Item2 - b.Item2) < 0.01 && Math.Abs(a.Item3 - b.Item3) < 0.01 && Math.Abs(a.Item4 - b.Item4) < 0.01;

        public int GetHashCode((float, float, float, float) value) => 0;
    }
}
