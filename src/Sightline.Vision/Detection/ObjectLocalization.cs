using Sightline.Inference.Timing;

namespace Sightline.Vision.Detection;

/// <summary>The main object of an image, or none: <see cref="Object"/> is null when nothing was found.</summary>
public sealed record LocalizationResult(string Source, int Width, int Height, string ModelId, string ModelVersion, DetectedObject? Object, StageTimings Timings)
{
    public bool Found => Object is not null;
}

/// <summary>
/// Localization answers "where is the main object, and what is it". The main object is the detection
/// with the highest score x sqrt(share of the image it covers): a confident detection wins, and among
/// similar scores the larger object, which is what a person calls the subject of a photo.
/// </summary>
public static class ObjectLocalization
{
    public static LocalizationResult MainObject(DetectionResult detection, string? className = null)
    {
        var candidates = detection.Detections.Where(d => className is null || string.Equals(d.ClassName, className, StringComparison.OrdinalIgnoreCase));
        DetectedObject? best = null;
        var bestWeight = double.NegativeInfinity;
        foreach (var d in candidates)
        {
            var weight = d.Score * Math.Sqrt(Math.Max(0, d.NormalizedBox.Area));
            if (weight > bestWeight)
            {
                bestWeight = weight;
                best = d;
            }
        }
        return new LocalizationResult(detection.Source, detection.Width, detection.Height, detection.ModelId, detection.ModelVersion, best, detection.Timings);
    }
}
