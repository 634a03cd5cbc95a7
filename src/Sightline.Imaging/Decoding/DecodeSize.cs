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

    /// <summary>Every pixel: the whole image at its own size, as a decode without a requested size gives it.</summary>
    public static DecodeSize Original { get; } = Cover(int.MaxValue, int.MaxValue);

    /// <summary>
    /// One decode that serves every request: the largest <see cref="DecodeFit.Within"/> box when any task asks
    /// for one, grown to the largest side a <see cref="DecodeFit.Cover"/> request names, so that a task wanting
    /// 512x512 to cover and one wanting at most 2560x2560 both get what they need from a single decode; with
    /// only cover requests, the cover of the largest width and the largest height.
    /// </summary>
    public static DecodeSize Largest(IEnumerable<DecodeSize> sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        var all = sizes.ToList();
        if (all.Count == 0)
            throw new ArgumentException("at least one decode size is needed", nameof(sizes));
        var cover = all.Where(s => s.Fit == DecodeFit.Cover).ToList();
        var within = all.Where(s => s.Fit == DecodeFit.Within).ToList();
        if (within.Count == 0)
            return Cover(cover.Max(s => s.Width), cover.Max(s => s.Height));
        var side = cover.Count == 0 ? 0 : cover.Max(s => Math.Max(s.Width, s.Height));
        return Within(Math.Max(within.Max(s => s.Width), side), Math.Max(within.Max(s => s.Height), side));
    }

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
