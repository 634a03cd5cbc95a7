using System.Diagnostics;
using System.Text.Json.Serialization;
using Sightline.Faces.Attributes;
using Sightline.Faces.Descriptors;
using Sightline.Faces.Detection;
using Sightline.Faces.Evaluation;
using Sightline.Faces.Gallery;
using Sightline.Faces.Landmarks;
using Sightline.Inference.Timing;
using Sightline.Models.Cache;
using Sightline.Vision.Detection;
using Sightline.Vision.Results;

namespace Sightline.Faces;

/// <summary>
/// One face as a result reports it, in the CLI's --json and in the API alike: box in pixels and normalised,
/// detector score 0-1, 5 and 68 landmarks in pixels, head pose in degrees, quality, emotion, age and gender,
/// and, when asked for, liveness, the descriptor values and the gallery identity. Parts that were not
/// computed are left out. A face too poor to identify has <see cref="Identifiable"/> false with the reasons
/// in <see cref="TooPoor"/>; its expression, age and gender are then <see cref="Unreliable"/> for the same reasons.
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
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AgeGender? AgeGender,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Liveness? Liveness,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float[]? Descriptor,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] FaceIdentity? Identity,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Identifiable = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? TooPoor = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Unreliable = null)
{
    public static FaceResult From(AnalyzedFace face, bool withDescriptor = false, FaceIdentity? identity = null) => new(
        face.Box, face.NormalizedBox, face.Score, face.Landmarks5, face.Landmarks68, face.Pose, face.Quality, face.Emotion,
        face.AgeGender, face.Liveness, withDescriptor ? face.Descriptor?.Values : null, identity,
        face.Identifiability?.Identifiable, face.Identifiability is { Identifiable: false } poor ? poor.Reasons : null,
        face.Identifiability?.Summary);
}

/// <summary>
/// Who a face is: <see cref="Known"/> when the nearest enrolled person is nearer than <see cref="Threshold"/>;
/// <see cref="Name"/> is that person (null for an unknown face); <see cref="Confidence"/> is the calibrated
/// probability that this answer is right; distance and similarity (0-1) are to the nearest person, known or
/// not, and <see cref="Nearest"/> names them (all null when the gallery is empty); <see cref="RunnerUp"/> is the
/// next person and <see cref="Margin"/> how much farther they are. <see cref="Status"/> is "known", "unknown"
/// or "too poor": a face too poor to identify is not held against the gallery, and <see cref="TooPoor"/> says why.
/// </summary>
public sealed record FaceIdentity(bool Known, string? Name, float? Confidence, float? Distance, float? Similarity, float Threshold, string? Nearest,
    string Status = Identification.UnknownStatus,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? TooPoor = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] GalleryMatch? RunnerUp = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float? Margin = null)
{
    public static FaceIdentity From(Identification identification, DistanceCalibration calibration) => new(identification.IsKnown,
        identification.Match?.Name, identification.Confidence(calibration), identification.Nearest?.Distance, identification.Nearest?.Similarity,
        identification.Threshold, identification.Nearest?.Name, identification.Status, identification.TooPoor, identification.RunnerUp, identification.Margin);

    /// <summary>How the face is named on a drawing or in a table: the person, "too poor (reasons)" or "unknown".</summary>
    public string Label() => Known ? Name! : TooPoor is { } reasons ? $"{Identification.TooPoorStatus} ({string.Join(", ", reasons)})" : Identification.UnknownStatus;
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

/// <summary>A model of the face pipeline: the part it plays (detector, landmarks, descriptor, ...), its catalog id and version.</summary>
public sealed record FaceModelRef(string Role, string Id, string Version)
{
    /// <summary>The models an analyzer runs for <paramref name="tasks"/>, with their cached versions; liveness adds its two models.</summary>
    public static IReadOnlyList<FaceModelRef> For(FaceAnalyzer analyzer, FaceTasks tasks, ModelStore store)
    {
        var refs = analyzer.Models.Select(m => new FaceModelRef(m.Key, m.Value, store.Get(m.Value).Version)).ToList();
        if ((tasks & FaceTasks.Liveness) != 0)
        {
            refs.Add(new FaceModelRef("antiSpoof", LivenessChecker.AntiSpoofId, store.Get(LivenessChecker.AntiSpoofId).Version));
            refs.Add(new FaceModelRef("liveness", LivenessChecker.LivenessId, store.Get(LivenessChecker.LivenessId).Version));
        }
        return refs;
    }
}

/// <summary>
/// Every face of one image (best first), as the CLI's --json and the API both give it: the source, the image
/// size, the models that ran, the faces, the gallery searched (when one was) and the time per stage.
/// </summary>
public sealed record FacesResult(
    string Source,
    ImageSize Image,
    IReadOnlyList<FaceModelRef> Models,
    int Count,
    IReadOnlyList<FaceResult> Faces,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] GallerySummary? Gallery,
    FaceStageTimings Timings)
{
    /// <summary>
    /// The result of one analysis; with a gallery, each face is held against it at <paramref name="threshold"/>
    /// (one person names at most one face of the photo) and its confidence calibrated by <paramref name="describer"/>.
    /// </summary>
    public static FacesResult Of(FaceAnalysis analysis, IReadOnlyList<FaceModelRef> models, bool withDescriptors, double decodeMs = 0,
        FaceGallery? gallery = null, float threshold = 0, IFaceDescriber? describer = null)
    {
        var start = Stopwatch.GetTimestamp();
        IReadOnlyList<FaceIdentity?>? identities = null;
        GallerySummary? summary = null;
        if (gallery is not null)
        {
            ArgumentNullException.ThrowIfNull(describer);
            var answers = gallery.IdentifyPhoto(analysis.Faces, threshold);
            identities = analysis.Faces.Select((f, i) => f.Descriptor is not null ? FaceIdentity.From(answers[i], describer.Calibration) : null).ToList();
            summary = new GallerySummary(gallery.Model?.ModelId, gallery.People().Count);
        }
        var identifyMs = gallery is null ? 0 : StageTimings.Since(start);
        var faces = analysis.Faces.Select((f, i) => FaceResult.From(f, withDescriptors, identities?[i])).ToList();
        return new FacesResult(analysis.Source, new ImageSize(analysis.Width, analysis.Height), models, faces.Count, faces, summary,
            FaceStageTimings.From(analysis.Timings, decodeMs, identifyMs));
    }
}
