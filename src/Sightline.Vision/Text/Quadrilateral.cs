using System.Text.Json.Serialization;
using Sightline.Vision.Detection;

namespace Sightline.Vision.Text;

/// <summary>A point in pixels.</summary>
public readonly record struct PointF(float X, float Y);

/// <summary>
/// A text region's four corners in reading order: top-left, top-right, bottom-right, bottom-left of the text as it
/// reads (for a line turned on the page, "top" is the side its letters' tops face).
/// </summary>
public readonly record struct Quadrilateral(PointF TopLeft, PointF TopRight, PointF BottomRight, PointF BottomLeft)
{
    [JsonIgnore] public float Width => Math.Max(Distance(TopLeft, TopRight), Distance(BottomLeft, BottomRight));
    [JsonIgnore] public float Height => Math.Max(Distance(TopLeft, BottomLeft), Distance(TopRight, BottomRight));

    /// <summary>The corners as a list, top-left first, clockwise.</summary>
    [JsonIgnore] public PointF[] Points => [TopLeft, TopRight, BottomRight, BottomLeft];

    /// <summary>The axis-aligned box around the corners.</summary>
    public BoundingBox Bounds()
    {
        var points = Points;
        var minX = points.Min(p => p.X);
        var minY = points.Min(p => p.Y);
        return new BoundingBox(minX, minY, points.Max(p => p.X) - minX, points.Max(p => p.Y) - minY);
    }

    /// <summary>The same region read a quarter turn further clockwise (its old top-right becomes its top-left).</summary>
    public Quadrilateral TurnedQuarter() => new(TopRight, BottomRight, BottomLeft, TopLeft);

    /// <summary>The same region read upside down.</summary>
    public Quadrilateral TurnedHalf() => new(BottomRight, BottomLeft, TopLeft, TopRight);

    public Quadrilateral Scaled(float sx, float sy) =>
        new(new(TopLeft.X * sx, TopLeft.Y * sy), new(TopRight.X * sx, TopRight.Y * sy),
            new(BottomRight.X * sx, BottomRight.Y * sy), new(BottomLeft.X * sx, BottomLeft.Y * sy));

    /// <summary>
    /// Four corners in any order put in the image's reading order: the two leftmost points are the left side,
    /// the upper of each side its top.
    /// </summary>
    public static Quadrilateral FromCorners(IReadOnlyList<PointF> corners)
    {
        if (corners.Count != 4)
            throw new ArgumentException($"a quadrilateral has 4 corners, not {corners.Count}", nameof(corners));
        var byX = corners.OrderBy(p => p.X).ThenBy(p => p.Y).ToArray();
        var (topLeft, bottomLeft) = byX[0].Y <= byX[1].Y ? (byX[0], byX[1]) : (byX[1], byX[0]);
        var (topRight, bottomRight) = byX[2].Y <= byX[3].Y ? (byX[2], byX[3]) : (byX[3], byX[2]);
        return new Quadrilateral(topLeft, topRight, bottomRight, bottomLeft);
    }

    internal static float Distance(PointF a, PointF b) => MathF.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
}
