using Sightline.Imaging;
using Sightline.Vision.Pipeline;

namespace Sightline.Vision.Detection;

/// <summary>Finds every object of the known classes in an image and outlines each with a box.</summary>
public interface IObjectDetector
{
    string ModelId { get; }
    string ModelVersion { get; }
    IReadOnlyList<string> Labels { get; }

    /// <summary>The decode size that feeds this model without waste (pass to <see cref="ImageDecoder"/>).</summary>
    DecodeSize DecodeSize { get; }

    DetectionResult Detect(string path, DetectOptions? options = null);

    DetectionResult Detect(DecodedImage image, DetectOptions? options = null);

    /// <summary>Decoded images, each with its own options, in as few model runs as the model allows.</summary>
    IReadOnlyList<DetectionResult> Detect(IReadOnlyList<(DecodedImage Image, DetectOptions Options)> images);

    /// <summary>Many files, batched where the model allows; unreadable files become failed outcomes.</summary>
    IReadOnlyList<Outcome<DetectionResult>> DetectFiles(IReadOnlyList<string> paths, DetectOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default);
}
