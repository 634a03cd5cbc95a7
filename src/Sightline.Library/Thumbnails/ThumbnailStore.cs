using Sightline.Imaging;

namespace Sightline.Library.Thumbnails;

/// <summary>The two thumbnails of a photo.</summary>
public enum ThumbnailSize
{
    /// <summary>The grid thumbnail (<see cref="LibrarySettings.SmallThumbnail"/> on the long side).</summary>
    Small,

    /// <summary>The preview (<see cref="LibrarySettings.PreviewThumbnail"/> on the long side).</summary>
    Preview,
}

/// <summary>
/// The thumbnails of a library, on disk in its folder, named by content hash: written once (to a temporary name,
/// then renamed, so that a killed process never leaves half a file under the final name) and served from disk.
/// </summary>
public sealed class ThumbnailStore(string libraryFolder, LibrarySettings settings)
{
    public string Root { get; } = Path.Combine(libraryFolder, "thumbnails");

    public LibrarySettings Settings { get; } = settings;

    /// <summary>The file of one thumbnail of the photo with this hash (it may not exist yet).</summary>
    public string PathOf(string contentHash, ThumbnailSize size) =>
        throw new NotImplementedException("thumbnails come with the thumbnail work");

    /// <summary>The content type of the thumbnail files ("image/jpeg" or "image/webp").</summary>
    public string ContentType => throw new NotImplementedException("thumbnails come with the thumbnail work");

    /// <summary>Writes both thumbnails from the upright decoded pixels (any size at least as large as the preview, or the whole photo when it is smaller).</summary>
    public void Write(string contentHash, DecodedImage image) =>
        throw new NotImplementedException("thumbnails come with the thumbnail work");

    public bool Exists(string contentHash) =>
        File.Exists(PathOf(contentHash, ThumbnailSize.Small)) && File.Exists(PathOf(contentHash, ThumbnailSize.Preview));
}
