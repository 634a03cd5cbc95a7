using System.Collections.Concurrent;
using System.Numerics;
using Sightline.Library.Thumbnails;
using SkiaSharp;

namespace Sightline.Library.Duplicates;

/// <summary>
/// Difference hashes (dHash) of the photos' grid thumbnails: the 64 signs of left-to-right brightness steps on a 9x8
/// grey grid, each cell the mean of the pixels it covers. Resizing, re-encoding and brightening keep them within a
/// few bits; another photo differs in a dozen or more. Computed on demand, once per photo.
/// </summary>
internal sealed class ThumbnailHashes(ThumbnailStore thumbnails)
{
    private readonly ConcurrentDictionary<string, ulong?> _hashes = new(StringComparer.Ordinal);

    /// <summary>Bits two photos' hashes differ in; null when either has no readable thumbnail.</summary>
    public int? Distance(string contentHash, string otherContentHash) =>
        HashOf(contentHash) is { } a && HashOf(otherContentHash) is { } b ? BitOperations.PopCount(a ^ b) : null;

    private ulong? HashOf(string contentHash) => _hashes.GetOrAdd(contentHash, hash =>
    {
        var path = thumbnails.PathOf(hash, ThumbnailSize.Small);
        if (!File.Exists(path))
            return null;
        using var bitmap = SKBitmap.Decode(path);
        return bitmap is null ? null : DifferenceHash(bitmap);
    });

    public static ulong DifferenceHash(SKBitmap bitmap)
    {
        const int columns = 9, rows = 8;
        var sums = new double[rows, columns];
        var counts = new int[rows, columns];
        for (var y = 0; y < bitmap.Height; y++)
        {
            var row = y * rows / bitmap.Height;
            for (var x = 0; x < bitmap.Width; x++)
            {
                var column = x * columns / bitmap.Width;
                var c = bitmap.GetPixel(x, y);
                sums[row, column] += 0.299 * c.Red + 0.587 * c.Green + 0.114 * c.Blue;
                counts[row, column]++;
            }
        }
        ulong bits = 0;
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns - 1; c++)
            {
                bits <<= 1;
                if (sums[r, c] / Math.Max(1, counts[r, c]) > sums[r, c + 1] / Math.Max(1, counts[r, c + 1]))
                    bits |= 1;
            }
        return bits;
    }
}
