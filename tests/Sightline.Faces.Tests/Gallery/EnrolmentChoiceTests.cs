using Sightline.Faces.Attributes;
using Sightline.Faces.Descriptors;
using Sightline.Faces.Gallery;
using Sightline.Vision.Detection;

namespace Sightline.Faces.Tests.Gallery;

public sealed class EnrolmentChoiceTests
{
    private static AnalyzedFace Face(float size, float quality = 0.9f) => new(new BoundingBox(10, 10, size, size), new BoundingBox(0, 0, 0.1f, 0.1f), 0.9f, [], null, null,
        new FaceQuality(quality, 1, 1, 1), new FaceDescriptor("m", DescriptorMetric.Euclidean, new float[4]), null, null, null);

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
}
