using Sightline.Imaging.Tests.Support;
using SkiaSharp;

namespace Sightline.Imaging.Tests;

/// <summary>
/// Damaged inputs must end in success or <see cref="ImageLoadException"/>, never another exception.
/// Seeded, so any failure reproduces.
/// </summary>
public sealed class FuzzTests
{
    // Small pixel limit: a mutation that inflates the declared size must not make the test slow.
    private static readonly ImageLimits Limits = new(MaxPixels: 2_000_000);

    public static TheoryData<string> Formats => ["jpeg", "png", "gif"];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Mutations_SucceedOrThrowImageLoadException(string format)
    {
        byte[] original = format switch
        {
            "jpeg" => HandMade.WithExifOrientation(TestImages.Encode(TestImages.Gradient(64, 48), SKEncodedImageFormat.Jpeg, 85), 6),
            "png" => TestImages.Encode(TestImages.Gradient(64, 48), SKEncodedImageFormat.Png),
            _ => HandMade.Gif(8, 6, [SKColors.Red, SKColors.Lime, SKColors.Blue, SKColors.White], Enumerable.Range(0, 48).Select(i => (byte)(i % 4)).ToArray()),
        };

        var random = new Random(format.GetHashCode(StringComparison.Ordinal) ^ 20240611);
        int succeeded = 0;
        int refused = 0;
        int cases = format == "gif" ? 40 : 100;
        for (int i = 0; i < cases; i++)
        {
            byte[] mutated = Mutate(original, random);
            try
            {
                using DecodedImage image = ImageDecoder.Decode(mutated, $"fuzz-{format}-{i}", i % 3 == 0 ? DecodeSize.Within(32, 32) : null, Limits);
                Assert.True(image.Width > 0 && image.Height > 0);
                succeeded++;
            }
            catch (ImageLoadException e)
            {
                Assert.Contains($"'fuzz-{format}-{i}'", e.Message);
                refused++;
            }
        }

        Assert.True(refused > 0, "no mutation was refused; the mutator is too gentle");
        Assert.Equal(cases, succeeded + refused);
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        byte[] bytes = (byte[])original.Clone();
        if (bytes.Length < 2)
        {
            return bytes;
        }

        switch (random.Next(5))
        {
            case 0: // truncate anywhere
                return bytes[..random.Next(0, bytes.Length)];
            case 1: // flip a few bytes, often in the header where the structure is
            {
                int flips = random.Next(1, 9);
                for (int k = 0; k < flips; k++)
                {
                    int at = random.Next(2) == 0 ? random.Next(Math.Min(bytes.Length, 200)) : random.Next(bytes.Length);
                    bytes[at] = (byte)random.Next(256);
                }

                return bytes;
            }

            case 2: // overwrite a run with noise
            {
                int start = random.Next(bytes.Length);
                int length = Math.Min(random.Next(1, 64), bytes.Length - start);
                random.NextBytes(bytes.AsSpan(start, length));
                return bytes;
            }

            case 3: // insert noise
            {
                int at = random.Next(bytes.Length);
                var noise = new byte[random.Next(1, 32)];
                random.NextBytes(noise);
                return [.. bytes.AsSpan(0, at), .. noise, .. bytes.AsSpan(at)];
            }

            default: // cut a hole out of the middle
            {
                int start = random.Next(bytes.Length);
                int length = Math.Min(random.Next(1, 128), bytes.Length - start);
                return [.. bytes.AsSpan(0, start), .. bytes.AsSpan(start + length)];
            }
        }
    }
}
