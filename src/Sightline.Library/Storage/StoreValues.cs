using System.Buffers.Binary;

namespace Sightline.Library.Storage;

/// <summary>How values are written to the database, the same way for both engines.</summary>
internal static class StoreValues
{
    /// <summary>float32 little-endian, the layout a vector index or another reader expects regardless of the machine.</summary>
    public static byte[]? ToBlob(float[]? values)
    {
        if (values is null)
            return null;
        var bytes = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        return bytes;
    }

    public static float[]? FromBlob(byte[]? bytes, string column)
    {
        if (bytes is null)
            return null;
        if (bytes.Length % sizeof(float) != 0)
            throw new LibraryStoreException($"stored {column} has {bytes.Length} bytes, not a whole number of float32 values");
        // The stored layout is the machine's on little-endian machines: one copy (100,000 embeddings are read at once).
        if (BitConverter.IsLittleEndian)
            return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        var values = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < values.Length; i++)
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        return values;
    }

    public static long ToMilliseconds(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMilliseconds(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    /// <summary>A clock reading without a zone, as milliseconds since 1970-01-01 00:00 of that same clock.</summary>
    public static long LocalToMilliseconds(DateTime local) =>
        (DateTime.SpecifyKind(local, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond;

    public static DateTime LocalFromMilliseconds(long milliseconds) =>
        DateTime.SpecifyKind(DateTime.UnixEpoch.AddMilliseconds(milliseconds), DateTimeKind.Unspecified);

    /// <summary>
    /// The key photos sort by: the instant (UTC) when the offset is known, so photos from two time zones interleave as
    /// they happened; the clock reading itself otherwise, the best there is.
    /// </summary>
    public static long? TakenSortKey(DateTime? takenAt, TimeSpan? offset) =>
        takenAt is { } local ? LocalToMilliseconds(local) - (long)(offset ?? TimeSpan.Zero).TotalMilliseconds : null;
}
