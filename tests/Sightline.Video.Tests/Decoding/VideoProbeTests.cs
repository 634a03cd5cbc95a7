using Sightline.Imaging;
using Sightline.Video.Decoding;

namespace Sightline.Video.Tests.Decoding;

/// <summary>ffprobe's JSON as it describes real files; parsed without running ffprobe.</summary>
public class VideoProbeTests
{
    private const string Phone = """
        {"streams":[{"codec_type":"video","codec_name":"hevc","width":1920,"height":1080,"avg_frame_rate":"30000/1001","nb_frames":"90","duration":"3.003",
          "side_data_list":[{"side_data_type":"Display Matrix","rotation":-90}]},{"codec_type":"audio","codec_name":"aac"}],
         "format":{"format_name":"mov,mp4,m4a,3gp,3g2,mj2","duration":"3.01"}}
        """;

    [Fact]
    public void A_phone_video_turned_for_display_reports_the_upright_size()
    {
        var info = VideoProbe.Parse("clip.mov", Phone, ImageLimits.Default);
        Assert.Equal(90, info.Rotation);
        Assert.Equal(1080, info.Width);
        Assert.Equal(1920, info.Height);
        Assert.Equal(29.97, info.FrameRate, 2);
        Assert.Equal(90, info.FrameCount);
        Assert.True(info.HasAudio);
        Assert.Equal("hevc", info.Codec);
    }

    [Fact]
    public void A_still_image_is_not_a_video()
    {
        var e = Assert.Throws<VideoException>(() => VideoProbe.Parse("photo.mp4",
            """{"streams":[{"codec_type":"video","codec_name":"mjpeg","width":10,"height":10}],"format":{"format_name":"jpeg_pipe"}}""", ImageLimits.Default));
        Assert.Equal(VideoErrorKind.NotAVideo, e.Kind);
        Assert.Contains("image (jpeg)", e.Message);
        Assert.Contains("photo.mp4", e.Message);
    }

    [Fact]
    public void Audio_alone_or_cover_art_alone_has_no_video_stream()
    {
        var audio = Assert.Throws<VideoException>(() => VideoProbe.Parse("song.mp4",
            """{"streams":[{"codec_type":"audio"},{"codec_type":"video","width":300,"height":300,"disposition":{"attached_pic":1}}],"format":{"format_name":"mov,mp4"}}""", ImageLimits.Default));
        Assert.Equal(VideoErrorKind.NoVideoStream, audio.Kind);
        Assert.Equal("no_video_stream", audio.Code);
    }

    [Fact]
    public void A_stream_without_frames_or_beyond_the_pixel_limit_is_refused()
    {
        Assert.Equal(VideoErrorKind.NoFrames, Assert.Throws<VideoException>(() => VideoProbe.Parse("empty.mp4",
            """{"streams":[{"codec_type":"video","width":64,"height":48,"nb_frames":"0"}],"format":{"format_name":"mov,mp4"}}""", ImageLimits.Default)).Kind);
        Assert.Equal(VideoErrorKind.TooLarge, Assert.Throws<VideoException>(() => VideoProbe.Parse("huge.mp4",
            """{"streams":[{"codec_type":"video","width":20000,"height":20000}],"format":{"format_name":"mov,mp4"}}""", ImageLimits.Default)).Kind);
    }

    [Fact]
    public void A_showinfo_line_gives_the_frame_number_and_time()
    {
        var line = "[Parsed_showinfo_1 @ 0x5615239ef980] n:  12 pts:  18432 pts_time:1.2     pos:  44 fmt:yuv420p sar:1/1 s:620x370";
        Assert.Equal((12L, 1.2), VideoReader.ShowInfo(line));
        Assert.Null(VideoReader.ShowInfo("[Parsed_showinfo_1 @ 0x1] config in time_base: 1/15360"));
        Assert.Equal(23.07, VideoProbe.Rate("70880/3073")!.Value, 2);
        Assert.Null(VideoProbe.Rate("0/0"));
    }
}
