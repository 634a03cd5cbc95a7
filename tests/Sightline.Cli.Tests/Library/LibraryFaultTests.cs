using System.Diagnostics;
using Sightline.Library;
using Sightline.Tests.Shared;

namespace Sightline.Cli.Tests.Library;

/// <summary>
/// Faults of a real ingestion: the built CLI killed with SIGKILL at several points of a scan, and the disk holding
/// the library running full (a small tmpfs, mounted as root).
/// </summary>
public sealed class LibraryFaultTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sightline-library-faults-").FullName;
    private string? _mounted;

    public void Dispose()
    {
        if (_mounted is not null)
            Run("umount", _mounted);
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary><paramref name="count"/> coco128 photos copied into a new folder (distinct content each).</summary>
    private string Photos(string name, int count)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, name)).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.Data("coco128-train"), "images"), "*.jpg").Order(StringComparer.Ordinal).Take(count))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        return folder;
    }

    /// <summary>The CLI as its own process, from the test's output folder (where the build puts sightline.dll, its runtime configuration and its dependencies).</summary>
    private static Process Start(params string[] args)
    {
        var bin = AppContext.BaseDirectory;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(bin, "sightline.dll") }.Concat(args))
            info.ArgumentList.Add(arg);
        return Process.Start(info) ?? throw new InvalidOperationException("the CLI did not start");
    }

    private static async Task<long> PhotosStoredAsync(string library)
    {
        await using var opened = await PhotoLibrary.OpenAsync(library);
        return (await opened.Store.GetCountsAsync()).Photos;
    }

    /// <summary>Starts a scan and kills it (SIGKILL) once at least <paramref name="photos"/> photos are committed; false when it finished first.</summary>
    private static async Task<bool> ScanAndKillAtAsync(string library, long photos)
    {
        using var process = Start("library", "scan", library);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (!process.HasExited && DateTime.UtcNow < deadline)
        {
            if (await PhotosStoredAsync(library) >= photos)
            {
                process.Kill();
                await process.WaitForExitAsync();
                return true;
            }
            await Task.Delay(100);
        }
        await process.WaitForExitAsync();
        return false;
    }

    private static async Task AssertConsistentAsync(string library, int files)
    {
        await using var opened = await PhotoLibrary.OpenAsync(library);
        var integrity = await opened.Store.CheckIntegrityAsync();
        Assert.True(integrity.Ok, string.Join("; ", integrity.Problems));
        var counts = await opened.Store.GetCountsAsync();
        // Every photo once: as many items as paths, none beyond the files on disk.
        Assert.Equal(counts.Photos, counts.PhotoPaths);
        Assert.InRange(counts.Photos, 0, files);
    }

    [Fact]
    public async Task Killed_with_sigkill_at_several_points_a_scan_resumes_and_ends_as_a_clean_run()
    {
        const int files = 30;
        var photos = Photos("photos", files);
        var library = Path.Combine(_dir, "killed");
        var clean = Path.Combine(_dir, "clean");
        foreach (var lib in new[] { library, clean })
        {
            Assert.Equal(0, (await CliRunner.RunAsync("library", "init", lib, "--tasks", "detect,embed")).ExitCode);
            await using var opened = await PhotoLibrary.OpenAsync(lib);
            await opened.AddFoldersAsync([photos]);
        }

        // After the first commit, about midway, and late.
        var killedRunning = new List<bool>();
        foreach (var point in new long[] { 1, files / 2, files - 4 })
        {
            killedRunning.Add(await ScanAndKillAtAsync(library, point));
            await AssertConsistentAsync(library, files);
        }
        Assert.True(killedRunning[0], "the first scan finished before it could be killed");

        var resumed = await CliRunner.RunAsync("--json", "library", "scan", library);
        Assert.Equal(ExitCodes.Ok, resumed.ExitCode);
        Assert.Equal(0, resumed.Json.GetProperty("failed").GetInt32());
        Assert.Equal(ExitCodes.Ok, (await CliRunner.RunAsync("library", "scan", clean)).ExitCode);

        var killedStatus = (await CliRunner.RunAsync("--json", "library", "status", library)).Json;
        var cleanStatus = (await CliRunner.RunAsync("--json", "library", "status", clean)).Json;
        foreach (var count in new[] { "photos", "photoPaths", "failed", "faces" })
            Assert.Equal(cleanStatus.GetProperty("counts").GetProperty(count).GetInt64(), killedStatus.GetProperty("counts").GetProperty(count).GetInt64());
        Assert.Equal(files, killedStatus.GetProperty("counts").GetProperty("photos").GetInt64());
        Assert.Equal(cleanStatus.GetProperty("counts").GetProperty("analysesByTask").ToString(), killedStatus.GetProperty("counts").GetProperty("analysesByTask").ToString());
        Assert.Equal(0, killedStatus.GetProperty("outdatedAnalyses").GetInt64());
        await AssertConsistentAsync(library, files);
    }

    [Fact]
    public async Task A_full_disk_stops_the_scan_with_exit_8_keeps_what_was_ingested_and_a_later_scan_finishes()
    {
        var disk = Directory.CreateDirectory(Path.Combine(_dir, "disk")).FullName;
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk);
        Assert.True(code == 0, $"this test mounts a 1 MB tmpfs to fill for real, which needs root: mount said {error}");
        _mounted = disk;
        var library = Path.Combine(disk, "lib");
        var photos = Photos("photos", 40);
        var first = Directory.CreateDirectory(Path.Combine(_dir, "first")).FullName;
        foreach (var file in Directory.GetFiles(photos).Order(StringComparer.Ordinal).Take(3))
            File.Move(file, Path.Combine(first, Path.GetFileName(file)));

        Assert.Equal(0, (await CliRunner.RunAsync("library", "init", library, "--tasks", "none")).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("library", "add", library, first)).ExitCode);

        var full = await CliRunner.RunAsync("library", "add", library, photos);
        Assert.Equal(ExitCodes.Library, full.ExitCode);
        Assert.Contains("is full", full.Error);
        Assert.Contains("the disk holding", full.Error);

        await using (var opened = await PhotoLibrary.OpenAsync(library))
        {
            var integrity = await opened.Store.CheckIntegrityAsync();
            Assert.True(integrity.Ok, string.Join("; ", integrity.Problems));
            var counts = await opened.Store.GetCountsAsync();
            Assert.InRange(counts.Photos, 3, 39);
            foreach (var file in Directory.GetFiles(first))
                Assert.NotNull(await opened.Store.FindByHashAsync(await Sightline.Library.Scanning.ContentHash.OfFileAsync(file)));
        }

        Assert.Equal(0, Run("mount", "-o", "remount,size=64m", disk).Code);
        var finished = await CliRunner.RunAsync("--json", "library", "scan", library);
        Assert.Equal(ExitCodes.Ok, finished.ExitCode);
        await using (var opened = await PhotoLibrary.OpenAsync(library))
        {
            var counts = await opened.Store.GetCountsAsync();
            Assert.Equal((40, 40, 0), (counts.Photos, counts.PhotoPaths, counts.Failed));
            Assert.True((await opened.Store.CheckIntegrityAsync()).Ok);
        }
    }

    private static (int Code, string Error) Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        try
        {
            using var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error.Trim());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
