using Sightline.Imaging.Tests.Support;
using SkiaSharp;

namespace Sightline.Imaging.Tests;

/// <summary>Choice of the codec's native decode scale (JPEG DCT scaling).</summary>
public sealed class DecodePlannerTests
{
    private static readonly SKSizeI Photo = new(4000, 3000);

    /// <summary>What libjpeg reports for scale n/8: the size rounded up.</summary>
    private static Func<float, SKSizeI> JpegLike(SKSizeI full) =>
        scale => new SKSizeI((int)Math.Ceiling(full.Width * scale), (int)Math.Ceiling(full.Height * scale));

    private static Func<float, SKSizeI> CannotScale(SKSizeI full) => _ => full;

    [Fact]
    public void Within1024_PicksHalf_BecauseQuarterIsTooSmall()
    {
        DecodePlan plan = DecodePlanner.Plan(Photo, 1, DecodeSize.Within(1024, 1024), JpegLike(Photo));

        Assert.Equal(0.5f, plan.Scale);
        Assert.Equal(new SKSizeI(2000, 1500), plan.CodecSize);
        Assert.Equal(new SKSizeI(1024, 768), plan.FinalSize);
    }

    [Fact]
    public void Cover224_PicksEighth()
    {
        DecodePlan plan = DecodePlanner.Plan(Photo, 1, DecodeSize.Cover(224, 224), JpegLike(Photo));

        Assert.Equal(0.125f, plan.Scale);
        Assert.Equal(new SKSizeI(500, 375), plan.CodecSize);
        Assert.Equal(new SKSizeI(500, 375), plan.FinalSize);
    }

    [Fact]
    public void Cover_NeedsBothSides()
    {
        // 1/8 gives 500x375: wide enough for 400 but not tall enough for 400.
        DecodePlan plan = DecodePlanner.Plan(Photo, 1, DecodeSize.Cover(400, 400), JpegLike(Photo));
        Assert.Equal(0.25f, plan.Scale);
        Assert.Equal(new SKSizeI(1000, 750), plan.FinalSize);
    }

    [Fact]
    public void Orientation_RequestIsUpright_SoItIsSwappedBeforeChoosing()
    {
        // Stored landscape 4000x3000 with orientation 6 is upright portrait 3000x4000.
        // Upright Cover(350, 480) needs stored 480x350, which 1/8 (500x375) satisfies; without the
        // swap 375 < 480 would force 1/4.
        DecodePlan cover = DecodePlanner.Plan(Photo, 6, DecodeSize.Cover(350, 480), JpegLike(Photo));
        Assert.Equal(0.125f, cover.Scale);
        Assert.Equal(new SKSizeI(375, 500), cover.FinalSize);

        DecodePlan within = DecodePlanner.Plan(Photo, 6, DecodeSize.Within(1024, 1024), JpegLike(Photo));
        Assert.Equal(0.5f, within.Scale);
        Assert.Equal(new SKSizeI(2000, 1500), within.CodecSize);
        Assert.Equal(new SKSizeI(768, 1024), within.FinalSize);
    }

    [Fact]
    public void NoRequest_DecodesFullSize()
    {
        DecodePlan plan = DecodePlanner.Plan(Photo, 8, null, JpegLike(Photo));
        Assert.Equal(1f, plan.Scale);
        Assert.Equal(Photo, plan.CodecSize);
        Assert.Equal(new SKSizeI(3000, 4000), plan.FinalSize);
    }

    [Fact]
    public void CodecThatCannotScale_DecodesFullThenResizes()
    {
        DecodePlan plan = DecodePlanner.Plan(Photo, 1, DecodeSize.Within(1024, 1024), CannotScale(Photo));
        Assert.Equal(1f, plan.Scale);
        Assert.Equal(Photo, plan.CodecSize);
        Assert.Equal(new SKSizeI(1024, 768), plan.FinalSize);
    }

    [Theory]
    [InlineData(DecodeFit.Cover)]
    [InlineData(DecodeFit.Within)]
    public void NeverUpscales(DecodeFit fit)
    {
        var small = new SKSizeI(300, 200);
        DecodePlan plan = DecodePlanner.Plan(small, 1, new DecodeSize(1000, 1000, fit), JpegLike(small));
        Assert.Equal(1f, plan.Scale);
        Assert.Equal(small, plan.FinalSize);
    }

    [Fact]
    public void Cover_OriginalSmallerOnOneSide_KeepsFullResolution()
    {
        var wide = new SKSizeI(2000, 100);
        DecodePlan plan = DecodePlanner.Plan(wide, 1, DecodeSize.Cover(224, 224), JpegLike(wide));
        Assert.Equal(1f, plan.Scale);
        Assert.Equal(wide, plan.FinalSize);
    }

    [Theory]
    [InlineData(4000, 3000, 224, 224, 224, 168)]
    [InlineData(3000, 4000, 224, 224, 168, 224)]
    [InlineData(4000, 3000, 100, 50, 67, 50)]
    [InlineData(4000, 3000, 4000, 10000, 4000, 3000)]
    [InlineData(1000, 1, 10, 10, 10, 1)]
    public void WithinTarget_KeepsAspect_LimitingSideExact(int w, int h, int boxW, int boxH, int expectedW, int expectedH)
    {
        SKSizeI target = DecodePlanner.TargetSize(new SKSizeI(w, h), DecodeSize.Within(boxW, boxH));
        Assert.Equal(new SKSizeI(expectedW, expectedH), target);
    }

    [Fact]
    public void RealJpegCodec_ReportsTheScalesThePlannerExpects()
    {
        using SKCodec codec = SKCodec.Create(SKData.CreateCopy(TestImages.LargeJpeg));
        Assert.Equal(new SKSizeI(500, 375), codec.GetScaledDimensions(0.125f));
        Assert.Equal(new SKSizeI(1000, 750), codec.GetScaledDimensions(0.25f));
        Assert.Equal(new SKSizeI(2000, 1500), codec.GetScaledDimensions(0.5f));

        DecodePlan plan = DecodePlanner.Plan(Photo, 1, DecodeSize.Within(1024, 1024), codec.GetScaledDimensions);
        Assert.Equal(0.5f, plan.Scale);
    }

    [Fact]
    public void RealPngCodec_CannotScale()
    {
        using SKCodec codec = SKCodec.Create(SKData.CreateCopy(TestImages.QuadrantPng(400, 300)));
        DecodePlan plan = DecodePlanner.Plan(new SKSizeI(400, 300), 1, DecodeSize.Cover(50, 50), codec.GetScaledDimensions);
        Assert.Equal(1f, plan.Scale);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(10, -1)]
    public void DecodeSize_RejectsNonPositive(int w, int h)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DecodeSize.Cover(w, h));
        Assert.Throws<ArgumentOutOfRangeException>(() => DecodeSize.Within(w, h));
    }
}
