using Sightline.Faces.Alignment;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Vision.Pipeline;
using Sightline.Vision.Detection;
using SkiaSharp;

namespace Sightline.Faces.Attributes;

/// <summary>face-api's age and gender net: 112x112 crop of the aligned box, 0-255; age in years, gender softmax (male, female).</summary>
public sealed class AgeGenderEstimator
{
    public const string Id = "face-api-age-gender";
    private readonly FaceNetwork _net;
    private readonly int _age;
    private readonly int _gender;

    public AgeGenderEstimator(CachedModel model, InferenceEngine engine, TaskContext? context = null)
    {
        _net = new FaceNetwork(model, engine, context);
        _age = _net.OutputNamed("age");
        _gender = _net.OutputNamed("gender");
    }

    public string ModelId => _net.ModelId;

    public IReadOnlyList<AgeGender> Estimate(SKBitmap image, IReadOnlyList<BoundingBox> alignedBoxes)
    {
        using var crops = new FaceCrops(image);
        return Estimate(crops, alignedBoxes);
    }

    /// <summary>One estimate per aligned box; crops come from the image's shared set.</summary>
    public IReadOnlyList<AgeGender> Estimate(FaceCrops crops, IReadOnlyList<BoundingBox> alignedBoxes)
    {
        var rows = _net.Run(crops, alignedBoxes.Select(b => FaceCrop.SquareAround(b)).ToList());
        if (rows.Count == 0)
            return [];
        return Enumerable.Range(0, alignedBoxes.Count).Select(i =>
        {
            var g = rows[_gender][i];
            var male = g[0] >= g[1];
            return new AgeGender(Math.Max(0, rows[_age][i][0]), male ? "male" : "female", male ? g[0] : g[1]);
        }).ToList();
    }
}
