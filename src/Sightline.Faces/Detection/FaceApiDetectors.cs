using Sightline.Faces.Alignment;
using Sightline.Inference.Sessions;
using Sightline.Models.Cache;
using Sightline.Vision.Detection;
using SkiaSharp;

namespace Sightline.Faces.Detection;

/// <summary>
/// face-api's SSD MobileNet v1 face detector (its default): one pass over the image padded to a square at
/// 512x512, 0-255 values; the graph ends with 5118 decoded boxes (y0, x0, y1, x1 relative) and scores.
/// </summary>
public sealed class SsdFaceDetector : IFaceDetector
{
    public const string Id = "face-api-ssd-mobilenet-v1";
    private readonly FaceNetwork _net;
    private readonly int _boxes;
    private readonly int _scores;

    public SsdFaceDetector(CachedModel model, InferenceEngine engine)
    {
        _net = new FaceNetwork(model, engine);
        _boxes = _net.OutputNamed("boxes");
        _scores = _net.OutputNamed("scores");
    }

    public string ModelId => _net.ModelId;

    public IReadOnlyList<FaceCandidate> Detect(SKBitmap image, FaceDetectOptions options)
    {
        var region = WholeImage(image);
        var outputs = _net.RunWhole(image, region);
        var boxes = outputs[_boxes];
        var scores = outputs[_scores];
        var candidates = new List<ScoredBox>();
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i] < options.MinScore)
                continue;
            float y0 = boxes[4 * i], x0 = boxes[4 * i + 1], y1 = boxes[4 * i + 2], x1 = boxes[4 * i + 3];
            candidates.Add(new ScoredBox(BoundingBox.FromCorners(
                region.Left + x0 * region.Width, region.Top + y0 * region.Height, region.Left + x1 * region.Width, region.Top + y1 * region.Height), scores[i], 0));
        }
        return Kept(candidates, image, options);
    }

    internal static SKRect WholeImage(SKBitmap image)
    {
        var side = Math.Max(image.Width, image.Height);
        return SKRect.Create((image.Width - side) / 2f, (image.Height - side) / 2f, side, side);
    }

    internal static IReadOnlyList<FaceCandidate> Kept(IEnumerable<ScoredBox> candidates, SKBitmap image, FaceDetectOptions options) =>
        NonMaxSuppression.ClassAgnostic(candidates, options.IouThreshold, options.MaxFaces)
            .Select(c => new FaceCandidate(c.Box.Clip(image.Width, image.Height), c.Score, []))
            .Where(c => c.Box.Area > 0)
            .ToList();
}

/// <summary>
/// face-api's tiny face detector (Tiny YOLO v2 with separable convolutions): one pass at 416x416, 0-255
/// values (the graph subtracts the mean); a 13x13 grid of 5 anchors x (x, y, w, h, score) logits.
/// </summary>
public sealed class TinyFaceDetector : IFaceDetector
{
    public const string Id = "face-api-tiny-face-detector";
    private const int Cells = 13;
    private static readonly (float W, float H)[] AnchorSizes = [(1.603231f, 2.094468f), (6.041143f, 7.080126f), (2.882459f, 3.518061f), (4.266906f, 5.178857f), (9.041765f, 10.66308f)];
    private readonly FaceNetwork _net;

    public TinyFaceDetector(CachedModel model, InferenceEngine engine) => _net = new FaceNetwork(model, engine);

    public string ModelId => _net.ModelId;

    public IReadOnlyList<FaceCandidate> Detect(SKBitmap image, FaceDetectOptions options)
    {
        var region = SsdFaceDetector.WholeImage(image);
        var grid = _net.RunWhole(image, region)[0];
        static float Sigmoid(float x) => 1 / (1 + MathF.Exp(-x));
        var candidates = new List<ScoredBox>();
        for (var row = 0; row < Cells; row++)
            for (var col = 0; col < Cells; col++)
                for (var a = 0; a < AnchorSizes.Length; a++)
                {
                    var v = grid.AsSpan(((row * Cells + col) * AnchorSizes.Length + a) * 5, 5);
                    var score = Sigmoid(v[4]);
                    if (score < options.MinScore)
                        continue;
                    var cx = (col + Sigmoid(v[0])) / Cells;
                    var cy = (row + Sigmoid(v[1])) / Cells;
                    var w = MathF.Exp(v[2]) * AnchorSizes[a].W / Cells;
                    var h = MathF.Exp(v[3]) * AnchorSizes[a].H / Cells;
                    candidates.Add(new ScoredBox(new BoundingBox(region.Left + (cx - w / 2) * region.Width, region.Top + (cy - h / 2) * region.Height, w * region.Width, h * region.Height), score, 0));
                }
        return SsdFaceDetector.Kept(candidates, image, options);
    }
}
