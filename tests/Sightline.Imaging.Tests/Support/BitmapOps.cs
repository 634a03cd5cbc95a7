using SkiaSharp;

namespace Sightline.Imaging.Tests.Support;

/// <summary>
/// Flips and quarter turns written independently of the library, to build the "stored" pixels that
/// an EXIF orientation turns back into the upright image.
/// </summary>
internal static class BitmapOps
{
    public static SKBitmap FlipHorizontal(SKBitmap s) => Map(s, s.Width, s.Height, (x, y) => (s.Width - 1 - x, y));

    public static SKBitmap FlipVertical(SKBitmap s) => Map(s, s.Width, s.Height, (x, y) => (x, s.Height - 1 - y));

    /// <summary>Quarter turn clockwise: the source's left column becomes the top row.</summary>
    public static SKBitmap RotateClockwise(SKBitmap s) => Map(s, s.Height, s.Width, (x, y) => (y, s.Height - 1 - x));

    /// <summary>Quarter turn counter-clockwise: the source's top row becomes the left column.</summary>
    public static SKBitmap RotateCounterClockwise(SKBitmap s) => Map(s, s.Height, s.Width, (x, y) => (s.Width - 1 - y, x));

    /// <summary>
    /// Stored pixels for an orientation, from the EXIF definitions: 2 mirror horizontal, 3 rotate 180,
    /// 4 mirror vertical, 5 mirror horizontal then rotate 270 CW, 6 rotate 90 CW, 7 mirror horizontal
    /// then rotate 90 CW, 8 rotate 270 CW are what a viewer does to the stored image; this undoes it.
    /// </summary>
    public static SKBitmap StoredFor(SKBitmap upright, int orientation) => orientation switch
    {
        1 => upright.Copy(),
        2 => FlipHorizontal(upright),
        3 => Then(RotateClockwise(upright), RotateClockwise),
        4 => FlipVertical(upright),
        5 => Then(RotateClockwise(upright), FlipHorizontal),
        6 => RotateCounterClockwise(upright),
        7 => Then(RotateCounterClockwise(upright), FlipHorizontal),
        8 => RotateClockwise(upright),
        _ => throw new ArgumentOutOfRangeException(nameof(orientation)),
    };

    public static void AssertPixelsEqual(SKBitmap expected, SKBitmap actual)
    {
        Assert.Equal(expected.Width, actual.Width);
        Assert.Equal(expected.Height, actual.Height);
        for (int y = 0; y < expected.Height; y++)
        {
            for (int x = 0; x < expected.Width; x++)
            {
                if (expected.GetPixel(x, y) != actual.GetPixel(x, y))
                {
                    Assert.Fail($"pixel ({x},{y}): expected {expected.GetPixel(x, y)} but was {actual.GetPixel(x, y)}");
                }
            }
        }
    }

    private static SKBitmap Then(SKBitmap first, Func<SKBitmap, SKBitmap> next)
    {
        using (first)
        {
            return next(first);
        }
    }

    private static SKBitmap Map(SKBitmap source, int width, int height, Func<int, int, (int X, int Y)> sourceOf)
    {
        var result = new SKBitmap(source.Info.WithSize(width, height));
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                var (sx, sy) = sourceOf(x, y);
                result.SetPixel(x, y, source.GetPixel(sx, sy));
            }
        }

        return result;
    }
}
