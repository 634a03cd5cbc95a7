namespace Sightline.Imaging;

/// <summary>
/// The only exception type image loading throws for bad input. The message always names the
/// source and the reason in plain words, so it can be shown to users as is.
/// </summary>
public sealed class ImageLoadException : SightlineException
{
    public ImageLoadException(string source, ImageErrorKind kind, string reason, Exception? inner = null)
        : base($"cannot read image '{source}': {reason}", inner)
    {
        Source = source;
        Kind = kind;
        Reason = reason;

        // Keep Exception.Source in step, for code that only sees the base type.
        base.Source = source;
    }

    /// <summary>File path or caller-given name, e.g. "upload.jpg".</summary>
    public new string Source { get; }

    public ImageErrorKind Kind { get; }

    /// <summary>The reason alone, without the "cannot read image" prefix.</summary>
    public string Reason { get; }
}
