using Sightline.Imaging.Tests.Support;
using SkiaSharp;

namespace Sightline.Imaging.Tests;

/// <summary>Real JPEGs with a hand-written EXIF segment: the decoder must return them upright.</summary>
public sealed class OrientationDecodeTests
{
    private const int UprightWidth = 80;
    private const int UprightHeight = 60;

    public static TheoryData<int, bool> Cases()
    {
        var data = new TheoryData<int, bool>();
        for (int o = 1; o <= 8; o++)
        {
            data.Add(o, true);
        }

        data.Add(6, false);
        data.Add(3, false);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_AppliesOrientation(int orientation, bool bigEndian)
    {
        byte[] jpeg = OrientedJpeg(orientation, bigEndian);

        using DecodedImage image = ImageDecoder.Decode(jpeg, $"o{orientation}.jpg");

        Assert.Equal(orientation, image.Orientation);
        Assert.Equal(UprightWidth, image.Width);
        Assert.Equal(UprightHeight, image.Height);
        Assert.Equal(UprightWidth, image.OriginalWidth);
        Assert.Equal(UprightHeight, image.OriginalHeight);
        TestImages.AssertQuadrants(image.Bitmap);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReadInfo_ReportsUprightSize(int orientation, bool bigEndian)
    {
        using var dir = new TempDirectory();
        string path = dir.Write("photo.jpg", OrientedJpeg(orientation, bigEndian));

        ImageInfo info = ImageDecoder.ReadInfo(path);

        Assert.Equal(new ImageInfo(UprightWidth, UprightHeight, ImageFormat.Jpeg, orientation), info);
    }

    [Fact]
    public void NoExif_IsOrientationOne()
    {
        using DecodedImage image = ImageDecoder.Decode(TestImages.QuadrantJpeg(), "plain.jpg");
        Assert.Equal(1, image.Orientation);
        TestImages.AssertQuadrants(image.Bitmap);
    }

    [Fact]
    public void StoredSizeIsSwapped_ForQuarterTurns()
    {
        // Sanity check of the fixture itself: orientation 6 stores a portrait image.
        using var codec = SKCodec.Create(SKData.CreateCopy(OrientedJpeg(6, true)));
        Assert.Equal(UprightHeight, codec.Info.Width);
        Assert.Equal(UprightWidth, codec.Info.Height);
        Assert.Equal(SKEncodedOrigin.RightTop, codec.EncodedOrigin);
    }

    internal static byte[] OrientedJpeg(int orientation, bool bigEndian = true)
    {
        using SKBitmap upright = TestImages.Quadrants(UprightWidth, UprightHeight);
        byte[] jpeg = TestImages.Encode(BitmapOps.StoredFor(upright, orientation), SKEncodedImageFormat.Jpeg);
        return HandMade.WithExifOrientation(jpeg, orientation, bigEndian);
    }
}
