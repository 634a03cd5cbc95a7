using Sightline.Faces.Detection;
using Sightline.Vision.Detection;

namespace Sightline.Faces.Landmarks;

/// <summary>
/// Geometry of the 68-point (iBUG 300-W) landmark layout: 0-16 jaw, 17-26 brows, 27-35 nose, 36-41 right
/// eye, 42-47 left eye (as seen from the subject), 48-67 mouth. Pure functions.
/// </summary>
public static class FaceLandmarks
{
    public const int Count68 = 68;

    /// <summary>
    /// The five points most face tools exchange: right eye centre, left eye centre, nose tip, right and
    /// left mouth corner (subject's right first, which is the image's left for a frontal face).
    /// </summary>
    public static FacePoint[] FivePoints(IReadOnlyList<FacePoint> points)
    {
        Check(points);
        return [Mean(points, 36, 42), Mean(points, 42, 48), points[30], points[48], points[54]];
    }

    /// <summary>
    /// The box face-api aligns a face to before describing it: the landmarks' bounding box grown by 20 %
    /// of its size (10 % on each side).
    /// </summary>
    public static BoundingBox AlignedBox(IReadOnlyList<FacePoint> points, float padding = 0.2f)
    {
        Check(points);
        float x1 = float.MaxValue, y1 = float.MaxValue, x2 = float.MinValue, y2 = float.MinValue;
        foreach (var p in points)
        {
            x1 = Math.Min(x1, p.X);
            y1 = Math.Min(y1, p.Y);
            x2 = Math.Max(x2, p.X);
            y2 = Math.Max(y2, p.Y);
        }
        float w = x2 - x1, h = y2 - y1;
        return new BoundingBox(x1 - w * padding / 2, y1 - h * padding / 2, w * (1 + padding), h * (1 + padding));
    }

    /// <summary>
    /// Head pose from the landmarks, in degrees: roll from the eye line; yaw from where the nose tip
    /// sits between the eye-line ends (0 frontal, ±90 profile); pitch from the nose tip's height between
    /// the eyes and the mouth. Rough (no 3-D model), good enough to rank faces by how frontal they are.
    /// </summary>
    public static HeadPose Pose(IReadOnlyList<FacePoint> points)
    {
        var five = FivePoints(points);
        var (rightEye, leftEye, nose) = (five[0], five[1], five[2]);
        var mouth = new FacePoint((five[3].X + five[4].X) / 2, (five[3].Y + five[4].Y) / 2);
        var roll = MathF.Atan2(leftEye.Y - rightEye.Y, leftEye.X - rightEye.X) * 180 / MathF.PI;

        // Work in the face's own frame: rotate by -roll about the eye midpoint.
        var cx = (rightEye.X + leftEye.X) / 2;
        var cy = (rightEye.Y + leftEye.Y) / 2;
        var cos = MathF.Cos(-roll * MathF.PI / 180);
        var sin = MathF.Sin(-roll * MathF.PI / 180);
        (float X, float Y) Local(FacePoint p) => ((p.X - cx) * cos - (p.Y - cy) * sin, (p.X - cx) * sin + (p.Y - cy) * cos);
        var jawRight = Local(points[0]);
        var jawLeft = Local(points[16]);
        var n = Local(nose);
        var m = Local(mouth);
        var halfWidth = Math.Max(1e-3f, (jawLeft.X - jawRight.X) / 2);
        var centre = (jawLeft.X + jawRight.X) / 2;
        var yaw = MathF.Asin(Math.Clamp((n.X - centre) / halfWidth, -1, 1)) * 180 / MathF.PI;
        // On a level face the nose tip sits about 60 % of the way from the eye line to the mouth (the
        // median over the 40 faces-bbt crops, most of them facing the camera).
        var pitch = m.Y <= 1e-3f ? 0 : (n.Y / m.Y - LevelNoseRatio) * 180;
        return new HeadPose(yaw, Math.Clamp(pitch, -90, 90), roll);
    }

    private const float LevelNoseRatio = 0.6f;

    private static FacePoint Mean(IReadOnlyList<FacePoint> points, int from, int to)
    {
        float x = 0, y = 0;
        for (var i = from; i < to; i++)
        {
            x += points[i].X;
            y += points[i].Y;
        }
        return new FacePoint(x / (to - from), y / (to - from));
    }

    private static void Check(IReadOnlyList<FacePoint> points)
    {
        if (points.Count != Count68)
            throw new ArgumentException($"expected {Count68} landmarks, got {points.Count}", nameof(points));
    }
}

/// <summary>Head rotation in degrees: yaw (left/right), pitch (up/down), roll (in-plane tilt).</summary>
public readonly record struct HeadPose(float Yaw, float Pitch, float Roll);
