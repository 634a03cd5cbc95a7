using Sightline.Imaging;
using Sightline.Vision.Pipeline;

namespace Sightline.Vision.Segmentation;

/// <summary>
/// A mask for each detected object (<see cref="InstanceSegmenter"/>), made on the image at its own size as
/// <c>sightline segment --instances</c> shows and saves them.
/// </summary>
public sealed class InstanceSegmentTask(InstanceSegmenter segmenter, InstanceOptions options) : ImageTask<InstanceSegmentation>
{
    public const string TaskName = "instances";

    public override string Name => TaskName;
    public override DecodeSize DecodeSize => DecodeSize.Original;
    public override IReadOnlyList<string> ModelIds => segmenter.ModelIds;

    public override Task<InstanceSegmentation> RunAsync(DecodedImage image, CancellationToken cancellationToken) =>
        Task.Run(() => segmenter.Segment(image, options), cancellationToken);
}
