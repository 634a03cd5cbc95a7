using Sightline.Imaging;
using Sightline.Vision.Pipeline;

namespace Sightline.Library.Thumbnails;

/// <summary>What the thumbnail task wrote.</summary>
public sealed record ThumbnailResult(string ContentHash, string Small, string Preview);

/// <summary>
/// Thumbnails as a pipeline task, so that they come from the same one decode as the analyses: its decode size is
/// the preview's, and <paramref name="contentHashOf"/> maps the decoded image's source name to the photo's hash.
/// </summary>
public sealed class ThumbnailTask(ThumbnailStore store, Func<string, string> contentHashOf) : ImageTask<ThumbnailResult>
{
    public const string TaskName = "thumbnails";

    public override string Name => TaskName;

    public override DecodeSize DecodeSize => DecodeSize.Within(store.Settings.PreviewThumbnail, store.Settings.PreviewThumbnail);

    public override IReadOnlyList<string> ModelIds => [];

    public override Task<ThumbnailResult> RunAsync(DecodedImage image, CancellationToken cancellationToken)
    {
        var hash = contentHashOf(image.Source);
        store.Write(hash, image);
        return Task.FromResult(new ThumbnailResult(hash, store.PathOf(hash, ThumbnailSize.Small), store.PathOf(hash, ThumbnailSize.Preview)));
    }
}
