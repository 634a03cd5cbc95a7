namespace Sightline.Vision.Detection.Evaluation;

/// <summary>A ground-truth object: its image, category, box, area (the segment's area in COCO) and crowd flag.</summary>
public readonly record struct GroundTruthBox(long ImageId, int CategoryId, BoundingBox Box, double Area, bool IsCrowd);

/// <summary>A detection to score: its image, category, box and confidence.</summary>
public readonly record struct ScoredDetection(long ImageId, int CategoryId, BoundingBox Box, float Score);

/// <summary>
/// How a detection and a ground-truth object overlap, by their positions in the lists given to
/// <see cref="CocoEvaluator.Evaluate"/>: boxes by default; masks for COCO segm AP. Against a crowd region
/// the IoU divides by the detection's area only.
/// </summary>
public interface IOverlapMeasure
{
    double IoU(int detection, int groundTruth, bool crowd);

    /// <summary>The detection's area, for the size ranges (the box's, or the mask's pixels).</summary>
    double DetectionArea(int detection);
}

/// <summary>COCO box metrics: AP averaged over IoU 0.50:0.05:0.95, at 0.50 and 0.75, and by object size.</summary>
public sealed record CocoMetrics(double AP, double AP50, double AP75, double APSmall, double APMedium, double APLarge, double AR100, IReadOnlyDictionary<int, double> PerCategoryAP)
{
    public override string ToString() => $"AP {AP:0.000} AP50 {AP50:0.000} AP75 {AP75:0.000} APs {APSmall:0.000} APm {APMedium:0.000} APl {APLarge:0.000}";
}

/// <summary>
/// Box AP as pycocotools' COCOeval computes it: per image and category, detections sorted by score and cut
/// to 100; greedy matching at each IoU threshold, non-ignored ground truth first; crowd regions match any
/// number of detections and are ignored (IoU against a crowd region divides by the detection's area);
/// ground truth outside the size range is ignored, and so are unmatched detections outside it; precision
/// made monotone and read at 101 recall points; categories without ground truth left out of the mean.
/// </summary>
public static class CocoEvaluator
{
    private static readonly double[] IouThresholds = Enumerable.Range(0, 10).Select(i => 0.5 + 0.05 * i).ToArray();
    private static readonly double[] RecallThresholds = Enumerable.Range(0, 101).Select(i => i / 100.0).ToArray();
    private const int MaxDetections = 100;

    private enum AreaRange { All, Small, Medium, Large }

    private static (double Min, double Max) Bounds(AreaRange range) => range switch
    {
        AreaRange.Small => (0, 32 * 32),
        AreaRange.Medium => (32 * 32, 96 * 96),
        AreaRange.Large => (96 * 96, 1e10),
        _ => (0, 1e10),
    };

    /// <summary>Box AP, or with <paramref name="overlap"/> the AP of another overlap (mask AP).</summary>
    public static CocoMetrics Evaluate(IReadOnlyList<GroundTruthBox> groundTruth, IReadOnlyList<ScoredDetection> detections, IOverlapMeasure? overlap = null)
    {
        overlap ??= new BoxOverlap(groundTruth, detections);
        var categories = groundTruth.Select(g => g.CategoryId).Concat(detections.Select(d => d.CategoryId)).Distinct().Order().ToArray();
        var gtBy = groundTruth.Select((g, i) => (g, i)).GroupBy(p => (p.g.ImageId, p.g.CategoryId)).ToDictionary(g => g.Key, g => g.ToArray());
        var dtBy = detections.Select((d, i) => (d, i)).GroupBy(p => (p.d.ImageId, p.d.CategoryId)).ToDictionary(g => g.Key, g => g.ToArray());
        var images = groundTruth.Select(g => g.ImageId).Concat(detections.Select(d => d.ImageId)).Distinct().Order().ToArray();

        // precision[range][category][iou][recall], -1 where a category has no ground truth in that range.
        var precision = new Dictionary<AreaRange, double[][][]>();
        var recall = new Dictionary<AreaRange, double[][]>();
        foreach (var range in Enum.GetValues<AreaRange>())
        {
            var perCategory = new double[categories.Length][][];
            var recalls = new double[categories.Length][];
            for (var c = 0; c < categories.Length; c++)
            {
                var evaluations = images
                    .Select(image => EvaluateImage(gtBy.GetValueOrDefault((image, categories[c])) ?? [], dtBy.GetValueOrDefault((image, categories[c])) ?? [], Bounds(range), overlap))
                    .ToList();
                (perCategory[c], recalls[c]) = Accumulate(evaluations);
            }
            precision[range] = perCategory;
            recall[range] = recalls;
        }

        double Mean(AreaRange range, int? iou = null, int? category = null)
        {
            var values = new List<double>();
            for (var c = 0; c < categories.Length; c++)
            {
                if (category is not null && c != category) continue;
                for (var t = 0; t < IouThresholds.Length; t++)
                {
                    if (iou is not null && t != iou) continue;
                    values.AddRange(precision[range][c][t].Where(p => p > -1));
                }
            }
            return values.Count == 0 ? -1 : values.Average();
        }

        var ar = recall[AreaRange.All].SelectMany(r => r).Where(r => r > -1).ToList();
        var perCategoryAp = categories.Select((id, c) => (id, ap: Mean(AreaRange.All, category: c))).Where(p => p.ap > -1).ToDictionary(p => p.id, p => p.ap);
        return new CocoMetrics(Mean(AreaRange.All), Mean(AreaRange.All, iou: 0), Mean(AreaRange.All, iou: 5),
            Mean(AreaRange.Small), Mean(AreaRange.Medium), Mean(AreaRange.Large), ar.Count == 0 ? -1 : ar.Average(), perCategoryAp);
    }

    private sealed record ImageEvaluation(float[] Scores, bool[,] Matched, bool[,] Ignored, int RelevantGroundTruth);

    private static ImageEvaluation EvaluateImage((GroundTruthBox g, int i)[] gtItems, (ScoredDetection d, int i)[] dtItems, (double Min, double Max) area, IOverlapMeasure overlap)
    {
        var gts = gtItems.Select(p => p.g).ToArray();
        // Non-ignored ground truth first (stable), as COCOeval sorts it.
        var gtIgnore = gts.Select(g => g.IsCrowd || g.Area < area.Min || g.Area > area.Max).ToArray();
        var gtOrder = Enumerable.Range(0, gts.Length).OrderBy(i => gtIgnore[i] ? 1 : 0).ToArray();
        var sortedGt = gtOrder.Select(i => gts[i]).ToArray();
        var sortedIgnore = gtOrder.Select(i => gtIgnore[i]).ToArray();
        var gtIndex = gtOrder.Select(i => gtItems[i].i).ToArray();
        var sortedItems = dtItems.OrderByDescending(p => p.d.Score).ThenBy(p => p.i).Take(MaxDetections).ToArray();
        var sortedDt = sortedItems.Select(p => p.d).ToArray();

        var iou = new double[sortedDt.Length, sortedGt.Length];
        for (var d = 0; d < sortedDt.Length; d++)
            for (var g = 0; g < sortedGt.Length; g++)
                iou[d, g] = overlap.IoU(sortedItems[d].i, gtIndex[g], sortedGt[g].IsCrowd);

        var matched = new bool[IouThresholds.Length, sortedDt.Length];
        var ignored = new bool[IouThresholds.Length, sortedDt.Length];
        for (var t = 0; t < IouThresholds.Length; t++)
        {
            var gtTaken = new bool[sortedGt.Length];
            for (var d = 0; d < sortedDt.Length; d++)
            {
                var best = Math.Min(IouThresholds[t], 1 - 1e-10);
                var match = -1;
                for (var g = 0; g < sortedGt.Length; g++)
                {
                    if (gtTaken[g] && !sortedGt[g].IsCrowd) continue;
                    // Matched to real ground truth already, and only ignored ones remain: stop.
                    if (match > -1 && !sortedIgnore[match] && sortedIgnore[g]) break;
                    if (iou[d, g] < best) continue;
                    best = iou[d, g];
                    match = g;
                }
                if (match == -1) continue;
                ignored[t, d] = sortedIgnore[match];
                matched[t, d] = true;
                gtTaken[match] = true;
            }
            for (var d = 0; d < sortedDt.Length; d++)
            {
                var a = overlap.DetectionArea(sortedItems[d].i);
                if (!matched[t, d] && (a < area.Min || a > area.Max))
                    ignored[t, d] = true;
            }
        }
        return new ImageEvaluation(sortedDt.Select(d => d.Score).ToArray(), matched, ignored, sortedIgnore.Count(i => !i));
    }

    private static (double[][] Precision, double[] Recall) Accumulate(List<ImageEvaluation> evaluations)
    {
        var relevant = evaluations.Sum(e => e.RelevantGroundTruth);
        var precision = new double[IouThresholds.Length][];
        var recall = new double[IouThresholds.Length];
        if (relevant == 0)
        {
            for (var t = 0; t < IouThresholds.Length; t++)
            {
                precision[t] = Enumerable.Repeat(-1.0, RecallThresholds.Length).ToArray();
                recall[t] = -1;
            }
            return (precision, recall);
        }

        // All detections of this category over all images, by score (stable: image order, then rank).
        var all = evaluations.SelectMany((e, image) => e.Scores.Select((s, d) => (Score: s, Image: image, Detection: d)))
            .Select((x, i) => (x, i)).OrderByDescending(p => p.x.Score).ThenBy(p => p.i).Select(p => p.x).ToArray();
        for (var t = 0; t < IouThresholds.Length; t++)
        {
            var rc = new List<double>();
            var pr = new List<double>();
            double tp = 0, fp = 0;
            foreach (var (_, image, d) in all)
            {
                var e = evaluations[image];
                if (e.Ignored[t, d]) continue;
                if (e.Matched[t, d]) tp++; else fp++;
                rc.Add(tp / relevant);
                pr.Add(tp / (tp + fp + double.Epsilon));
            }
            recall[t] = rc.Count > 0 ? rc[^1] : 0;
            for (var i = pr.Count - 1; i > 0; i--)
                if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
            var q = new double[RecallThresholds.Length];
            for (var r = 0; r < RecallThresholds.Length; r++)
            {
                var index = LowerBound(rc, RecallThresholds[r]);
                q[r] = index < pr.Count ? pr[index] : 0;
            }
            precision[t] = q;
        }
        return (precision, recall);
    }

    private static int LowerBound(List<double> sorted, double value)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private sealed class BoxOverlap(IReadOnlyList<GroundTruthBox> groundTruth, IReadOnlyList<ScoredDetection> detections) : IOverlapMeasure
    {
        public double IoU(int detection, int truth, bool crowd)
        {
            var dt = detections[detection].Box;
            var gt = groundTruth[truth].Box;
            double intersection = BoundingBox.Intersection(dt, gt);
            double union = crowd ? dt.Area : dt.Area + gt.Area - intersection;
            return union <= 0 ? 0 : intersection / union;
        }

        public double DetectionArea(int detection) => detections[detection].Box.Area;
    }
}
