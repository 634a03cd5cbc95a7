using Sightline.Faces.Alignment;
using Sightline.Faces.Detection;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Vision.Pipeline;
using Sightline.Vision.Detection;
using SkiaSharp;

namespace Sightline.Faces.Landmarks;

/// <summary>
/// face-api's 68-point landmark net (full or tiny): a 112x112 crop of the face box padded to a square,
/// raw 0-255 values (the graph normalises); output 68 (x, y) pairs relative to the square.
/// </summary>
public sealed class FaceLandmarker
{
    public const string Id = "face-api-face-landmark-68";
    public const string TinyId = "face-api-face-landmark-68-tiny";
    private readonly FaceNetwork _net;

    public FaceLandmarker(CachedModel model, InferenceEngine engine, TaskContext? context = null) => _net = new FaceNetwork(model, engine, context);

    public string ModelId => _net.ModelId;

    /// <summary>68 landmarks per face box, in image pixels.</summary>
    public IReadOnlyList<FacePoint[]> Locate(SKBitmap image, IReadOnlyList<BoundingBox> boxes)
    {
        using var crops = new FaceCrops(image);
        return Locate(crops, boxes);
    }

    /// <summary>68 landmarks per face box, in image pixels; crops come from the image's shared set.</summary>
    public IReadOnlyList<FacePoint[]> Locate(FaceCrops crops, IReadOnlyList<BoundingBox> boxes)
    {
        var regions = boxes.Select(b => FaceCrop.SquareAround(b)).ToList();
        var rows = _net.Run(crops, regions);
        var result = new List<FacePoint[]>(boxes.Count);
        for (var i = 0; i < boxes.Count; i++)
        {
            var row = rows[0][i];
            var points = new FacePoint[FaceLandmarks.Count68];
            for (var k = 0; k < points.Length; k++)
                points[k] = FaceCrop.FromRegion(regions[i], row[2 * k], row[2 * k + 1]);
            result.Add(points);
        }
        return result;
    }
}
