using Sightline.Imaging;

namespace Sightline.Vision.Segmentation;

/// <summary>Says which class every pixel of an image belongs to.</summary>
public interface ISemanticSegmenter
{
    string ModelId { get; }
    string ModelVersion { get; }
    IReadOnlyList<string> Labels { get; }

    SemanticSegmentation Segment(DecodedImage image, SegmentOptions? options = null);
}

/// <summary>Finds every object of an image and gives each its own pixel mask.</summary>
public interface IInstanceSegmenter
{
    /// <summary>The detector's class names.</summary>
    IReadOnlyList<string> Labels { get; }

    InstanceSegmentation Segment(DecodedImage image, InstanceOptions? options = null);
}
