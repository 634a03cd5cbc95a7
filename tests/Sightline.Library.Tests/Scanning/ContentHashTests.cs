using Sightline.Library.Scanning;
using Sightline.Library.Tests.Support;
using Sightline.Tests.Shared;

namespace Sightline.Library.Tests.Scanning;

public class ContentHashTests
{
    [Fact]
    public void Of_IsLowerCaseHexSha256()
    {
        // FIPS 180-2's example.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ContentHash.Of("abc"u8));
        Assert.True(ContentHash.IsValid(ContentHash.Of([])));
        Assert.False(ContentHash.IsValid("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
    }

    [Fact]
    public async Task OfFileAsync_StreamsToTheSameHash_AcrossBufferBoundaries()
    {
        using var dir = new TempFolder();
        byte[] data = new byte[(3 << 20) + 12345];
        new Random(7).NextBytes(data);
        string file = dir.Write("big.bin", data);

        Assert.Equal(ContentHash.Of(data), await ContentHash.OfFileAsync(file));
    }

    [Fact]
    public async Task CopiesUnderOtherNames_HashAlike_AndAnEditDoesNot()
    {
        string folder = Path.Combine(TestPaths.Data("photo-collection"), "photoprism-examples");
        string original = await ContentHash.OfFileAsync(Path.Combine(folder, "IMG_4120.JPG"));

        Assert.Equal(original, await ContentHash.OfFileAsync(Path.Combine(folder, "IMG_4120 (1).JPG")));
        Assert.Equal(original, ContentHash.Of(File.ReadAllBytes(Path.Combine(folder, "IMG_4120 copy.JPG"))));
        Assert.NotEqual(original, await ContentHash.OfFileAsync(Path.Combine(folder, "IMG_E4120.JPG")));
    }
}
