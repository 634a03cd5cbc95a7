using Sightline.Faces.Alignment;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Vision.Detection;
using SkiaSharp;

namespace Sightline.Faces.Attributes;

/// <summary>
/// human's anti-spoof (128x128) and liveness (32x32) models on the face crop, values 0-1. Anti-spoof gives
/// one score, reported as "real"; liveness gives two softmax scores, the first being "live" (as human reads them).
/// </summary>
public sealed class LivenessChecker
{
    public const string AntiSpoofId = "human-antispoof";
    public const string LivenessId = "human-liveness";
    private readonly FaceNetwork _antiSpoof;
    private readonly FaceNetwork _liveness;

    public LivenessChecker(CachedModel antiSpoof, CachedModel liveness, InferenceEngine engine)
    {
        _antiSpoof = new FaceNetwork(antiSpoof, engine);
        _liveness = new FaceNetwork(liveness, engine);
    }

    public IReadOnlyList<Liveness> Check(SKBitmap image, IReadOnlyList<BoundingBox> faceBoxes)
    {
        using var crops = new FaceCrops(image);
        return Check(crops, faceBoxes);
    }

    /// <summary>One result per face box; crops come from the image's shared set.</summary>
    public IReadOnlyList<Liveness> Check(FaceCrops crops, IReadOnlyList<BoundingBox> faceBoxes)
    {
        var regions = faceBoxes.Select(b => FaceCrop.SquareAround(b)).ToList();
        var real = _antiSpoof.Run(crops, regions);
        var live = _liveness.Run(crops, regions);
        if (real.Count == 0)
            return [];
        return Enumerable.Range(0, regions.Count).Select(i => new Liveness(real[0][i][0], live[0][i][0])).ToList();
    }
}
