namespace Sightline.Library;

/// <summary>Writes a file so that a reader or a killed process sees the old content or the new one, never a part.</summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string text) => Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, leaveOpen: true);
        writer.Write(text);
    });

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    private static void Write(string path, Action<Stream> write)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Copies a file so that <paramref name="destination"/> appears whole or not at all; an existing destination is an IOException, never overwritten.</summary>
    public static long Copy(string source, string destination)
    {
        var temporary = $"{destination}.{Environment.ProcessId}.tmp";
        try
        {
            long length;
            using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read))
            using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                input.CopyTo(output);
                output.Flush(flushToDisk: true);
                length = output.Length;
            }
            File.Move(temporary, destination, overwrite: false);
            return length;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Makes a symbolic link appear whole or not at all (made under a temporary name, then renamed); an existing destination is an IOException.</summary>
    public static void Link(string target, string destination)
    {
        var temporary = $"{destination}.{Environment.ProcessId}.tmp";
        try
        {
            File.CreateSymbolicLink(temporary, target);
            File.Move(temporary, destination, overwrite: false);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
