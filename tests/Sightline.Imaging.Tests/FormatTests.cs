using System.Text;
using Sightline.Imaging.Tests.Support;
using SkiaSharp;

namespace Sightline.Imaging.Tests;

public sealed class FormatTests
{
    [Fact]
    public void Jpeg_RoundTrip()
    {
        using DecodedImage image = ImageDecoder.Decode(TestImages.QuadrantJpeg(), "q.jpg");
        Assert.Equal(ImageFormat.Jpeg, image.Format);
        Assert.Equal((80, 60), (image.Width, image.Height));
        TestImages.AssertQuadrants(image.Bitmap);
    }

    [Fact]
    public void Png_RoundTrip_IsExact_AndKeepsUnpremultipliedAlpha()
    {
        using SKBitmap source = TestImages.Quadrants(80, 60);
        var translucent = new SKColor(200, 100, 50, 128);
        source.SetPixel(0, 0, translucent);
        byte[] png = TestImages.EncodeKeep(source, SKEncodedImageFormat.Png);

        using DecodedImage image = ImageDecoder.Decode(png, "q.png");

        Assert.Equal(ImageFormat.Png, image.Format);
        BitmapOps.AssertPixelsEqual(source, image.Bitmap);

        // Raw bytes are R, G, B, A with colour not multiplied by alpha.
        Assert.Equal(new byte[] { 200, 100, 50, 128 }, image.Bitmap.GetPixelSpan()[..4].ToArray());
    }

    [Fact]
    public void WebP_RoundTrip()
    {
        byte[] webp = TestImages.Encode(TestImages.Quadrants(80, 60), SKEncodedImageFormat.Webp, 90);
        using DecodedImage image = ImageDecoder.Decode(webp, "q.webp");
        Assert.Equal(ImageFormat.WebP, image.Format);
        Assert.Equal((80, 60), (image.Width, image.Height));
        TestImages.AssertQuadrants(image.Bitmap);
    }

    [Fact]
    public void Bmp_HandWritten24Bit_RoundTrip_IsExact()
    {
        using SKBitmap source = TestImages.Quadrants(41, 30); // odd width exercises row padding
        byte[] bmp = HandMade.Bmp24(source);

        using DecodedImage image = ImageDecoder.Decode(bmp, "q.bmp");

        Assert.Equal(ImageFormat.Bmp, image.Format);
        BitmapOps.AssertPixelsEqual(source, image.Bitmap);
    }

    [Fact]
    public void Gif_DecodesFirstFrameOnly()
    {
        SKColor[] palette = [SKColors.Red, SKColors.Lime, SKColors.Blue, SKColors.White];
        const int W = 6, H = 4;
        byte[] first = new byte[W * H];
        for (int i = 0; i < first.Length; i++)
        {
            first[i] = (byte)(i % W < W / 2 ? 0 : 1); // left red, right green
        }

        byte[] second = Enumerable.Repeat((byte)2, W * H).ToArray(); // all blue
        byte[] gif = HandMade.Gif(W, H, palette, first, second);

        using DecodedImage image = ImageDecoder.Decode(gif, "anim.gif");

        Assert.Equal(ImageFormat.Gif, image.Format);
        Assert.Equal((W, H), (image.Width, image.Height));
        Assert.Equal(SKColors.Red, image.Bitmap.GetPixel(0, 0));
        Assert.Equal(SKColors.Lime, image.Bitmap.GetPixel(W - 1, H - 1));
    }

    [Fact]
    public void FormatComesFromBytes_NotExtension()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("actually-a-png.jpg", TestImages.QuadrantPng());

        Assert.Equal(ImageFormat.Png, ImageDecoder.ReadInfo(path).Format);
        using DecodedImage image = ImageDecoder.Decode(path);
        Assert.Equal(ImageFormat.Png, image.Format);
        Assert.Equal(path, image.Source);
    }

    public static TheoryData<string, byte[]> UnsupportedContainers() => new()
    {
        { "ICO", [0, 0, 1, 0, 1, 0, 16, 16, .. new byte[30]] },
        { "PSD", [.. "8BPS"u8, 0, 1, .. new byte[30]] },
        { "PDF", [.. "%PDF-1.7\n"u8, .. new byte[30]] },
        { "MP4/QuickTime video (not an image)", [0, 0, 0, 0x18, .. "ftypisom"u8, 0, 0, 2, 0, .. "isomiso2"u8, .. new byte[8]] },
        { "AVI video (not an image)", [.. "RIFF"u8, 0x10, 0, 0, 0, .. "AVI LIST"u8, .. new byte[20]] },
        { "JPEG 2000", [0, 0, 0, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A, .. new byte[20]] },
        { "SVG", [.. "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8] },
    };

    [Theory]
    [MemberData(nameof(UnsupportedContainers))]
    public void RecognisedButUnsupported_IsNamed(string name, byte[] bytes)
    {
        var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(bytes, "input"));
        Assert.Equal(ImageErrorKind.UnsupportedFormat, error.Kind);
        Assert.Contains($"{name}", error.Message);
        Assert.Contains("not supported", error.Message);
    }

    [Fact]
    public void RandomBytes_AreUnsupported()
    {
        var random = new Random(1234);
        var bytes = new byte[4096];
        random.NextBytes(bytes);
        bytes[0] = 0x13; // keep clear of every signature

        var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(bytes, "noise.bin"));
        Assert.Equal(ImageErrorKind.UnsupportedFormat, error.Kind);
        Assert.Contains("not a recognised image format", error.Message);
    }

    [Fact]
    public void Netpbm_binary_and_plain_decode_with_their_pixels()
    {
        // P6: 2 x 1, red then blue, a comment in the header.
        byte[] ppm = [.. "P6\n# scanner\n2 1\n255\n"u8, 255, 0, 0, 0, 0, 255];
        using (DecodedImage image = ImageDecoder.Decode(ppm, "scan.ppm"))
        {
            Assert.Equal(ImageFormat.Netpbm, image.Format);
            Assert.Equal((2, 1), (image.Width, image.Height));
            Assert.Equal(new byte[] { 255, 0, 0, 255, 0, 0, 255, 255 }, image.Bitmap.GetPixelSpan().ToArray());
        }

        // P4: 8 x 2 bits, 1 is black; the first row alternates, the second is white.
        byte[] pbm = [.. "P4 8 2\n"u8, 0b10101010, 0];
        using (DecodedImage image = ImageDecoder.Decode(pbm, "page.pbm"))
        {
            var pixels = image.Bitmap.GetPixelSpan().ToArray();
            Assert.Equal((8, 2), (image.Width, image.Height));
            Assert.Equal([0, 255, 0, 255, 0, 255, 0, 255], Enumerable.Range(0, 8).Select(x => pixels[4 * x]));
            Assert.All(Enumerable.Range(8, 8), x => Assert.Equal(255, pixels[4 * x]));
        }

        // P2, plain grey levels.
        using (DecodedImage image = ImageDecoder.Decode("P2\n3 1\n10\n0 5 10\n"u8.ToArray(), "grey.pgm"))
        {
            var grey = image.Bitmap.GetPixelSpan().ToArray();
            Assert.Equal(0, grey[0]);
            Assert.InRange(grey[4], 127, 128);
            Assert.Equal(255, grey[8]);
        }
    }

    [Fact]
    public void Text_starting_like_a_netpbm_magic_is_not_taken_for_one()
    {
        var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode("P1 hello, this is a note"u8.ToArray(), "notes.pbm"));
        Assert.Equal(ImageErrorKind.UnsupportedFormat, error.Kind);
        var cut = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode("P6\n4 4\n255\n"u8.ToArray(), "cut.ppm"));
        Assert.NotEqual(ImageErrorKind.UnsupportedFormat, cut.Kind);
    }

    [Fact]
    public void TextStartingWithBM_IsNotTakenForBmp()
    {
        byte[] text = Encoding.ASCII.GetBytes("BMW service record, 2019, all good. Nothing to see here.");
        var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(text, "notes.bmp"));
        Assert.Equal(ImageErrorKind.UnsupportedFormat, error.Kind);
    }

    [Theory]
    [InlineData("a.jpg", true)]
    [InlineData("a.JPEG", true)]
    [InlineData("/x/y/b.Png", true)]
    [InlineData("c.webp", true)]
    [InlineData("d.GIF", true)]
    [InlineData("e.bmp", true)]
    [InlineData("f.tiff", true)]
    [InlineData("g.HEIC", true)]
    [InlineData("h.dng", true)]
    [InlineData("scan.PBM", true)]
    [InlineData("scan.ppm", true)]
    [InlineData("i.psd", false)]
    [InlineData("jpg", false)]
    [InlineData("h.jpg.txt", false)]
    [InlineData("", false)]
    public void IsSupportedExtension(string path, bool expected) =>
        Assert.Equal(expected, ImageDecoder.IsSupportedExtension(path));
}
