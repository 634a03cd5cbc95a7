using System.Text.Json;
using Sightline.Analysis;
using Sightline.Faces;
using Sightline.Library.Metadata;
using Sightline.Library.Thumbnails;
using Sightline.Vision.Embeddings;

namespace Sightline.Library.Ingestion;

/// <summary>What the library stores of one photo's analyses: a record per task, its faces and its embedding.</summary>
public sealed record MappedAnalyses(
    IReadOnlyList<AnalysisRecord> Analyses,
    IReadOnlyList<FaceRecord>? Faces,
    float[]? Embedding,
    string? EmbeddingModel,
    bool ThumbnailsWritten);

/// <summary>
/// Turns the pipeline's results of one photo into what the library stores. Each task's result is kept as the JSON
/// <c>sightline analyze --json</c> prints for it, less the vectors that are stored on their own (face descriptors
/// and the image embedding), so that a photo's row stays small.
/// </summary>
public static class ResultMapper
{
    /// <param name="results">The pipeline's results by task name (the thumbnail task's among them when it ran).</param>
    /// <param name="versions">The version of each analysis task that ran.</param>
    public static MappedAnalyses Map(IReadOnlyDictionary<string, object> results, IReadOnlyDictionary<string, string> versions, DateTimeOffset at)
    {
        var analyses = new List<AnalysisRecord>();
        IReadOnlyList<FaceRecord>? faces = null;
        float[]? embedding = null;
        string? embeddingModel = null;
        foreach (var (task, result) in results)
        {
            if (result is ThumbnailResult)
                continue;
            if (!versions.TryGetValue(task, out var version))
                throw new InvalidOperationException($"no analysis version for task '{task}'");
            object stored = result;
            switch (result)
            {
                case FacesResult found:
                    faces = Faces(found);
                    stored = found with { Faces = found.Faces.Select(f => f with { Descriptor = null }).ToList() };
                    break;
                case EmbedResult embedded:
                    embedding = embedded.Vector;
                    embeddingModel = embedded.ModelId;
                    stored = embedded with { Vector = [] };
                    break;
            }
            analyses.Add(new AnalysisRecord(task, version, JsonSerializer.Serialize(stored, stored.GetType(), AnalysisJson.Options), at));
        }
        return new MappedAnalyses(analyses, faces, embedding, embeddingModel, results.Values.Any(r => r is ThumbnailResult));
    }

    /// <summary>The faces of a faces result: box, five landmarks (x, y pairs), descriptor and its model, expression, age, gender, quality and why it is too poor to identify.</summary>
    public static IReadOnlyList<FaceRecord> Faces(FacesResult result)
    {
        var descriptorModel = DescriptorModel(result);
        return result.Faces.Select((face, index) => Face(face, index, descriptorModel)).ToList();
    }

    /// <summary>The id of the model that made a faces result's descriptors, when it made any.</summary>
    public static string? DescriptorModel(FacesResult result) => result.Models.FirstOrDefault(m => m.Role == "descriptor")?.Id;

    /// <summary>One detected face as the library stores it, as face <paramref name="index"/> of its photo.</summary>
    public static FaceRecord Face(FaceResult face, int index, string? descriptorModel) => new(
        index,
        FaceOrigin.Detected,
        face.Box.X, face.Box.Y, face.Box.Width, face.Box.Height,
        face.Score,
        Landmarks: face.Landmarks5.SelectMany(p => new[] { p.X, p.Y }).ToArray(),
        Descriptor: face.Descriptor,
        DescriptorModel: face.Descriptor is null ? null : descriptorModel,
        Expression: face.Emotion?.Label,
        ExpressionScore: face.Emotion?.Score,
        Age: face.AgeGender?.Age,
        Gender: face.AgeGender?.Gender,
        GenderScore: face.AgeGender?.GenderScore,
        Quality: face.Quality?.Score,
        TooPoor: face.TooPoor is { Count: > 0 } reasons ? string.Join(", ", reasons) : null);

    /// <summary>
    /// The face regions another program wrote into the photo (fractions of the upright image) as named faces in the
    /// pixels of the upright original, <paramref name="width"/> by <paramref name="height"/>. A region reaching past
    /// the image is clipped to it; one with no area left is dropped.
    /// </summary>
    public static IReadOnlyList<FaceRecord> ImportedFaces(IReadOnlyList<FaceRegion> regions, int width, int height)
    {
        var faces = new List<FaceRecord>();
        foreach (var region in regions)
        {
            var left = Math.Clamp(region.Area.X, 0, 1);
            var top = Math.Clamp(region.Area.Y, 0, 1);
            var right = Math.Clamp(region.Area.X + region.Area.Width, 0, 1);
            var bottom = Math.Clamp(region.Area.Y + region.Area.Height, 0, 1);
            if (right <= left || bottom <= top || double.IsNaN(left + top + right + bottom))
                continue;
            faces.Add(new FaceRecord(faces.Count, FaceOrigin.Imported,
                (float)(left * width), (float)(top * height), (float)((right - left) * width), (float)((bottom - top) * height),
                Score: 1f, Name: region.Name));
        }
        return faces;
    }
}
