using System.Text.Json.Serialization;
using Sightline.Faces;
using Sightline.Faces.Attributes;
using Sightline.Faces.Descriptors;
using Sightline.Faces.Detection;
using Sightline.Faces.Evaluation;
using Sightline.Faces.Gallery;
using Sightline.Faces.Landmarks;
using Sightline.Server.Hosting;
using Sightline.Vision.Detection;

namespace Sightline.Server.Api;

/// <summary>
/// One face as the API reports it: box in pixels and normalised, detector score 0-1, 5 and 68 landmarks in
/// pixels, head pose in degrees, quality, emotion, age and gender, and, when asked for, liveness, the
/// descriptor values and the gallery identity. Parts that were not computed are left out. A face too poor to
/// identify has <see cref="Identifiable"/> false with the reasons in <see cref="TooPoor"/>; its expression, age
/// and gender are then <see cref="Unreliable"/> for the same reasons (and its emotion says so too).
/// </summary>
public sealed record FaceResult(
    BoundingBox Box,
    BoundingBox NormalizedBox,
    float Score,
    IReadOnlyList<FacePoint> Landmarks5,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<FacePoint>? Landmarks68,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] HeadPose? Pose,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] FaceQuality? Quality,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] FaceEmotion? Emotion,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float? Age,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Gender,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float? GenderScore,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Liveness? Liveness,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float[]? Descriptor,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] FaceIdentity? Identity,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Identifiable = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? TooPoor = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Unreliable = null)
{
    public static FaceResult From(AnalyzedFace face, bool withDescriptor = false, FaceIdentity? identity = null) => new(
        face.Box, face.NormalizedBox, face.Score, face.Landmarks5, face.Landmarks68, face.Pose, face.Quality, face.Emotion,
        face.AgeGender?.Age, face.AgeGender?.Gender, face.AgeGender?.GenderScore, face.Liveness,
        withDescriptor ? face.Descriptor?.Values : null, identity,
        face.Identifiability?.Identifiable, face.Identifiability is { Identifiable: false } poor ? poor.Reasons : null,
        face.Identifiability?.Summary);
}

/// <summary>
/// Who a face is: <see cref="Known"/> when the nearest enrolled person is nearer than <see cref="Threshold"/>;
/// <see cref="Name"/> is that person (null for an unknown face); <see cref="Confidence"/> is the calibrated
/// probability that this answer is right; distance and similarity (0-1) are to the nearest person, known or
/// not, and <see cref="Nearest"/> names them (all null when the gallery is empty). <see cref="Status"/> is
/// "known", "unknown" or "too poor": a face too poor to identify is not held against the gallery, and
/// <see cref="TooPoor"/> says why.
/// </summary>
public sealed record FaceIdentity(bool Known, string? Name, float? Confidence, float? Distance, float? Similarity, float Threshold, string? Nearest,
    string Status = Identification.UnknownStatus,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? TooPoor = null)
{
    public static FaceIdentity From(Identification identification, DistanceCalibration calibration) => new(identification.IsKnown,
        identification.Match?.Name, identification.Confidence(calibration), identification.Nearest?.Distance, identification.Nearest?.Similarity,
        identification.Threshold, identification.Nearest?.Name, identification.Status, identification.TooPoor);
}

/// <summary>Milliseconds per stage of the face pipeline for one image.</summary>
public sealed record FaceStageTimings(double DecodeMs, double DetectMs, double LandmarksMs, double DescriptorMs, double AttributesMs, double IdentifyMs)
{
    public double TotalMs => DecodeMs + DetectMs + LandmarksMs + DescriptorMs + AttributesMs + IdentifyMs;

    public static FaceStageTimings From(FaceTimings t, double decodeMs, double identifyMs) =>
        new(t.DecodeMs + decodeMs, t.DetectMs, t.LandmarksMs, t.DescriptorMs, t.AttributesMs, identifyMs);
}

/// <summary>The gallery an identification searched: its descriptor model (null while empty) and how many people it holds.</summary>
public sealed record GallerySummary(string? Model, int People);

/// <summary>Every face of one image (largest score first), the models that ran and the time per stage.</summary>
public sealed record FacesResponse(
    ImageSize Image,
    IReadOnlyList<FaceModelRef> Models,
    int Count,
    IReadOnlyList<FaceResult> Faces,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] GallerySummary? Gallery,
    FaceStageTimings Timings);

/// <summary>One side of a verification: the image, how many faces it has, and the (largest) face compared.</summary>
public sealed record VerifiedImage(string Source, ImageSize Image, int Faces, FaceResult Face, FaceStageTimings Timings);

/// <summary>
/// Whether the largest faces of images a and b are the same person: the descriptor distance, the threshold
/// it was held against (same when below), and the calibrated probability (0-1) that this decision is right.
/// </summary>
public sealed record VerifyResponse(bool Same, float Distance, float Threshold, float Confidence, ModelRef Descriptor,
    IReadOnlyList<FaceModelRef> Models, VerifiedImage A, VerifiedImage B);

/// <summary>The descriptor model a gallery is bound to (set by its first enrolment).</summary>
public sealed record GalleryModelInfo(string Id, DescriptorMetric Metric, int Dimension)
{
    public static GalleryModelInfo? From(GalleryModel? model) => model is { } m ? new GalleryModelInfo(m.ModelId, m.Metric, m.Dimension) : null;
}

/// <summary>An enrolled person: name, number of faces, when created and last changed (UTC).</summary>
public sealed record PersonInfo(string Name, int Faces, DateTimeOffset Created, DateTimeOffset Updated)
{
    public static PersonInfo From(GalleryPerson p) => new(p.Name, p.FaceCount, p.Created, p.Updated);
}

/// <summary>The gallery: its model and everyone in it, by name.</summary>
public sealed record GalleryPeopleResponse(GalleryModelInfo? Model, IReadOnlyList<PersonInfo> People);

/// <summary>One stored face of a person.</summary>
public sealed record StoredFaceInfo(long Id, string Source, float? Quality, DateTimeOffset Added);

/// <summary>A person with their stored faces, oldest first.</summary>
public sealed record PersonDetail(string Name, int FaceCount, DateTimeOffset Created, DateTimeOffset Updated, IReadOnlyList<StoredFaceInfo> Faces);

/// <summary>A face an enrolment stored: its id in the gallery, the image it came from, its box there and its quality.</summary>
public sealed record EnrolledFaceInfo(long Id, string Source, BoundingBox Box, float? Quality);

/// <summary>An uploaded image an enrolment did not use, and why.</summary>
public sealed record SkippedImage(string Source, string Reason);

/// <summary>What an enrolment did: the person afterwards, whether it created them, the faces stored and the images skipped.</summary>
public sealed record EnrollResponse(PersonInfo Person, bool CreatedPerson, IReadOnlyList<EnrolledFaceInfo> Enrolled, IReadOnlyList<SkippedImage> Skipped,
    ModelRef Descriptor, double ElapsedMs);

/// <summary>The body of a rename: the person's new name.</summary>
public sealed record RenameRequest(string Name);
