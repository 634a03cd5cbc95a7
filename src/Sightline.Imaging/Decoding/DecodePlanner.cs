using SkiaSharp;

namespace Sightline.Imaging;

/// <summary>How one decode will run.</summary>
/// <param name="Scale">Scale passed to the codec (1 = full size).</param>
/// <param name="CodecSize">Size the codec decodes to, in stored orientation.</param>
/// <param name="FinalSize">Upright size of the result; differs from the rotated CodecSize only for Within.</param>
internal readonly record struct DecodePlan(float Scale, SKSizeI CodecSize, SKSizeI FinalSize);

/// <summary>Picks the cheapest codec scale that still yields enough pixels for the request.</summary>
internal static class DecodePlanner
{
    /// <summary>
    /// Scales tried smallest first. libjpeg's DCT scaling makes these nearly free, and they are the
    /// sizes every JPEG decoder handles well; WebP also honours them. Other codecs report their full
    /// size for every scale, which the planner treats as "not supported".
    /// </summary>
    internal static ReadOnlySpan<float> CandidateScales => [0.125f, 0.25f, 0.5f];

    public static DecodePlan Plan(SKSizeI stored, int orientation, DecodeSize? request, Func<float, SKSizeI> scaledDimensions)
    {
        SKSizeI upright = ExifOrientation.UprightSize(stored, orientation);
        if (request is not { } size)
        {
            return new DecodePlan(1f, stored, upright);
        }

        SKSizeI target = TargetSize(upright, size);

        // The request is in upright coordinates; the codec works in stored ones.
        SKSizeI needed = ExifOrientation.SwapsDimensions(orientation) ? new SKSizeI(target.Height, target.Width) : target;

        float scale = 1f;
        SKSizeI codecSize = stored;
        foreach (float candidate in CandidateScales)
        {
            SKSizeI dims = scaledDimensions(candidate);
            if (IsReduction(dims, stored) && dims.Width >= needed.Width && dims.Height >= needed.Height)
            {
                scale = candidate;
                codecSize = dims;
                break;
            }
        }

        SKSizeI final = size.Fit == DecodeFit.Cover ? ExifOrientation.UprightSize(codecSize, orientation) : target;
        return new DecodePlan(scale, codecSize, final);
    }

    /// <summary>A codec that cannot scale answers with the full size; treat that (or nonsense) as "no".</summary>
    private static bool IsReduction(SKSizeI dims, SKSizeI stored) =>
        dims.Width > 0 && dims.Height > 0
        && dims.Width <= stored.Width && dims.Height <= stored.Height
        && (dims.Width < stored.Width || dims.Height < stored.Height);

    /// <summary>
    /// Upright size the result must reach. Cover: the box, clamped to the original (no upscaling).
    /// Within: the exact fitted size, with the limiting side equal to the box.
    /// </summary>
    public static SKSizeI TargetSize(SKSizeI upright, DecodeSize request)
    {
        if (request.Fit == DecodeFit.Cover)
        {
            return new SKSizeI(Math.Min(request.Width, upright.Width), Math.Min(request.Height, upright.Height));
        }

        if (upright.Width <= request.Width && upright.Height <= request.Height)
        {
            return upright;
        }

        // Compare request.Width / upright.Width with request.Height / upright.Height without rounding.
        if ((long)request.Width * upright.Height <= (long)request.Height * upright.Width)
        {
            int height = Scaled(upright.Height, request.Width, upright.Width);
            return new SKSizeI(request.Width, height);
        }

        int width = Scaled(upright.Width, request.Height, upright.Height);
        return new SKSizeI(width, request.Height);
    }

    private static int Scaled(int value, int numerator, int denominator)
    {
        double exact = (double)value * numerator / denominator;
        return Math.Clamp((int)Math.Round(exact, MidpointRounding.AwayFromZero), 1, value);
    }
}
