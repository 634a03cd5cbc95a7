using Sightline.Inference.Sessions;

namespace Sightline.Vision.Detection.Heads;

/// <summary>
/// CenterNet with its detection head inside the graph: an output named "…detections" of
/// [N, K, 6] rows (x1, y1, x2, y2, score, class) in model-input pixels, the top K centre-heatmap peaks.
/// The peaks come from a 3x3 max-pool, which is CenterNet's own suppression, but neighbouring peaks of
/// one object still happen, so a light NMS follows.
/// </summary>
public sealed class CenterNetHead(int classes) : IDetectionHead
{
    public bool SuppressesOverlaps => false;

    public IReadOnlyList<ScoredBox> Decode(IReadOnlyList<OutputTensor> outputs, int item, float minScore)
    {
        var detections = outputs.FirstOrDefault(o => o.Name.EndsWith("detections", StringComparison.Ordinal) && o.Shape.Length == 3 && o.Shape[2] == 6)
            ?? throw new InvalidDataException("CenterNet model has no [N, K, 6] detections output");
        var rows = detections.Item(item);
        var result = new List<ScoredBox>();
        for (var k = 0; k < detections.Shape[1]; k++)
        {
            var r = rows.Slice(k * 6, 6);
            var score = r[4];
            var cls = (int)MathF.Round(r[5]);
            if (score < minScore || cls < 0 || cls >= classes)
                continue;
            result.Add(new ScoredBox(BoundingBox.FromCorners(r[0], r[1], r[2], r[3]), score, cls));
        }
        return result;
    }
}
