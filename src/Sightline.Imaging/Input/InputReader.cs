using System.Security;

namespace Sightline.Imaging;

/// <summary>
/// Reads encoded bytes with the size limit enforced before and during reading, so an oversized
/// file is refused from its metadata and an endless stream is cut off one byte past the limit.
/// </summary>
internal static class InputReader
{
    private const int StreamChunk = 81920;

    /// <summary>Checks that the path is a readable-looking, non-empty file within the limit; returns its length.</summary>
    public static long CheckFile(string path, ImageLimits limits)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        FileInfo file;
        try
        {
            if (Directory.Exists(path))
            {
                throw ImageErrors.IsDirectory(path);
            }

            file = new FileInfo(path);
            if (!file.Exists)
            {
                throw ImageErrors.NotFound(path);
            }
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or SecurityException or NotSupportedException)
        {
            throw ImageErrors.CannotOpen(path, e);
        }

        long length = file.Length;
        if (length == 0)
        {
            throw ImageErrors.Empty(path);
        }

        if (length > limits.MaxFileBytes)
        {
            throw ImageErrors.TooLarge(path, length, limits.MaxFileBytes);
        }

        return length;
    }

    public static FileStream OpenFile(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw ImageErrors.NotFound(path);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or SecurityException or NotSupportedException)
        {
            throw ImageErrors.CannotOpen(path, e);
        }
    }

    /// <summary>Reads the whole file, re-checking the limit in case it grew after <see cref="CheckFile"/>.</summary>
    public static ReadOnlyMemory<byte> ReadFile(string path, ImageLimits limits)
    {
        CheckFile(path, limits);
        using FileStream stream = OpenFile(path);
        try
        {
            return ReadBounded(stream, path, limits);
        }
        catch (IOException e)
        {
            throw ImageErrors.CannotOpen(path, e);
        }
    }

    /// <summary>Reads the first bytes of a file for format detection.</summary>
    public static int ReadHead(string path, Span<byte> head)
    {
        using FileStream stream = OpenFile(path);
        try
        {
            return stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (IOException e)
        {
            throw ImageErrors.CannotOpen(path, e);
        }
    }

    /// <summary>
    /// Reads to the end of <paramref name="stream"/>, never requesting more than MaxFileBytes + 1 bytes
    /// in total: the extra byte is how an oversized stream is noticed.
    /// </summary>
    public static ReadOnlyMemory<byte> ReadBounded(Stream stream, string source, ImageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }

        // Arrays cap what fits in memory at once; a larger limit cannot be honoured anyway.
        long max = Math.Min(limits.MaxFileBytes, Array.MaxLength - 1);
        long cap = max + 1;

        long initial = StreamChunk;
        if (stream.CanSeek)
        {
            long remaining = Math.Max(0, stream.Length - stream.Position);
            if (remaining > max)
            {
                throw ImageErrors.TooLarge(source, remaining, limits.MaxFileBytes);
            }

            // One spare byte lets the end be seen without growing the buffer.
            initial = remaining + 1;
        }

        byte[] buffer = new byte[(int)Math.Min(initial, cap)];
        int total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (buffer.Length >= cap)
                {
                    break;
                }

                Array.Resize(ref buffer, (int)Math.Min(Math.Max(buffer.Length * 2L, StreamChunk), cap));
            }

            int read = stream.Read(buffer, total, buffer.Length - total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        if (total > max)
        {
            throw ImageErrors.TooLarge(source, null, limits.MaxFileBytes);
        }

        if (total == 0)
        {
            throw ImageErrors.Empty(source);
        }

        return new ReadOnlyMemory<byte>(buffer, 0, total);
    }
}
