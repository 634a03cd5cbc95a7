using System.Diagnostics;
using System.Net.Sockets;
using Sightline.Library.Scanning;
using Sightline.Library.Tests.Support;

namespace Sightline.Library.Tests.Scanning;

/// <summary>Folders made in code: every file once, in order, with its kind, and the file system's odd corners reported, never thrown or hung on.</summary>
public class FileScannerTests
{
    private static Dictionary<string, ScannedFile> ByName(IEnumerable<ScannedFile> files, string root) =>
        files.ToDictionary(f => Path.GetRelativePath(root, f.Path.TrimEnd('/')), StringComparer.Ordinal);

    [Fact]
    public void Scan_TellsPhotosVideosSidecarsAndJunkByTheirBytes()
    {
        using var dir = new TempFolder();
        dir.Write("photo.jpg", Images.Jpeg());
        dir.Write("really-a-jpeg.png", Images.Jpeg());
        dir.Write("scan", Images.Png());
        dir.Write("clip.mp4", Images.Mp4Head);
        dir.Write("clip.mov", Images.MovHead);
        dir.Write("old.avi", Images.AviHead);
        dir.Write("web.webm", Images.WebmHead);
        dir.Write("film.mkv", Images.MkvHead);
        dir.Write("photo.xmp", "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>"u8.ToArray());
        dir.Write("photo.jpg.json", "{\"title\": \"photo.jpg\"}"u8.ToArray());
        dir.Write("lonely.json", "{\"title\": \"gone.jpg\"}"u8.ToArray());
        dir.Write("IMG_0001.AAE", "<?xml version=\"1.0\"?><plist/>"u8.ToArray());
        dir.Write("MVI_0001.THM", Images.Jpeg());
        dir.Write("notes.txt", "shopping list: milk, bread\n"u8.ToArray());
        dir.Write("archive.zip", [.. "PK\u0003\u0004"u8, .. new byte[40]]);
        dir.Write("layers.psd", [.. "8BPS"u8, 0, 1, .. new byte[30]]);
        dir.Write("noise.bin", [0x00, 0x13, 0x99, 0xFE, 0x01, 0x02, 0x03, 0x04]);
        dir.Write("empty.jpg", []);
        dir.Write(".DS_Store", [0, 0, 0, 1, .. "Bud1"u8]);
        dir.Write(".trash/deleted.jpg", Images.Jpeg());
        dir.Write(".trash/more.jpg", Images.Jpeg());

        List<ScannedFile> files = FileScanner.Scan(dir.Path).ToList();
        var byName = ByName(files, dir.Path);

        Assert.Equal(files.Select(f => f.Path).Order(StringComparer.Ordinal), files.Select(f => f.Path));
        Assert.Equal(21 - 1, files.Count); // the hidden folder's two files are one entry
        Assert.Equal((FileKind.Photo, "jpeg"), (byName["photo.jpg"].Kind, byName["photo.jpg"].Format));
        Assert.Equal((FileKind.Photo, "jpeg"), (byName["really-a-jpeg.png"].Kind, byName["really-a-jpeg.png"].Format));
        Assert.Equal((FileKind.Photo, "png"), (byName["scan"].Kind, byName["scan"].Format));
        Assert.Equal((FileKind.Video, "mp4"), (byName["clip.mp4"].Kind, byName["clip.mp4"].Format));
        Assert.Equal((FileKind.Video, "mov"), (byName["clip.mov"].Kind, byName["clip.mov"].Format));
        Assert.Equal((FileKind.Video, "avi"), (byName["old.avi"].Kind, byName["old.avi"].Format));
        Assert.Equal((FileKind.Video, "webm"), (byName["web.webm"].Kind, byName["web.webm"].Format));
        Assert.Equal((FileKind.Video, "mkv"), (byName["film.mkv"].Kind, byName["film.mkv"].Format));
        foreach (string sidecar in new[] { "photo.xmp", "photo.jpg.json", "IMG_0001.AAE", "MVI_0001.THM" })
            Assert.Equal(FileKind.Sidecar, byName[sidecar].Kind);
        Assert.Equal((FileKind.Ignored, "not an image or video (JSON with no photo or video beside it)"), (byName["lonely.json"].Kind, byName["lonely.json"].Reason));
        Assert.Equal("not an image or video (text)", byName["notes.txt"].Reason);
        Assert.Equal("not an image or video (ZIP archive)", byName["archive.zip"].Reason);
        Assert.Equal("unsupported format (PSD)", byName["layers.psd"].Reason);
        Assert.Equal("not an image or video (unknown content)", byName["noise.bin"].Reason);
        Assert.Equal("empty file (0 bytes)", byName["empty.jpg"].Reason);
        Assert.Equal((FileKind.Ignored, FileScanner.HiddenFile), (byName[".DS_Store"].Kind, byName[".DS_Store"].Reason));
        Assert.Equal((FileKind.Ignored, FileScanner.HiddenFolder), (byName[".trash"].Kind, byName[".trash"].Reason));
        Assert.EndsWith("/", byName[".trash"].Path);
        Assert.Equal(new FileInfo(Path.Combine(dir.Path, "photo.jpg")).Length, byName["photo.jpg"].Size);
        Assert.All(files.Where(f => f.Kind is FileKind.Ignored or FileKind.Failed), f => Assert.False(string.IsNullOrEmpty(f.Reason)));

        // The watcher's judgement of one file is the scan's.
        foreach (ScannedFile file in files.Where(f => !f.Path.EndsWith('/')))
            Assert.Equal(file, FileScanner.Classify(file.Path));
    }

    [Fact]
    public void Scan_OfTenThousandFiles_ReportsEachOnceInOrder_AndListsSubfoldersOnlyWhenReached()
    {
        using var dir = new TempFolder();
        byte[] png = Images.Png(2, 2);
        for (int i = 0; i < 10_000; i++)
            File.WriteAllBytes(Path.Combine(dir.Path, $"a{i:D5}.png"), i % 2 == 0 ? png : []);
        dir.Folder("b");

        using IEnumerator<ScannedFile> walk = FileScanner.Scan(dir.Path).GetEnumerator();
        Assert.True(walk.MoveNext());
        // Made after the walk began: seen, because a subfolder is read when the walk reaches it, not up front.
        dir.Write("b/late.png", png);
        var files = new List<ScannedFile> { walk.Current };
        while (walk.MoveNext())
            files.Add(walk.Current);

        Assert.Equal(10_001, files.Count);
        Assert.Equal(files.Count, files.Select(f => f.Path).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(files.Select(f => f.Path).Order(StringComparer.Ordinal), files.Select(f => f.Path));
        Assert.Equal(5_001, files.Count(f => f is { Kind: FileKind.Photo, Format: "png" }));
        Assert.Equal(5_000, files.Count(f => f.Reason == "empty file (0 bytes)"));
        Assert.Equal(Path.Combine(dir.Path, "b", "late.png"), files[^1].Path);
    }

    [Fact]
    public void Scan_EndsSymbolicLinkLoops_AndFollowsAFolderOnlyOnce()
    {
        using var dir = new TempFolder();
        using var outside = new TempFolder();
        dir.Write("photo.jpg", Images.Jpeg());
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "a"), ".");
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "b"), "..");
        dir.Write("sub/inner.jpg", Images.Jpeg());
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "sub", "up"), "..");
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "c-link-to-sub"), "sub");
        outside.Write("far.jpg", Images.Jpeg());
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "ext1"), outside.Path);
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "ext2"), outside.Path);

        var files = FileScanner.Scan(dir.Path).ToList();
        var byName = ByName(files, dir.Path);

        Assert.Equal(FileScanner.FolderLinkLoop, byName["a"].Reason);
        Assert.Equal(FileScanner.FolderLinkLoop, byName["b"].Reason);
        Assert.Equal(FileScanner.FolderLinkLoop, byName["sub/up"].Reason);
        Assert.Equal(FileScanner.FolderLinkInside, byName["c-link-to-sub"].Reason);
        Assert.Equal(FileKind.Photo, byName["ext1/far.jpg"].Kind);
        Assert.Equal((FileKind.Ignored, FileScanner.FolderLinkLoop), (byName["ext2"].Kind, byName["ext2"].Reason));
        Assert.Equal(FileKind.Photo, byName["sub/inner.jpg"].Kind);
        Assert.Equal(FileKind.Photo, byName["photo.jpg"].Kind);
        Assert.Equal(8, files.Count);
    }

    [Fact]
    public void Scan_FollowsALinkToAFile_UnderTheLinksPath_AndFailsADanglingOne()
    {
        using var dir = new TempFolder();
        using var outside = new TempFolder();
        string target = outside.Write("real.jpg", Images.Jpeg(40, 30));
        File.CreateSymbolicLink(Path.Combine(dir.Path, "linked.jpg"), target);
        File.CreateSymbolicLink(Path.Combine(dir.Path, "dangling.jpg"), Path.Combine(outside.Path, "gone.jpg"));

        var byName = ByName(FileScanner.Scan(dir.Path), dir.Path);

        Assert.Equal((FileKind.Photo, "jpeg", new FileInfo(target).Length), (byName["linked.jpg"].Kind, byName["linked.jpg"].Format, byName["linked.jpg"].Size));
        Assert.Equal(Path.Combine(dir.Path, "linked.jpg"), byName["linked.jpg"].Path);
        Assert.Equal((FileKind.Failed, FileScanner.BrokenLink), (byName["dangling.jpg"].Kind, byName["dangling.jpg"].Reason));
        Assert.Equal(byName["dangling.jpg"], FileScanner.Classify(Path.Combine(dir.Path, "dangling.jpg")));
    }

    [Fact]
    public void Scan_WithinItsFolder_IgnoresLinksLeadingOut_AndFollowsLinksThatStayIn()
    {
        using var dir = new TempFolder();
        using var outside = new TempFolder();
        string far = outside.Write("far.jpg", Images.Jpeg(40, 30));
        dir.Write("sub/near.jpg", Images.Jpeg(30, 20));
        File.CreateSymbolicLink(Path.Combine(dir.Path, "out.jpg"), far);
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "out-folder"), outside.Path);
        File.CreateSymbolicLink(Path.Combine(dir.Path, "alias.jpg"), Path.Combine(dir.Path, "sub", "near.jpg"));
        // A link whose own path runs through a folder link out of the source is outside too.
        File.CreateSymbolicLink(Path.Combine(dir.Path, "sneaky.jpg"), Path.Combine(dir.Path, "out-folder", "far.jpg"));

        var byName = ByName(FileScanner.Scan(dir.Path, linksWithin: dir.Path), dir.Path);

        Assert.Equal((FileKind.Ignored, FileScanner.LinkOutside), (byName["out.jpg"].Kind, byName["out.jpg"].Reason));
        Assert.Equal((FileKind.Ignored, FileScanner.LinkOutside), (byName["out-folder"].Kind, byName["out-folder"].Reason));
        Assert.Equal((FileKind.Ignored, FileScanner.LinkOutside), (byName["sneaky.jpg"].Kind, byName["sneaky.jpg"].Reason));
        Assert.Equal(FileKind.Photo, byName["alias.jpg"].Kind);
        Assert.Equal(FileKind.Photo, byName["sub/near.jpg"].Kind);
        Assert.DoesNotContain(byName.Keys, k => k.StartsWith("out-folder/", StringComparison.Ordinal));
        Assert.Equal(FileScanner.LinkOutside, FileScanner.Classify(Path.Combine(dir.Path, "out.jpg"), dir.Path).Reason);
        Assert.Equal(FileKind.Photo, FileScanner.Classify(Path.Combine(dir.Path, "out.jpg")).Kind);
        Assert.True(FileScanner.LiesWithin(Path.Combine(dir.Path, "alias.jpg"), dir.Path));
        Assert.False(FileScanner.LiesWithin(Path.Combine(dir.Path, "sneaky.jpg"), dir.Path));
    }

    [Fact]
    public void Scan_HandlesOddFileNames()
    {
        using var dir = new TempFolder();
        string[] names = ["with space.jpg", "ünïcödé-日本.jpg", "emoji-📷🌄.jpg", "new\nline.jpg", new string('x', 251) + ".jpg", "brackets [1] (2).jpg"];
        foreach (string name in names)
            dir.Write(name, Images.Jpeg());
        bool invalidUtf8 = OperatingSystem.IsLinux() && Run("sh", "-c", "touch \"$(printf 'bad\\377name.jpg')\"", dir.Path);

        var files = FileScanner.Scan(dir.Path).ToList();

        foreach (string name in names)
            Assert.Equal((FileKind.Photo, "jpeg"), files.Where(f => Path.GetFileName(f.Path) == name).Select(f => (f.Kind, f.Format)).Single());
        Assert.Equal(names.Length + (invalidUtf8 ? 1 : 0), files.Count);
        if (invalidUtf8)
        {
            // .NET cannot name this file again; it is reported, not lost.
            ScannedFile bad = files.Single(f => !names.Contains(Path.GetFileName(f.Path)));
            Assert.NotEqual(FileKind.Photo, bad.Kind);
            Assert.False(string.IsNullOrEmpty(bad.Reason));
        }
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Scan_ReportsFilesThatCannotBeRead_WithoutBlocking()
    {
        using var dir = new TempFolder();
        dir.Write("fine.jpg", Images.Jpeg());
        bool fifo = Run("mkfifo", Path.Combine(dir.Path, "pipe.jpg"));
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(dir.Path, "socket.jpg")));
        bool root = Environment.UserName == "root";
        string locked = dir.Write("locked.jpg", Images.Jpeg());
        string lockedFolder = dir.Folder("locked-folder");
        dir.Write("locked-folder/inside.jpg", Images.Jpeg());
        if (root)
        {
            // Root reads any file whatever its mode; the kernel refuses to read this one (Input/output error) all the same.
            File.CreateSymbolicLink(Path.Combine(dir.Path, "proc-mem.jpg"), "/proc/self/mem");
        }
        else
        {
            File.SetUnixFileMode(locked, UnixFileMode.None);
            File.SetUnixFileMode(lockedFolder, UnixFileMode.None);
        }

        try
        {
            // A named pipe opened for reading waits for a writer: the scan must not.
            // A bound on a hang, not on speed.
            var scanned = await Task.Run(() => FileScanner.Scan(dir.Path).ToList()).WaitAsync(TimeSpan.FromMinutes(2));
            var byName = ByName(scanned, dir.Path);

            Assert.Equal(FileKind.Photo, byName["fine.jpg"].Kind);
            if (fifo)
                Assert.Equal((FileKind.Failed, "cannot be read (named pipe, not a regular file)"), (byName["pipe.jpg"].Kind, byName["pipe.jpg"].Reason));
            Assert.Equal(FileKind.Failed, byName["socket.jpg"].Kind);
            Assert.Contains("socket", byName["socket.jpg"].Reason);
            if (root)
            {
                Assert.Equal((FileKind.Failed, "cannot be read (Input/output error)"), (byName["proc-mem.jpg"].Kind, byName["proc-mem.jpg"].Reason));
                Assert.Equal(FileKind.Photo, byName["locked.jpg"].Kind);
            }
            else
            {
                Assert.Equal((FileKind.Failed, "cannot be read (Permission denied)"), (byName["locked.jpg"].Kind, byName["locked.jpg"].Reason));
                Assert.Equal((FileKind.Failed, "folder cannot be read (Permission denied)"), (byName["locked-folder"].Kind, byName["locked-folder"].Reason));
            }
        }
        finally
        {
            if (!root)
            {
                File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                File.SetUnixFileMode(lockedFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }

    [Fact]
    public void Scan_OfAMissingFolder_SaysWhichAndWhy()
    {
        string missing = Path.Combine(Path.GetTempPath(), "sightline-missing-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<DirectoryNotFoundException>(() => FileScanner.Scan(missing));
        Assert.Contains(missing, e.Message);
    }

    [Fact]
    public void Scan_StopsWhenCancelled()
    {
        using var dir = new TempFolder();
        dir.Write("a.jpg", Images.Jpeg());
        dir.Write("b.jpg", Images.Jpeg());
        using var cancel = new CancellationTokenSource();
        using IEnumerator<ScannedFile> walk = FileScanner.Scan(dir.Path, cancel.Token).GetEnumerator();
        Assert.True(walk.MoveNext());
        cancel.Cancel();
        Assert.Throws<OperationCanceledException>(() => walk.MoveNext());
    }

    private static bool Run(string program, params string[] arguments) => RunIn(null, program, arguments);

    private static bool Run(string program, string flag, string script, string workingDirectory) => RunIn(workingDirectory, program, [flag, script]);

    private static bool RunIn(string? workingDirectory, string program, string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory ?? "", UseShellExecute = false };
            foreach (string argument in arguments)
                start.ArgumentList.Add(argument);
            using Process process = Process.Start(start)!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // the tool is not installed: that case is not made
        }
    }
}
