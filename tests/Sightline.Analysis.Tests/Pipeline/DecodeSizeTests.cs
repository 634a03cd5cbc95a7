using Sightline.Imaging;

namespace Sightline.Analysis.Tests.Pipeline;

/// <summary>The one decode that serves every chosen task.</summary>
public sealed class DecodeSizeTests
{
    [Fact]
    public void Cover_requests_alone_cover_the_widest_and_the_tallest()
    {
        Assert.Equal(DecodeSize.Cover(512, 320), DecodeSize.Largest([DecodeSize.Cover(224, 224), DecodeSize.Cover(512, 288), DecodeSize.Cover(256, 320)]));
    }

    [Fact]
    public void A_within_request_is_grown_to_the_longest_side_a_cover_request_names()
    {
        Assert.Equal(DecodeSize.Within(2560, 2560), DecodeSize.Largest([DecodeSize.Cover(512, 512), DecodeSize.Within(2560, 2560)]));
        Assert.Equal(DecodeSize.Within(640, 640), DecodeSize.Largest([DecodeSize.Cover(640, 480), DecodeSize.Within(320, 200)]));
        Assert.Equal(DecodeSize.Within(800, 600), DecodeSize.Largest([DecodeSize.Within(800, 200), DecodeSize.Within(100, 600)]));
    }

    [Fact]
    public void Nothing_to_serve_is_refused()
    {
        Assert.Throws<ArgumentException>(() => DecodeSize.Largest([]));
    }
}
