using Sightline.Imaging.Tests.Support;

namespace Sightline.Imaging.Tests;

/// <summary>Folder expansion: images told by their bytes, every other file listed with its reason.</summary>
public class ImageFilesTests
{
    private static readonly byte[] Mp4Head = [0, 0, 0, 0x18, .. "ftypisom"u8, 0, 0, 2, 0, .. "isomiso2"u8, .. new byte[40]];

    [Fact]
    public void Folder_ListsEveryFileItDoesNotProcess_WithItsReason()
    {
        using var dir = new TempDirectory();
        string photo = dir.Write("photo.jpg", TestImages.QuadrantJpeg());
        string noExtension = dir.Write("scan", TestImages.QuadrantPng());
        string misnamed = dir.Write("really-a-jpeg.png", TestImages.QuadrantJpeg());
        string tiff = dir.Write("film.tif", [.. "II*\0"u8, 8, 0, 0, 0, .. new byte[24]]);
        dir.Write("clip.mp4", Mp4Head);
        dir.Write("clip.mov", Mp4Head);
        dir.Write("photo.xmp", "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>"u8.ToArray());
        dir.Write("IMG_0001.AAE", "<?xml version=\"1.0\"?><plist/>"u8.ToArray());
        dir.Write("notes.txt", "shopping list"u8.ToArray());
        dir.Write("layers.psd", [.. "8BPS"u8, 0, 1, .. new byte[30]]);
        dir.Write("empty.jpg", []);
        Directory.CreateDirectory(Path.Combine(dir.Path, ".thumbnails"));
        File.WriteAllBytes(Path.Combine(dir.Path, ".thumbnails", "t.jpg"), TestImages.QuadrantJpeg());

        ImageSelection selection = ImageFiles.ScanFolder(dir.Path);

        Assert.Equal(new[] { photo, tiff, misnamed, noExtension }.Order(StringComparer.Ordinal), selection.Images);
        var reasons = selection.Skipped.ToDictionary(s => Path.GetFileName(s.Path.TrimEnd(Path.DirectorySeparatorChar)), s => s.Reason);
        Assert.Equal("video (not an image)", reasons["clip.mp4"]);
        Assert.Equal("video (not an image)", reasons["clip.mov"]);
        Assert.Equal("sidecar metadata (XMP), not an image", reasons["photo.xmp"]);
        Assert.Equal("sidecar metadata (AAE), not an image", reasons["IMG_0001.AAE"]);
        Assert.Equal("not an image", reasons["notes.txt"]);
        Assert.Equal("unsupported format (PSD)", reasons["layers.psd"]);
        Assert.Equal("empty file (0 bytes)", reasons["empty.jpg"]);
        Assert.Equal("hidden folder (not searched)", reasons[".thumbnails"]);
        Assert.Equal(8, selection.Skipped.Count);
        Assert.Equal("2 video (not an image), 1 empty file (0 bytes), 1 hidden folder (not searched), 1 not an image, 1 sidecar metadata (AAE), not an image, 1 sidecar metadata (XMP), not an image, 1 unsupported format (PSD)",
            selection.SkippedSummary());
    }

    [Fact]
    public void NamedFiles_AreKeptAsGiven_AndFoldersExpand()
    {
        using var dir = new TempDirectory();
        string photo = dir.Write("a.jpg", TestImages.QuadrantJpeg());
        dir.Write("b.mp4", Mp4Head);
        string named = Path.Combine(dir.Path, "b.mp4");

        ImageSelection selection = ImageFiles.Scan([named, dir.Path]);

        Assert.Equal([named, photo], selection.Images);
        Assert.Single(selection.Skipped);
    }
}
