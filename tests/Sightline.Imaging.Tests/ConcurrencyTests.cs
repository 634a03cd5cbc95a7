using Sightline.Imaging.Tests.Support;
using SkiaSharp;

namespace Sightline.Imaging.Tests;

public sealed class ConcurrencyTests
{
    [Fact]
    public void ParallelDecodes_MatchSequentialResults()
    {
        var inputs = new (byte[] Bytes, DecodeSize? Size)[]
        {
            (OrientationDecodeTests.OrientedJpeg(6), null),
            (OrientationDecodeTests.OrientedJpeg(3), DecodeSize.Within(40, 40)),
            (TestImages.QuadrantPng(200, 150), DecodeSize.Within(64, 64)),
            (TestImages.Encode(TestImages.Quadrants(160, 120), SKEncodedImageFormat.Webp, 90), DecodeSize.Cover(20, 15)),
            (HandMade.Bmp24(TestImages.Quadrants(33, 21)), null),
        };

        byte[][] expected = inputs.Select(input => DecodeToBytes(input.Bytes, input.Size)).ToArray();

        const int Rounds = 8;
        var results = new byte[inputs.Length * Rounds][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var input = inputs[i % inputs.Length];
            results[i] = DecodeToBytes(input.Bytes, input.Size);
        });

        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal(expected[i % inputs.Length], results[i]);
        }
    }

    private static byte[] DecodeToBytes(byte[] bytes, DecodeSize? size)
    {
        using DecodedImage image = ImageDecoder.Decode(bytes, "parallel", size);
        return [.. BitConverter.GetBytes(image.Width), .. BitConverter.GetBytes(image.Height), .. image.Bitmap.GetPixelSpan()];
    }
}
