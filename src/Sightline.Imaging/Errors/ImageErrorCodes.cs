namespace Sightline.Imaging;

/// <summary>
/// The one stable code (snake_case) and HTTP status of each <see cref="ImageErrorKind"/>: the pipeline's per-input
/// errors (<c>analyze --json</c>, the library) and the API's problems name an unreadable image the same way.
/// The codes are the API's published ones, which clients already match on.
/// </summary>
public static class ImageErrorCodes
{
    public const string NotFound = "image_not_found";
    public const string Empty = "empty_image";
    public const string TooLarge = "image_too_large";
    public const string TooManyPixels = "image_too_many_pixels";
    public const string UnsupportedFormat = "unsupported_image_format";
    public const string Corrupt = "corrupt_image";
    public const string Truncated = "truncated_image";

    /// <summary>Every kind with its code and status, in the enum's order.</summary>
    public static IReadOnlyList<(ImageErrorKind Kind, string Code, int Status)> All { get; } =
    [
        (ImageErrorKind.NotFound, NotFound, 404),
        (ImageErrorKind.Empty, Empty, 400),
        (ImageErrorKind.FileTooLarge, TooLarge, 413),
        (ImageErrorKind.TooManyPixels, TooManyPixels, 413),
        (ImageErrorKind.UnsupportedFormat, UnsupportedFormat, 415),
        (ImageErrorKind.Corrupt, Corrupt, 400),
        (ImageErrorKind.Truncated, Truncated, 400),
    ];

    /// <summary>The code of <paramref name="kind"/>; a kind this version does not know reads as a corrupt image.</summary>
    public static string CodeOf(ImageErrorKind kind) => Find(kind).Code;

    /// <summary>The HTTP status the API answers <paramref name="kind"/> with.</summary>
    public static int StatusOf(ImageErrorKind kind) => Find(kind).Status;

    /// <summary>The kind a code names, or null when it is not an image error's code.</summary>
    public static ImageErrorKind? KindOf(string code)
    {
        foreach (var entry in All)
            if (entry.Code == code)
                return entry.Kind;
        return null;
    }

    private static (ImageErrorKind Kind, string Code, int Status) Find(ImageErrorKind kind)
    {
        foreach (var entry in All)
            if (entry.Kind == kind)
                return entry;
        return All[(int)ImageErrorKind.Corrupt];
    }
}
