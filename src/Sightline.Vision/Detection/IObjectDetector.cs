using Sightline.Imaging;

namespace Sightline.Vision.Detection;

/// <summary>Finds every object of the known classes in an image and outlines each with a box.</summary>
public interface IObjectDetector
{
    string ModelId { get; }
    string ModelVersion { get; }
    IReadOnlyList<string> Labels { get; }

    DetectionResult Detect(string path, DetectOptions? options = null);

    DetectionResult Detect(DecodedImage image, DetectOptions? options = null);

    /// <summary>Many files, batched where the model allows; unreadable files become failed outcomes.</summary>
    IReadOnlyList<DetectionOutcome> DetectFiles(IReadOnlyList<string> paths, DetectOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default);
}
