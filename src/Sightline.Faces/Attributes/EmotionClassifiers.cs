using Sightline.Faces.Alignment;
using Sightline.Models.Cache;
using Sightline.Vision.Pipeline;
using Sightline.Inference.Sessions;
using Sightline.Vision.Detection;
using SkiaSharp;

namespace Sightline.Faces.Attributes;

/// <summary>Reads the expression of each face.</summary>
public interface IEmotionClassifier
{
    string ModelId { get; }

    /// <summary>One result per face, from its aligned box (image pixels); crops come from the image's shared set.</summary>
    IReadOnlyList<FaceEmotion> Classify(FaceCrops crops, IReadOnlyList<BoundingBox> alignedBoxes);

    /// <summary>One result per face, from its aligned box (image pixels).</summary>
    IReadOnlyList<FaceEmotion> Classify(SKBitmap image, IReadOnlyList<BoundingBox> alignedBoxes)
    {
        using var crops = new FaceCrops(image);
        return Classify(crops, alignedBoxes);
    }
}

/// <summary>face-api's expression net: 112x112 colour crop of the aligned box padded to a square, 0-255 values.</summary>
public sealed class FaceApiExpressionClassifier : IEmotionClassifier
{
    public const string Id = "face-api-face-expression";
    private readonly FaceNetwork _net;
    private readonly IReadOnlyList<string> _labels;

    public FaceApiExpressionClassifier(CachedModel model, InferenceEngine engine, TaskContext? context = null)
    {
        _net = new FaceNetwork(model, engine, context);
        _labels = model.Entry.Labels ?? Emotions.Labels;
    }

    public string ModelId => _net.ModelId;

    public IReadOnlyList<FaceEmotion> Classify(FaceCrops crops, IReadOnlyList<BoundingBox> alignedBoxes)
    {
        var rows = _net.Run(crops, alignedBoxes.Select(b => FaceCrop.SquareAround(b)).ToList());
        return rows.Count == 0 ? [] : rows[0].Select(r => FaceEmotion.From(_labels, r)).ToList();
    }
}

/// <summary>
/// human's emotion model (oarriaga's mini-Xception on FER-2013): 64x64 greyscale crop in -1..1. Its own
/// labels (angry, disgust, fear, happy, sad, surprise, neutral) are mapped onto Sightline's seven.
/// </summary>
public sealed class HumanEmotionClassifier : IEmotionClassifier
{
    public const string Id = "human-emotion";
    private static readonly string[] Mapped = ["angry", "disgusted", "fearful", "happy", "sad", "surprised", "neutral"];
    private readonly FaceNetwork _net;

    public HumanEmotionClassifier(CachedModel model, InferenceEngine engine, TaskContext? context = null) =>
        _net = new FaceNetwork(model, engine, context);

    public string ModelId => _net.ModelId;

    public IReadOnlyList<FaceEmotion> Classify(FaceCrops crops, IReadOnlyList<BoundingBox> alignedBoxes)
    {
        var rows = _net.Run(crops, alignedBoxes.Select(b => FaceCrop.SquareAround(b)).ToList());
        return rows.Count == 0 ? [] : rows[0].Select(r => FaceEmotion.From(Mapped, r)).ToList();
    }
}
