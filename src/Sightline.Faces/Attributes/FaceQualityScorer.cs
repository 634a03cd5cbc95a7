using Sightline.Faces.Landmarks;

namespace Sightline.Faces.Attributes;

/// <summary>
/// Face quality from three cues, so poor faces can be kept out of recognition: size in pixels, sharpness
/// (variance of the Laplacian of a greyscale crop at the networks' 112x112) and frontality (head pose).
/// </summary>
public static class FaceQualityScorer
{
    /// <summary>Faces this wide or wider get full marks for size: the landmark and expression nets see 112x112.</summary>
    public const float FullSize = 112;

    /// <summary>Laplacian variance at which sharpness scores 0.5 (grey levels squared, measured on 112x112 crops).</summary>
    public const float HalfSharpness = 60;

    /// <summary>
    /// Faces below this quality are not enrolled into a gallery: a blurred, tiny or profile face makes a
    /// descriptor that matches strangers. Every faces-bbt crop and group-scene face scores above 0.8; a
    /// frontal, sharp face 40 px across scores about 0.6.
    /// </summary>
    public const float MinEnrollQuality = 0.4f;

    public static FaceQuality Score(float faceWidth, ReadOnlySpan<float> grey, int size, HeadPose pose)
    {
        var sizeScore = Math.Clamp(faceWidth / FullSize, 0, 1);
        var variance = LaplacianVariance(grey, size);
        var sharpness = variance / (variance + HalfSharpness);
        var frontal = MathF.Max(0, MathF.Cos(pose.Yaw * MathF.PI / 180)) * MathF.Max(0, MathF.Cos(pose.Pitch * MathF.PI / 180));
        var score = MathF.Cbrt(sizeScore * sharpness * frontal);
        return new FaceQuality(score, sizeScore, sharpness, frontal);
    }

    /// <summary>Variance of the 4-neighbour Laplacian over the inner pixels of a size x size grey image.</summary>
    public static float LaplacianVariance(ReadOnlySpan<float> grey, int size)
    {
        if (grey.Length < size * size || size < 3)
            throw new ArgumentException($"need a {size}x{size} greyscale image", nameof(grey));
        double sum = 0, sumSquares = 0;
        var n = 0;
        for (var y = 1; y < size - 1; y++)
            for (var x = 1; x < size - 1; x++)
            {
                var i = y * size + x;
                double l = grey[i - 1] + grey[i + 1] + grey[i - size] + grey[i + size] - 4 * grey[i];
                sum += l;
                sumSquares += l * l;
                n++;
            }
        var mean = sum / n;
        return (float)Math.Max(0, sumSquares / n - mean * mean);
    }
}
