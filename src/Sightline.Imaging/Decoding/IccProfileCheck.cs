using System.Buffers.Binary;

namespace Sightline.Imaging;

/// <summary>
/// Checks an ICC profile's structure before anything interprets it: Magick.NET's managed profile reader trusts the
/// tag count, so a damaged profile claiming four billion tags kept a decode busy for minutes (found by fuzzing).
/// A profile that fails is ignored, as browsers do, and the pixels are taken as sRGB.
/// </summary>
public static class IccProfileCheck
{
    private const int HeaderBytes = 128;

    /// <summary>The data colour spaces the ICC specification registers (header bytes 16-19).</summary>
    private static readonly HashSet<string> ColourSpaces =
    [
        "XYZ ", "Lab ", "Luv ", "YCbr", "Yxy ", "RGB ", "GRAY", "HSV ", "HLS ", "CMYK", "CMY ",
        "2CLR", "3CLR", "4CLR", "5CLR", "6CLR", "7CLR", "8CLR", "9CLR", "ACLR", "BCLR", "CCLR", "DCLR", "ECLR", "FCLR",
    ];
    private const int TagEntryBytes = 12;

    /// <summary>
    /// True when <paramref name="profile"/> has an ICC header ('acsp' signature, a declared size within the data, a
    /// registered data colour space: Magick.NET throws on any other) and a tag table whose entries all lie inside it.
    /// </summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> profile)
    {
        if (profile.Length < HeaderBytes + 4)
            return false;
        var declared = BinaryPrimitives.ReadUInt32BigEndian(profile);
        if (declared < HeaderBytes + 4 || declared > profile.Length || !profile.Slice(36, 4).SequenceEqual("acsp"u8)
            || !ColourSpaces.Contains(System.Text.Encoding.ASCII.GetString(profile.Slice(16, 4))))
            return false;
        var size = (long)declared;
        var tags = BinaryPrimitives.ReadUInt32BigEndian(profile[HeaderBytes..]);
        if (HeaderBytes + 4 + (long)tags * TagEntryBytes > size)
            return false;
        for (var i = 0; i < tags; i++)
        {
            var entry = profile.Slice(HeaderBytes + 4 + i * TagEntryBytes, TagEntryBytes);
            long offset = BinaryPrimitives.ReadUInt32BigEndian(entry[4..]);
            long length = BinaryPrimitives.ReadUInt32BigEndian(entry[8..]);
            if (offset < HeaderBytes || offset + length > size)
                return false;
        }
        return true;
    }
}
