using System.Runtime.InteropServices;

namespace Sightline.Imaging;

/// <summary>What a directory entry is, as the file system says (not its content).</summary>
public enum FileNodeType
{
    Regular,
    Directory,
    SymbolicLink,
    NamedPipe,
    Socket,
    CharacterDevice,
    BlockDevice,
    Unknown,
}

/// <summary>A file system node: its type and its identity (device and inode), the same under every path that reaches it.</summary>
public readonly record struct FileNode(FileNodeType Type, ulong Device, ulong Inode)
{
    /// <summary>Words for users: "named pipe", "socket", ...</summary>
    public string TypeName => Type switch
    {
        FileNodeType.NamedPipe => "named pipe",
        FileNodeType.Socket => "socket",
        FileNodeType.CharacterDevice => "character device",
        FileNodeType.BlockDevice => "block device",
        FileNodeType.Directory => "folder",
        FileNodeType.SymbolicLink => "symbolic link",
        FileNodeType.Regular => "regular file",
        _ => "unknown file type",
    };
}

/// <summary>
/// The file type and identity of a path. .NET exposes neither (a named pipe looks like an empty file, and opening
/// it blocks until a writer comes), so on Linux they come from statx, whose record layout is the same on every
/// architecture. Elsewhere <see cref="Of"/> answers null and callers fall back to what .NET tells.
/// </summary>
public static partial class FileNodes
{
    private const int AtCurrentDirectory = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxInode = 0x100;
    private const int StatxRecordSize = 256;
    private const int ENOSYS = 38;

    private static bool _unavailable = !OperatingSystem.IsLinux();

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int directory, string path, int flags, uint mask, byte* record);

    /// <summary>
    /// The node at <paramref name="path"/> (following symbolic links unless <paramref name="followLinks"/> is false);
    /// null where the platform cannot tell. Throws <see cref="IOException"/> with the system's message when the path
    /// cannot be examined (missing, a broken link, permission).
    /// </summary>
    public static unsafe FileNode? Of(string path, bool followLinks = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (_unavailable)
            return null;
        byte* record = stackalloc byte[StatxRecordSize];
        int result;
        try
        {
            result = Statx(AtCurrentDirectory, path, followLinks ? 0 : AtSymlinkNoFollow, StatxType | StatxInode, record);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
            return null;
        }

        if (result != 0)
        {
            int error = Marshal.GetLastPInvokeError();
            if (error == ENOSYS)
            {
                _unavailable = true;
                return null;
            }

            throw new IOException(Marshal.GetPInvokeErrorMessage(error), error);
        }

        var bytes = new ReadOnlySpan<byte>(record, StatxRecordSize);
        // The record is in the machine's own byte order.
        ushort mode = MemoryMarshal.Read<ushort>(bytes[28..]);
        ulong inode = MemoryMarshal.Read<ulong>(bytes[32..]);
        ulong device = ((ulong)MemoryMarshal.Read<uint>(bytes[136..]) << 32) | MemoryMarshal.Read<uint>(bytes[140..]);
        return new FileNode(TypeOf(mode), device, inode);
    }

    private static FileNodeType TypeOf(ushort mode) => (mode & 0xF000) switch
    {
        0x8000 => FileNodeType.Regular,
        0x4000 => FileNodeType.Directory,
        0xA000 => FileNodeType.SymbolicLink,
        0x1000 => FileNodeType.NamedPipe,
        0xC000 => FileNodeType.Socket,
        0x2000 => FileNodeType.CharacterDevice,
        0x6000 => FileNodeType.BlockDevice,
        _ => FileNodeType.Unknown,
    };
}
