namespace Sightline.Library.Ingestion;

/// <summary>Recognises the failures of the disk itself, which stop a scan instead of failing one file.</summary>
public static class StorageFaults
{
    private const int Enospc = 28; // Linux and macOS errno
    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);

    /// <summary>Whether <paramref name="e"/> (or what it wraps) says the disk has no space left.</summary>
    public static bool IsDiskFull(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is IOException io && (io.HResult is Enospc or WindowsDiskFull or WindowsHandleDiskFull
                || io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase)
                || io.Message.Contains("disk full", StringComparison.OrdinalIgnoreCase)))
                return true;
            if (e is LibraryStoreException store && (store.Message.Contains(" is full", StringComparison.OrdinalIgnoreCase)
                || store.Message.Contains("disk full", StringComparison.OrdinalIgnoreCase)))
                return true;
        }
        return false;
    }

    /// <summary>The scan's message for a full disk: where, and what to do.</summary>
    public static LibraryStoreException DiskFull(string folder, Exception cause) =>
        new($"the disk holding {folder} is full ({Innermost(cause).Message}): what was ingested before is kept; free some space and run 'sightline library scan {folder}' again", cause);

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
            e = e.InnerException;
        return e;
    }
}
