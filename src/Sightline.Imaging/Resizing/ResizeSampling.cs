using SkiaSharp;

namespace Sightline.Imaging;

/// <summary>
/// Sampling for resizes. Plain bilinear only looks at a 2x2 neighbourhood, so shrinking by more than
/// 2x skips source pixels and aliases; past that point trilinear mipmaps average them instead.
/// SkiaSharp 4 dropped SKFilterQuality in favour of explicit SKSamplingOptions.
/// </summary>
internal static class ResizeSampling
{
    public static SKSamplingOptions Bilinear { get; } = new(SKFilterMode.Linear, SKMipmapMode.None);

    public static SKSamplingOptions Trilinear { get; } = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    public static SKSamplingOptions For(int sourceWidth, int sourceHeight, int targetWidth, int targetHeight) =>
        sourceWidth > 2L * targetWidth || sourceHeight > 2L * targetHeight ? Trilinear : Bilinear;
}
