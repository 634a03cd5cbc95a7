using System.Diagnostics;
using Sightline.Imaging;
using Sightline.Inference.Timing;
using Sightline.Vision.Detection;
using Sightline.Vision.Segmentation.Masks;
using SkiaSharp;

namespace Sightline.Vision.Segmentation;

/// <summary>
/// Instance segmentation from a detector and two mask models: each detection's padded box is cropped and
/// run through the person model (people) or the salient-object model (everything else). When the salient
/// object of a crop is not the detected one (its mask does not span the box), the object's colours against
/// those around its box decide instead (<see cref="BoxColorModel"/>). The probabilities are pasted back and
/// pixels claimed by several objects of one class go to the strongest detection; objects of different
/// classes may overlap (a person on a horse). A detection whose crop is all but the same as a stronger
/// one's (the same object under another class) shares its mask.
/// </summary>
public sealed class InstanceSegmenter : IInstanceSegmenter
{
    private readonly IObjectDetector _detector;
    private readonly ScoreMapModel _person;
    private readonly ScoreMapModel _salient;

    /// <summary>Padded boxes overlapping this much are one crop.</summary>
    private const float TwinIoU = 0.9f;

    /// <summary>
    /// A salient mask whose extent overlaps its box less than this (IoU) is of another object, and the colour
    /// model takes over (on coco128 this lifts mask AP50 by 1.3 points and AP by 0.5).
    /// </summary>
    public const float SalientAgreement = 0.5f;

    /// <summary>A colour mask covering this share of its box or more is no mask at all.</summary>
    public const float UninformativeFill = 0.9f;

    public InstanceSegmenter(IObjectDetector detector, ScoreMapModel personModel, ScoreMapModel salientModel)
    {
        _detector = detector;
        _person = personModel;
        _salient = salientModel;
    }

    public IReadOnlyList<string> Labels => _detector.Labels;
    public string DetectorId => _detector.ModelId;

    /// <summary>The detector, the person mask model and the salient-object model.</summary>
    public IReadOnlyList<string> ModelIds => [_detector.ModelId, _person.ModelId, _salient.ModelId];

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
        var ordered = detection.Detections.OrderByDescending(d => d.Score).ToList();
        var orderedRegions = ordered
            .Select(d => MaskComposition.Pad(new BoundingBox(d.Box.X * sx, d.Box.Y * sy, d.Box.Width * sx, d.Box.Height * sy), options.Padding, bitmap.Width, bitmap.Height))
            .ToList();
        // The same object found as two classes (a car and a truck) gives one crop: its mask is made once and
        // both detections get it. Beyond the limit of salient-model crops, other objects are left out.
        var detections = new List<DetectedObject>(ordered.Count);
        var regions = new List<SKRectI>(ordered.Count);
        var twin = new List<int>(ordered.Count);
        var salientRuns = 0;
        for (var k = 0; k < ordered.Count; k++)
        {
            var person = ordered[k].ClassName == "person";
            var same = -1;
            for (var j = 0; j < detections.Count && same < 0; j++)
                if (twin[j] < 0 && (detections[j].ClassName == "person") == person && RegionIoU(regions[j], orderedRegions[k]) >= TwinIoU)
                    same = j;
            if (same < 0 && !person && options.MaxSalientMasks > 0 && salientRuns >= options.MaxSalientMasks)
                continue;
            if (same < 0 && !person)
                salientRuns++;
            detections.Add(ordered[k]);
            regions.Add(orderedRegions[k]);
            twin.Add(same);
        }
        var unmasked = ordered.Count - detections.Count;
        var isPerson = detections.Select(d => d.ClassName == "person").ToArray();
        var patches = new ProbabilityPatch[detections.Count];
        var sources = detections.Select(d => d.ClassName == "person" ? MaskSource.PersonModel : MaskSource.SalientModel).ToArray();
        var boxes = detections.Select(d => new BoundingBox(d.Box.X * sx, d.Box.Y * sy, d.Box.Width * sx, d.Box.Height * sy)).ToArray();
        var timings = detection.Timings;
        foreach (var (model, person) in new[] { (_person, true), (_salient, false) })
        {
            var indices = Enumerable.Range(0, detections.Count).Where(i => isPerson[i] == person && twin[i] < 0).ToList();
            if (indices.Count == 0)
                continue;
            var batch = model.Predict(bitmap, indices.Select(i => regions[i]).ToList(), options.Fit);
            var start = Stopwatch.GetTimestamp();
            for (var k = 0; k < indices.Count; k++)
            {
                var i = indices[k];
                patches[i] = MaskComposition.Sample(batch.Items[k].Map, batch.Items[k].Map.Channels - 1, batch.Items[k].Placement);
                var agreement = MaskComposition.ExtentAgreement(patches[i], options.Threshold, boxes[i]);
                if (agreement >= SalientAgreement)
                    continue;
                var colour = BoxColorModel.Foreground(bitmap, boxes[i], regions[i]);
                // Colour that claims nearly the whole box cannot tell the object from its background: it would
                // be a filled box, so the model's mask stays. A person model mask is also kept unless colour
                // spans the box better (a person cut by the frame).
                if (colour.Values.Count(v => v >= options.Threshold) < UninformativeFill * boxes[i].Area
                    && (!person || MaskComposition.ExtentAgreement(colour, options.Threshold, boxes[i]) > agreement))
                {
                    patches[i] = colour;
                    sources[i] = MaskSource.ColorModel;
                }
            }
            timings += batch.Timings + new StageTimings(0, 0, StageTimings.Since(start));
        }

        var post = Stopwatch.GetTimestamp();
        var own = Enumerable.Range(0, detections.Count).Where(i => twin[i] < 0).ToList();
        var ownMasks = MaskComposition.Assign(own.Select(i => patches[i]).ToList(), bitmap.Width, bitmap.Height, options.Threshold, options.ResolveOverlaps,
            own.Select(i => detections[i].ClassId).ToList());
        var masks = new BinaryMask[detections.Count];
        for (var k = 0; k < own.Count; k++)
            masks[own[k]] = ownMasks[k];
        for (var i = 0; i < detections.Count; i++)
            if (twin[i] >= 0)
                masks[i] = masks[twin[i]];
        var instances = new List<SegmentedInstance>();
        for (var i = 0; i < detections.Count; i++)
        {
            var area = masks[i].Area;
            if (area == 0)
                continue;
            var d = detections[i];
            // A shared mask lies inside the crop it was made from.
            var extent = MaskComposition.ExtentAgreement(masks[i], regions[twin[i] >= 0 ? twin[i] : i], boxes[i]);
            instances.Add(new SegmentedInstance(d.ClassId, d.ClassName, d.Score, d.Box, d.NormalizedBox, area, sources[i], extent, masks[i]));
        }
        timings += new StageTimings(0, 0, StageTimings.Since(post));
        return new InstanceSegmentation(image.Source, bitmap.Width, bitmap.Height, detection.ModelId, detection.ModelVersion,
            _person.ModelId, _salient.ModelId, instances, timings, unmasked);
    }

    private static float RegionIoU(SKRectI a, SKRectI b)
    {
        var i = SKRectI.Intersect(a, b);
        if (i.IsEmpty)
            return 0;
        float inter = (long)i.Width * i.Height;
        return inter / ((long)a.Width * a.Height + (long)b.Width * b.Height - inter);
    }
}
