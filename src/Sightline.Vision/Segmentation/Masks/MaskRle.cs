using System.Text;
using System.Text.Json.Serialization;

namespace Sightline.Vision.Segmentation.Masks;

/// <summary>
/// A mask as COCO run-length encoding: <see cref="Size"/> is [height, width]; <see cref="Counts"/> are run
/// lengths over the pixels in column-major order (down each column, columns left to right), starting
/// with a run of zeros (possibly empty). <see cref="Compressed"/> is the same runs in pycocotools' string form.
/// </summary>
public sealed record CocoRle(IReadOnlyList<int> Size, IReadOnlyList<int> Counts)
{
    [JsonIgnore] public int Height => Size[0];
    [JsonIgnore] public int Width => Size[1];

    /// <summary>The counts as pycocotools writes them in JSON ("counts" of a compressed RLE).</summary>
    public string Compressed => MaskRle.Compress(Counts);
}

/// <summary>COCO run-length encoding and decoding of masks, byte-compatible with pycocotools' maskApi.</summary>
public static class MaskRle
{
    public static CocoRle Encode(BinaryMask mask)
    {
        var counts = new List<int>();
        byte current = 0;
        var run = 0;
        for (var x = 0; x < mask.Width; x++)
            for (var y = 0; y < mask.Height; y++)
            {
                var v = mask.Data[y * mask.Width + x] != 0 ? (byte)1 : (byte)0;
                if (v != current)
                {
                    counts.Add(run);
                    run = 0;
                    current = v;
                }
                run++;
            }
        counts.Add(run);
        return new CocoRle([mask.Height, mask.Width], counts);
    }

    public static BinaryMask Decode(CocoRle rle)
    {
        var mask = new BinaryMask(rle.Width, rle.Height);
        var total = rle.Width * rle.Height;
        var index = 0;
        byte value = 0;
        foreach (var count in rle.Counts)
        {
            if (count < 0 || index + count > total)
                throw new InvalidDataException($"RLE counts exceed the {rle.Width}x{rle.Height} mask");
            if (value != 0)
                for (var i = index; i < index + count; i++)
                    mask.Data[(i % rle.Height) * rle.Width + i / rle.Height] = 1;
            index += count;
            value ^= 1;
        }
        return mask;
    }

    /// <summary>A COCO RLE object as JSON: "size" [height, width] and "counts" as numbers or as the compressed string.</summary>
    public static BinaryMask Decode(System.Text.Json.JsonElement rle)
    {
        var size = rle.GetProperty("size");
        var counts = rle.GetProperty("counts");
        var runs = counts.ValueKind == System.Text.Json.JsonValueKind.String ? Decompress(counts.GetString()!) : counts.EnumerateArray().Select(c => c.GetInt32()).ToList();
        return Decode(new CocoRle([size[0].GetInt32(), size[1].GetInt32()], runs));
    }

    /// <summary>pycocotools' rleToString: each count (after the first two, as a difference from the one two back) in 5-bit LEB128-like chunks offset by 48.</summary>
    public static string Compress(IReadOnlyList<int> counts)
    {
        var text = new StringBuilder();
        for (var i = 0; i < counts.Count; i++)
        {
            long x = counts[i];
            if (i > 2) x -= counts[i - 2];
            var more = true;
            while (more)
            {
                var c = x & 0x1f;
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) c |= 0x20;
                text.Append((char)(c + 48));
            }
        }
        return text.ToString();
    }

    /// <summary>pycocotools' rleFrString: the inverse of <see cref="Compress"/>.</summary>
    public static IReadOnlyList<int> Decompress(string text)
    {
        var counts = new List<int>();
        var p = 0;
        while (p < text.Length)
        {
            long x = 0;
            var k = 0;
            var more = true;
            while (more)
            {
                if (p >= text.Length)
                    throw new InvalidDataException("compressed RLE ends inside a count");
                long c = text[p] - 48;
                x |= (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0)
                    x |= -1L << (5 * k);
            }
            if (counts.Count > 2)
                x += counts[^2];
            counts.Add(checked((int)x));
        }
        return counts;
    }
}
