using SkiaSharp;

namespace Sightline.Faces.Detection;

/// <summary>
/// Where a fixed-input face detector looks in an image: one pass over the whole (padded, square) image,
/// plus overlapping square tiles when the smallest face wanted would be too small for the detector in
/// that single pass. Pure geometry, so it can be tested without a model.
/// </summary>
public static class FaceScan
{
    /// <summary>Most tiles at the finest level: a 1920x1080 photo at 40-pixel faces needs 21.</summary>
    public const int MaxTiles = 64;

    /// <summary>
    /// The square regions to run, in image pixels. <paramref name="smallestInInput"/> is the smallest face
    /// (in model-input pixels) the detector finds reliably; <paramref name="margin"/> pads the whole-image
    /// pass so that faces filling the frame are seen with some context, as detectors are trained.
    /// </summary>
    public static IReadOnlyList<SKRect> Plan(int width, int height, int inputSize, float minFaceSize, float smallestInInput, float margin = 0.25f, int maxTiles = MaxTiles)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var side = Math.Max(width, height) * (1 + 2 * margin);
        var regions = new List<SKRect> { SKRect.Create((width - side) / 2, (height - side) / 2, side, side) };
        if (minFaceSize <= 0)
            return regions;

        // A tile of this side shows a face of minFaceSize pixels at smallestInInput model pixels.
        var tile = minFaceSize * inputSize / smallestInInput;
        // The work is bounded whatever the photo and the minimum asked for: past the cap, tiles grow
        // (and the smallest face found with them).
        while (Starts(width, tile).Count() * Starts(height, tile).Count() > maxTiles)
            tile *= 1.25f;
        if (tile >= Math.Max(width, height) * 0.75f)
            return regions;
        // Overlap of half a tile: any face up to half a tile across lies whole inside some tile, and the
        // larger ones are found by the whole-image pass (or a coarser tiling).
        var levels = new List<float>();
        for (var t = tile; t < Math.Max(width, height) * 0.75f; t *= 2.5f)
            levels.Add(t);
        foreach (var t in levels)
        {
            foreach (var y in Starts(height, t))
                foreach (var x in Starts(width, t))
                    regions.Add(SKRect.Create(x, y, t, t));
        }
        return regions;
    }

    /// <summary>Evenly spread tile origins covering 0..length with at least half a tile of overlap.</summary>
    private static IEnumerable<float> Starts(int length, float tile)
    {
        if (tile >= length)
        {
            yield return (length - tile) / 2;
            yield break;
        }
        var count = (int)Math.Ceiling((length - tile) / (tile / 2)) + 1;
        var step = (length - tile) / (count - 1);
        for (var i = 0; i < count; i++)
            yield return i * step;
    }
}
