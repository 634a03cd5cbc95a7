using System.Buffers.Binary;
using System.Diagnostics;
using ImageMagick;
using Sightline.Imaging.Tests.Support;

namespace Sightline.Imaging.Tests;

public sealed class IccProfileCheckTests
{
    private static byte[] Srgb => ColorProfiles.SRGB.ToByteArray();

    /// <summary>The sRGB profile with its tag count replaced.</summary>
    private static byte[] WithTagCount(uint count)
    {
        var profile = Srgb;
        BinaryPrimitives.WriteUInt32BigEndian(profile.AsSpan(128), count);
        return profile;
    }

    [Fact]
    public void Real_profiles_are_well_formed()
    {
        Assert.True(IccProfileCheck.IsWellFormed(Srgb));
        Assert.True(IccProfileCheck.IsWellFormed(ColorProfiles.AdobeRGB1998.ToByteArray()));
        Assert.True(IccProfileCheck.IsWellFormed(ColorProfiles.USWebCoatedSWOP.ToByteArray()));
    }

    [Fact]
    public void Damaged_profiles_are_not()
    {
        Assert.False(IccProfileCheck.IsWellFormed(WithTagCount(0xFFFFFF00)));
        Assert.False(IccProfileCheck.IsWellFormed(Srgb.AsSpan(0, 100)));
        Assert.False(IccProfileCheck.IsWellFormed(Srgb.AsSpan(0, Srgb.Length - 8))); // shorter than its declared size
        var wrongSignature = Srgb;
        wrongSignature[36] = (byte)'x';
        Assert.False(IccProfileCheck.IsWellFormed(wrongSignature));
        var unknownSpace = Srgb;
        "RGB@"u8.CopyTo(unknownSpace.AsSpan(16)); // found by fuzzing: Magick.NET throws NotSupportedException on it
        Assert.False(IccProfileCheck.IsWellFormed(unknownSpace));
        var tagOutside = Srgb;
        BinaryPrimitives.WriteUInt32BigEndian(tagOutside.AsSpan(132 + 4), (uint)tagOutside.Length); // first tag's offset
        Assert.False(IccProfileCheck.IsWellFormed(tagOutside));
    }

    [Fact]
    public async Task A_tiff_whose_profile_claims_billions_of_tags_decodes_at_once_as_srgb()
    {
        // Found by fuzzing: Magick.NET's profile reader looped over the claimed tags for minutes.
        using var image = new MagickImage(TestImages.QuadrantPng(16, 12), new MagickReadSettings { Format = MagickFormat.Png });
        image.SetProfile(ColorProfiles.SRGB);
        var tiff = image.ToByteArray(MagickFormat.Tiff);
        // Damage the profile inside the file (Magick checks a profile it is given, not one it reads).
        var at = tiff.AsSpan().IndexOf(Srgb);
        Assert.True(at > 0);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(at + 128), 0xFFFFFF00);
        var clock = Stopwatch.StartNew();

        var decode = Task.Run(() =>
        {
            using var decoded = ImageDecoder.Decode(tiff, "broken-profile.tif");
            return (decoded.Width, decoded.Height, decoded.Bitmap.GetPixel(1, 1));
        });

        var finished = await Task.WhenAny(decode, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(finished == decode, $"still decoding after {clock.Elapsed.TotalSeconds:F0} s");
        var (width, height, topLeft) = await decode;
        Assert.Equal((16, 12), (width, height));
        Assert.True(topLeft.Red > 200 && topLeft.Green < 60 && topLeft.Blue < 60, $"top-left quadrant is {topLeft}");
    }

    /// <summary>A 16x12 TIFF of four coloured quadrants whose embedded sRGB profile is changed by <paramref name="damage"/>.</summary>
    private static byte[] TiffWithProfile(Action<Span<byte>> damage)
    {
        using var image = new MagickImage(TestImages.QuadrantPng(16, 12), new MagickReadSettings { Format = MagickFormat.Png });
        image.SetProfile(ColorProfiles.SRGB);
        var tiff = image.ToByteArray(MagickFormat.Tiff);
        var at = tiff.AsSpan().IndexOf(Srgb);
        Assert.True(at > 0);
        var profile = tiff.AsSpan(at, Srgb.Length);
        damage(profile);
        for (var i = profile.IndexOf("sRGB"u8); i >= 0; i = profile.IndexOf("sRGB"u8))
            profile[i] = (byte)'x'; // so the decoder does not take it for sRGB and skip the conversion
        return tiff;
    }

    [Theory]
    [InlineData("CMYK")] // found by fuzzing: a CMYK profile on RGB data made the conversion to sRGB throw
    [InlineData("RGB@")] // found by fuzzing: a colour space Magick.NET has no name for made reading the profile throw
    public void A_profile_that_cannot_be_used_is_ignored(string colourSpace)
    {
        var tiff = TiffWithProfile(profile => System.Text.Encoding.ASCII.GetBytes(colourSpace).CopyTo(profile[16..]));

        using var decoded = ImageDecoder.Decode(tiff, "cmyk-profile.tif");

        Assert.Equal((16, 12), (decoded.Width, decoded.Height));
        var topLeft = decoded.Bitmap.GetPixel(1, 1);
        Assert.True(topLeft.Red > 200 && topLeft.Green < 60 && topLeft.Blue < 60, $"top-left quadrant is {topLeft}");
    }
}
