using Sightline.Vision.Detection;

namespace Sightline.Vision.Segmentation.Masks;

/// <summary>
/// A pixel mask: one byte per pixel, row-major, 1 inside and 0 outside. The pixels are shared, not
/// copied: treat <see cref="Data"/> as read-only once the mask is handed on.
/// </summary>
public sealed class BinaryMask
{
    public BinaryMask(int width, int height, byte[]? data = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        if (data is not null && data.Length != width * height)
            throw new ArgumentException($"{data.Length} values cannot be a {width}x{height} mask", nameof(data));
        Width = width;
        Height = height;
        Data = data ?? new byte[width * height];
    }

    public int Width { get; }
    public int Height { get; }
    public byte[] Data { get; }

    public bool this[int x, int y] => Data[y * Width + x] != 0;

    /// <summary>Pixels inside the mask.</summary>
    public int Area
    {
        get
        {
            var area = 0;
            foreach (var v in Data)
                if (v != 0) area++;
            return area;
        }
    }

    public bool IsEmpty => Data.AsSpan().IndexOfAnyExcept((byte)0) < 0;

    /// <summary>The smallest box around the mask's pixels (whole pixels), or null for an empty mask.</summary>
    public BoundingBox? Bounds()
    {
        int x1 = Width, y1 = Height, x2 = -1, y2 = -1;
        for (var y = 0; y < Height; y++)
        {
            var row = y * Width;
            for (var x = 0; x < Width; x++)
                if (Data[row + x] != 0)
                {
                    if (x < x1) x1 = x;
                    if (x > x2) x2 = x;
                    if (y < y1) y1 = y;
                    y2 = y;
                }
        }
        return x2 < 0 ? null : new BoundingBox(x1, y1, x2 - x1 + 1, y2 - y1 + 1);
    }

    /// <summary>The pixels whose centres lie inside <paramref name="box"/>: the "box as mask" baseline.</summary>
    public static BinaryMask FromBox(BoundingBox box, int width, int height)
    {
        var mask = new BinaryMask(width, height);
        var x1 = Math.Clamp((int)MathF.Round(box.X), 0, width);
        var x2 = Math.Clamp((int)MathF.Round(box.Right), x1, width);
        var y1 = Math.Clamp((int)MathF.Round(box.Y), 0, height);
        var y2 = Math.Clamp((int)MathF.Round(box.Bottom), y1, height);
        for (var y = y1; y < y2; y++)
            mask.Data.AsSpan(y * width + x1, x2 - x1).Fill(1);
        return mask;
    }

    /// <summary>Pixels set in both masks.</summary>
    public static int Intersection(BinaryMask a, BinaryMask b)
    {
        CheckSameSize(a, b);
        var count = 0;
        for (var i = 0; i < a.Data.Length; i++)
            if (a.Data[i] != 0 && b.Data[i] != 0) count++;
        return count;
    }

    /// <summary>Intersection over union; 0 when both masks are empty.</summary>
    public static double IoU(BinaryMask a, BinaryMask b)
    {
        var intersection = Intersection(a, b);
        var union = a.Area + b.Area - intersection;
        return union == 0 ? 0 : (double)intersection / union;
    }

    private static void CheckSameSize(BinaryMask a, BinaryMask b)
    {
        if (a.Width != b.Width || a.Height != b.Height)
            throw new ArgumentException($"masks differ in size: {a.Width}x{a.Height} and {b.Width}x{b.Height}");
    }
}
