using System.Security.Cryptography;

namespace Sightline.Library.Scanning;

/// <summary>The identity of a photo: a hash of its bytes, the same for a moved, renamed or copied file.</summary>
/// <remarks>SHA-256: collisions are out of reach even for files made to collide, and it runs at hundreds of MB/s with the CPU's SHA instructions (README, Photo library).</remarks>
public static class ContentHash
{
    private const int BufferSize = 1 << 20;

    /// <summary>Lower-case hex of the hash of <paramref name="data"/>.</summary>
    public static string Of(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>The hash of a file read as a stream (for videos and other files too large to hold in memory).</summary>
    public static async Task<string> OfFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, BufferSize,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Whether <paramref name="value"/> has the shape of a content hash (64 lower-case hex digits).</summary>
    public static bool IsValid(string? value) =>
        value is { Length: 64 } && value.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
