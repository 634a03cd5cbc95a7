using System.Security.Cryptography;
using Sightline.Models.Registry;

namespace Sightline.Models.Tests.Registry;

public sealed class IntegrityTests
{
    [Fact]
    public void Parses_and_prints_npm_integrity_strings()
    {
        var data = "hello"u8.ToArray();
        var text = "sha512-" + Convert.ToBase64String(SHA512.HashData(data));
        var integrity = Integrity.Parse(text);
        Assert.Equal(HashAlgorithmName.SHA512, integrity.Algorithm);
        Assert.True(integrity.Matches(SHA512.HashData(data)));
        Assert.False(integrity.Matches(SHA512.HashData("hellO"u8.ToArray())));
        Assert.Equal(text, integrity.ToString());
    }

    [Theory]
    [InlineData("nodash")]
    [InlineData("md5-AAAA")]
    [InlineData("sha512-not*base64")]
    public void Refuses_malformed_integrity(string text) => Assert.ThrowsAny<FormatException>(() => Integrity.Parse(text));
}
