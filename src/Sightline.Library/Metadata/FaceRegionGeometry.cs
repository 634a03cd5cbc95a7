namespace Sightline.Library.Metadata;

/// <summary>Converts face-region rectangles as stored in XMP to <see cref="NormalizedRect"/> in the upright image.</summary>
internal static class FaceRegionGeometry
{
    /// <summary>
    /// An MWG area (stArea:x/y are the centre, w/h the size, fractions of the image as stored) as a top-left rectangle
    /// in the image after EXIF <paramref name="orientation"/> is applied; null with a warning when it lies outside the image.
    /// </summary>
    public static NormalizedRect? FromMwgArea(double centerX, double centerY, double width, double height, int orientation, string label, ICollection<string> warnings)
    {
        if (!IsFraction(centerX) || !IsFraction(centerY) || !IsFraction(width) || !IsFraction(height) || width <= 0 || height <= 0)
        {
            warnings.Add($"{label} area x={centerX}, y={centerY}, w={width}, h={height} is not inside the image (ignored)");
            return null;
        }
        var stored = Clamp(new NormalizedRect(centerX - width / 2, centerY - height / 2, width, height));
        return ToUpright(stored, orientation);
    }

    /// <summary>A top-left rectangle of the stored image, seen in the upright image for EXIF orientation 1-8.</summary>
    public static NormalizedRect ToUpright(NormalizedRect r, int orientation) => orientation switch
    {
        2 => r with { X = 1 - r.X - r.Width },
        3 => r with { X = 1 - r.X - r.Width, Y = 1 - r.Y - r.Height },
        4 => r with { Y = 1 - r.Y - r.Height },
        // Orientations 5-8 swap the axes: a stored point (u, v) shows at (v, u), (1-v, u), (1-v, 1-u) or (v, 1-u).
        5 => new NormalizedRect(r.Y, r.X, r.Height, r.Width),
        6 => new NormalizedRect(1 - r.Y - r.Height, r.X, r.Height, r.Width),
        7 => new NormalizedRect(1 - r.Y - r.Height, 1 - r.X - r.Width, r.Height, r.Width),
        8 => new NormalizedRect(r.Y, 1 - r.X - r.Width, r.Height, r.Width),
        _ => r,
    };

    /// <summary>Keeps a rectangle whose centre is inside the image within it (programs round areas at the border).</summary>
    public static NormalizedRect Clamp(NormalizedRect r)
    {
        var left = Math.Clamp(r.X, 0, 1);
        var top = Math.Clamp(r.Y, 0, 1);
        var right = Math.Clamp(r.X + r.Width, 0, 1);
        var bottom = Math.Clamp(r.Y + r.Height, 0, 1);
        return new NormalizedRect(left, top, right - left, bottom - top);
    }

    private static bool IsFraction(double value) => double.IsFinite(value) && value is >= 0 and <= 1;
}
