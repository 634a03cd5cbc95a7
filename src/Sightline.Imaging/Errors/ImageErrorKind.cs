namespace Sightline.Imaging;

/// <summary>Why an image could not be read.</summary>
public enum ImageErrorKind
{
    /// <summary>The path does not exist, is a directory, or cannot be opened.</summary>
    NotFound,

    /// <summary>The input has no bytes at all.</summary>
    Empty,

    /// <summary>The encoded input is larger than <see cref="ImageLimits.MaxFileBytes"/>.</summary>
    FileTooLarge,

    /// <summary>The header declares more pixels than <see cref="ImageLimits.MaxPixels"/>.</summary>
    TooManyPixels,

    /// <summary>Not one of the formats of <see cref="ImageFormat"/> (or not an image at all).</summary>
    UnsupportedFormat,

    /// <summary>The data is recognised but the decoder rejected it.</summary>
    Corrupt,

    /// <summary>The data ends before the image is complete.</summary>
    Truncated,
}
