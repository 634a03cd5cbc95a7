using System.Buffers.Binary;
using System.Text;
using Sightline.Library.Metadata;

namespace Sightline.Library.Tests.Metadata;

public sealed class ContainerLengthsTests
{
    private static byte[] Chunk(string type, byte[] payload, bool littleEndian = false, uint? claimed = null)
    {
        var chunk = new byte[8 + payload.Length + (littleEndian ? payload.Length & 1 : 4)];
        if (littleEndian)
        {
            Encoding.ASCII.GetBytes(type).CopyTo(chunk, 0);
            BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), claimed ?? (uint)payload.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(chunk, claimed ?? (uint)payload.Length);
            Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        }
        payload.CopyTo(chunk, 8);
        return chunk;
    }

    private static byte[] Png(params byte[][] chunks) => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. chunks.SelectMany(c => c)];

    private static byte[] Box(string type, params byte[][] content) => Box(type, null, content);

    private static byte[] Box(string type, uint? claimed, params byte[][] content)
    {
        var payload = content.SelectMany(c => c).ToArray();
        var box = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(box, claimed ?? (uint)box.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(box, 4);
        payload.CopyTo(box, 8);
        return box;
    }

    [Fact]
    public void Containers_whose_lengths_fit_are_passed_on_as_they_are()
    {
        byte[] png = Png(Chunk("IHDR", new byte[13]), Chunk("tEXt", "Title\0Sea"u8.ToArray()), Chunk("IEND", []));
        byte[] mp4 = [.. Box("ftyp", "isom"u8.ToArray()), .. Box("moov", Box("udta", Box("\u00a9nam", "x"u8.ToArray())))];
        var webp = Chunk("RIFF", [.. "WEBP"u8, .. Chunk("VP8X", new byte[10], littleEndian: true), .. Chunk("EXIF", new byte[5], littleEndian: true)], littleEndian: true);

        foreach (var data in new[] { png, mp4, webp, "not a container"u8.ToArray() })
        {
            var (fit, cut) = ContainerLengths.Fit(data);
            Assert.Null(cut);
            Assert.Equal(data, fit.ToArray());
        }
    }

    [Fact]
    public void A_png_chunk_claiming_more_than_the_file_ends_the_chunks_there_with_iend()
    {
        var head = Png(Chunk("IHDR", new byte[13]), Chunk("tEXt", "Title\0Sea"u8.ToArray()));
        byte[] png = [.. head, .. Chunk("RBIT", new byte[20], claimed: 2_114_392_639)];

        var (fit, cut) = ContainerLengths.Fit(png);

        Assert.Equal($"the PNG chunk at byte {head.Length} claims 2114392639 bytes, 20 remain", cut);
        Assert.Equal(head, fit.ToArray()[..head.Length]);
        Assert.Equal([0, 0, 0, 0, .. "IEND"u8, 0xAE, 0x42, 0x60, 0x82], fit.ToArray()[head.Length..]);
    }

    [Fact]
    public void A_riff_chunk_that_does_not_fit_is_cut_with_the_riff_size_made_to_match()
    {
        var good = Chunk("VP8X", new byte[10], littleEndian: true);
        var webp = Chunk("RIFF", [.. "WEBP"u8, .. good, .. Chunk("EXIF", new byte[5], littleEndian: true, claimed: 1_000_000)], littleEndian: true);

        var (fit, cut) = ContainerLengths.Fit(webp);

        Assert.NotNull(cut);
        Assert.Equal(12 + good.Length, fit.Length);
        Assert.Equal((uint)(fit.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(fit.Span[4..]));
    }

    [Fact]
    public void An_iso_media_box_that_lies_at_the_top_or_inside_a_parent_is_left_out_with_what_follows()
    {
        var ftyp = Box("ftyp", "heic"u8.ToArray());
        byte[] top = [.. ftyp, .. Box("meta", 3_000_000_000, new byte[8])];
        byte[] nested = [.. ftyp, .. Box("moov", Box("udta", Box("\u00a9day", 900_000, new byte[4])))];

        var (fitTop, cutTop) = ContainerLengths.Fit(top);
        var (fitNested, cutNested) = ContainerLengths.Fit(nested);

        Assert.Equal(ftyp, fitTop.ToArray());
        Assert.Contains("claims 3000000000 bytes", cutTop, StringComparison.Ordinal);
        Assert.Equal(ftyp, fitNested.ToArray());
        Assert.Contains("inside 'udta' claims 900000 bytes", cutNested, StringComparison.Ordinal);
    }

    [Fact]
    public void A_small_png_claiming_gigabytes_is_read_without_allocating_them()
    {
        // Found by fuzzing: 709 bytes allocated 2 GB in the metadata reader.
        byte[] png = [.. Png(Chunk("IHDR", new byte[13])), .. Chunk("RBIT", new byte[600], claimed: 2_114_392_639)];
        var before = GC.GetAllocatedBytesForCurrentThread();

        var metadata = PhotoMetadataReader.Read(png, "/no/such/folder/a.png");

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 * 1024 * 1024);
        Assert.Contains(metadata.Warnings, w => w.Contains("a.png is read up to a damaged part", StringComparison.Ordinal));
    }

    [Fact]
    public void A_last_png_chunk_header_without_room_for_its_crc_counts_too()
    {
        var head = Png(Chunk("IHDR", new byte[13]));
        var header = new byte[9];
        BinaryPrimitives.WriteUInt32BigEndian(header, 500_887_296);
        "IEND"u8.CopyTo(header.AsSpan(4));

        byte[] png = [.. head, .. header];
        var (fit, cut) = ContainerLengths.Fit(png);

        Assert.Equal($"the PNG chunk at byte {head.Length} claims 500887296 bytes, 0 remain", cut);
        Assert.Equal(head.Length + 12, fit.Length);
    }
}
