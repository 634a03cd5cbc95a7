using Sightline.Video.Decoding;

namespace Sightline.Video.Tests.Decoding;

public class FrameSamplingTests
{
    [Fact]
    public void Each_mode_has_its_ffmpeg_filter()
    {
        Assert.Null(FrameSampling.All.Filter);
        Assert.Equal("fps=5", FrameSampling.Rate(5).Filter);
        Assert.Equal("select='not(mod(n\\,3))'", FrameSampling.EveryNth(3).Filter);
        Assert.Equal("select='eq(n\\,0)+gt(scene\\,0.3)'", FrameSampling.SceneChanges(0.3).Filter);
    }

    [Fact]
    public void Bad_values_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameSampling.Rate(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameSampling.EveryNth(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameSampling.SceneChanges(1));
    }

    [Fact]
    public void The_sampled_rate_never_exceeds_the_video_rate()
    {
        Assert.Equal(5, FrameSampling.Rate(5).SampledRate(30));
        Assert.Equal(24, FrameSampling.Rate(60).SampledRate(24));
        Assert.Equal(10, FrameSampling.EveryNth(3).SampledRate(30));
    }

    [Fact]
    public void An_image_sequence_at_30_fps_sampled_at_5_takes_every_sixth_frame()
    {
        var sampling = FrameSampling.Rate(5);
        double? last = null;
        var taken = new List<long>();
        for (var i = 0; i < 30; i++)
            if (sampling.Takes(i, i / 30.0, 30, last))
            {
                taken.Add(i);
                last = i / 30.0;
            }
        Assert.Equal(new long[] { 0, 6, 12, 18, 24 }, taken);
    }

    [Fact]
    public void Frame_numbers_come_from_the_sampling()
    {
        Assert.Equal(12, VideoReader.SourceIndex(FrameSampling.EveryNth(4), 3, 0.4, 30));
        Assert.Equal(15, VideoReader.SourceIndex(FrameSampling.Rate(2), 1, 0.5, 30));
        Assert.Equal(7, VideoReader.SourceIndex(FrameSampling.All, 7, 0.25, 30));
    }
}
