using Sightline.Faces.Attributes;
using Sightline.Faces.Descriptors;
using Sightline.Faces.Gallery;
using Sightline.Faces.Landmarks;
using Sightline.Vision.Detection;

namespace Sightline.Faces.Tests.Gallery;

public sealed class EnrolmentChoiceTests
{
    private static AnalyzedFace Face(float size, float quality = 0.9f, float yaw = 0, Identifiability? verdict = null) => new(new BoundingBox(10, 10, size, size),
        new BoundingBox(0, 0, 0.1f, 0.1f), 0.9f, [], null, new HeadPose(yaw, 0, 0),
        new FaceQuality(quality, 1, 1, 1), new FaceDescriptor("m", DescriptorMetric.Euclidean, new float[4]), null, null, null, verdict ?? Identifiability.Good);

    private static FaceAnalysis Photo(params AnalyzedFace[] faces) => new("p.jpg", 640, 480, faces, new Dictionary<string, string>(), default);

    [Fact]
    public void The_largest_face_is_enrolled_when_it_is_clearly_the_subject()
    {
        var subject = Face(120);
        var pick = EnrolmentChoice.Pick(Photo(Face(40), subject, Face(80)), 0.4f);
        Assert.Same(subject, pick.Face);
        Assert.Null(pick.Problem);
    }

    [Fact]
    public void Two_faces_of_similar_size_no_face_or_a_poor_face_give_nothing_and_say_why()
    {
        // 100 px against 120 px: 69 % of the area.
        var ambiguous = EnrolmentChoice.Pick(Photo(Face(120), Face(100)), 0.4f);
        Assert.Null(ambiguous.Face);
        Assert.Contains("similar size", ambiguous.Problem);
        Assert.Equal("no face found", EnrolmentChoice.Pick(Photo(), 0.4f).Problem);
        var poor = EnrolmentChoice.Pick(Photo(Face(120, quality: 0.2f)), 0.4f);
        Assert.Null(poor.Face);
        Assert.Contains("quality 0.20 is under 0.40", poor.Problem);
    }

    [Fact]
    public void A_face_too_poor_to_identify_or_turned_past_the_enrolment_bound_is_not_enrolled()
    {
        var cut = EnrolmentChoice.Pick(Photo(Face(120, verdict: new([Identifiability.CutByFrame]))), 0.4f);
        Assert.Null(cut.Face);
        Assert.Contains("too poor to identify (cut by the frame)", cut.Problem);

        // Turned 51°: identifiable as a query, but too turned for a reference.
        var turned = EnrolmentChoice.Pick(Photo(Face(120, yaw: -51)), 0.4f);
        Assert.Null(turned.Face);
        Assert.Contains("turned 51°", turned.Problem);
        Assert.NotNull(EnrolmentChoice.Pick(Photo(Face(120, yaw: IdentifiabilityRule.MaxEnrollYaw - 1)), 0.4f).Face);
    }
}
