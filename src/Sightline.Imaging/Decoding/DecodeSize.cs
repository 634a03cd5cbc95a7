namespace Sightline.Imaging;

/// <summary>How a requested decode size is interpreted.</summary>
public enum DecodeFit
{
    /// <summary>The result covers the box; the caller crops or resizes the rest.</summary>
    Cover,

    /// <summary>The result fits inside the box with its aspect ratio kept.</summary>
    Within,
}

/// <summary>
/// Decode target in upright (EXIF-applied) coordinates. Both fits decode at the smallest scale the
/// codec supports natively (JPEG DCT scaling 1/2, 1/4, 1/8) that is still large enough, so big
/// photos are never fully decoded just to be shrunk. Neither fit ever upscales.
/// </summary>
public readonly record struct DecodeSize(int Width, int Height, DecodeFit Fit)
{
    /// <summary>
    /// Result has Width &gt;= <paramref name="width"/> and Height &gt;= <paramref name="height"/>
    /// (unless the original is smaller). No final resize: the caller crops or resizes.
    /// </summary>
    public static DecodeSize Cover(int width, int height) =>
        new(Positive(width, nameof(width)), Positive(height, nameof(height)), DecodeFit.Cover);

    /// <summary>
    /// Result fits inside <paramref name="maxWidth"/> x <paramref name="maxHeight"/> with the aspect
    /// ratio kept and the limiting side exactly at the box, via a final resize after the scaled decode.
    /// </summary>
    public static DecodeSize Within(int maxWidth, int maxHeight) =>
        new(Positive(maxWidth, nameof(maxWidth)), Positive(maxHeight, nameof(maxHeight)), DecodeFit.Within);

    internal void Validate()
    {
        Positive(Width, nameof(Width));
        Positive(Height, nameof(Height));
        if (Fit is not (DecodeFit.Cover or DecodeFit.Within))
        {
            throw new ArgumentOutOfRangeException(nameof(Fit), Fit, "Unknown DecodeFit.");
        }
    }

    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, "Decode size must be positive.");
}
