using Sightline.Faces.Alignment;
using Sightline.Faces.Detection;
using Sightline.Faces.Landmarks;
using SkiaSharp;

namespace Sightline.Faces.Tests.Alignment;

public sealed class ArcFaceChipTests
{
    /// <summary>
    /// 68 landmarks whose five points (eye centres, nose tip, mouth corners) are the template's on a 112-pixel
    /// chip, placed in the image by a similarity of <paramref name="scale"/>, <paramref name="degrees"/> and shift.
    /// </summary>
    private static FacePoint[] Face(float scale, float degrees, float shiftX, float shiftY)
    {
        var c = MathF.Cos(degrees * MathF.PI / 180) * scale;
        var s = MathF.Sin(degrees * MathF.PI / 180) * scale;
        FacePoint Place(FacePoint p) => new(c * p.X - s * p.Y + shiftX, s * p.X + c * p.Y + shiftY);
        // Points outside the five sit on a rough outline, so a fit that used them would miss the template.
        var points = Enumerable.Range(0, 68).Select(i => new FacePoint(56 + 50 * MathF.Cos(i), 56 + 50 * MathF.Sin(i))).ToArray();
        // Each eye's six points around its template centre, so the centre is their mean.
        for (var eye = 0; eye < 2; eye++)
        {
            var centre = ArcFaceChip.TemplatePoint(eye, ArcFaceChip.TemplateSize);
            for (var k = 0; k < 6; k++)
                points[36 + 6 * eye + k] = new FacePoint(centre.X + 5 * MathF.Cos(k * MathF.PI / 3), centre.Y + 2 * MathF.Sin(k * MathF.PI / 3));
        }
        points[30] = ArcFaceChip.TemplatePoint(2, ArcFaceChip.TemplateSize);
        points[48] = ArcFaceChip.TemplatePoint(3, ArcFaceChip.TemplateSize);
        points[54] = ArcFaceChip.TemplatePoint(4, ArcFaceChip.TemplateSize);
        return points.Select(Place).ToArray();
    }

    [Theory]
    [InlineData(1, 0, 0, 0, 112)]
    [InlineData(2.5f, 25, 300, 120, 112)]
    [InlineData(0.6f, -35, 40, 400, 224)]
    public void The_five_points_land_on_insightfaces_template_whatever_the_faces_size_tilt_and_place(float scale, float degrees, float x, float y, int size)
    {
        var face = Face(scale, degrees, x, y);

        var toChip = ArcFaceChip.ToChip(face, size);

        var five = FaceLandmarks.FivePoints(face);
        for (var k = 0; k < 5; k++)
        {
            var mapped = toChip.MapPoint(five[k].X, five[k].Y);
            var expected = ArcFaceChip.TemplatePoint(k, size);
            Assert.Equal(expected.X, mapped.X, 2);
            Assert.Equal(expected.Y, mapped.Y, 2);
        }
    }

    [Fact]
    public void The_template_puts_the_subjects_right_eye_on_the_left_above_the_nose_and_mouth()
    {
        var rightEye = ArcFaceChip.TemplatePoint(0, 112);
        var leftEye = ArcFaceChip.TemplatePoint(1, 112);
        var nose = ArcFaceChip.TemplatePoint(2, 112);
        var mouthRight = ArcFaceChip.TemplatePoint(3, 112);
        var mouthLeft = ArcFaceChip.TemplatePoint(4, 112);

        Assert.True(rightEye.X < nose.X && nose.X < leftEye.X);
        Assert.True(rightEye.Y < nose.Y && nose.Y < mouthRight.Y);
        Assert.True(mouthRight.X < mouthLeft.X);
        Assert.Equal(56, (rightEye.X + leftEye.X) / 2, 0);
    }

    [Fact]
    public void The_template_scales_with_the_chip()
    {
        var small = ArcFaceChip.TemplatePoint(3, 112);
        var large = ArcFaceChip.TemplatePoint(3, 224);

        Assert.Equal(2 * small.X, large.X, 3);
        Assert.Equal(2 * small.Y, large.Y, 3);
    }

    [Fact]
    public void Wrong_landmark_counts_and_sizes_are_refused_by_name()
    {
        var five = Enumerable.Range(0, 5).Select(i => new FacePoint(i, i)).ToArray();

        Assert.Equal("landmarks68", Assert.Throws<ArgumentException>(() => ArcFaceChip.ToChip(five, 112)).ParamName);
        Assert.Equal("size", Assert.Throws<ArgumentOutOfRangeException>(() => ArcFaceChip.ToChip(Face(1, 0, 0, 0), 0)).ParamName);
        Assert.Equal("index", Assert.Throws<ArgumentOutOfRangeException>(() => ArcFaceChip.TemplatePoint(5, 112)).ParamName);
    }
}
