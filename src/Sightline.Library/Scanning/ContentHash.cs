namespace Sightline.Library.Scanning;

/// <summary>The identity of a photo: a hash of its bytes, the same for a moved, renamed or copied file.</summary>
public static class ContentHash
{
    /// <summary>Lower-case hex of the hash of <paramref name="data"/>.</summary>
    public static string Of(ReadOnlySpan<byte> data) =>
        throw new NotImplementedException("hashing comes with the scanning work");

    /// <summary>The hash of a file read as a stream (for videos and other files too large to hold in memory).</summary>
    public static Task<string> OfFileAsync(string path, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("hashing comes with the scanning work");
}
