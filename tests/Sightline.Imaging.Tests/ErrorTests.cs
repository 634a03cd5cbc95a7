using Sightline.Imaging.Tests.Support;
using SkiaSharp;

namespace Sightline.Imaging.Tests;

public sealed class ErrorTests
{
    [Fact]
    public void MissingFile_IsNotFound_AndNamesThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), "sightline-missing-" + Guid.NewGuid().ToString("N") + ".jpg");

        var decode = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(path));
        var info = Assert.Throws<ImageLoadException>(() => ImageDecoder.ReadInfo(path));

        foreach (ImageLoadException error in new[] { decode, info })
        {
            Assert.Equal(ImageErrorKind.NotFound, error.Kind);
            Assert.Equal(path, error.Source);
            Assert.Equal(path, ((Exception)error).Source);
            Assert.Equal($"cannot read image '{path}': the file does not exist", error.Message);
            Assert.IsAssignableFrom<SightlineException>(error);
        }
    }

    [Fact]
    public void MissingFolder_IsNotFound()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "a.jpg");
        Assert.Equal(ImageErrorKind.NotFound, Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(path)).Kind);
    }

    [Fact]
    public void Directory_IsNotFound_WithClearReason()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(dir.Path));
        Assert.Equal(ImageErrorKind.NotFound, error.Kind);
        Assert.Contains("is a directory", error.Message);
        Assert.Equal(ImageErrorKind.NotFound, Assert.Throws<ImageLoadException>(() => ImageDecoder.ReadInfo(dir.Path)).Kind);
    }

    [Fact]
    public void EmptyInput_IsEmpty_Everywhere()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("empty.jpg", []);

        Assert.Equal(ImageErrorKind.Empty, Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(path)).Kind);
        Assert.Equal(ImageErrorKind.Empty, Assert.Throws<ImageLoadException>(() => ImageDecoder.ReadInfo(path)).Kind);
        Assert.Equal(ImageErrorKind.Empty, Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode([], "upload.jpg")).Kind);
        Assert.Equal(ImageErrorKind.Empty, Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(new MemoryStream(), "upload.jpg")).Kind);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 5)]
    [InlineData(7, 0)]
    public void ZeroSizedPng_SaysZeroWidthOrHeight_NotTruncated(int width, int height)
    {
        using var dir = new TempDirectory();
        byte[] png = HandMade.PngDeclaring(width, height);
        string path = dir.Write("empty-canvas.png", png);

        foreach (var error in new[]
        {
            Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(png, "empty-canvas.png")),
            Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(path)),
            Assert.Throws<ImageLoadException>(() => ImageDecoder.ReadInfo(path)),
        })
        {
            Assert.Equal(ImageErrorKind.Corrupt, error.Kind);
            Assert.Contains("zero width or height", error.Message);
            Assert.Contains($"{width}x{height}", error.Message);
            Assert.DoesNotContain("truncated", error.Message);
        }
    }

    public static TheoryData<string> Encoded => ["jpeg", "png", "webp"];

    [Theory]
    [MemberData(nameof(Encoded))]
    public void CutInHalf_IsTruncated(string format)
    {
        byte[] bytes = EncodeGradient(format);
        byte[] half = bytes[..(bytes.Length / 2)];

        var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(half, $"half.{format}"));

        Assert.Equal(ImageErrorKind.Truncated, error.Kind);
        Assert.StartsWith($"cannot read image 'half.{format}': the file is truncated", error.Message);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void CutGifAndBmp_AreTruncated(double fraction)
    {
        byte[] gif = HandMade.Gif(8, 6, [SKColors.Red, SKColors.Lime, SKColors.Blue, SKColors.White], new byte[48]);
        byte[] bmp = HandMade.Bmp24(TestImages.Quadrants(20, 10));

        foreach (byte[] bytes in new[] { gif, bmp })
        {
            byte[] cut = bytes[..(int)(bytes.Length * fraction)];
            var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(cut, "cut"));
            Assert.Equal(ImageErrorKind.Truncated, error.Kind);
        }
    }

    [Fact]
    public void TruncatedJpeg_MessageSaysWhatEndedEarly()
    {
        byte[] jpeg = EncodeGradient("jpeg");
        var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(jpeg[..(jpeg.Length / 2)], "x.jpg"));
        Assert.Equal("cannot read image 'x.jpg': the file is truncated (JPEG data ends early)", error.Message);
    }

    [Fact]
    public void JpegHeaderOnly_IsTruncatedOrCorrupt()
    {
        byte[] jpeg = EncodeGradient("jpeg");
        int sos = HandMade.FindMarker(jpeg, 0xDA);

        AssertTruncatedOrCorrupt(jpeg[..sos]);          // everything before the scan
        AssertTruncatedOrCorrupt(jpeg[..(sos + 14)]);   // scan header, no entropy data
        AssertTruncatedOrCorrupt([0xFF, 0xD8]);         // SOI alone
        AssertTruncatedOrCorrupt([0xFF, 0xD8, 0xFF, 0xD9]); // SOI + EOI
    }

    [Fact]
    public void JpegWithBrokenHuffmanTable_IsCorrupt()
    {
        byte[] jpeg = EncodeGradient("jpeg");
        int dht = HandMade.FindMarker(jpeg, 0xC4);

        // The 16 code-length counts follow the class/id byte; all 0xFF declares impossible tables.
        for (int i = 0; i < 16; i++)
        {
            jpeg[dht + 5 + i] = 0xFF;
        }

        var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(jpeg, "bad-dht.jpg"));
        Assert.Equal(ImageErrorKind.Corrupt, error.Kind);
        Assert.Contains("corrupt", error.Message);
    }

    [Fact]
    public void JpegWithZeroHeight_IsCorrupt()
    {
        byte[] jpeg = EncodeGradient("jpeg");
        int sof = HandMade.FindMarker(jpeg, 0xC0);
        jpeg[sof + 5] = 0;
        jpeg[sof + 6] = 0;

        var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(jpeg, "zero.jpg"));
        Assert.True(error.Kind is ImageErrorKind.Corrupt or ImageErrorKind.Truncated, error.Message);
    }

    [Fact]
    public void PngWithCorruptedBody_IsCorrupt()
    {
        byte[] png = EncodeGradient("png");
        var random = new Random(7);
        int start = png.Length / 3;
        for (int i = start; i < start + 64; i++)
        {
            png[i] = (byte)random.Next(256);
        }

        var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(png, "broken.png"));
        Assert.True(error.Kind is ImageErrorKind.Corrupt or ImageErrorKind.Truncated, error.Message);
        Assert.Contains("'broken.png'", error.Message);
    }

    [Fact]
    public void ReadInfo_NeedsOnlyTheHeader()
    {
        using var dir = new TempDirectory();
        byte[] jpeg = EncodeGradient("jpeg");
        string path = dir.Write("half.jpg", jpeg[..(jpeg.Length / 2)]);

        Assert.Equal(new ImageInfo(120, 90, ImageFormat.Jpeg, 1), ImageDecoder.ReadInfo(path));
        Assert.Equal(ImageErrorKind.Truncated, Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(path)).Kind);
    }

    [Fact]
    public void ArgumentMisuse_ThrowsArgumentExceptions()
    {
        Assert.Throws<ArgumentNullException>(() => ImageDecoder.Decode((string)null!));
        Assert.Throws<ArgumentException>(() => ImageDecoder.Decode(string.Empty));
        Assert.Throws<ArgumentNullException>(() => ImageDecoder.Decode((Stream)null!, "s"));
        Assert.Throws<ArgumentNullException>(() => ImageDecoder.Decode(new byte[1], null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageDecoder.Decode(new byte[1], "x", default(DecodeSize)));
    }

    private static void AssertTruncatedOrCorrupt(byte[] bytes)
    {
        var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(bytes, "header-only.jpg"));
        Assert.True(error.Kind is ImageErrorKind.Truncated or ImageErrorKind.Corrupt, $"{error.Kind}: {error.Message}");
    }

    private static byte[] EncodeGradient(string format) => TestImages.Encode(
        TestImages.Gradient(120, 90),
        format switch
        {
            "jpeg" => SKEncodedImageFormat.Jpeg,
            "png" => SKEncodedImageFormat.Png,
            _ => SKEncodedImageFormat.Webp,
        },
        90);
}
