using System.Diagnostics;
using Sightline.Imaging;
using Sightline.Inference.Timing;
using Sightline.Vision.Detection;
using SkiaSharp;

namespace Sightline.Vision.Segmentation;

/// <summary>
/// Instance segmentation from a detector and two mask models: each detection's padded box is cropped and
/// run through the person model (people) or the salient-object model (everything else); the probabilities
/// are pasted back and pixels claimed by several objects go to the one most sure of them.
/// </summary>
public sealed class InstanceSegmenter : IInstanceSegmenter
{
    private readonly IObjectDetector _detector;
    private readonly ScoreMapModel _person;
    private readonly ScoreMapModel _salient;
    private readonly ImageLimits? _limits;

    public InstanceSegmenter(IObjectDetector detector, ScoreMapModel personModel, ScoreMapModel salientModel, ImageLimits? limits = null)
    {
        _detector = detector;
        _person = personModel;
        _salient = salientModel;
        _limits = limits;
    }

    public IReadOnlyList<string> Labels => _detector.Labels;
    public string DetectorId => _detector.ModelId;

    public InstanceSegmentation Segment(DecodedImage image, InstanceOptions? options = null)
    {
        options ??= InstanceOptions.Default;
        var detection = _detector.Detect(image, new DetectOptions(options.MinScore, options.IouThreshold, options.MaxInstances, options.Classes));
        return FromDetections(image, detection, options);
    }

    /// <summary>Masks for detections already made on <paramref name="image"/>.</summary>
    public InstanceSegmentation FromDetections(DecodedImage image, DetectionResult detection, InstanceOptions options)
    {
        var bitmap = image.Bitmap;
        var sx = (float)bitmap.Width / image.OriginalWidth;
        var sy = (float)bitmap.Height / image.OriginalHeight;
        // Strongest first: overlap ties go to the earlier instance.
        var detections = detection.Detections.OrderByDescending(d => d.Score).ToList();
        var regions = detections
            .Select(d => MaskComposition.Pad(new BoundingBox(d.Box.X * sx, d.Box.Y * sy, d.Box.Width * sx, d.Box.Height * sy), options.Padding, bitmap.Width, bitmap.Height))
            .ToList();
        var isPerson = detections.Select(d => d.ClassName == "person").ToArray();
        var patches = new ProbabilityPatch[detections.Count];
        var timings = detection.Timings;
        foreach (var (model, person) in new[] { (_person, true), (_salient, false) })
        {
            var indices = Enumerable.Range(0, detections.Count).Where(i => isPerson[i] == person).ToList();
            if (indices.Count == 0)
                continue;
            var batch = model.Predict(bitmap, indices.Select(i => regions[i]).ToList(), options.Fit);
            var start = Stopwatch.GetTimestamp();
            for (var k = 0; k < indices.Count; k++)
                patches[indices[k]] = MaskComposition.Sample(batch.Items[k].Map, batch.Items[k].Map.Channels - 1, batch.Items[k].Placement);
            timings += batch.Timings + new StageTimings(0, 0, StageTimings.Since(start));
        }

        var post = Stopwatch.GetTimestamp();
        var masks = MaskComposition.Assign(patches, bitmap.Width, bitmap.Height, options.Threshold, options.ResolveOverlaps);
        var instances = new List<SegmentedInstance>();
        for (var i = 0; i < detections.Count; i++)
        {
            var area = masks[i].Area;
            if (area == 0)
                continue;
            var d = detections[i];
            instances.Add(new SegmentedInstance(d.ClassId, d.ClassName, d.Score, d.Box, d.NormalizedBox, area,
                isPerson[i] ? MaskSource.PersonModel : MaskSource.SalientModel, masks[i]));
        }
        timings += new StageTimings(0, 0, StageTimings.Since(post));
        return new InstanceSegmentation(image.Source, bitmap.Width, bitmap.Height, detection.ModelId, detection.ModelVersion,
            _person.ModelId, _salient.ModelId, instances, timings);
    }

    public IReadOnlyList<SegmentationOutcome<InstanceSegmentation>> SegmentFiles(IReadOnlyList<string> paths, InstanceOptions? options = null,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        SegmentationRunner.Run(paths, _limits, image => Segment(image, options), progress, cancellationToken);
}
