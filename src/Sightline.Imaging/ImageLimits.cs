namespace Sightline.Imaging;

/// <summary>
/// Guards applied before any expensive work: the file size is checked before reading and the pixel
/// count is checked from the header before decoding, so hostile inputs are refused cheaply.
/// </summary>
/// <param name="MaxFileBytes">Largest encoded input accepted, in bytes.</param>
/// <param name="MaxPixels">Largest width x height accepted, read from the header.</param>
public sealed record ImageLimits(long MaxFileBytes = 50L * 1024 * 1024, long MaxPixels = 100_000_000)
{
    public static ImageLimits Default { get; } = new();

    internal void Validate()
    {
        if (MaxFileBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFileBytes), MaxFileBytes, "MaxFileBytes must be positive.");
        }

        if (MaxPixels <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPixels), MaxPixels, "MaxPixels must be positive.");
        }
    }
}
