using System.Text.Json.Serialization;

namespace Sightline.Vision.Detection;

/// <summary>An axis-aligned box in pixels: top-left corner, width and height.</summary>
public readonly record struct BoundingBox(float X, float Y, float Width, float Height)
{
    // Derived values stay out of the JSON that the CLI and the API return: x, y, width, height say it all.
    [JsonIgnore] public float Right => X + Width;
    [JsonIgnore] public float Bottom => Y + Height;
    [JsonIgnore] public float Area => Math.Max(0, Width) * Math.Max(0, Height);

    public static BoundingBox FromCorners(float x1, float y1, float x2, float y2) => new(x1, y1, x2 - x1, y2 - y1);

    /// <summary>Intersection over union; 0 when either box is empty.</summary>
    public static float IoU(in BoundingBox a, in BoundingBox b)
    {
        var intersection = Intersection(a, b);
        var union = a.Area + b.Area - intersection;
        return union <= 0 ? 0 : intersection / union;
    }

    public static float Intersection(in BoundingBox a, in BoundingBox b)
    {
        var w = Math.Min(a.Right, b.Right) - Math.Max(a.X, b.X);
        var h = Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Y, b.Y);
        return w <= 0 || h <= 0 ? 0 : w * h;
    }

    /// <summary>How much of the smaller box lies inside the other (intersection over the smaller area); 0 when either is empty.</summary>
    public static float Containment(in BoundingBox a, in BoundingBox b)
    {
        var smaller = Math.Min(a.Area, b.Area);
        return smaller <= 0 ? 0 : Intersection(a, b) / smaller;
    }

    /// <summary>This box clipped to a width x height image.</summary>
    public BoundingBox Clip(float width, float height)
    {
        var x1 = Math.Clamp(X, 0, width);
        var y1 = Math.Clamp(Y, 0, height);
        return FromCorners(x1, y1, Math.Clamp(Right, x1, width), Math.Clamp(Bottom, y1, height));
    }

    /// <summary>The same box as fractions of the image size (0-1).</summary>
    public BoundingBox Normalized(float width, float height) => new(X / width, Y / height, Width / width, Height / height);
}
