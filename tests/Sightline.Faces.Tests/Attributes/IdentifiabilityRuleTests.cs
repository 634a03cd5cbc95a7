using Sightline.Faces.Attributes;
using Sightline.Faces.Detection;
using Sightline.Faces.Landmarks;
using Sightline.Faces.Tests.Landmarks;
using Sightline.Vision.Detection;

namespace Sightline.Faces.Tests.Attributes;

public sealed class IdentifiabilityRuleTests
{
    // The synthetic face spans x 150..250, y 165..250 around (200, 200); its aligned box is 120 px wide.
    private static readonly FacePoint[] Face = FaceLandmarksTests.Frontal();
    private static readonly HeadPose Level = new(0, 0, 0);

    private static Identifiability Judge(FacePoint[]? points = null, HeadPose? pose = null, float width = 120, float? sharpness = 0.8f,
        int imageWidth = 400, int imageHeight = 400) =>
        IdentifiabilityRule.Judge(points ?? Face, imageWidth, imageHeight, pose ?? Level, width, sharpness);

    private static FacePoint[] Shifted(float dx, float dy) => Face.Select(p => new FacePoint(p.X + dx, p.Y + dy)).ToArray();

    [Fact]
    public void A_frontal_sharp_face_well_inside_the_image_is_identifiable()
    {
        var verdict = Judge();
        Assert.True(verdict.Identifiable);
        Assert.Empty(verdict.Reasons);
        Assert.Null(verdict.Summary);
    }

    [Fact]
    public void A_face_reaching_out_of_the_frame_by_more_than_a_small_share_is_cut()
    {
        // Landmarks x 150..250 moved left by 165: 15 of the 100 px lie left of the image.
        var cut = Judge(Shifted(-165, 0));
        Assert.False(cut.Identifiable);
        Assert.Equal([Identifiability.CutByFrame], cut.Reasons);
        // 8 px of 100 is within the tolerance; so is touching the bottom edge.
        Assert.True(Judge(Shifted(-158, 0)).Identifiable);
        Assert.True(Judge(imageHeight: 251).Identifiable);
        // Below the image: 20 of the 85 px.
        Assert.Equal([Identifiability.CutByFrame], Judge(imageHeight: 230).Reasons);
    }

    [Theory]
    [InlineData(74, true)]
    [InlineData(-74, true)]
    [InlineData(76, false)]
    [InlineData(-90, false)]
    [InlineData(float.NaN, false)]
    public void A_face_turned_beyond_the_descriptor_s_range_is_a_profile(float yaw, bool identifiable)
    {
        var verdict = Judge(pose: new HeadPose(yaw, 5, 0));
        Assert.Equal(identifiable, verdict.Identifiable);
        if (!identifiable)
            Assert.Equal([Identifiability.Profile], verdict.Reasons);
    }

    [Theory]
    [InlineData(-74, true)]
    [InlineData(74, true)]
    [InlineData(-90, false)]
    [InlineData(80, false)]
    public void A_face_tilted_beyond_the_descriptor_s_range_is_too_poor(float pitch, bool identifiable)
    {
        var verdict = Judge(pose: new HeadPose(10, pitch, 0));
        Assert.Equal(identifiable, verdict.Identifiable);
        if (!identifiable)
            Assert.Equal([Identifiability.Tilted], verdict.Reasons);
    }

    [Fact]
    public void Tiny_and_blurred_faces_are_too_poor_and_every_reason_is_given()
    {
        Assert.Equal([Identifiability.TooSmall], Judge(width: IdentifiabilityRule.MinFaceWidth - 1).Reasons);
        Assert.True(Judge(width: IdentifiabilityRule.MinFaceWidth).Identifiable);
        Assert.Equal([Identifiability.Blurred], Judge(sharpness: IdentifiabilityRule.MinSharpness - 0.01f).Reasons);
        // Without a quality measurement sharpness is not judged.
        Assert.True(Judge(sharpness: null).Identifiable);

        var all = Judge(Shifted(-170, 0), new HeadPose(-88, 0, 0), 20, 0.05f);
        Assert.Equal([Identifiability.CutByFrame, Identifiability.Profile, Identifiability.TooSmall, Identifiability.Blurred], all.Reasons);
        Assert.Equal("cut by the frame, profile, too small, blurred", all.Summary);
    }

    [Fact]
    public void Outside_share_is_the_part_of_the_box_beyond_the_image()
    {
        Assert.Equal(0, IdentifiabilityRule.OutsideShare(new BoundingBox(10, 10, 50, 50), 100, 100), 4);
        Assert.Equal(0.25f, IdentifiabilityRule.OutsideShare(new BoundingBox(-10, 0, 40, 40), 100, 100), 4);
        Assert.Equal(0.75f, IdentifiabilityRule.OutsideShare(new BoundingBox(80, 80, 40, 40), 100, 100), 4);
        Assert.Equal(1, IdentifiabilityRule.OutsideShare(new BoundingBox(200, 200, 40, 40), 100, 100), 4);
        Assert.Equal(1, IdentifiabilityRule.OutsideShare(default, 100, 100), 4);
    }
}
