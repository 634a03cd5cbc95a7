using Sightline.Inference.Sessions;

namespace Sightline.Vision.Detection.Heads;

/// <summary>
/// NanoDet (GFL head): for each stride, a [cells, classes] score map (sigmoid applied in the graph) and a
/// [cells, 4 x bins] map of discrete distributions over the distances from the cell centre to the left,
/// top, right and bottom sides, in units of the stride. A side's distance is the distribution's
/// expected value (softmax over the bins, then sum of p_i * i), as NanoDet's integral decoding does;
/// cell centres sit at (column + 0.5, row + 0.5) x stride.
/// </summary>
public sealed class NanoDetHead(int inputWidth, int inputHeight, int classes) : IDetectionHead
{
    public bool SuppressesOverlaps => false;

    public IReadOnlyList<ScoredBox> Decode(IReadOnlyList<OutputTensor> outputs, int item, float minScore)
    {
        var candidates = new List<ScoredBox>();
        Span<float> side = stackalloc float[4];
        foreach (var (scores, distances, cells) in PairLevels(outputs))
        {
            var stride = Stride(cells);
            var columns = inputWidth / stride;
            var bins = distances.ItemLength / cells / 4;
            var s = scores.Item(item);
            var d = distances.Item(item);
            for (var cell = 0; cell < cells; cell++)
            {
                var row = s.Slice(cell * classes, classes);
                var best = 0;
                for (var c = 1; c < classes; c++)
                    if (row[c] > row[best]) best = c;
                if (row[best] < minScore)
                    continue;
                for (var k = 0; k < 4; k++)
                    side[k] = ExpectedBin(d.Slice((cell * 4 + k) * bins, bins)) * stride;
                var cx = (cell % columns + 0.5f) * stride;
                var cy = (cell / columns + 0.5f) * stride;
                var box = BoundingBox.FromCorners(cx - side[0], cy - side[1], cx + side[2], cy + side[3]);
                // Every class above the threshold is a candidate, as multi-label NMS expects.
                for (var c = 0; c < classes; c++)
                    if (row[c] >= minScore)
                        candidates.Add(new ScoredBox(box, row[c], c));
            }
        }
        return candidates;
    }

    /// <summary>Softmax over the bins, then the mean bin index: the distribution's expected value.</summary>
    public static float ExpectedBin(ReadOnlySpan<float> logits)
    {
        var max = float.NegativeInfinity;
        foreach (var v in logits) max = Math.Max(max, v);
        float sum = 0, weighted = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            var e = MathF.Exp(logits[i] - max);
            sum += e;
            weighted += e * i;
        }
        return weighted / sum;
    }

    private int Stride(int cells)
    {
        // cells = (W / s) * (H / s)
        var stride = (int)Math.Round(Math.Sqrt((double)inputWidth * inputHeight / cells));
        if (inputWidth % stride != 0 || inputWidth / stride * (inputHeight / stride) != cells)
            throw new InvalidDataException($"NanoDet output with {cells} cells fits no stride of a {inputWidth}x{inputHeight} input");
        return stride;
    }

    // Outputs come as unnamed pairs per level: [N, cells, classes] scores and [N, cells, 4 * bins] distances.
    private IEnumerable<(OutputTensor Scores, OutputTensor Distances, int Cells)> PairLevels(IReadOnlyList<OutputTensor> outputs)
    {
        var byCells = outputs.Where(o => o.Shape.Length == 3).GroupBy(o => o.Shape[1]);
        var found = 0;
        foreach (var level in byCells.OrderByDescending(g => g.Key))
        {
            var scores = level.FirstOrDefault(o => o.Shape[2] == classes);
            var distances = level.FirstOrDefault(o => o.Shape[2] != classes && o.Shape[2] % 4 == 0);
            if (scores is null || distances is null)
                throw new InvalidDataException($"NanoDet level with {level.Key} cells lacks a score or distance output");
            found++;
            yield return (scores, distances, level.Key);
        }
        if (found == 0)
            throw new InvalidDataException("no NanoDet outputs of shape [N, cells, channels]");
    }
}
