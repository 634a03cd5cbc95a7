using Sightline.Imaging;
using Sightline.Library.Tests.Support;
using Sightline.Library.Thumbnails;
using Sightline.Tests.Shared;
using SkiaSharp;

namespace Sightline.Library.Tests.Thumbnails;

public class ThumbnailStoreTests
{
    private const string Hash = "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12";

    private static DecodedImage Decoded(SKBitmap pixels, string source = "photo.jpg") => DecodedImage.FromPixels(pixels, source);

    private static SKBitmap Pixels(int width, int height, Func<int, int, SKColor> color)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        Span<byte> bytes = bitmap.GetPixelSpan();
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                SKColor c = color(x, y);
                int at = y * bitmap.RowBytes + x * 4;
                (bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]) = (c.Red, c.Green, c.Blue, c.Alpha);
            }
        return bitmap;
    }

    private static SKBitmap Read(string path) => SKBitmap.Decode(path) ?? throw new InvalidDataException($"'{path}' does not decode");

    [Theory]
    [InlineData(4000, 3000, 250, 250, 188)]
    [InlineData(3000, 4000, 250, 188, 250)]
    [InlineData(100, 60, 250, 100, 60)]
    [InlineData(250, 250, 250, 250, 250)]
    [InlineData(10000, 3, 250, 250, 1)]
    [InlineData(6720, 4480, 1440, 1440, 960)]
    public void Fit_BringsTheLongSideDown_KeepsTheAspect_NeverEnlarges(int width, int height, int longSide, int expectedWidth, int expectedHeight)
    {
        Assert.Equal((expectedWidth, expectedHeight), ThumbnailStore.Fit(width, height, longSide));
    }

    [Fact]
    public void PathOf_SpreadsFilesByTheHashsFirstDigits_AndRefusesWhatIsNotAHash()
    {
        var store = new ThumbnailStore("/lib", LibrarySettings.Default);

        Assert.Equal(Path.Combine("/lib", "thumbnails", "ab", Hash + "-small.jpg"), store.PathOf(Hash, ThumbnailSize.Small));
        Assert.Equal(Path.Combine("/lib", "thumbnails", "ab", Hash + "-preview.jpg"), store.PathOf(Hash, ThumbnailSize.Preview));
        Assert.Equal("image/jpeg", store.ContentType);
        var e = Assert.Throws<ArgumentException>(() => store.PathOf("../../etc/passwd", ThumbnailSize.Small));
        Assert.Contains("../../etc/passwd", e.Message);
    }

    [Fact]
    public void Write_MakesBothSizes_WithTheAspect_Atomically()
    {
        using var dir = new TempFolder();
        var store = new ThumbnailStore(dir.Path, LibrarySettings.Default);
        using SKBitmap pixels = Pixels(2000, 1500, (x, y) => new SKColor((byte)(x * 255 / 2000), (byte)(y * 255 / 1500), 90));
        using DecodedImage image = Decoded(pixels);

        store.Write(Hash, image);

        Assert.True(store.Exists(Hash));
        using (SKBitmap small = Read(store.PathOf(Hash, ThumbnailSize.Small)))
            Assert.Equal((250, 188), (small.Width, small.Height));
        using (SKBitmap preview = Read(store.PathOf(Hash, ThumbnailSize.Preview)))
            Assert.Equal((1440, 1080), (preview.Width, preview.Height));
        // Only the two final files: the temporary ones were renamed, none is left behind.
        Assert.Equal(new[] { Hash + "-preview.jpg", Hash + "-small.jpg" },
            Directory.GetFiles(Path.GetDirectoryName(store.PathOf(Hash, ThumbnailSize.Small))!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Write_NeverEnlargesASmallPhoto()
    {
        using var dir = new TempFolder();
        var store = new ThumbnailStore(dir.Path, LibrarySettings.Default);
        using SKBitmap pixels = Pixels(120, 70, (_, _) => new SKColor(10, 200, 30));
        using DecodedImage image = Decoded(pixels);

        store.Write(Hash, image);

        foreach (ThumbnailSize size in Enum.GetValues<ThumbnailSize>())
        {
            using SKBitmap thumbnail = Read(store.PathOf(Hash, size));
            Assert.Equal((120, 70), (thumbnail.Width, thumbnail.Height));
            SKColor centre = thumbnail.GetPixel(60, 35);
            Assert.InRange(centre.Green, 180, 220);
        }
    }

    [Fact]
    public void Write_AveragesFineDetail_InsteadOfAliasing()
    {
        using var dir = new TempFolder();
        var store = new ThumbnailStore(dir.Path, LibrarySettings.Default);
        // One-pixel black and white stripes: any sampling that skips pixels turns them into bands or a solid colour.
        using SKBitmap pixels = Pixels(4000, 3000, (x, _) => x % 2 == 0 ? SKColors.Black : SKColors.White);
        using DecodedImage image = Decoded(pixels);

        store.Write(Hash, image);

        using SKBitmap small = Read(store.PathOf(Hash, ThumbnailSize.Small));
        var greys = new List<int>();
        for (int y = 10; y < small.Height - 10; y += 7)
            for (int x = 10; x < small.Width - 10; x += 3)
                greys.Add(small.GetPixel(x, y).Red);
        Assert.InRange(greys.Min(), 100, 160);
        Assert.InRange(greys.Max(), 100, 160);
    }

    [Fact]
    public void Write_Twice_WritesOnce_AndKeepsTheFirstFile()
    {
        using var dir = new TempFolder();
        var store = new ThumbnailStore(dir.Path, LibrarySettings.Default);
        using SKBitmap red = Pixels(300, 200, (_, _) => new SKColor(220, 20, 20));
        using SKBitmap blue = Pixels(300, 200, (_, _) => new SKColor(20, 20, 220));
        using DecodedImage first = Decoded(red);
        using DecodedImage second = Decoded(blue);

        store.Write(Hash, first);
        byte[] small = File.ReadAllBytes(store.PathOf(Hash, ThumbnailSize.Small));
        DateTime written = File.GetLastWriteTimeUtc(store.PathOf(Hash, ThumbnailSize.Small));
        store.Write(Hash, second);

        Assert.Equal(small, File.ReadAllBytes(store.PathOf(Hash, ThumbnailSize.Small)));
        Assert.Equal(written, File.GetLastWriteTimeUtc(store.PathOf(Hash, ThumbnailSize.Small)));
        using SKBitmap kept = Read(store.PathOf(Hash, ThumbnailSize.Preview));
        Assert.True(kept.GetPixel(150, 100).Red > 180);

        // A missing one of the pair is made, the present one left alone.
        File.Delete(store.PathOf(Hash, ThumbnailSize.Preview));
        store.Write(Hash, second);
        Assert.Equal(small, File.ReadAllBytes(store.PathOf(Hash, ThumbnailSize.Small)));
        using SKBitmap remade = Read(store.PathOf(Hash, ThumbnailSize.Preview));
        Assert.True(remade.GetPixel(150, 100).Blue > 180);
    }

    [Fact]
    public void Write_ThatCannotWrite_ThrowsIOExceptionNamingTheFile_AndLeavesNoFinalFile()
    {
        using var dir = new TempFolder();
        // A file where the thumbnails folder should be: no folder can be made there, whoever runs the test.
        File.WriteAllText(Path.Combine(dir.Path, "thumbnails"), "in the way");
        var store = new ThumbnailStore(dir.Path, LibrarySettings.Default);
        using SKBitmap pixels = Pixels(50, 40, (_, _) => SKColors.Gray);
        using DecodedImage image = Decoded(pixels);

        var e = Assert.Throws<IOException>(() => store.Write(Hash, image));

        Assert.Contains(store.PathOf(Hash, ThumbnailSize.Preview), e.Message);
        Assert.False(File.Exists(store.PathOf(Hash, ThumbnailSize.Preview)));
        Assert.False(store.Exists(Hash));
    }

    [Fact]
    public void Thumbnails_AreUpright_WhenThePhotoIsStoredTurned()
    {
        string file = Path.Combine(TestPaths.Data("exif-samples"), "ianare-exif-samples", "jpg", "orientation", "landscape_6.jpg");
        using var dir = new TempFolder();
        var store = new ThumbnailStore(dir.Path, LibrarySettings.Default with { SmallThumbnail = 100 });
        SKSizeI stored;
        using (var codec = SKCodec.Create(file))
            stored = codec.Info.Size;
        using DecodedImage image = ImageDecoder.Decode(file, DecodeSize.Within(store.Settings.PreviewThumbnail, store.Settings.PreviewThumbnail));
        Assert.Equal(6, image.Orientation);

        store.Write(Hash, image);

        using SKBitmap small = Read(store.PathOf(Hash, ThumbnailSize.Small));
        // Stored one way, shown the other: the thumbnail has the upright shape and the upright pixels.
        Assert.Equal(stored.Width > stored.Height, small.Height > small.Width);
        Assert.Equal(image.Width > image.Height, small.Width > small.Height);
        using SKBitmap expected = ImageResize.Resize(image.Bitmap, small.Width, small.Height);
        double difference = 0;
        for (int y = 0; y < small.Height; y++)
            for (int x = 0; x < small.Width; x++)
                difference += Math.Abs(small.GetPixel(x, y).Red - expected.GetPixel(x, y).Red);
        Assert.InRange(difference / (small.Width * small.Height), 0, 12);
    }

    [Fact]
    public async Task ThumbnailTask_WritesForTheHashOfTheDecodedSource()
    {
        using var dir = new TempFolder();
        var store = new ThumbnailStore(dir.Path, LibrarySettings.Default);
        var task = new ThumbnailTask(store, source => source == "/photos/a.jpg" ? Hash : throw new KeyNotFoundException(source));
        using SKBitmap pixels = Pixels(64, 48, (_, _) => SKColors.Orange);
        using DecodedImage image = Decoded(pixels, "/photos/a.jpg");

        ThumbnailResult result = await task.RunAsync(image, CancellationToken.None);

        Assert.Equal(new ThumbnailResult(Hash, store.PathOf(Hash, ThumbnailSize.Small), store.PathOf(Hash, ThumbnailSize.Preview)), result);
        Assert.True(store.Exists(Hash));
        Assert.Equal(DecodeSize.Within(1440, 1440), task.DecodeSize);
    }
}
