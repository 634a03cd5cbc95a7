using Sightline.Imaging;
using SkiaSharp;

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
/// <remarks>
/// Files lie at thumbnails/&lt;first two hex digits&gt;/&lt;hash&gt;-small.jpg and -preview.jpg, so that no folder holds
/// more than a 256th of a large library. JPEG: quality 80 for the grid, 85 for the preview.
/// </remarks>
public sealed class ThumbnailStore(string libraryFolder, LibrarySettings settings)
{
    public const int SmallQuality = 80;
    public const int PreviewQuality = 85;

    public string Root { get; } = Path.Combine(libraryFolder, "thumbnails");

    public LibrarySettings Settings { get; } = settings;

    /// <summary>The file of one thumbnail of the photo with this hash (it may not exist yet).</summary>
    public string PathOf(string contentHash, ThumbnailSize size)
    {
        CheckHash(contentHash);
        string suffix = size switch
        {
            ThumbnailSize.Small => "small",
            ThumbnailSize.Preview => "preview",
            _ => throw new ArgumentOutOfRangeException(nameof(size), size, "not a thumbnail size"),
        };
        return Path.Combine(Root, contentHash[..2], $"{contentHash}-{suffix}.jpg");
    }

    /// <summary>
    /// The frame of a video that face <paramref name="faceIndex"/> of it was seen best in, at the preview's size: the
    /// face's thumbnail is cut from it as a photo's faces are from its preview (it may not exist yet).
    /// </summary>
    public string FramePathOf(string contentHash, int faceIndex)
    {
        CheckHash(contentHash);
        ArgumentOutOfRangeException.ThrowIfNegative(faceIndex);
        return Path.Combine(Root, contentHash[..2], $"{contentHash}-face{faceIndex}.jpg");
    }

    /// <summary>A frame as the preview JPEG a face thumbnail is cut from: brought down to the preview's long side.</summary>
    public byte[] EncodeFrame(SKBitmap pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        (int width, int height) = Fit(pixels.Width, pixels.Height, Settings.PreviewThumbnail);
        using SKBitmap? scaled = width == pixels.Width && height == pixels.Height ? null : ImageResize.Resize(pixels, width, height);
        using SKBitmap opaque = OnWhite(scaled ?? pixels);
        using var data = opaque.Encode(SKEncodedImageFormat.Jpeg, PreviewQuality) ?? throw new InvalidOperationException("encoding a video frame as JPEG failed");
        return data.ToArray();
    }

    /// <summary>Writes a frame <see cref="EncodeFrame"/> made as the frame of face <paramref name="faceIndex"/>, replacing one there.</summary>
    /// <exception cref="IOException">The file cannot be written: the message names it and the reason; no partial file is left under its name.</exception>
    public void WriteFrame(string contentHash, int faceIndex, byte[] jpeg)
    {
        var path = FramePathOf(contentHash, faceIndex);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            AtomicFile.WriteAllBytes(path, jpeg);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot write the face frame '{path}': {e.Message}", e);
        }
    }

    /// <summary>The content type of the thumbnail files ("image/jpeg" or "image/webp").</summary>
    public string ContentType => "image/jpeg";

    /// <summary>The long side of a thumbnail size, as the settings give it.</summary>
    public int LongSide(ThumbnailSize size) => size == ThumbnailSize.Small ? Settings.SmallThumbnail : Settings.PreviewThumbnail;

    /// <summary>Writes both thumbnails from the upright decoded pixels (any size at least as large as the preview, or the whole photo when it is smaller).</summary>
    /// <exception cref="IOException">A thumbnail cannot be written (disk full, read-only folder): the message names the file and the reason; no partial file is left under the final name.</exception>
    public void Write(string contentHash, DecodedImage image)
    {
        CheckHash(contentHash);
        ArgumentNullException.ThrowIfNull(image);
        if (Exists(contentHash))
            return;
        // The preview first: the small one is made from it, a far cheaper downscale than from the decoded pixels.
        SKBitmap? preview = null;
        try
        {
            preview = WriteOne(contentHash, ThumbnailSize.Preview, image.Bitmap);
            using SKBitmap? small = WriteOne(contentHash, ThumbnailSize.Small, preview ?? image.Bitmap);
        }
        finally
        {
            if (!ReferenceEquals(preview, image.Bitmap))
                preview?.Dispose();
        }
    }

    /// <summary>
    /// The size of a thumbnail of a <paramref name="width"/> x <paramref name="height"/> photo: the long side brought
    /// down to <paramref name="longSide"/>, the aspect kept, never enlarged.
    /// </summary>
    public static (int Width, int Height) Fit(int width, int height, int longSide)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(longSide);
        int longest = Math.Max(width, height);
        if (longest <= longSide)
            return (width, height);
        double scale = (double)longSide / longest;
        int scaledWidth = width >= height ? longSide : Math.Max(1, (int)Math.Round(width * scale, MidpointRounding.AwayFromZero));
        int scaledHeight = height > width ? longSide : Math.Max(1, (int)Math.Round(height * scale, MidpointRounding.AwayFromZero));
        return (scaledWidth, scaledHeight);
    }

    /// <summary>Writes one thumbnail unless it is there already; returns the scaled pixels when it made them (the caller disposes them).</summary>
    private SKBitmap? WriteOne(string contentHash, ThumbnailSize size, SKBitmap source)
    {
        string path = PathOf(contentHash, size);
        (int width, int height) = Fit(source.Width, source.Height, LongSide(size));
        SKBitmap scaled = width == source.Width && height == source.Height ? source : ImageResize.Resize(source, width, height);
        if (File.Exists(path))
            return ReferenceEquals(scaled, source) ? null : scaled;
        try
        {
            using SKBitmap opaque = OnWhite(scaled);
            Annotator.Save(opaque, path, size == ThumbnailSize.Small ? SmallQuality : PreviewQuality);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            if (!ReferenceEquals(scaled, source))
                scaled.Dispose();
            throw new IOException($"cannot write thumbnail '{path}': {e.Message}", e);
        }

        return ReferenceEquals(scaled, source) ? null : scaled;
    }

    /// <summary>JPEG has no alpha: transparent parts are shown on white, as a browser shows them on a light page.</summary>
    private static SKBitmap OnWhite(SKBitmap pixels)
    {
        var result = new SKBitmap(new SKImageInfo(pixels.Width, pixels.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(result);
        canvas.Clear(SKColors.White);
        using var image = SKImage.FromBitmap(pixels);
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
        canvas.Flush();
        return result;
    }

    private static void CheckHash(string contentHash)
    {
        ArgumentNullException.ThrowIfNull(contentHash);
        if (contentHash.Length is < 2 or > 128 || !contentHash.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
            throw new ArgumentException($"content hash '{contentHash}' is not lower-case hex (2 to 128 digits), so it cannot name a thumbnail file", nameof(contentHash));
    }

    public bool Exists(string contentHash) =>
        File.Exists(PathOf(contentHash, ThumbnailSize.Small)) && File.Exists(PathOf(contentHash, ThumbnailSize.Preview));
}
