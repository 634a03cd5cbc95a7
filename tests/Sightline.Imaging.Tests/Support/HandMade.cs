using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace Sightline.Imaging.Tests.Support;

/// <summary>Encoded files written byte by byte, for formats or defects SkiaSharp cannot produce.</summary>
internal static class HandMade
{
    /// <summary>Inserts an EXIF APP1 segment carrying only the orientation tag right after SOI.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, int orientation, bool bigEndian = true)
    {
        Assert.True(jpeg[0] == 0xFF && jpeg[1] == 0xD8, "not a JPEG");

        // TIFF header + IFD0 with one entry: 0x0112 (Orientation), type SHORT, count 1.
        var tiff = new byte[8 + 2 + 12 + 4];
        var span = tiff.AsSpan();
        if (bigEndian)
        {
            "MM"u8.CopyTo(span);
            BinaryPrimitives.WriteUInt16BigEndian(span[2..], 42);
            BinaryPrimitives.WriteUInt32BigEndian(span[4..], 8);
            BinaryPrimitives.WriteUInt16BigEndian(span[8..], 1);
            BinaryPrimitives.WriteUInt16BigEndian(span[10..], 0x0112);
            BinaryPrimitives.WriteUInt16BigEndian(span[12..], 3);
            BinaryPrimitives.WriteUInt32BigEndian(span[14..], 1);
            BinaryPrimitives.WriteUInt16BigEndian(span[18..], (ushort)orientation);
        }
        else
        {
            "II"u8.CopyTo(span);
            BinaryPrimitives.WriteUInt16LittleEndian(span[2..], 42);
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], 8);
            BinaryPrimitives.WriteUInt16LittleEndian(span[8..], 1);
            BinaryPrimitives.WriteUInt16LittleEndian(span[10..], 0x0112);
            BinaryPrimitives.WriteUInt16LittleEndian(span[12..], 3);
            BinaryPrimitives.WriteUInt32LittleEndian(span[14..], 1);
            BinaryPrimitives.WriteUInt16LittleEndian(span[18..], (ushort)orientation);
        }

        // Next-IFD offset (last 4 bytes) stays 0.
        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);

        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>Uncompressed 24-bit bottom-up BMP; SkiaSharp has no BMP encoder.</summary>
    public static byte[] Bmp24(SKBitmap bitmap)
    {
        int width = bitmap.Width;
        int height = bitmap.Height;
        int stride = (width * 3 + 3) & ~3;
        int imageSize = stride * height;
        var bytes = new byte[54 + imageSize];
        var span = bytes.AsSpan();

        "BM"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[2..], bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span[10..], 54);
        BinaryPrimitives.WriteInt32LittleEndian(span[14..], 40);
        BinaryPrimitives.WriteInt32LittleEndian(span[18..], width);
        BinaryPrimitives.WriteInt32LittleEndian(span[22..], height);
        BinaryPrimitives.WriteInt16LittleEndian(span[26..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(span[28..], 24);
        BinaryPrimitives.WriteInt32LittleEndian(span[34..], imageSize);
        BinaryPrimitives.WriteInt32LittleEndian(span[38..], 2835);
        BinaryPrimitives.WriteInt32LittleEndian(span[42..], 2835);

        for (int y = 0; y < height; y++)
        {
            int row = 54 + (height - 1 - y) * stride;
            for (int x = 0; x < width; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                bytes[row + x * 3] = c.Blue;
                bytes[row + x * 3 + 1] = c.Green;
                bytes[row + x * 3 + 2] = c.Red;
            }
        }

        return bytes;
    }

    /// <summary>
    /// GIF89a with a 4-colour global palette; each frame is full-size palette indices. The LZW stream
    /// sends a clear code before every pixel, so the code width stays at 3 bits: valid and simple.
    /// </summary>
    public static byte[] Gif(int width, int height, SKColor[] palette, params byte[][] frames)
    {
        Assert.Equal(4, palette.Length);
        using var ms = new MemoryStream();
        ms.Write("GIF89a"u8);
        WriteU16(ms, width);
        WriteU16(ms, height);
        ms.WriteByte(0x80 | 0x10 | 0x01); // global table, 2-bit colour resolution, 4 entries
        ms.WriteByte(0);
        ms.WriteByte(0);
        foreach (SKColor c in palette)
        {
            ms.WriteByte(c.Red);
            ms.WriteByte(c.Green);
            ms.WriteByte(c.Blue);
        }

        if (frames.Length > 1)
        {
            // NETSCAPE2.0 loop extension marks it as an animation.
            ms.Write([0x21, 0xFF, 0x0B]);
            ms.Write("NETSCAPE2.0"u8);
            ms.Write([0x03, 0x01, 0x00, 0x00, 0x00]);
        }

        foreach (byte[] indices in frames)
        {
            Assert.Equal(width * height, indices.Length);
            ms.Write([0x21, 0xF9, 0x04, 0x04, 0x0A, 0x00, 0x00, 0x00]); // graphic control: keep, 100 ms
            ms.WriteByte(0x2C);
            WriteU16(ms, 0);
            WriteU16(ms, 0);
            WriteU16(ms, width);
            WriteU16(ms, height);
            ms.WriteByte(0);
            ms.WriteByte(2); // LZW minimum code size

            byte[] lzw = LzwClearEveryPixel(indices);
            for (int offset = 0; offset < lzw.Length; offset += 255)
            {
                int n = Math.Min(255, lzw.Length - offset);
                ms.WriteByte((byte)n);
                ms.Write(lzw, offset, n);
            }

            ms.WriteByte(0);
        }

        ms.WriteByte(0x3B);
        return ms.ToArray();
    }

    private static byte[] LzwClearEveryPixel(byte[] indices)
    {
        const int Clear = 4;
        const int End = 5;
        var codes = new List<int>(indices.Length * 2 + 1);
        foreach (byte index in indices)
        {
            codes.Add(Clear);
            codes.Add(index);
        }

        codes.Add(End);

        var output = new List<byte>();
        int buffer = 0;
        int bits = 0;
        foreach (int code in codes)
        {
            buffer |= code << bits;
            bits += 3;
            while (bits >= 8)
            {
                output.Add((byte)(buffer & 0xFF));
                buffer >>= 8;
                bits -= 8;
            }
        }

        if (bits > 0)
        {
            output.Add((byte)buffer);
        }

        return [.. output];
    }

    /// <summary>
    /// A PNG whose IHDR declares <paramref name="width"/> x <paramref name="height"/> but whose IDAT
    /// holds a few bytes: the shape of a decompression bomb, refused from the header alone.
    /// </summary>
    public static byte[] PngDeclaring(int width, int height)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);

        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;  // bit depth
        ihdr[9] = 2;  // RGB
        WriteChunk(ms, "IHDR", ihdr);

        using (var compressed = new MemoryStream())
        {
            using (var z = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                z.Write(new byte[64]);
            }

            WriteChunk(ms, "IDAT", compressed.ToArray());
        }

        WriteChunk(ms, "IEND", []);
        return ms.ToArray();
    }

    public static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        stream.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        stream.Write(word);
    }

    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>Offset of the first byte after the JPEG marker <paramref name="marker"/>'s 0xFF prefix.</summary>
    public static int FindMarker(byte[] jpeg, byte marker)
    {
        int offset = 2;
        while (offset + 4 <= jpeg.Length)
        {
            Assert.Equal(0xFF, jpeg[offset]);
            byte current = jpeg[offset + 1];
            if (current == marker)
            {
                return offset;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(offset + 2));
            offset += 2 + length;
        }

        throw new InvalidOperationException($"marker FF{marker:X2} not found");
    }

    private static void WriteU16(Stream stream, int value)
    {
        stream.WriteByte((byte)(value & 0xFF));
        stream.WriteByte((byte)(value >> 8));
    }
}
