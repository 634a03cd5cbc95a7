using ImageMagick;
using Sightline.Imaging.Tests.Support;
using SkiaSharp;

namespace Sightline.Imaging.Tests;

/// <summary>TIFF, HEIF-family and RAW decoding through ImageMagick, on files made in the test.</summary>
public class CameraFormatTests
{
    private static MagickImage QuadrantsImage(int width = 80, int height = 60) =>
        new(TestImages.QuadrantPng(width, height), new MagickReadSettings { Format = MagickFormat.Png });

    private static byte[] Tiff(int depth, ImageMagick.Orientation orientation = ImageMagick.Orientation.TopLeft, bool grey = false)
    {
        using MagickImage image = QuadrantsImage();
        if (grey)
        {
            image.Grayscale();
            image.ColorType = ColorType.Grayscale;
        }

        image.Depth = (uint)depth;
        image.Orientation = orientation;
        image.Settings.Compression = CompressionMethod.LZW;
        return image.ToByteArray(MagickFormat.Tiff);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void Tiff_DecodesWithItsColours(int depth)
    {
        byte[] tiff = Tiff(depth);

        using DecodedImage image = ImageDecoder.Decode(tiff, "photo.tif");

        Assert.Equal(ImageFormat.Tiff, image.Format);
        Assert.Equal((80, 60), (image.Width, image.Height));
        TestImages.AssertQuadrants(image.Bitmap, tolerance: 4);
    }

    [Fact]
    public void MultiPageTiff_GivesTheFirstPage()
    {
        using var pages = new MagickImageCollection();
        pages.Add(QuadrantsImage());
        pages.Add(new MagickImage(MagickColors.Black, 200, 20));
        byte[] tiff = pages.ToByteArray(MagickFormat.Tiff);

        using DecodedImage image = ImageDecoder.Decode(tiff, "scan.tif");

        Assert.Equal((80, 60), (image.Width, image.Height));
        TestImages.AssertQuadrants(image.Bitmap, tolerance: 4);
    }

    [Fact]
    public void TiffOrientationTag_IsApplied()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("turned.tiff", Tiff(8, ImageMagick.Orientation.RightTop));

        ImageInfo info = ImageDecoder.ReadInfo(path);
        using DecodedImage image = ImageDecoder.Decode(path);

        Assert.Equal(new ImageInfo(60, 80, ImageFormat.Tiff, 6), info);
        Assert.Equal((60, 80), (image.Width, image.Height));

        // Orientation 6 turns the stored image a quarter clockwise: its bottom-left corner lands top left.
        TestImages.AssertColor(TestImages.BottomLeft, image.Bitmap.GetPixel(2, 2), 4, "top left");
        TestImages.AssertColor(TestImages.TopLeft, image.Bitmap.GetPixel(57, 2), 4, "top right");
    }

    [Fact]
    public void GreyTiff_DecodesToEqualChannels()
    {
        // The JAFFE expression photos are 8-bit grey TIFFs.
        using DecodedImage image = ImageDecoder.Decode(Tiff(8, grey: true), "KA.AN1.39.tiff");

        SKColor pixel = image.Bitmap.GetPixel(5, 5);
        Assert.Equal(pixel.Red, pixel.Green);
        Assert.Equal(pixel.Red, pixel.Blue);
        Assert.Equal(255, pixel.Alpha);
        Assert.NotEqual(image.Bitmap.GetPixel(5, 5), image.Bitmap.GetPixel(75, 55));
    }

    [Fact]
    public void Tiff_ScaledDecode_GivesTheRequestedSize()
    {
        using DecodedImage image = ImageDecoder.Decode(Tiff(8), "photo.tif", DecodeSize.Within(40, 40));

        Assert.Equal((40, 30), (image.Width, image.Height));
        Assert.Equal((80, 60), (image.OriginalWidth, image.OriginalHeight));
        TestImages.AssertQuadrants(image.Bitmap, tolerance: 10);
    }

    [Fact]
    public void Avif_EncodedByMagick_Decodes()
    {
        using MagickImage source = QuadrantsImage(64, 48);
        source.Quality = 95;
        byte[] avif = source.ToByteArray(MagickFormat.Avif);

        using DecodedImage image = ImageDecoder.Decode(avif, "photo.avif");

        Assert.Equal(ImageFormat.Avif, image.Format);
        Assert.Equal((64, 48), (image.Width, image.Height));
        TestImages.AssertQuadrants(image.Bitmap, tolerance: 40);
    }

    [Fact]
    public void JpegXl_EncodedByMagick_Decodes()
    {
        using MagickImage source = QuadrantsImage();
        byte[] jxl = source.ToByteArray(MagickFormat.Jxl);

        using DecodedImage image = ImageDecoder.Decode(jxl, "photo.jxl");

        Assert.Equal(ImageFormat.JpegXl, image.Format);
        TestImages.AssertQuadrants(image.Bitmap, tolerance: 20);
    }

    [Fact]
    public void TiffDeclaringTooManyPixels_IsRefusedFromTheHeader()
    {
        // 60000 x 60000 declared in a few bytes: refused before any pixel memory is allocated.
        byte[] bomb = HandTiff(60_000, 60_000, []);

        var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(bomb, "bomb.tif"));

        Assert.Equal(ImageErrorKind.TooManyPixels, error.Kind);
        Assert.Contains("60000x60000", error.Message);
    }

    [Fact]
    public void PixelLimit_AppliesToTiff()
    {
        var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(Tiff(8), "photo.tif", limits: new ImageLimits(MaxPixels: 4000)));

        Assert.Equal(ImageErrorKind.TooManyPixels, error.Kind);
    }

    [Fact]
    public void TruncatedTiff_IsAnErrorNotAPartialImage()
    {
        using MagickImage big = QuadrantsImage(400, 300);
        big.Settings.Compression = CompressionMethod.NoCompression;
        byte[] whole = big.ToByteArray(MagickFormat.Tiff);
        byte[] cut = whole[..(whole.Length / 2)];

        var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(cut, "cut.tif"));

        Assert.True(error.Kind is ImageErrorKind.Corrupt or ImageErrorKind.Truncated, error.Message);
        Assert.Contains("TIFF", error.Message);
    }

    [Fact]
    public void GarbageAfterTiffSignature_IsCorrupt()
    {
        byte[] garbage = [.. "II*\0"u8, 8, 0, 0, 0, .. new byte[24]];

        var error = Assert.Throws<ImageLoadException>(() => ImageDecoder.Decode(garbage, "garbage.tif"));

        Assert.Equal(ImageErrorKind.Corrupt, error.Kind);
        Assert.Contains("TIFF", error.Message);
    }

    [Fact]
    public void DngVersionTag_MakesATiffCameraRaw()
    {
        byte[] dng = HandTiff(16, 16, [(0xC612, 1, 4, 0x00000401)]);
        byte[] plain = HandTiff(16, 16, []);

        Assert.Equal(ImageFormat.CameraRaw, FormatSniffer.Refine(dng, ImageFormat.Tiff));
        Assert.Equal(ImageFormat.Tiff, FormatSniffer.Refine(plain, ImageFormat.Tiff));
    }

    [Fact]
    public void ReducedPreviewWithSubIfds_IsCameraRaw_LikeNefAndArw()
    {
        byte[] nefLike = HandTiff(160, 120, [(0x00FE, 4, 1, 1), (0x014A, 4, 1, 200)]);
        byte[] previewOnly = HandTiff(160, 120, [(0x00FE, 4, 1, 1)]);

        Assert.Equal(ImageFormat.CameraRaw, FormatSniffer.Refine(nefLike, ImageFormat.Tiff));
        Assert.Equal(ImageFormat.Tiff, FormatSniffer.Refine(previewOnly, ImageFormat.Tiff));
    }

    [Theory]
    [InlineData("heic", ImageFormat.Heif)]
    [InlineData("mif1", ImageFormat.Heif)]
    [InlineData("avif", ImageFormat.Avif)]
    [InlineData("crx ", ImageFormat.CameraRaw)]
    public void IsoMediaBrands_NameTheImageFormat(string brand, ImageFormat expected)
    {
        byte[] head = [0, 0, 0, 0x18, .. "ftyp"u8, .. System.Text.Encoding.ASCII.GetBytes(brand), 0, 0, 0, 0, .. "mif1miaf"u8, .. new byte[8]];

        Assert.Equal(expected, FormatSniffer.Detect(head).Format);
    }

    [Fact]
    public void HeifRotationBox_IsFound()
    {
        byte[] rotated = Heif(withRotation: true);
        byte[] plain = Heif(withRotation: false);

        Assert.True(HeifBoxes.HasTransform(rotated));
        Assert.False(HeifBoxes.HasTransform(plain));
    }

    /// <summary>ftyp, then meta (full box) / iprp / ipco holding an ispe and, optionally, an irot.</summary>
    private static byte[] Heif(bool withRotation)
    {
        static byte[] Box(string type, params byte[][] payload)
        {
            byte[] body = payload.SelectMany(p => p).ToArray();
            byte[] size = BitConverter.GetBytes(body.Length + 8);
            Array.Reverse(size);
            return [.. size, .. System.Text.Encoding.ASCII.GetBytes(type), .. body];
        }

        byte[] ispe = Box("ispe", new byte[12]);
        byte[] ipco = withRotation ? Box("ipco", ispe, Box("irot", [1])) : Box("ipco", ispe);
        return [.. Box("ftyp", "heic"u8.ToArray(), new byte[4], "mif1heic"u8.ToArray()), .. Box("meta", new byte[4], Box("hdlr", new byte[24]), Box("iprp", ipco))];
    }

    /// <summary>A little-endian TIFF whose IFD0 holds width, height and the extra entries, and no pixel data.</summary>
    private static byte[] HandTiff(int width, int height, (ushort Tag, ushort Type, uint Count, uint Value)[] extra)
    {
        var entries = new List<(ushort Tag, ushort Type, uint Count, uint Value)>
        {
            (0x0100, 4, 1, (uint)width),
            (0x0101, 4, 1, (uint)height),
            (0x0102, 3, 1, 8),
            (0x0103, 3, 1, 1),
            (0x0106, 3, 1, 1),
            (0x0111, 4, 1, 8),
            (0x0115, 3, 1, 1),
            (0x0116, 4, 1, (uint)height),
            (0x0117, 4, 1, (uint)width * (uint)height),
        };
        entries.AddRange(extra);
        entries.Sort((a, b) => a.Tag.CompareTo(b.Tag));

        var data = new List<byte>();
        data.AddRange("II*\0"u8.ToArray());
        data.AddRange(BitConverter.GetBytes(8u));
        data.AddRange(BitConverter.GetBytes((ushort)entries.Count));
        foreach (var (tag, type, count, value) in entries)
        {
            data.AddRange(BitConverter.GetBytes(tag));
            data.AddRange(BitConverter.GetBytes(type));
            data.AddRange(BitConverter.GetBytes(count));
            data.AddRange(type == 3 ? [.. BitConverter.GetBytes((ushort)value), 0, 0] : BitConverter.GetBytes(value));
        }

        data.AddRange(BitConverter.GetBytes(0u));
        return [.. data];
    }
}
