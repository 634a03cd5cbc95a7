using System.Globalization;
using Sightline.Tests.Shared;

namespace Sightline.Imaging.Tests;

/// <summary>
/// The messy photo folder users have: every image of its manifest (type from magic bytes) decodes to the
/// manifest's upright size, and everything else is listed as skipped with its reason.
/// </summary>
public class PhotoCollectionTests
{
    private static string Root => TestPaths.Data("photo-collection");

    private sealed record Entry(string File, string Content, int? Width, int? Height, int? Orientation, string Note);

    private static IReadOnlyList<Entry> Manifest() =>
        File.ReadAllLines(Path.Combine(Root, "manifest.csv")).Skip(1).Select(line =>
        {
            // Only the last column may hold a quoted comma; the first eight never do.
            string[] f = line.Split(',');
            static int? Number(string s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : null;
            return new Entry(f[0], f[2], Number(f[4]), Number(f[5]), Number(f[6]), string.Join(',', f[11..]));
        }).ToList();

    private static readonly HashSet<string> ImageContents = ["jpeg", "png", "gif", "bmp", "webp", "tiff", "heic", "avif", "jxl"];

    [Fact]
    public void EveryImageOfTheManifest_ReadsItsUprightSizeFromTheHeader()
    {
        var problems = new List<string>();
        foreach (Entry entry in Manifest().Where(e => ImageContents.Contains(e.Content)))
        {
            string path = Path.Combine(Root, entry.File);
            try
            {
                ImageInfo info = ImageDecoder.ReadInfo(path);
                if (entry.Width is { } w && entry.Height is { } h)
                {
                    // The manifest gives the stored size; orientations 5-8 turn it a quarter.
                    (int, int) upright = entry.Orientation is >= 5 and <= 8 ? (h, w) : (w, h);
                    if ((info.Width, info.Height) != upright)
                        problems.Add($"{entry.File}: {info.Width}x{info.Height}, manifest upright {upright}");
                }
            }
            catch (ImageLoadException e)
            {
                problems.Add(e.Message);
            }
        }

        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("photoprism-examples/iphone_7.heic", 3024, 4032, ImageFormat.Heif)]        // EXIF orientation 6, no rotation box
    [InlineData("photoprism-examples/iphone_15_pro.heic", 3024, 4032, ImageFormat.Heif)]   // rotation box applied by the codec, EXIF 6 not again
    [InlineData("immich/formats/motionphoto/samsung-one-ui-6.heic", 3000, 4000, ImageFormat.Heif)]
    [InlineData("photoprism-examples/fox.profile0.8bpc.yuv420.avif", 1204, 800, ImageFormat.Avif)]
    [InlineData("immich/formats/jxl/8bit-sRGB.jxl", 1440, 1080, ImageFormat.JpegXl)]
    [InlineData("photoprism-examples/example.tif", 100, 67, ImageFormat.Tiff)]
    [InlineData("photoprism-examples/purple.tiff", 100, 100, ImageFormat.Tiff)]
    [InlineData("photoprism-examples/canon_eos_6d.dng", 1224, 816, ImageFormat.CameraRaw)]
    [InlineData("photoprism-examples/this-is-a-jpeg.png", 240, 180, ImageFormat.Jpeg)]
    [InlineData("photoprism-examples/airport_grey", 640, 480, ImageFormat.Jpeg)]
    public void CameraAndPhoneFormats_DecodeUpright(string file, int width, int height, ImageFormat format)
    {
        using DecodedImage image = ImageDecoder.Decode(Path.Combine(Root, file), DecodeSize.Within(400, 400));

        Assert.Equal(format, image.Format);
        Assert.Equal((width, height), (image.OriginalWidth, image.OriginalHeight));
        Assert.Equal(width > height, image.Width > image.Height);
    }

    [Fact]
    public void TheFolder_ListsVideosSidecarsAndJunkAsSkipped()
    {
        ImageSelection selection = ImageFiles.ScanFolder(Root);
        var skipped = selection.Skipped.ToDictionary(s => Path.GetRelativePath(Root, s.Path).Replace('\\', '/').TrimEnd('/'), s => s.Reason);

        var expectedImages = Manifest().Where(e => ImageContents.Contains(e.Content) && !e.File.Contains("/.", StringComparison.Ordinal))
            .Select(e => Path.Combine(Root, e.File)).Order(StringComparer.Ordinal);
        Assert.Equal(expectedImages, selection.Images);
        foreach (Entry video in Manifest().Where(e => e.Content.StartsWith("mp4", StringComparison.Ordinal) || e.Content == "avi"))
            Assert.Equal("video (not an image)", skipped[video.File]);
        Assert.Equal("sidecar metadata (XMP), not an image", skipped["photoprism-examples/iphone_7.xmp"]);
        Assert.Equal("sidecar metadata (JSON), not an image", skipped["photoprism-examples/iphone_7.json"]);
        Assert.Equal("sidecar metadata (AAE), not an image", skipped["photoprism-examples/IMG_4120.AAE"]);
        Assert.Equal("not an image", skipped["photoprism-examples/test.txt"]);
        Assert.Equal("hidden folder (not searched)", skipped["photoprism-examples/.photoprism"]);
        Assert.Equal("hidden file", skipped["photoprism-examples/.ppignore"]);

        // Every file of the manifest is either an image or listed as skipped: nothing in silence.
        var accounted = selection.Images.Select(p => Path.GetRelativePath(Root, p).Replace('\\', '/')).Concat(skipped.Keys).ToHashSet();
        Assert.All(Manifest().Where(e => !e.File.Contains("/.photoprism/", StringComparison.Ordinal)), e => Assert.Contains(e.File, accounted));
    }
}
