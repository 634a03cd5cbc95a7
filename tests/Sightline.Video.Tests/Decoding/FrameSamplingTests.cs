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

    [Fact]
    public void A_users_choice_is_one_mode_at_most_and_names_the_option_at_fault()
    {
        Assert.Equal(FrameSampling.All, FrameSampling.Choose(null, null, null));
        Assert.Equal(FrameSampling.EveryNth(4), FrameSampling.Choose(null, 4, null));
        Assert.Equal("fps", Assert.Throws<ArgumentException>(() => FrameSampling.Choose(5, 2, null)).ParamName);
        var e = Assert.Throws<ArgumentException>(() => FrameSampling.Choose(null, null, 1.5));
        Assert.Equal("scenes", e.ParamName);
        Assert.StartsWith("scenes:", e.Message);
    }

    [Fact]
    public void The_frames_to_expect_follow_from_the_video_and_the_sampling()
    {
        var video = new VideoInfo("v.mp4", 64, 48, 0, Duration: 10, FrameRate: 30, FrameCount: 300, "h264", "mp4", false);
        Assert.Equal(300, FrameSampling.All.ExpectedFrames(video));
        Assert.Equal(43, FrameSampling.EveryNth(7).ExpectedFrames(video));
        Assert.Equal(50, FrameSampling.Rate(5).ExpectedFrames(video));
        Assert.Null(FrameSampling.SceneChanges(0.3).ExpectedFrames(video));
    }
}
