using Sightline.Faces.Detection;
using Sightline.Faces.Landmarks;

namespace Sightline.Faces.Tests.Landmarks;

public sealed class FaceLandmarksTests
{
    /// <summary>A frontal face in the 68-point layout, 100 px wide, centred at (200, 200), tilted by <paramref name="roll"/> degrees.</summary>
    internal static FacePoint[] Frontal(float roll = 0, float noseShift = 0)
    {
        var p = new FacePoint[68];
        for (var i = 0; i <= 16; i++)
        {
            var a = MathF.PI * i / 16;
            p[i] = new FacePoint(-50 * MathF.Cos(a), 60 * MathF.Sin(a) - 10);
        }
        for (var i = 17; i <= 26; i++)
            p[i] = new FacePoint(-40 + (i - 17) * 80f / 9, -35);
        for (var i = 27; i <= 35; i++)
            p[i] = new FacePoint(noseShift, -25 + (i - 27) * 4);
        p[30] = new FacePoint(noseShift, 8);
        for (var i = 36; i <= 41; i++)
            p[i] = new FacePoint(-25 + 8 * MathF.Cos(MathF.PI * (i - 36) / 3), -15 + 3 * MathF.Sin(MathF.PI * (i - 36) / 3));
        for (var i = 42; i <= 47; i++)
            p[i] = new FacePoint(25 + 8 * MathF.Cos(MathF.PI * (i - 42) / 3), -15 + 3 * MathF.Sin(MathF.PI * (i - 42) / 3));
        for (var i = 48; i <= 67; i++)
            p[i] = new FacePoint(-20 + 40 * (i - 48) / 19f, 30);
        p[48] = new FacePoint(-20, 30);
        p[54] = new FacePoint(20, 30);
        var c = MathF.Cos(roll * MathF.PI / 180);
        var s = MathF.Sin(roll * MathF.PI / 180);
        return p.Select(q => new FacePoint(200 + q.X * c - q.Y * s, 200 + q.X * s + q.Y * c)).ToArray();
    }

    [Fact]
    public void Five_points_are_eye_centres_nose_tip_and_mouth_corners()
    {
        var five = FaceLandmarks.FivePoints(Frontal());

        Assert.Equal(175, five[0].X, 2);
        Assert.Equal(225, five[1].X, 2);
        Assert.Equal(185, five[0].Y, 0.5);
        Assert.Equal(new FacePoint(200, 208), five[2]);
        Assert.Equal(new FacePoint(180, 230), five[3]);
        Assert.Equal(new FacePoint(220, 230), five[4]);
    }

    [Fact]
    public void Aligned_box_is_the_landmark_bounds_grown_by_a_fifth()
    {
        var box = FaceLandmarks.AlignedBox(Frontal());

        // Bounds: x 150..250, y 165..250 (brows at -35, chin at +50).
        Assert.Equal(150 - 10, box.X, 2);
        Assert.Equal(120, box.Width, 2);
        Assert.Equal(165 - 8.5f, box.Y, 2);
        Assert.Equal(85 * 1.2f, box.Height, 2);
    }

    [Fact]
    public void Pose_reads_roll_and_a_turned_head()
    {
        var straight = FaceLandmarks.Pose(Frontal());
        var tilted = FaceLandmarks.Pose(Frontal(roll: 20));
        var turned = FaceLandmarks.Pose(Frontal(noseShift: 25));

        Assert.Equal(0, straight.Roll, 1);
        Assert.Equal(0, straight.Yaw, 1);
        Assert.Equal(20, tilted.Roll, 1);
        Assert.Equal(0, tilted.Yaw, 1);
        Assert.Equal(30, turned.Yaw, 1);
        // The synthetic face's nose tip sits 23/45 of the way from the eye line (y -15) to the mouth (y 30),
        // higher than on a level face: the head is read as tilted up.
        Assert.Equal((23f / 45 - 0.6f) * 180, straight.Pitch, 0.5);
    }

    [Fact]
    public void Other_point_counts_are_refused()
    {
        Assert.Throws<ArgumentException>(() => FaceLandmarks.FivePoints(new FacePoint[5]));
    }
}
