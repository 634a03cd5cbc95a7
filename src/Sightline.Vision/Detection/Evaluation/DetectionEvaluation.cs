using Sightline.Vision.Pipeline;

namespace Sightline.Vision.Detection.Evaluation;

/// <summary>COCO metrics of a detector on a data set, per-class AP by name, and what could not be evaluated.</summary>
public sealed record DetectionEvaluationResult(
    CocoMetrics Metrics,
    IReadOnlyDictionary<string, double> PerClassAP,
    IReadOnlyDictionary<string, int> GroundTruthPerClass,
    int Images,
    IReadOnlyList<string> FailedImages,
    IReadOnlyList<string> UnmatchedLabels,
    double Seconds);

/// <summary>Runs a detector over a labelled data set and scores it with <see cref="CocoEvaluator"/>.</summary>
public static class DetectionEvaluation
{
    /// <summary>
    /// The score threshold for AP: low, so that the precision-recall curve is complete (COCO ranks all
    /// detections, up to 100 per image).
    /// </summary>
    public const float ApMinScore = 0.05f;

    public static DetectionEvaluationResult Evaluate(IObjectDetector detector, DetectionDataset dataset, DetectOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= DetectOptions.PerClass(ApMinScore, maxDetections: 100);
        var started = DateTime.UtcNow;
        var outcomes = detector.DetectFiles(dataset.Images.Select(i => i.Path).ToList(), options, progress, cancellationToken);
        return Score(detector.Labels, dataset, outcomes, (DateTime.UtcNow - started).TotalSeconds);
    }

    /// <summary>Scores detections already made, one outcome per data-set image in the data set's order.</summary>
    public static DetectionEvaluationResult Score(IReadOnlyList<string> labels, DetectionDataset dataset, IReadOnlyList<Outcome<DetectionResult>> outcomes, double seconds)
    {
        if (outcomes.Count != dataset.Images.Count)
            throw new ArgumentException($"{outcomes.Count} outcomes for {dataset.Images.Count} images", nameof(outcomes));
        // Model classes and data-set categories meet by name.
        var categoryOf = labels.Select(dataset.CategoryOf).ToArray();
        var unmatched = labels.Where((l, i) => categoryOf[i] is null).ToList();
        var detections = new List<ScoredDetection>();
        var failed = new List<string>();
        for (var i = 0; i < outcomes.Count; i++)
        {
            if (outcomes[i].Result is not { } result)
            {
                failed.Add($"{outcomes[i].Source}: {outcomes[i].Error!.Message}");
                continue;
            }
            foreach (var d in result.Detections)
                if (categoryOf[d.ClassId] is { } category)
                    detections.Add(new ScoredDetection(dataset.Images[i].Id, category, d.Box, d.Score));
        }
        var evaluated = dataset.Images.Where((img, i) => outcomes[i].Result is not null).Select(img => img.Id).ToHashSet();
        var truth = dataset.Boxes.Where(b => evaluated.Contains(b.ImageId)).ToList();
        var metrics = CocoEvaluator.Evaluate(truth, detections);
        var name = dataset.Categories;
        return new DetectionEvaluationResult(
            metrics,
            metrics.PerCategoryAP.ToDictionary(p => name.GetValueOrDefault(p.Key, p.Key.ToString()), p => p.Value),
            truth.Where(t => !t.IsCrowd).GroupBy(t => t.CategoryId).ToDictionary(g => name.GetValueOrDefault(g.Key, g.Key.ToString()), g => g.Count()),
            evaluated.Count, failed, unmatched, seconds);
    }
}
